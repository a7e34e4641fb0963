package io.commandcenter.hub.predict;

import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.inference.ModelKey;
import io.commandcenter.models.artifact.ModelMetadata;
import io.commandcenter.models.calibration.OnsetCalibration;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Challengers in shadow: a registered version that is not the champion scores the same live rows
 * beside it — its own features, threshold and onset calibration, one state per entity — and acts on
 * nothing: no model run, no prediction, no event is stored or published for it. What it would have
 * done is counted against what the champion did, row by row, and reported ({@link Report}). At most
 * one shadow per model name and project; a new one replaces the old (its counts start again).
 *
 * <p>Its would-be predictions — an incident opening on its own risks, one per incident as the
 * champion's {@link IncidentTracker} raises them, with the same cool-down — go to a {@link Sink}
 * (the hub stores them apart from real predictions, to judge the shadow against the outcomes and
 * labels of its period); nothing else sees them.
 * Thread-safe: the engine's thread feeds it, any thread reads reports.
 */
public final class ShadowScoring {
    private final int maxEntities;
    private final Duration cooldown;
    private final Map<String, Shadow> shadows = new ConcurrentHashMap<>();
    private volatile Sink sink = wouldBe -> { };

    /** Where would-be predictions go (the hub: a table apart from real predictions). */
    @FunctionalInterface
    public interface Sink {
        void accept(List<WouldBe> wouldBe);
    }

    /** A prediction the shadow would have raised: it is none, and nothing acts on it. */
    public record WouldBe(EntityKey entity, String model, String version, double risk, double threshold,
                          Instant observedAt) {
    }

    public ShadowScoring(int maxEntities) {
        this(maxEntities, Duration.ofMinutes(10));
    }

    /** @param cooldown the champion's cool-down between two predictions of an entity (its would-be ones use it too) */
    public ShadowScoring(int maxEntities, Duration cooldown) {
        this.maxEntities = maxEntities;
        this.cooldown = cooldown;
    }

    /** Sends would-be predictions to {@code sink} from now on. */
    public void recordTo(Sink sink) {
        this.sink = sink;
    }

    /** Hands would-be predictions to the sink; a failing sink loses them, never the champion's scoring. */
    void record(List<WouldBe> wouldBe) {
        if (wouldBe.isEmpty()) {
            return;
        }
        try {
            sink.accept(List.copyOf(wouldBe));
        } catch (RuntimeException e) {
            System.getLogger(ShadowScoring.class.getName()).log(System.Logger.Level.WARNING,
                    "shadow predictions not stored: {0}", e.getMessage());
        }
    }

    /**
     * What a shadow did so far.
     *
     * @param rows                rows both scored
     * @param championAlarms      rows at or above the champion's threshold
     * @param shadowAlarms        rows at or above the shadow's threshold
     * @param bothAlarms          rows where both alarmed
     * @param meanRiskDifference  mean of |shadow risk − champion risk|
     */
    public record Report(ProjectId project, String model, String version, Instant since, long rows, long championAlarms,
                         long shadowAlarms, long bothAlarms, double meanRiskDifference, long failures) {
        /** The share of rows on which both agree (both alarm or neither), 1 when no row was scored. */
        public double agreement() {
            return rows == 0 ? 1.0 : (double) (rows - (championAlarms - bothAlarms) - (shadowAlarms - bothAlarms)) / rows;
        }
    }

    /** One shadow and its counts (the engine's thread writes, under the object's lock). */
    static final class Shadow {
        final ModelKey key;
        final ModelMetadata metadata;
        final Instant since;
        final Map<EntityKey, OnsetCalibration.State> states;
        final IncidentTracker incidents;
        long rows;
        long championAlarms;
        long shadowAlarms;
        long bothAlarms;
        double riskDifference;
        long failures;

        Shadow(ModelKey key, ModelMetadata metadata, Instant since, int maxEntities, Duration cooldown) {
            this.key = key;
            this.incidents = new IncidentTracker(cooldown, 0.7, 3, maxEntities);
            this.metadata = metadata;
            this.since = since;
            this.states = new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<EntityKey, OnsetCalibration.State> eldest) {
                    return size() > maxEntities;
                }
            };
        }

        /** Counts one row whose peak novelty ({@code EntityFeatures.novelty()}, NaN = unknown) is known; the would-be prediction, or null. */
        synchronized WouldBe observe(EntityKey entity, double probability, long timeMillis, double novelty, double championRisk,
                                     double championThreshold) {
            double risk = states.computeIfAbsent(entity, e -> metadata.onset().newState(metadata.threshold()))
                    .next(probability, timeMillis, novelty);
            boolean champion = championRisk >= championThreshold;
            boolean shadow = risk >= metadata.threshold();
            rows++;
            championAlarms += champion ? 1 : 0;
            shadowAlarms += shadow ? 1 : 0;
            bothAlarms += champion && shadow ? 1 : 0;
            riskDifference += Math.abs(risk - championRisk);
            Instant at = Instant.ofEpochMilli(timeMillis);
            return incidents.observe(entity, key.name(), risk, metadata.threshold(), at) == IncidentTracker.Decision.RAISE
                    ? new WouldBe(entity, key.name(), key.version(), risk, metadata.threshold(), at) : null;
        }

        synchronized void forget(EntityKey entity, Instant now) {
            states.remove(entity);
            incidents.release(entity, key.name(), now);
            incidents.sweep(now);
        }

        synchronized void failed() {
            failures++;
        }

        synchronized Report report(ProjectId project) {
            return new Report(project, key.name(), key.version(), since, rows, championAlarms, shadowAlarms, bothAlarms,
                    rows == 0 ? 0.0 : riskDifference / rows, failures);
        }
    }

    private static String id(ProjectId project, String model) {
        return project.value() + "/" + model;
    }

    /** Puts a version in shadow for its name in the project (replacing any other shadow of the name). */
    public void start(ProjectId project, ModelKey key, ModelMetadata metadata, Instant now) {
        shadows.put(id(project, key.name()), new Shadow(key, metadata, now, maxEntities, cooldown));
    }

    /** Ends the shadow of a name in the project; what it reported, if there was one. */
    public Optional<Report> stop(ProjectId project, String model) {
        return Optional.ofNullable(shadows.remove(id(project, model))).map(s -> s.report(project));
    }

    /** The shadow of a name in the project, if any. */
    public Optional<Report> report(ProjectId project, String model) {
        return Optional.ofNullable(shadows.get(id(project, model))).map(s -> s.report(project));
    }

    /** The version in shadow of a name in the project, if any. */
    public Optional<ModelKey> version(ProjectId project, String model) {
        return Optional.ofNullable(shadows.get(id(project, model))).map(s -> s.key);
    }

    /**
     * Forgets an entity's state in the shadow of a model (the engine calls this when its {@link FeatureBook}
     * forgot the entity), so a shadow's per-entity state is bounded as the book is; its would-be incident
     * is released as the champion's is ({@link IncidentTracker#release}).
     */
    void forget(EntityKey entity, String model, Instant now) {
        Shadow s = shadows.get(id(entity.project(), model));
        if (s != null) {
            s.forget(entity, now);
        }
    }

    Optional<Shadow> active(ProjectId project, String model) {
        return Optional.ofNullable(shadows.get(id(project, model)));
    }
}
