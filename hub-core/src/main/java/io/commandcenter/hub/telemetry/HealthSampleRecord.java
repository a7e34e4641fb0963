package io.commandcenter.hub.telemetry;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A health sample of one service. Measurements are {@code null} when not taken; fractions are in
 * [0, 1].
 */
public record HealthSampleRecord(String recordId, String service, Instant time, Double uptime, Double latencyMs,
                                 Double errorRate, Double cpu, Double memory, Map<String, Double> metrics)
        implements TelemetryRecord {

    public HealthSampleRecord {
        Objects.requireNonNull(recordId, "recordId");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(time, "time");
        metrics = Map.copyOf(metrics);
    }

    @Override
    public String subject() {
        return "hub.health." + service;
    }

    @Override
    public HealthSampleRecord withRecordId(String newId) {
        return new HealthSampleRecord(newId, service, time, uptime, latencyMs, errorRate, cpu, memory, metrics);
    }
}
