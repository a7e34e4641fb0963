package io.commandcenter.hub.predict;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Turns a stream of risk scores into one prediction per incident. An entity's incident opens when
 * its risk reaches the model's threshold — that run raises the prediction — and closes only after
 * {@code clearAfter} consecutive scores below {@code lowWater × threshold} (hysteresis: a risk
 * hovering around the threshold does not flap). An incident that re-opens within {@code cooldown}
 * of the last raised prediction is the same trouble returning: it raises nothing new.
 * One state per entity and model, kept until {@link #forget} (the engine forgets an entity's state when its
 * {@link FeatureBook} does). Not thread-safe: the engine's thread owns it.
 */
public final class IncidentTracker {

    /** What a score means for the entity. */
    public enum Decision {
        /** A new incident: raise a prediction. */
        RAISE,
        /** Inside an incident already raised (or suppressed by the cool-down). */
        ONGOING,
        /** No incident. */
        QUIET
    }

    private static final class State {
        boolean open;
        int below;
        Instant lastRaised;
    }

    private final Duration cooldown;
    private final double lowWater;
    private final int clearAfter;
    private final Map<EntityModel, State> states = new HashMap<>();

    /**
     * @param cooldown   a re-opened incident within this time of the last prediction raises nothing
     * @param lowWater   fraction of the threshold the risk must fall below to count towards closing
     * @param clearAfter consecutive scores below the low water that close an incident
     */
    public IncidentTracker(Duration cooldown, double lowWater, int clearAfter) {
        if (!(lowWater > 0 && lowWater <= 1) || clearAfter < 1) {
            throw new IllegalArgumentException("lowWater in (0, 1], clearAfter >= 1");
        }
        this.cooldown = cooldown;
        this.lowWater = lowWater;
        this.clearAfter = clearAfter;
    }

    public Decision observe(EntityKey entity, String model, double risk, double threshold, Instant now) {
        State s = states.computeIfAbsent(new EntityModel(entity, model), k -> new State());
        if (risk >= threshold) {
            s.below = 0;
            if (s.open) {
                return Decision.ONGOING;
            }
            s.open = true;
            if (s.lastRaised != null && Duration.between(s.lastRaised, now).compareTo(cooldown) < 0) {
                return Decision.ONGOING;
            }
            s.lastRaised = now;
            return Decision.RAISE;
        }
        if (!s.open) {
            return Decision.QUIET;
        }
        if (risk < threshold * lowWater) {
            s.below++;
            if (s.below >= clearAfter) {
                s.open = false;
                s.below = 0;
                return Decision.QUIET;
            }
        } else {
            s.below = 0;
        }
        return Decision.ONGOING;
    }

    /** Forgets that a prediction was raised (it could not be stored): the next high score raises again. */
    public void retract(EntityKey entity, String model) {
        State s = states.get(new EntityModel(entity, model));
        if (s != null) {
            s.open = false;
            s.lastRaised = null;
        }
    }

    /** Forgets an entity's state for a model (its features were forgotten: the state would never be read again). */
    public void forget(EntityKey entity, String model) {
        states.remove(new EntityModel(entity, model));
    }

    /** Entities and models with a state. */
    int size() {
        return states.size();
    }

    /** Whether the entity is inside an incident of the model. */
    public boolean isOpen(EntityKey entity, String model) {
        State s = states.get(new EntityModel(entity, model));
        return s != null && s.open;
    }
}
