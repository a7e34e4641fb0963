package io.commandcenter.hub.feedback;

import io.commandcenter.hub.audit.InMemoryAuditLedger;
import io.commandcenter.hub.audit.MemoryAuditSpool;
import io.commandcenter.hub.feedback.sql.JpaFeedbackStore;
import io.commandcenter.hub.persistence.Database;
import io.commandcenter.hub.persistence.Jpa;
import io.commandcenter.hub.predict.ModelRun;
import io.commandcenter.hub.predict.PredictionRecord;
import io.commandcenter.hub.predict.sql.JpaPredictionRepository;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.testing.Databases;
import io.commandcenter.models.confidence.Confidence;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The feedback dataset read in pages ({@link Feedback#rows}) on H2 and PostgreSQL: the same rows, in the same order,
 * as the whole read it replaced (kept below as {@link #wholeRead}, the former {@code Feedback.dataset}), whatever the
 * page size, over the whole history and over a range; and taking a few rows reads no page past them.
 */
class FeedbackPagesTest {
    static final ProjectId SHOP = ProjectId.of("shop");
    static final String MODEL = "service_health";
    static final Instant T0 = Instant.parse("2026-12-01T02:00:00Z");

    /** The model the runs were scored by (the runs' reads join it). */
    static void model(Database db) {
        new Jpa(db.entityManagerFactory()).write(em -> em.createNativeQuery("INSERT INTO model (model_id, project_id, "
                        + "name, version, model_type, path, onnx_sha256, threshold, metrics_json, created_at) "
                        + "VALUES ('m-1', 'shop', 'service_health', '2.4.0', 'onnx', 'x', 'x', 0.8, '{}', ?)")
                .setParameter(1, Jpa.ts(T0)).executeUpdate());
    }

    static ModelRun run(String id, String entity, Instant at, int n) {
        return new ModelRun(id, SHOP, "m-1", "service", entity, ModelRun.Kind.PREDICTION, 1,
                "{\"features\":{\"a\":" + n + ",\"b\":" + (n * 0.5) + "}}", "{\"risk\":0." + (n % 10) + "}", 0.9, at);
    }

    /**
     * checkout: 40 predictions a minute apart (each run 20 s after its sample), every 4th confirmed by a person and
     * the next one called a false alarm; cart: 30 runs, no prediction; windows declared on cart (two overlapping, the
     * later one's reason wins) and on checkout (its labelled predictions keep the person's word, the others become
     * declared rows).
     */
    static Feedback data(Database db, FeedbackStore store) {
        model(db);
        JpaPredictionRepository predictions = new JpaPredictionRepository(db);
        Feedback feedback = new Feedback(store, predictions,
                MemoryAuditSpool.trail(new InMemoryAuditLedger(), Clock.systemUTC(), "hub-test"), Clock.systemUTC());
        for (int i = 0; i < 40; i++) {
            Instant at = T0.plusSeconds(60L * i);
            PredictionRecord p = new PredictionRecord("p-" + i, SHOP, "service", "checkout", "risk", 0.9,
                    new Confidence(0.9, 1, 1, 1, 0.9), "restart", List.of(), MODEL, "2.4.0", 0.8,
                    "0af7651916cd43dd8448eb211c80319c", "run-p-" + i, at, at.plusSeconds(20));
            predictions.save(p, run(p.modelRunId(), "checkout", at.plusSeconds(20), i));
        }
        List<ModelRun> cart = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            cart.add(run("run-c-" + i, "cart", T0.plusSeconds(60L * i + 20), i)); // the same instants as checkout's
        }
        predictions.saveRuns(cart);
        for (int i = 0; i < 40; i += 4) {
            feedback.label(SHOP, "p-" + i, "incident", "confirmed " + i, "ana");
            feedback.label(SHOP, "p-" + (i + 1), "false_alarm", "noise " + i, "ana");
        }
        feedback.declare(SHOP, "service", "cart", T0.plusSeconds(300), T0.plusSeconds(900), "w1", "ana");
        feedback.declare(SHOP, "service", "cart", T0.plusSeconds(600), T0.plusSeconds(1200), "w2", "ana");
        feedback.declare(SHOP, "service", "checkout", T0.plusSeconds(120), T0.plusSeconds(720), "w3", "ana");
        return feedback;
    }

    static Database open(String kind, Path dir) {
        return Database.open("postgres".equals(kind) ? Databases.postgres(dir) : Databases.h2(dir));
    }

    static List<FeedbackRow> take(Iterator<FeedbackRow> rows) {
        List<FeedbackRow> out = new ArrayList<>();
        rows.forEachRemaining(out::add);
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void readInPages_isTheWholeReadsRowsInItsOrder_whateverThePageSize(String kind, @TempDir Path dir) {
        try (Database db = open(kind, dir)) {
            JpaFeedbackStore store = new JpaFeedbackStore(db);
            Feedback feedback = data(db, store);
            List<FeedbackRow> whole = wholeRead(store, MODEL, null, null);
            assertThat(whole).hasSizeGreaterThan(40);
            assertThat(whole).extracting(FeedbackRow::source).contains("person", "declared");
            assertThat(whole).filteredOn(r -> r.targetId().equals("cart") && r.time().equals(T0.plusSeconds(620)))
                    .extracting(FeedbackRow::reason).as("a run in two windows: the later one's row").containsExactly("w2");
            for (int page : new int[] {1, 3, 7, Feedback.PAGE}) {
                assertThat(take(feedback.rows(SHOP, MODEL, null, null, page))).as("pages of " + page)
                        .containsExactlyElementsOf(whole);
            }
            assertThat(feedback.dataset(SHOP, "")).containsExactlyElementsOf(wholeRead(store, null, null, null));
            // a range (the snapshot's read): windows and predictions cut to it
            Instant from = T0.plusSeconds(500);
            Instant to = T0.plusSeconds(1000);
            assertThat(take(feedback.rows(SHOP, MODEL, from, to, 2)))
                    .containsExactlyElementsOf(wholeRead(store, MODEL, from, to))
                    .isEqualTo(feedback.dataset(SHOP, MODEL, from, to));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void takingThreeRows_readsNoPagePastThem(String kind, @TempDir Path dir) {
        try (Database db = open(kind, dir)) {
            CountingFeedbackStore store = new CountingFeedbackStore(new JpaFeedbackStore(db));
            Feedback feedback = data(db, store);
            store.pages.set(0);
            store.rows.set(0);
            store.windowPages.set(0); // declaring counted each window's runs
            Iterator<FeedbackRow> rows = feedback.rows(SHOP, MODEL, null, null, 3);
            List<FeedbackRow> three = List.of(rows.next(), rows.next(), rows.next());

            assertThat(three).extracting(FeedbackRow::predictionId).containsExactly("p-0", "p-1", "p-2");
            assertThat(three).extracting(FeedbackRow::source).containsExactly("person", "person", "declared");
            // before: the whole history was read (40 predictions, every window's runs) before the first row
            assertThat(store.rows.get()).as("two pages of predictions (p-2 and p-3 have no row of their own) and the "
                    + "first page of checkout's window").isEqualTo(9);
            assertThat(store.windowPages.get()).as("cart's windows start later: not read").isEqualTo(1);
        }
    }

    /**
     * Rows with equal times, so that page boundaries fall between them: 7 labelled predictions observed at one
     * instant (their runs at another), and 9 runs of cart at one instant inside a declared window. Pages of 1, 2
     * and 4 give every row once, in (time, run id) order, as the whole read: a keyset on time alone would skip or
     * repeat rows at the boundaries.
     */
    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void rowsOfEqualTimes_acrossPageBoundaries_areEachReadOnce(String kind, @TempDir Path dir) {
        try (Database db = open(kind, dir)) {
            model(db);
            JpaFeedbackStore store = new JpaFeedbackStore(db);
            JpaPredictionRepository predictions = new JpaPredictionRepository(db);
            Feedback feedback = new Feedback(store, predictions,
                    MemoryAuditSpool.trail(new InMemoryAuditLedger(), Clock.systemUTC(), "hub-test"), Clock.systemUTC());
            for (int i = 6; i >= 0; i--) { // stored against the run ids' order
                PredictionRecord p = new PredictionRecord("q-" + i, SHOP, "service", "checkout", "risk", 0.9,
                        new Confidence(0.9, 1, 1, 1, 0.9), "restart", List.of(), MODEL, "2.4.0", 0.8,
                        "0af7651916cd43dd8448eb211c80319c", "run-q-" + i, T0, T0.plusSeconds(20));
                predictions.save(p, run(p.modelRunId(), "checkout", T0.plusSeconds(20), i));
                feedback.label(SHOP, "q-" + i, i % 2 == 0 ? "incident" : "false_alarm", "q" + i, "ana");
            }
            List<ModelRun> cart = new ArrayList<>();
            for (int i = 8; i >= 0; i--) {
                cart.add(run("run-d-" + i, "cart", T0, i));
            }
            predictions.saveRuns(cart);
            feedback.declare(SHOP, "service", "cart", T0.minusSeconds(60), T0.plusSeconds(60), "w", "ana");

            List<FeedbackRow> whole = wholeRead(store, MODEL, null, null);
            assertThat(whole).hasSize(16);
            for (int page : new int[] {1, 2, 4}) {
                List<FeedbackRow> paged = take(feedback.rows(SHOP, MODEL, null, null, page));
                assertThat(paged).as("pages of " + page).containsExactlyElementsOf(whole);
                assertThat(paged).extracting(FeedbackRow::runId).doesNotHaveDuplicates();
            }
        }
    }

    /** The former {@code Feedback.dataset}: every row built in memory, then sorted. The reference. */
    static List<FeedbackRow> wholeRead(FeedbackStore store, String m, Instant from, Instant to) {
        List<FeedbackLabel> labels = store.labels(SHOP);
        Map<String, FeedbackLabel> person = new HashMap<>();
        for (FeedbackLabel l : labels) {
            if (!l.isWindow()) {
                person.merge(l.predictionId(), l, (a, b) -> b.labelledAt().isBefore(a.labelledAt()) ? a : b);
            }
        }
        Map<String, FeedbackRow> byRun = new LinkedHashMap<>();
        Map<String, String> predictionOfRun = new HashMap<>();
        for (FeedbackStore.ScoredPrediction p : store.predictions(SHOP, m, from, to, null, Integer.MAX_VALUE)) {
            predictionOfRun.put(p.runId(), p.predictionId());
            FeedbackLabel l = person.get(p.predictionId());
            if (l == null) {
                continue; // no decisions in this data
            }
            byRun.put(p.runId(), new FeedbackRow(p.observedAt(), p.targetKind(), p.targetId(), p.model(), p.version(),
                    p.runId(), p.predictionId(), l.label() == FeedbackLabel.Label.INCIDENT ? 1 : 0, "person",
                    l.reason(), p.risk(), Feedback.features(p.inputJson())));
        }
        for (FeedbackLabel w : labels) {
            if (!w.isWindow() || from != null && w.end().isBefore(from) || to != null && w.start().isAfter(to)) {
                continue;
            }
            Instant start = from != null && w.start().isBefore(from) ? from : w.start();
            Instant end = to != null && w.end().isAfter(to) ? to : w.end();
            for (FeedbackStore.StoredRun r : store.runs(SHOP, w.targetKind(), w.targetId(), start, end, m)) {
                String predictionId = predictionOfRun.get(r.runId());
                FeedbackRow existing = byRun.get(r.runId());
                if (existing != null && existing.source().equals("person")) {
                    continue;
                }
                byRun.put(r.runId(), new FeedbackRow(r.executedAt(), r.targetKind(), r.targetId(), r.model(),
                        r.version(), r.runId(), predictionId == null ? "" : predictionId, 1, "declared", w.reason(),
                        Feedback.risk(r.outputJson()), Feedback.features(r.inputJson())));
            }
        }
        List<FeedbackRow> rows = new ArrayList<>(byRun.values());
        rows.sort(Comparator.comparing(FeedbackRow::time).thenComparing(FeedbackRow::runId));
        return rows;
    }
}
