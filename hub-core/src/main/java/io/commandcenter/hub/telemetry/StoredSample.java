package io.commandcenter.hub.telemetry;

import java.time.Instant;
import java.util.Objects;

/** A health sample as stored: the sample and when the hub stored it. */
public record StoredSample(HealthSampleRecord sample, Instant receivedAt) {
    public StoredSample {
        Objects.requireNonNull(sample, "sample");
        Objects.requireNonNull(receivedAt, "receivedAt");
    }
}
