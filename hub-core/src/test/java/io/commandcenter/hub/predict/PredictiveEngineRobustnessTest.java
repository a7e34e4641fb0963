package io.commandcenter.hub.predict;

import io.commandcenter.hub.events.EventBus;
import io.commandcenter.hub.events.TraceContext;
import io.commandcenter.hub.predict.PredictiveEngineOnsetTest.ErrorRateBackend;
import io.commandcenter.hub.predict.PredictiveEngineOnsetTest.MemoryModels;
import io.commandcenter.hub.predict.PredictiveEngineOnsetTest.MemoryPredictions;
import io.commandcenter.hub.predict.PredictiveEngineOnsetTest.RecordPayload;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.telemetry.AuditRecord;
import io.commandcenter.hub.telemetry.EntityId;
import io.commandcenter.hub.telemetry.HealthSampleRecord;
import io.commandcenter.hub.telemetry.TelemetryRecord;
import io.commandcenter.inference.ModelKey;
import io.commandcenter.inference.RiskPredictor;
import io.commandcenter.models.artifact.ModelStore;
import io.commandcenter.models.bootstrap.BootstrapModels;
import io.commandcenter.models.confidence.ConfidenceCalculator;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The engine keeps scoring whatever one record or one project's registry lookup does, loses no record at
 * close, and keeps its per-entity state within {@code maxEntities}. The model is the stand-in of
 * {@link PredictiveEngineOnsetTest} (the probability is the sample's error rate).
 */
class PredictiveEngineRobustnessTest {
    static final ProjectId A = ProjectId.of("a");
    static final ProjectId B = ProjectId.of("b");
    static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");

    @TempDir
    Path dir;
    @AutoClose("shutdownNow")
    final ExecutorService busExecutor = Executors.newSingleThreadExecutor();
    final Clock clock = Clock.fixed(T0.plus(Duration.ofDays(1)), ZoneOffset.UTC);
    final EventBus bus = new EventBus("hub-test", clock, busExecutor, 16);
    final MemoryModels models = new MemoryModels();
    final ErrorRateBackend backend = new ErrorRateBackend();
    ModelRegistry registry;
    /** Rows scored, by project and model name. */
    final Map<String, AtomicInteger> scored = new ConcurrentHashMap<>();
    final SplittableRandom random = new SplittableRandom(3);
    @AutoClose
    PredictiveEngine engine;

    @BeforeEach
    void registry() {
        registry = new ModelRegistry(models, backend, new ModelStore(dir), new BootstrapModels(),
                io.commandcenter.hub.audit.MemoryAuditSpool.trail(new io.commandcenter.hub.audit.InMemoryAuditLedger(), clock,
                        "hub-1"), clock);
    }

    PredictiveEngine start(Duration flushInterval, int maxEntities) {
        PredictiveEngine.Settings settings = new PredictiveEngine.Settings(true, 65_536, 512, flushInterval,
                Duration.ofMinutes(10), maxEntities, Duration.ofMinutes(1), Duration.ofHours(1));
        engine = new PredictiveEngine(bus, registry, backend, new RiskPredictor(backend, new ConfidenceCalculator(), 3),
                new MemoryPredictions(), p -> new RecordPayload(null), r -> new RecordPayload(null), clock, settings);
        engine.observe(new PredictiveEngine.Observer() {
            @Override
            public void scored(ProjectId project, ModelKey model, int rows, long nanos, Duration lag) {
                scored.computeIfAbsent(project.value() + "/" + model.name(), k -> new AtomicInteger()).addAndGet(rows);
            }
        });
        return engine.start();
    }

    int scored(ProjectId project, String model) {
        AtomicInteger n = scored.get(project.value() + "/" + model);
        return n == null ? 0 : n.get();
    }

    /** Waits until the engine has seen {@code records} records (at most {@code seconds}), then flushes. */
    void flushAfter(long records, int seconds) {
        await().atMost(seconds, TimeUnit.SECONDS).until(() -> engine.stats().recordsSeen() == records);
        engine.sync();
    }

    void publish(ProjectId project, TelemetryRecord record) {
        bus.publish(project, record.subject(), TraceContext.newRoot(random), new RecordPayload(record));
    }

    static HealthSampleRecord sample(String service, int minute) {
        return new HealthSampleRecord("s-" + service + "-" + minute, service, T0.plusSeconds(60L * minute), 1.0, 100.0,
                0.01, 0.4, 0.5, Map.of());
    }

    static AuditRecord audit(String kind, String id, int minute) {
        return new AuditRecord("a-" + id + "-" + minute, "", new EntityId(kind, id), "cis", AuditRecord.Status.FAILED,
                T0.plusSeconds(60L * minute), List.of(new AuditRecord.ComplianceRecord("1.1",
                AuditRecord.ComplianceStatus.NON_COMPLIANT, AuditRecord.Severity.HIGH, "")), "");
    }

    @Test
    void anAuditOfAServiceThatSendsHealthSamples_stopsNeitherPipeline_inAnyProject() {
        start(Duration.ofMillis(20), 1000);
        publish(A, sample("checkout", 0));
        publish(A, audit(EntityKey.SERVICE, "checkout", 1));
        publish(A, sample("checkout", 2));
        publish(B, audit("cluster", "eu-1", 3));
        publish(B, sample("api", 3));
        flushAfter(5, 15);

        assertThat(scored(A, FeatureBook.SERVICE_HEALTH)).isEqualTo(2);
        assertThat(scored(A, FeatureBook.COMPLIANCE_RISK)).isEqualTo(1);
        assertThat(scored(B, FeatureBook.COMPLIANCE_RISK)).as("audits of another project after it").isEqualTo(1);
        assertThat(scored(B, FeatureBook.SERVICE_HEALTH)).isEqualTo(1);
        assertThat(engine.stats().failures()).isZero();
    }

    @Test
    void aRecordWhoseProcessingThrows_isCountedAndSkipped_andTheNextRecordsOfAnotherProjectAreScored() {
        start(Duration.ofMillis(20), 1000);
        bus.publish(A, "audit.result.failed", TraceContext.newRoot(random), new RecordPayload(null, true));
        bus.publish(A, "hub.health.checkout", TraceContext.newRoot(random), new RecordPayload(null, true));
        publish(B, audit("cluster", "eu-1", 1));
        publish(B, sample("api", 1));
        flushAfter(2, 15);

        assertThat(scored(B, FeatureBook.COMPLIANCE_RISK)).isEqualTo(1);
        assertThat(scored(B, FeatureBook.SERVICE_HEALTH)).isEqualTo(1);
        assertThat(engine.stats().failures()).as("both unreadable records counted").isEqualTo(2);
    }

    @Test
    void incidentStateIsBoundedByMaxEntities() {
        start(Duration.ofMillis(20), 10);
        for (int i = 0; i < 10_000; i++) {
            publish(A, sample("svc-" + i, 0));
        }
        flushAfter(10_000, 60);

        assertThat(engine.stats().runs()).isEqualTo(10_000);
        assertThat(engine.incidentStates()).isLessThanOrEqualTo(10);
    }

    @Test
    void close_scoresTheRecordsWaitingForTheNextFlush() {
        start(Duration.ofHours(1), 1000);
        for (int i = 0; i < 10; i++) {
            publish(A, sample("checkout", i));
        }
        await().atMost(30, TimeUnit.SECONDS).until(() -> engine.stats().recordsSeen() == 10);

        engine.close();
        engine = null;

        assertThat(scored(A, FeatureBook.SERVICE_HEALTH)).isEqualTo(10);
    }

    @Test
    void aLiveReadOfAClosedEngine_isUnavailableEngineClosed_notAnUncheckedRejection() {
        PredictiveEngine closed = start(Duration.ofHours(1), 1000);
        publish(A, sample("checkout", 0));
        await().atMost(30, TimeUnit.SECONDS).until(() -> closed.stats().recordsSeen() == 1);
        closed.close();
        engine = null;

        assertThatThrownBy(() -> closed.predictLive(new EntityKey(A, "service", "checkout"), null))
                .isInstanceOfSatisfying(io.commandcenter.common.error.CommandCenterException.class, e -> {
                    assertThat(e.kind()).isEqualTo(io.commandcenter.common.error.ErrorKind.UNAVAILABLE);
                    assertThat(e.reason()).isEqualTo(PredictiveEngine.ENGINE_CLOSED);
                });
    }

    @Test
    void aRegistryHiccupForOneProject_keepsItsRowsForTheNextFlush_andScoresTheOtherProjectsNow() {
        start(Duration.ofHours(1), 1000);
        registry.ensureBootstrap(A);
        registry.ensureBootstrap(B);
        models.failNextFind.add(A); // the model id of A's champion is read at its first scoring
        publish(A, sample("checkout", 0));
        publish(B, sample("api", 0));
        await().atMost(15, TimeUnit.SECONDS).until(() -> engine.stats().recordsSeen() == 2);

        engine.sync();
        assertThat(scored(B, FeatureBook.SERVICE_HEALTH)).as("the other project, in the same flush").isEqualTo(1);
        assertThat(scored(A, FeatureBook.SERVICE_HEALTH)).isZero();

        engine.sync();
        assertThat(scored(A, FeatureBook.SERVICE_HEALTH)).as("kept, scored at the next flush").isEqualTo(1);
    }

    @Test
    void aGroupFailingTwice_isDroppedAndCounted_notRetriedForEver() {
        start(Duration.ofHours(1), 1000);
        registry.ensureBootstrap(A);
        models.failNextFind.add(A);
        publish(A, sample("checkout", 0));
        flushAfter(1, 30);
        models.failNextFind.add(A);
        engine.sync();
        engine.sync();

        assertThat(scored(A, FeatureBook.SERVICE_HEALTH)).isZero();
        assertThat(engine.stats().lost()).isEqualTo(1);
    }

    @Test
    void anObserverThatThrowsForOneProject_losesNothingOfTheOtherProjectsGroup() {
        start(Duration.ofHours(1), 1000);
        engine.observe(new PredictiveEngine.Observer() {
            @Override
            public void scored(ProjectId project, ModelKey model, int rows, long nanos, Duration lag) {
                if (project.equals(A)) {
                    throw new IllegalStateException("observer broken on purpose");
                }
                scored.computeIfAbsent(project.value() + "/" + model.name(), k -> new AtomicInteger()).addAndGet(rows);
            }
        });
        publish(A, sample("checkout", 0)); // A's group comes first in the flush
        publish(B, sample("api", 0));
        flushAfter(2, 15);

        assertThat(scored(B, FeatureBook.SERVICE_HEALTH)).isEqualTo(1);
        assertThat(engine.stats().runs()).as("both groups scored").isEqualTo(2);
        assertThat(engine.stats().failures()).as("the observer's failure counted").isEqualTo(1);
    }

    /** An engine with a day of cool-down storing its predictions in {@code saved}. */
    PredictiveEngine startWithDayCooldown(MemoryPredictions saved, int maxEntities) {
        PredictiveEngine.Settings settings = new PredictiveEngine.Settings(true, 65_536, 512, Duration.ofMillis(50),
                Duration.ofDays(1), maxEntities, Duration.ofMinutes(1), Duration.ofHours(1));
        engine = new PredictiveEngine(bus, registry, backend, new RiskPredictor(backend, new ConfidenceCalculator(), 3),
                saved, p -> new RecordPayload(null), r -> new RecordPayload(null), clock, settings).start();
        return engine;
    }

    /** Samples {@code from} to {@code to} (exclusive) of {@code service}, a minute apart, alarming (0.6) at {@code alarms}. */
    void samples(String service, int from, int to, int... alarms) {
        for (int i = from; i < to; i++) {
            int minute = i;
            boolean alarm = java.util.Arrays.stream(alarms).anyMatch(a -> a == minute);
            // the stand-in model's probability is the error rate: 0.01 is quiet, 0.6 alarms
            publish(A, new HealthSampleRecord("s-" + service + "-" + i, service, T0.plusSeconds(60L * i), 1.0,
                    100 + random.nextGaussian(), alarm ? 0.6 : 0.01, 0.4, 0.5, Map.of()));
        }
    }

    static List<Integer> minutes(MemoryPredictions saved) {
        return saved.saved.stream().map(p -> (int) Duration.between(T0, p.observedAt()).toMinutes()).toList();
    }

    @Test
    void anEntityEvictedInsideItsCooldown_keepsIt_soItsNextAlarmRaisesNoSecondPrediction() {
        MemoryPredictions saved = new MemoryPredictions();
        startWithDayCooldown(saved, 1);
        samples("api", 0, 101, 100);
        flushAfter(101, 30);
        assertThat(minutes(saved)).containsExactly(100);

        samples("db", 0, 1); // the book keeps one state: api's goes
        flushAfter(102, 30);
        samples("api", 101, 202, 201); // api again, from a fresh state: warmed up, then an alarm within the day
        flushAfter(203, 30);

        assertThat(minutes(saved)).as("the alarm at 201 is inside the cool-down of the one at 100").containsExactly(100);
    }

    @Test
    void aRaiseWhoseStoreFailsWithAnyRuntimeException_isRetracted_soTheNextAlarmRaises() {
        MemoryPredictions saved = new MemoryPredictions();
        saved.failNextSaves.set(1);
        startWithDayCooldown(saved, 1000); // without the retraction the second alarm would fall inside the cool-down
        int refractory = new BootstrapModels().load(FeatureBook.SERVICE_HEALTH).metadata().onset().refractoryRows();
        int first = 100;
        int second = first + refractory + 10;
        int rows = second + 20;
        samples("api", 0, rows, first, second);
        flushAfter(rows, 30);

        assertThat(minutes(saved)).as("the failed raise at %d left no open incident nor cool-down behind", first).containsExactly(second);
        assertThat(engine.stats().failures()).isEqualTo(1);
    }
}
