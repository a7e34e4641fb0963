package io.commandcenter.hub.events.grpc;

import com.google.protobuf.Struct;
import com.google.protobuf.util.JsonFormat;
import io.commandcenter.proto.v1.AuditResult;
import io.commandcenter.proto.v1.AuditStatus;
import io.commandcenter.proto.v1.ComplianceResult;
import io.commandcenter.proto.v1.ComplianceStatus;
import io.commandcenter.proto.v1.EntityRef;
import io.commandcenter.proto.v1.HealthSample;
import io.commandcenter.proto.v1.IngestResponse;
import io.commandcenter.proto.v1.Severity;
import io.commandcenter.proto.v1.TaskRecord;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The direct conversion must give exactly what printing and parsing the JSON mapping gives. */
class ProtoStructsTest {

    static Struct viaJson(com.google.protobuf.Message message) throws Exception {
        Struct.Builder builder = Struct.newBuilder();
        JsonFormat.parser().merge(io.commandcenter.common.proto.ProtoJson.print(message), builder);
        return builder.build();
    }

    @Test
    void matchesTheJsonMapping_forEveryFieldKindTheEventsCarry() throws Exception {
        HealthSample sample = HealthSample.newBuilder().setRecordId("r-1").setService("api")
                .setTime(com.google.protobuf.Timestamp.newBuilder().setSeconds(1_700_000_000).setNanos(123_000))
                .setLatencyMs(12.5).setErrorRate(0).setCpu(0.25).putMetrics("queue", 3).putMetrics("gc.ms", 1.5)
                .build();
        AuditResult audit = AuditResult.newBuilder().setRecordId("a").setTarget(EntityRef.newBuilder().setKind("service").setId("x"))
                .setSuite("cis").setStatus(AuditStatus.AUDIT_STATUS_FAILED)
                .addResults(ComplianceResult.newBuilder().setControlId("1.1")
                        .setStatus(ComplianceStatus.COMPLIANCE_STATUS_NON_COMPLIANT).setSeverity(Severity.SEVERITY_HIGH))
                .build();
        TaskRecord task = TaskRecord.newBuilder().setTaskId("t").setName("n")
                .setExecutionTime(com.google.protobuf.Duration.newBuilder().setSeconds(2).setNanos(500_000_000)).build();
        IngestResponse counts = IngestResponse.newBuilder().setReceived(5_000_000_000L).setAccepted(3).build();

        for (com.google.protobuf.Message message : new com.google.protobuf.Message[]{sample, audit, task, counts}) {
            assertThat(ProtoStructs.toStruct(message)).isEqualTo(viaJson(message));
        }
    }

    @Test
    void printsTimestampsAsTheMappingDoes_acrossItsRangeAndEveryFractionLength() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(18);
        long min = com.google.protobuf.util.Timestamps.MIN_VALUE.getSeconds();
        long max = com.google.protobuf.util.Timestamps.MAX_VALUE.getSeconds();
        int[] nanos = {0, 1, 999, 1_000, 1_000_000, 123_000_000, 123_456_000, 123_456_789, 999_999_999, 500_000_000};
        int[] grains = {1, 1_000, 1_000_000, 1_000_000_000};
        java.util.List<com.google.protobuf.Timestamp> cases = new java.util.ArrayList<>();
        for (long seconds : new long[]{min, max, 0, -1, 1, 1_700_000_000L, 253_402_300_799L - 1}) {
            for (int n : nanos) {
                cases.add(com.google.protobuf.Timestamp.newBuilder().setSeconds(seconds).setNanos(n).build());
            }
        }
        for (int i = 0; i < 2_000; i++) {
            cases.add(com.google.protobuf.Timestamp.newBuilder().setSeconds(random.nextLong(min, max + 1))
                    .setNanos(random.nextInt(1_000_000_000) / grains[i % grains.length] * grains[i % grains.length])
                    .build());
        }
        for (com.google.protobuf.Timestamp t : cases) {
            assertThat(ProtoStructs.timestamp(t)).as("%s", t).isEqualTo(com.google.protobuf.util.Timestamps.toString(t));
        }
    }

    @Test
    void refusesTimestampsOutsideTheMappingsRange_asBefore() {
        com.google.protobuf.Timestamp tooLate = com.google.protobuf.Timestamp.newBuilder()
                .setSeconds(com.google.protobuf.util.Timestamps.MAX_VALUE.getSeconds() + 1).build();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ProtoStructs.timestamp(tooLate))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void healthSamplesStruct_fromTheRecord_isTheMessagesMapping_withAndWithoutEachOptionalField() throws Exception {
        java.time.Instant t = java.time.Instant.parse("2026-12-06T13:30:00.123456Z");
        java.util.List<io.commandcenter.hub.telemetry.HealthSampleRecord> records = java.util.List.of(
                new io.commandcenter.hub.telemetry.HealthSampleRecord("r-1", "api", t, 0.99, 12.5, 0.0, 0.25, 0.5,
                        java.util.Map.of("queue", 3.0, "gc.ms", 1.5, "neg", -0.0)),
                new io.commandcenter.hub.telemetry.HealthSampleRecord("r-2", "db:primary", t.plusNanos(1), null, 7.0,
                        null, null, null, java.util.Map.of()),
                new io.commandcenter.hub.telemetry.HealthSampleRecord("r-3", "x", java.time.Instant.EPOCH, null, null,
                        null, null, null, java.util.Map.of("only", 1e300)));
        for (io.commandcenter.hub.telemetry.HealthSampleRecord record : records) {
            com.google.protobuf.Message message = io.commandcenter.hub.telemetry.grpc.TelemetryProtoMapper.toProto(record);
            assertThat(ProtoStructs.healthSample(record)).as(record.recordId())
                    .isEqualTo(ProtoStructs.toStruct(message))
                    .isEqualTo(viaJson(message));
            ProtoPayload payload = (ProtoPayload) io.commandcenter.hub.telemetry.grpc.TelemetryProtoMapper.payload(record);
            assertThat(payload.type()).isEqualTo(HealthSample.getDescriptor().getFullName());
            assertThat(payload.toStruct()).isEqualTo(viaJson(message));
            assertThat(payload.message()).isEqualTo(message);
            assertThat(payload.as(io.commandcenter.hub.telemetry.HealthSampleRecord.class)).contains(record);
        }
    }
}
