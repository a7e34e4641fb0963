package io.commandcenter.hub.predict;

import io.commandcenter.hub.events.EventBus;
import io.commandcenter.hub.events.Payload;
import io.commandcenter.hub.events.TraceContext;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.telemetry.HealthSampleRecord;
import io.commandcenter.hub.telemetry.TelemetryRecord;
import io.commandcenter.inference.InferenceBackend;
import io.commandcenter.inference.ModelKey;
import io.commandcenter.inference.RiskPredictor;
import io.commandcenter.models.artifact.ModelArtifact;
import io.commandcenter.models.artifact.ModelMetadata;
import io.commandcenter.models.artifact.ModelStore;
import io.commandcenter.models.bootstrap.BootstrapModels;
import io.commandcenter.models.confidence.ConfidenceCalculator;
import io.commandcenter.models.features.TelemetryFeatures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The live engine applies the model's onset calibration per entity, in arrival order: an alarm that
 * comes back within the model's refractory window without being clearly stronger raises nothing, even
 * with no cool-down; a clearly stronger one, or one after the window, raises. The model is a stand-in
 * whose probability is the sample's error rate (the engine does not know the difference).
 */
class PredictiveEngineOnsetTest {
    static final ProjectId P = ProjectId.of("p");
    static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");

    @TempDir
    Path dir;
    final ExecutorService busExecutor = Executors.newSingleThreadExecutor();
    PredictiveEngine engine;

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.close();
        }
        busExecutor.shutdownNow();
    }

    @Test
    void aReturningAlarm_insideTheRefractoryWindow_raisesNothing_butAStrongerOneAndOneAfterTheWindowDo() throws Exception {
        Clock clock = Clock.fixed(T0.plus(Duration.ofDays(1)), ZoneOffset.UTC);
        EventBus bus = new EventBus("hub-test", clock, busExecutor, 16);
        ErrorRateBackend backend = new ErrorRateBackend();
        ModelRegistry registry = new ModelRegistry(new MemoryModels(), backend, new ModelStore(dir), new BootstrapModels(),
                io.commandcenter.hub.audit.MemoryAuditSpool.trail(new io.commandcenter.hub.audit.InMemoryAuditLedger(), clock, "hub-1"), clock);
        MemoryPredictions predictions = new MemoryPredictions();
        PredictiveEngine.Settings noCooldown = new PredictiveEngine.Settings(true, 65_536, 512, Duration.ofMillis(50),
                Duration.ZERO, 1000, Duration.ofMinutes(1), Duration.ofHours(1));
        engine = new PredictiveEngine(bus, registry, backend, new RiskPredictor(backend, new ConfidenceCalculator(), 3),
                predictions, p -> new RecordPayload(null), r -> new RecordPayload(null), clock, noCooldown).start();
        ModelMetadata model = new BootstrapModels().load(FeatureBook.SERVICE_HEALTH).metadata();
        assertThat(model.onset().refractoryRows()).isGreaterThan(30);
        assertThat(model.threshold()).isLessThan(0.6);

        // the error rate is the stand-in model's probability: quiet 0.01; 0.6 alarms (logit 0.41);
        // 0.97 (logit 3.5) is more than the margin above it
        Map<Integer, Double> errors = Map.of(100, 0.6, 110, 0.6, 100 + model.onset().refractoryRows() + 10, 0.6,
                100 + model.onset().refractoryRows() + 20, 0.97);
        SplittableRandom rnd = new SplittableRandom(1);
        int rows = 100 + model.onset().refractoryRows() + 40;
        for (int i = 0; i < rows; i++) {
            HealthSampleRecord s = new HealthSampleRecord("s-" + i, "api", T0.plusSeconds(60L * i), 1.0,
                    100 + rnd.nextGaussian(), errors.getOrDefault(i, 0.01), 0.4, 0.5, Map.of());
            bus.publish(P, s.subject(), TraceContext.newRoot(rnd), new RecordPayload(s));
        }
        await().atMost(30, TimeUnit.SECONDS).until(() -> engine.stats().recordsSeen() == rows);
        engine.sync();

        List<Integer> raisedAt = predictions.saved.stream()
                .sorted(Comparator.comparing(PredictionRecord::observedAt))
                .map(p -> (int) Duration.between(T0, p.observedAt()).toMinutes()).toList();
        assertThat(raisedAt).as(engine.stats().toString()).containsExactly(100, 100 + model.onset().refractoryRows() + 10, 100 + model.onset().refractoryRows() + 20);
        assertThat(predictions.saved).allSatisfy(p -> assertThat(p.risk()).isGreaterThanOrEqualTo(model.threshold()));
        assertThat(engine.stats().failures()).isZero();
    }

    /** A stand-in model: the probability is the row's {@code health_error_rate} (any other model: 0.5 + a little of each feature). */
    static final class ErrorRateBackend implements InferenceBackend {
        private final Map<ModelKey, ModelMetadata> models = new ConcurrentHashMap<>();

        @Override
        public void load(ModelKey key, ModelArtifact artifact) {
            models.put(key, artifact.metadata());
        }

        @Override
        public void unload(ModelKey key) {
            models.remove(key);
        }

        @Override
        public boolean isLoaded(ModelKey key) {
            return models.containsKey(key);
        }

        @Override
        public Set<ModelKey> loaded() {
            return Set.copyOf(models.keySet());
        }

        @Override
        public ModelMetadata metadata(ModelKey key) {
            return models.get(key);
        }

        @Override
        public double[] score(ModelKey key, float[] rows, int rowCount) {
            List<String> features = models.get(key).features();
            int f = features.size();
            int error = features.indexOf(TelemetryFeatures.HEALTH_ERROR_RATE);
            double[] out = new double[rowCount];
            for (int i = 0; i < rowCount; i++) {
                if (error >= 0) {
                    out[i] = Math.max(0.001, Math.min(0.999, rows[i * f + error]));
                } else {
                    double z = 0;
                    for (int j = 0; j < f; j++) {
                        z += 0.01 * rows[i * f + j];
                    }
                    out[i] = 1 / (1 + Math.exp(-z));
                }
            }
            return out;
        }

        @Override
        public void close() {
        }
    }

    /** A stored record's payload; an {@code unreadable} one throws when the record is read from it. */
    record RecordPayload(TelemetryRecord record, boolean unreadable) implements Payload {
        RecordPayload(TelemetryRecord record) {
            this(record, false);
        }

        @Override
        public String type() {
            return "test.Record";
        }

        @Override
        public String toJson() {
            return "{}";
        }

        @Override
        public <T> Optional<T> as(Class<T> type) {
            if (unreadable) {
                throw new IllegalStateException("unreadable on purpose");
            }
            return record != null && type.isInstance(record) ? Optional.of(type.cast(record)) : Optional.empty();
        }
    }

    static final class MemoryPredictions implements PredictionRepository {
        final List<PredictionRecord> saved = new CopyOnWriteArrayList<>();
        /** Saves still to fail (with an IllegalStateException: a database gone, say) before saves succeed. */
        final java.util.concurrent.atomic.AtomicInteger failNextSaves = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public void save(PredictionRecord prediction, ModelRun run) {
            if (failNextSaves.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new IllegalStateException("the database went away on purpose");
            }
            saved.add(prediction);
        }

        @Override
        public void saveRuns(List<ModelRun> runs) {
        }

        @Override
        public List<PredictionRecord> list(ProjectId project, Query query) {
            return List.copyOf(saved);
        }

        @Override
        public Optional<PredictionRecord> get(ProjectId project, String predictionId) {
            return saved.stream().filter(p -> p.id().equals(predictionId)).findFirst();
        }

        @Override
        public List<ModelRun> listRuns(ProjectId project, RunQuery query) {
            return List.of();
        }

        @Override
        public Optional<ModelRun> getRun(ProjectId project, String runId) {
            return Optional.empty();
        }
    }

    static final class MemoryModels implements ModelRepository {
        private final List<Row> rows = new CopyOnWriteArrayList<>();
        private final Map<String, StoredArtifact> artifacts = new ConcurrentHashMap<>();
        private final Map<String, Champion> champions = new HashMap<>();
        /** Projects whose next {@link #find} fails as a database that does not answer. */
        final Set<ProjectId> failNextFind = ConcurrentHashMap.newKeySet();

        @Override
        public synchronized void insert(Row row, Promotion promotion) {
            rows.add(row);
            if (promotion != null) {
                promote(row.project(), row, promotion.at(), promotion.promotedBy(), promotion.reason());
            }
        }

        @Override
        public void saveArtifact(String name, String version, String sha, StoredArtifact artifact) {
            artifacts.putIfAbsent(name + "/" + version + "/" + sha, artifact);
        }

        @Override
        public Optional<StoredArtifact> findArtifact(String name, String version, String sha) {
            return Optional.ofNullable(artifacts.get(name + "/" + version + "/" + sha));
        }

        @Override
        public Optional<Row> find(ProjectId project, String name, String version) {
            if (failNextFind.remove(project)) {
                throw io.commandcenter.common.error.CommandCenterException.unavailable("DATABASE_UNAVAILABLE",
                        "the database did not answer", null);
            }
            return rows.stream().filter(r -> r.project().equals(project) && r.name().equals(name) && r.version().equals(version))
                    .findFirst();
        }

        @Override
        public List<Row> list(ProjectId project, String name) {
            return rows.stream().filter(r -> r.project().equals(project) && (name == null || r.name().equals(name))).toList();
        }

        @Override
        public boolean hasModels(ProjectId project) {
            return rows.stream().anyMatch(r -> r.project().equals(project));
        }

        @Override
        public synchronized List<Champion> currentChampions() {
            return new ArrayList<>(champions.values());
        }

        @Override
        public List<ChampionPeriod> championHistory(ProjectId project, String name) {
            return List.of();
        }

        @Override
        public synchronized void promote(ProjectId project, Row model, Instant at, String promotedBy, String reason) {
            champions.put(project + "/" + model.name(), new Champion(project, model.name(), model.version(), model.modelId()));
        }
    }
}
