package io.commandcenter.hub.testing;

import io.commandcenter.proto.v1.HealthSample;
import io.commandcenter.proto.v1.IngestRequest;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Health-sample series for the predictive tests: a steady service that degrades. */
public final class Series {
    private Series() {
    }

    /**
     * {@code steady} healthy one-minute samples, then {@code degraded} samples where latency climbs
     * fourfold, the error rate reaches 40 % and health checks start failing; ending at {@code end}.
     */
    public static List<IngestRequest> degrading(String service, int steady, int degraded, Instant end, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int n = steady + degraded;
        List<IngestRequest> requests = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Instant t = end.minus(Duration.ofMinutes(n - 1 - i));
            double latency = 100 + random.nextDouble(-5, 5);
            double errors = 0.001 + random.nextDouble(0, 0.002);
            double uptime = 1.0;
            if (i >= steady) {
                double p = Math.min(1.0, (i - steady + 1) / 10.0);
                latency = 100 + 300 * p + random.nextDouble(-5, 5);
                errors = 0.4 * p;
                uptime = 1.0 - 0.5 * p;
            }
            requests.add(Records.request(HealthSample.newBuilder().setRecordId(service + "-" + i).setService(service)
                    .setTime(Records.ts(t)).setLatencyMs(latency).setErrorRate(errors).setUptime(uptime)
                    .setCpu(0.3 + random.nextDouble(0, 0.05)).setMemory(0.5)));
        }
        return requests;
    }
}
