package io.commandcenter.models.features;

import java.util.Map;
import java.util.Objects;

/** One multivariate observation of an entity: a time (see {@link TimeAxis}) and named metric values. */
public record TelemetrySample(String entity, long time, Map<String, Double> metrics) {

    public TelemetrySample {
        Objects.requireNonNull(entity, "entity");
        metrics = Map.copyOf(metrics);
        if (metrics.isEmpty()) {
            throw new IllegalArgumentException("a sample needs at least one metric");
        }
    }
}
