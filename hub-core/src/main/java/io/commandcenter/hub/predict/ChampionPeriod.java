package io.commandcenter.hub.predict;

import java.time.Instant;
import java.util.Objects;

/**
 * A period during which a version was its name's champion in a project.
 *
 * @param end {@code null} while it still is
 */
public record ChampionPeriod(String version, String modelId, Instant start, Instant end, String promotedBy,
                             String reason) {
    public ChampionPeriod {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(modelId, "modelId");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(promotedBy, "promotedBy");
        Objects.requireNonNull(reason, "reason");
    }
}
