package io.commandcenter.hub.testing;

import com.google.protobuf.Timestamp;
import io.commandcenter.proto.v1.HealthSample;
import io.commandcenter.proto.v1.IngestRequest;
import io.commandcenter.proto.v1.TelemetryRecord;

import java.time.Instant;

/** Wire records for tests. */
public final class Records {
    private Records() {
    }

    public static Timestamp ts(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }

    public static HealthSample.Builder sample(String id, String service, Instant time, double latency) {
        return HealthSample.newBuilder().setRecordId(id).setService(service).setTime(ts(time)).setLatencyMs(latency)
                .setErrorRate(0.01);
    }

    public static IngestRequest request(HealthSample.Builder sample) {
        return IngestRequest.newBuilder().setRecord(TelemetryRecord.newBuilder().setHealthSample(sample)).build();
    }
}
