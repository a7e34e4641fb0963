package io.commandcenter.hub.predict;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;

/**
 * Turns a stream of risk scores into one prediction per incident. An entity's incident opens when
 * its risk reaches the model's threshold — that run raises the prediction — and closes only after
 * {@code clearAfter} consecutive scores below {@code lowWater × threshold} (hysteresis: a risk
 * hovering around the threshold does not flap). An incident that re-opens within {@code cooldown}
 * of the last raised prediction is the same trouble returning: it raises nothing new.
 * One state per entity and model. When the engine's {@link FeatureBook} forgets an entity it
 * {@linkplain #release releases} the state: a closed state whose last prediction is older than the cooldown
 * goes at once; an open one, or one still in its cooldown, lingers (so a rarely-updated entity keeps its
 * incident and its cooldown between updates) until it is closed and out of its cooldown, or is scored again.
 * At most {@code maxLingering} states linger: beyond that the oldest closed ones go first, then the oldest
 * open ones. Not thread-safe: the engine's thread owns it.
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
     * Released states that could not go yet, oldest release first: the closed ones (in their cooldown) apart from
     * the open ones, so the cap takes the oldest closed one, or else the oldest open one, without a scan (a
     * lingering state is not scored, so it stays in its set until it goes or is scored again).
     */
    private final LinkedHashSet<EntityModel> lingeringClosed = new LinkedHashSet<>();
    private final LinkedHashSet<EntityModel> lingeringOpen = new LinkedHashSet<>();
    private final int maxLingering;
    private Instant nextSweep = Instant.MIN;

    /**
     * @param cooldown   a re-opened incident within this time of the last prediction raises nothing
     * @param lowWater   fraction of the threshold the risk must fall below to count towards closing
     * @param clearAfter consecutive scores below the low water that close an incident
     */
    public IncidentTracker(Duration cooldown, double lowWater, int clearAfter) {
        this(cooldown, lowWater, clearAfter, Integer.MAX_VALUE);
    }

    /** @param maxLingering released states kept at most while open or in their cooldown */
    public IncidentTracker(Duration cooldown, double lowWater, int clearAfter, int maxLingering) {
        if (!(lowWater > 0 && lowWater <= 1) || clearAfter < 1 || maxLingering < 1) {
            throw new IllegalArgumentException("lowWater in (0, 1], clearAfter >= 1, maxLingering >= 1");
        }
        this.maxLingering = maxLingering;
        this.cooldown = cooldown;
        this.lowWater = lowWater;
        this.clearAfter = clearAfter;
    }

    public Decision observe(EntityKey entity, String model, double risk, double threshold, Instant now) {
        EntityModel key = new EntityModel(entity, model);
        if (!lingeringClosed.isEmpty() || !lingeringOpen.isEmpty()) {
            // scored again: live, released again when the book forgets it again
            lingeringClosed.remove(key);
            lingeringOpen.remove(key);
        }
        State s = states.computeIfAbsent(key, k -> new State());
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

    /**
     * The entity's features were forgotten: its state goes now if it is closed and its last prediction
     * is older than the cooldown at {@code now}, else it lingers until it is (see the class comment).
     */
    public void release(EntityKey entity, String model, Instant now) {
        EntityModel key = new EntityModel(entity, model);
        State s = states.get(key);
        if (s == null) {
            return;
        }
        if (done(s, now)) {
            states.remove(key);
            lingeringClosed.remove(key);
            lingeringOpen.remove(key);
            return;
        }
        (s.open ? lingeringOpen : lingeringClosed).add(key);
        (s.open ? lingeringClosed : lingeringOpen).remove(key);
        if (lingering() > maxLingering) {
            dropOldestLingering();
        }
    }

    /**
     * Forgets the lingering states that are now closed and out of their cooldown (an open one is not scored while
     * it lingers, so it stays open); does the work at most once a minute of {@code now}.
     */
    public void sweep(Instant now) {
        if (lingeringClosed.isEmpty() || now.isBefore(nextSweep)) {
            return;
        }
        nextSweep = now.plus(SWEEP_EVERY);
        for (Iterator<EntityModel> it = lingeringClosed.iterator(); it.hasNext(); ) {
            EntityModel key = it.next();
            State s = states.get(key);
            if (s == null || done(s, now)) {
                states.remove(key);
                it.remove();
            }
        }
    }

    private static final Duration SWEEP_EVERY = Duration.ofMinutes(1);

    private boolean done(State s, Instant now) {
        return !s.open && (s.lastRaised == null || !s.lastRaised.plus(cooldown).isAfter(now));
    }

    /** Over the cap: the oldest closed lingering state goes, else the oldest open one. */
    private void dropOldestLingering() {
        LinkedHashSet<EntityModel> from = lingeringClosed.isEmpty() ? lingeringOpen : lingeringClosed;
        EntityModel victim = from.iterator().next();
        from.remove(victim);
        states.remove(victim);
    }

    /** Entities and models with a state. */
    int size() {
        return states.size();
    }

    /** Released states still kept (open or in their cooldown). */
    int lingering() {
        return lingeringClosed.size() + lingeringOpen.size();
    }

    /** Whether the entity is inside an incident of the model. */
    public boolean isOpen(EntityKey entity, String model) {
        State s = states.get(new EntityModel(entity, model));
        return s != null && s.open;
    }
}
