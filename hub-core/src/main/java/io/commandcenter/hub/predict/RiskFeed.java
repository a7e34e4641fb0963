package io.commandcenter.hub.predict;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decides which of an entity's scores are worth an {@code entity.risk} event: every record is
 * scored, but a watcher needs only the moves. An entity scored by two models (a service's health and
 * its audits) is followed per model: each score is compared with the last one of its own model. A score is published when the entity was never
 * published before, when its risk moved by {@code step} or more since the last one published, when
 * it crossed the threshold either way, or when {@code heartbeat} passed (so a steady entity still
 * shows it is alive). At most {@code maxEntities} entities are remembered (least recently scored
 * forgotten first: such an entity is simply published again). Not thread-safe: the engine's thread
 * owns it.
 */
public final class RiskFeed {
    private record Last(double risk, boolean above, Instant at) {
    }

    private final double step;
    private final Duration heartbeat;
    private final Map<EntityModel, Last> last;

    public RiskFeed(double step, Duration heartbeat, int maxEntities) {
        if (!(step > 0) || heartbeat.isNegative() || heartbeat.isZero() || maxEntities < 1) {
            throw new IllegalArgumentException("step > 0, heartbeat > 0 and maxEntities >= 1 are required");
        }
        this.step = step;
        this.heartbeat = heartbeat;
        this.last = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<EntityModel, Last> eldest) {
                return size() > maxEntities;
            }
        };
    }

    /** Whether this score is published; when it is, it becomes the one the next is compared with. */
    public boolean due(EntityKey entity, String model, double risk, double threshold, Instant now) {
        boolean above = risk >= threshold;
        EntityModel key = new EntityModel(entity, model);
        Last previous = last.get(key);
        boolean due = previous == null || Math.abs(risk - previous.risk()) >= step || above != previous.above()
                || !now.isBefore(previous.at().plus(heartbeat));
        if (due) {
            last.put(key, new Last(risk, above, now));
        }
        return due;
    }

    /** Entities and models remembered. */
    public int size() {
        return last.size();
    }
}
