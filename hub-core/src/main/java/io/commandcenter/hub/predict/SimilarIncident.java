package io.commandcenter.hub.predict;

import java.time.Instant;
import java.util.Objects;

/**
 * A past incident of the same project that looks like a new prediction's trouble, read from memory:
 * what was done and what came of it.
 *
 * @param memoryId   the memory it was read from ({@code cc memory get})
 * @param entity     {@code <kind>/<id>} of the entity it happened to
 * @param at         when it was predicted
 * @param similarity cosine similarity of the two incidents' vectors, [-1, 1]
 * @param action     what was done ({@code restart}, {@code scale}, {@code notify}; {@code none} when a
 *                   person rejected it)
 * @param outcome    {@code recovered}, {@code not_recovered} or {@code worse}
 */
public record SimilarIncident(String memoryId, String entity, Instant at, double similarity, String action,
                              String outcome) {
    public SimilarIncident {
        Objects.requireNonNull(memoryId, "memoryId");
        Objects.requireNonNull(entity, "entity");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(outcome, "outcome");
    }

    /** Whether the action taken recovered the entity. */
    public boolean recovered() {
        return "recovered".equals(outcome);
    }
}
