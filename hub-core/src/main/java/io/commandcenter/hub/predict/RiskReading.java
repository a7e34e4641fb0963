package io.commandcenter.hub.predict;

import java.time.Instant;
import java.util.Objects;

/**
 * An entity's live risk as the champion scored it, published as {@code entity.risk.<kind>} so a
 * console (or {@code cc events --pattern entity.risk}) sees every entity's risk move, not only the
 * predictions that crossed the threshold. Not stored: the aggregated model runs are the history.
 *
 * @param observedAt the time of the record that was scored (the records' own time, as incidents use)
 */
public record RiskReading(EntityKey entity, String model, String modelVersion, String type, double risk,
                          double threshold, Instant observedAt) {
    public RiskReading {
        Objects.requireNonNull(entity, "entity");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(modelVersion, "modelVersion");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(observedAt, "observedAt");
    }

    /** {@code entity.risk.<kind>}: e.g. {@code entity.risk.service}. */
    public String subject() {
        return "entity.risk." + entity.kind();
    }
}
