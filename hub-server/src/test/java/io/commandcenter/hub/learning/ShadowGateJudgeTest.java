package io.commandcenter.hub.learning;

import io.commandcenter.hub.audit.AuditTrail;
import io.commandcenter.hub.audit.InMemoryAuditLedger;
import io.commandcenter.hub.audit.MemoryAuditSpool;
import io.commandcenter.hub.learning.ShadowGates.Gate;
import io.commandcenter.hub.learning.ShadowGates.State;
import io.commandcenter.hub.learning.sql.JpaShadowGates;
import io.commandcenter.hub.persistence.Database;
import io.commandcenter.hub.persistence.Jpa;
import io.commandcenter.hub.predict.ModelRegistry;
import io.commandcenter.hub.predict.ShadowScoring;
import io.commandcenter.hub.predict.sql.JpaModelRepository;
import io.commandcenter.hub.predict.sql.JpaPredictionRepository;
import io.commandcenter.hub.predict.sql.PredictionEntity;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.testing.Databases;
import io.commandcenter.inference.onnx.OnnxBackend;
import io.commandcenter.models.artifact.ModelArtifact;
import io.commandcenter.models.artifact.ModelMetadata;
import io.commandcenter.models.artifact.ModelStore;
import io.commandcenter.models.bootstrap.BootstrapModels;
import io.commandcenter.models.features.TelemetryFeatures;
import io.commandcenter.models.features.TimeAxis;
import io.commandcenter.models.synthetic.LabelledSeries;
import io.commandcenter.models.train.bootstrap.CorpusEntry;
import io.commandcenter.models.train.bootstrap.ServiceHealthTraining.Replayed;
import io.commandcenter.models.train.loop.DataSnapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A shadow wait judged late reads every prediction the champion raised in the period. Before, it read one page of
 * 10,000 predictions created since the wait began, newest first: with more raised after the period than that (a
 * busy project, hubs down when the period ended), none of the period's was read, the champion looked as if it caught
 * nothing, and a shadow that missed the incident the champion caught was promoted.
 */
class ShadowGateJudgeTest {
    static final ProjectId SHOP = ProjectId.of("shop");
    static final Instant START = Instant.parse("2026-12-06T10:00:00Z");
    static final Instant END = START.plus(Duration.ofMinutes(30));
    static final Instant NOW = END.plus(Duration.ofHours(3));
    static final String TERMS = "{\"calibration\":0.9,\"amount\":1,\"freshness\":1,\"agreement\":0.9}";

    @Test
    void aWaitJudgedLate_readsTheChampionsPredictionsOfThePeriod_pastMoreThanAPageRaisedAfterIt(@TempDir Path dir) {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        AuditTrail audit = MemoryAuditSpool.trail(new InMemoryAuditLedger(), clock, "hub-test");
        try (Database db = Database.open(Databases.h2(dir.resolve("db")));
             OnnxBackend backend = new OnnxBackend()) {
            ModelRegistry registry = new ModelRegistry(new JpaModelRepository(db), backend,
                    new ModelStore(dir.resolve("models")), new BootstrapModels(), audit, clock);
            registry.start();
            registry.ensureBootstrap(SHOP);
            ModelArtifact shipped = new BootstrapModels().load(LearningLoop.MODEL);
            String champion = shipped.metadata().version();
            registry.register(SHOP, challenger(shipped, "9.9.1", champion), false, "test", "in shadow");
            JpaShadowGates store = new JpaShadowGates(db);
            store.open(new Gate(SHOP, LearningLoop.MODEL, "9.9.1", State.PENDING, START, END, "holdout passed", "",
                    null));

            // the period: checkout had an incident (rows 10..19 of 30); the champion caught it, the shadow raised nothing
            List<PredictionEntity> rows = new java.util.ArrayList<>();
            rows.add(prediction("p-caught", "checkout", champion, START.plus(Duration.ofMinutes(12))));
            // then, after the period, more predictions than one page holds, on another service
            for (int i = 0; i <= ShadowGate.PAGE; i++) {
                rows.add(prediction("p-after-" + i, "search", champion, END.plus(Duration.ofSeconds(60 + i))));
            }
            new Jpa(db.entityManagerFactory()).write(em -> {
                rows.forEach(em::persist);
                return null;
            });
            ShadowGate gate = new ShadowGate(LearningSettings.defaults(), store, (project, wait) -> period(),
                    registry, new ShadowScoring(10), new JpaPredictionRepository(db), audit, clock);

            List<Gate> decided = gate.tick();

            assertThat(decided).hasSize(1);
            assertThat(decided.get(0).verdict()).contains("champion F1 1.000 (1 of 1 incidents caught");
            assertThat(decided.get(0).state()).as(decided.get(0).verdict()).isEqualTo(State.REFUSED);
            assertThat(registry.champion(SHOP, LearningLoop.MODEL).orElseThrow().version()).isEqualTo(champion);
        }
    }

    /**
     * The wait is judged against the champion its challenger was trained beside; a person who promotes another version
     * while the period's data is being read (seconds of telemetry pages) keeps their champion. Before, the gate
     * promoted the challenger over it, having checked the champion only before reading.
     */
    @Test
    void aPersonsPromotion_whileThePeriodIsRead_isNotOverridden_theWaitIsRefusedSayingWhy(@TempDir Path dir) {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        InMemoryAuditLedger ledger = new InMemoryAuditLedger();
        AuditTrail audit = MemoryAuditSpool.trail(ledger, clock, "hub-test");
        try (Database db = Database.open(Databases.h2(dir.resolve("db")));
             OnnxBackend backend = new OnnxBackend()) {
            ModelRegistry registry = registryWithTwoChallengers(db, backend, dir, audit, clock);
            JpaShadowGates store = pendingWaitOfTheFirst(db);
            String champion = new BootstrapModels().load(LearningLoop.MODEL).metadata().version();
            ShadowGate gate = new ShadowGate(LearningSettings.defaults(), store, (project, wait) -> {
                // a person promotes their version while the gate reads the period
                registry.promote(SHOP, LearningLoop.MODEL, "9.9.2", "ana", "hand-tuned, paged twice");
                return quietPeriod();
            }, registry, new ShadowScoring(10), new JpaPredictionRepository(db), audit, clock);

            List<Gate> decided = gate.tick();

            assertThat(registry.champion(SHOP, LearningLoop.MODEL).orElseThrow().version()).as("the person's choice")
                    .isEqualTo("9.9.2");
            assertThat(decided).hasSize(1);
            assertThat(decided.get(0).state()).isEqualTo(State.REFUSED);
            assertThat(decided.get(0).verdict()).startsWith("not promoted: holdout and shadow agreed, but the champion "
                    + "changed while the period was judged (now 9.9.2, judged against " + champion + ")");
            assertThat(store.gates(SHOP, LearningLoop.MODEL).get(0).state()).as("stored as it is")
                    .isEqualTo(State.REFUSED);
            assertThat(ledger.all()).filteredOn(e -> e.action().equals("MODEL_SHADOW_JUDGED")).singleElement()
                    .satisfies(e -> assertThat(e.detail()).contains("\"promoted\":false"));
        }
    }

    /**
     * The promotion fails and the database then refuses the overturn too (here a constraint on the table; in
     * production the database that failed the promotion): the wait is still ended — judged not promoted, audited so,
     * the champion kept — instead of the failure leaving the judgement half done. Before, the overturn's exception left
     * the gate: the tick decided nothing and audited nothing, though the stored wait was no longer pending.
     */
    @Test
    void aPromotionThatFails_whenItsOverturnFailsToo_stillEndsTheWaitAsNotPromoted(@TempDir Path dir) {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        InMemoryAuditLedger ledger = new InMemoryAuditLedger();
        AuditTrail audit = MemoryAuditSpool.trail(ledger, clock, "hub-test");
        try (Database db = Database.open(Databases.h2(dir.resolve("db")));
             OnnxBackend backend = new OnnxBackend()) {
            ModelRegistry registry = registryWithTwoChallengers(db, backend, dir, audit, clock);
            JpaShadowGates store = pendingWaitOfTheFirst(db);
            new Jpa(db.entityManagerFactory()).write(em -> em.createNativeQuery("ALTER TABLE shadow_gate ADD CONSTRAINT "
                    + "no_overturn CHECK (verdict NOT LIKE 'not promoted: holdout and shadow agreed%')").executeUpdate());
            ShadowGate gate = new ShadowGate(LearningSettings.defaults(), store, (project, wait) -> {
                registry.promote(SHOP, LearningLoop.MODEL, "9.9.2", "ana", "hand-tuned, paged twice");
                return quietPeriod();
            }, registry, new ShadowScoring(10), new JpaPredictionRepository(db), audit, clock);

            List<Gate> decided = gate.tick();

            assertThat(decided).as("judged, though the overturn was refused").hasSize(1);
            assertThat(decided.get(0).state()).isEqualTo(State.REFUSED);
            assertThat(decided.get(0).verdict()).startsWith("not promoted: holdout and shadow agreed, but the champion "
                    + "changed while the period was judged (now 9.9.2");
            assertThat(registry.champion(SHOP, LearningLoop.MODEL).orElseThrow().version()).isEqualTo("9.9.2");
            assertThat(ledger.all()).filteredOn(e -> e.action().equals("MODEL_SHADOW_JUDGED")).singleElement()
                    .satisfies(e -> assertThat(e.detail()).contains("\"promoted\":false"));
        }
    }

    /** A period without incident, on which neither model raised anything: the shadow agrees. */
    static DataSnapshot quietPeriod() {
        DataSnapshot d = period();
        boolean[] none = new boolean[30];
        Replayed r = d.series().get(0);
        return DataSnapshot.of(List.of(new Replayed(r.entry(), r.historyFeatures(), r.historyRows(), r.features(), none,
                r.historyNovelty(), r.novelty())), 0, "the period");
    }

    /** The period's labelled snapshot: checkout, one row a minute, an incident at rows 10..19. */
    static DataSnapshot period() {
        int n = 30;
        long[] times = new long[n];
        boolean[] labels = new boolean[n];
        for (int i = 0; i < n; i++) {
            times[i] = START.plusSeconds(60L * i).toEpochMilli();
            labels[i] = i >= 10 && i < 20;
        }
        String name = "service:checkout";
        LabelledSeries shape = new LabelledSeries(name, List.of("health"), TimeAxis.EPOCH_MILLIS, times, new double[n],
                labels, List.of());
        double[] novelty = new double[n];
        Arrays.fill(novelty, Double.NaN);
        return DataSnapshot.of(List.of(new Replayed(new CorpusEntry(name, "project", null, shape), new float[0], 0,
                new float[n * TelemetryFeatures.SCHEMA.size()], labels, new double[0], novelty)), 10, "the period");
    }

    static PredictionEntity prediction(String id, String service, String version, Instant at) {
        return new PredictionEntity(id, SHOP.value(), "service", service, "risk", 0.95, 0.9, TERMS, "restart", "[]",
                LearningLoop.MODEL, version, 0.5, "0af7651916cd43dd8448eb211c80319c", "run-" + id, Jpa.ts(at),
                Jpa.ts(at));
    }

    /** The shipped model as a challenger of the project named {@code version}, its parent the champion. */
    static ModelArtifact challenger(ModelArtifact shipped, String version, String parent) {
        ModelMetadata m = shipped.metadata();
        Map<String, String> provenance = new HashMap<>(m.provenance());
        provenance.put("parent", parent);
        return new ModelArtifact(new ModelMetadata(m.name(), version, m.type(), m.features(), m.inputName(),
                m.outputName(), m.positiveIndex(), m.pipeline(), m.threshold(), m.reference(), m.calibration(),
                m.trainingWindow(), m.dataHash(), m.metrics(), m.codeVersion(), m.seed(), m.createdAt(), provenance,
                m.onset()), shipped.onnx());
    }

    /**
     * The shop's registry with the shipped champion and two challengers beside it: 9.9.1 (the loop's, in shadow) and
     * 9.9.2 (a person's).
     */
    private static ModelRegistry registryWithTwoChallengers(Database db, OnnxBackend backend, Path dir, AuditTrail audit,
                                                            Clock clock) {
        ModelRegistry registry = new ModelRegistry(new JpaModelRepository(db), backend,
                new ModelStore(dir.resolve("models")), new BootstrapModels(), audit, clock);
        registry.start();
        registry.ensureBootstrap(SHOP);
        ModelArtifact shipped = new BootstrapModels().load(LearningLoop.MODEL);
        String champion = shipped.metadata().version();
        registry.register(SHOP, challenger(shipped, "9.9.1", champion), false, "learning-loop", "in shadow");
        registry.register(SHOP, challenger(shipped, "9.9.2", champion), false, "ana", "hand-tuned");
        return registry;
    }

    /** The gates' store with 9.9.1's shadow wait pending over the period. */
    private static JpaShadowGates pendingWaitOfTheFirst(Database db) {
        JpaShadowGates store = new JpaShadowGates(db);
        store.open(new Gate(SHOP, LearningLoop.MODEL, "9.9.1", State.PENDING, START, END, "holdout passed", "", null));
        return store;
    }
}
