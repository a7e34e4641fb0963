package io.commandcenter.models.features;

import java.util.Map;
import java.util.Objects;

/**
 * A health sample of a service: latency percentiles (ms), request and error counts since the previous
 * sample, availability, and any further named metrics.
 *
 * @param timeMillis epoch milliseconds
 * @param up         whether the service answered its health check
 */
public record HealthSample(String entity, long timeMillis, double latencyP50, double latencyP95, double latencyP99,
                           long requests, long errors, boolean up, Map<String, Double> extraMetrics) {

    public HealthSample {
        Objects.requireNonNull(entity, "entity");
        if (requests < 0 || errors < 0 || errors > requests) {
            throw new IllegalArgumentException("need 0 <= errors <= requests, got " + errors + "/" + requests);
        }
        if (latencyP50 < 0 || latencyP95 < 0 || latencyP99 < 0) {
            throw new IllegalArgumentException("latencies must be >= 0");
        }
        extraMetrics = Map.copyOf(extraMetrics);
    }

    /** errors / requests, 0 without requests. */
    public double errorRate() {
        return requests == 0 ? 0.0 : (double) errors / requests;
    }
}
