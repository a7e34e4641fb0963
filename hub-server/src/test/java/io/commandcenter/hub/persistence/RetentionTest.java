package io.commandcenter.hub.persistence;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.hub.feedback.FeedbackLabel;
import io.commandcenter.hub.feedback.sql.JpaFeedbackStore;
import io.commandcenter.hub.metrics.MetricRegistry;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.remediate.Timers;
import io.commandcenter.hub.runtime.HubSettings;
import io.commandcenter.hub.testing.Databases;
import io.commandcenter.hub.testing.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Retention (guide 8.2) on H2 and on a real PostgreSQL: what is older than its family's age goes, in batches;
 * what the learning loop reads, runs not finished and runs or predictions a decision names stay.
 */
class RetentionTest {
    static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    static Instant daysAgo(int days) {
        return NOW.minus(Duration.ofDays(days));
    }

    static DatabaseSettings settings(String vendor, Path dir) {
        return vendor.equals("h2") ? Databases.h2(dir) : Databases.postgres(dir);
    }

    static Retention retention(Database db, RetentionSettings settings, MetricRegistry metrics) {
        return new Retention(db, settings, metrics, CLOCK, Timers.onThread(CLOCK, "test-retention"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void oldRowsGo_newRowsStay_andWhatTheLearningLoopAndUnfinishedRunsNeedStays(String vendor, @TempDir Path dir)
            throws Exception {
        try (Database db = Database.open(settings(vendor, dir))) {
            project(db, "shop");
            sample(db, "shop", "h-old", daysAgo(40));
            sample(db, "shop", "h-new", daysAgo(5));
            audit(db, "shop", "a-old", daysAgo(40), 2);
            audit(db, "shop", "a-new", daysAgo(5), 1);
            task(db, "shop", "t-old", daysAgo(40));
            task(db, "shop", "t-new", daysAgo(5));
            workflowRun(db, "shop", "w-old", daysAgo(40));
            workflowRun(db, "shop", "w-new", daysAgo(5));

            modelRun(db, "shop", "mr-old", "svc-a", daysAgo(20));
            modelRun(db, "shop", "mr-new", "svc-a", daysAgo(5));
            // an old prediction no label or decision names goes, and with it (same pass) its model run
            modelRun(db, "shop", "mr-of-p-old", "svc-a", daysAgo(100));
            prediction(db, "shop", "p-old", "mr-of-p-old", daysAgo(100));
            // a labelled prediction and a decided one stay, with their model runs
            modelRun(db, "shop", "mr-of-p-labelled", "svc-a", daysAgo(100));
            prediction(db, "shop", "p-labelled", "mr-of-p-labelled", daysAgo(100));
            label(db, "shop", "l-1", "p-labelled", "svc-a", daysAgo(100), daysAgo(100));
            modelRun(db, "shop", "mr-of-p-decided", "svc-a", daysAgo(100));
            prediction(db, "shop", "p-decided", "mr-of-p-decided", daysAgo(100));
            decision(db, "shop", "act-1", "p-decided", "r-decided", daysAgo(100));
            // a declared incident's window keeps the model runs it covers, not the ones beside it
            label(db, "shop", "l-window", null, "svc-w", daysAgo(21), daysAgo(19));
            modelRun(db, "shop", "mr-in-window", "svc-w", daysAgo(20));
            modelRun(db, "shop", "mr-beside-window", "svc-w", daysAgo(25));

            run(db, "shop", "r-done", "SUCCEEDED", daysAgo(100));
            run(db, "shop", "r-running", "RUNNING", daysAgo(100));
            run(db, "shop", "r-awaiting", "AWAITING_APPROVAL", daysAgo(100));
            run(db, "shop", "r-decided", "FAILED", daysAgo(100));
            run(db, "shop", "r-new", "SUCCEEDED", daysAgo(5));
            MetricRegistry metrics = new MetricRegistry();

            try (Retention retention = retention(db, RetentionSettings.defaults(), metrics)) {
                Map<String, Long> deleted = retention.pass();

                Map<String, Long> expected = new LinkedHashMap<>();
                expected.put("health_sample", 1L);
                expected.put("audit", 1L);
                expected.put("task", 1L);
                expected.put("workflow_run", 1L);
                expected.put("remediation_run", 1L);
                expected.put("remediation_node", 1L);
                expected.put("approval", 1L);
                expected.put("prediction", 1L);
                expected.put("model_run", 3L);
                assertThat(deleted).containsExactlyEntriesOf(expected);
                assertThat(retention.pass()).as("a second pass finds nothing more").isEmpty();
            }

            assertThat(ids(db, "SELECT record_id FROM health_sample")).containsExactly("h-new");
            assertThat(ids(db, "SELECT record_id FROM audit")).containsExactly("a-new");
            assertThat(ids(db, "SELECT record_id FROM compliance_result")).as("an audit's results go with it")
                    .containsExactly("a-new");
            assertThat(ids(db, "SELECT record_id FROM task")).containsExactly("t-new");
            assertThat(ids(db, "SELECT record_id FROM workflow_run")).containsExactly("w-new");
            assertThat(ids(db, "SELECT prediction_id FROM prediction")).containsExactly("p-decided", "p-labelled");
            assertThat(ids(db, "SELECT run_id FROM model_run")).containsExactly("mr-in-window", "mr-new",
                    "mr-of-p-decided", "mr-of-p-labelled");
            assertThat(ids(db, "SELECT run_id FROM remediation_run")).containsExactly("r-awaiting", "r-decided",
                    "r-new", "r-running");
            assertThat(ids(db, "SELECT run_id FROM remediation_node")).containsExactly("r-awaiting", "r-decided",
                    "r-new", "r-running");
            assertThat(ids(db, "SELECT run_id FROM approval")).as("a pending approval stays with its run")
                    .containsExactly("r-awaiting", "r-decided", "r-new", "r-running");
            assertThat(ids(db, "SELECT label_id FROM feedback_label")).containsExactly("l-1", "l-window");
            assertThat(ids(db, "SELECT action_id FROM prediction_action")).containsExactly("act-1");
            assertThat(metrics.scrape()).contains("cc_retention_deleted_rows_total{table=\"health_sample\"} 1")
                    .contains("cc_retention_deleted_rows_total{table=\"model_run\"} 3");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void moreRowsThanOneBatch_allGoInOnePass_inEveryProject(String vendor, @TempDir Path dir) throws Exception {
        try (Database db = Database.open(settings(vendor, dir))) {
            project(db, "shop");
            project(db, "bank");
            for (int i = 0; i < 10; i++) {
                sample(db, "shop", "old-" + i, daysAgo(31).minusSeconds(i));
            }
            for (int i = 0; i < 4; i++) {
                sample(db, "bank", "old-" + i, daysAgo(60).minusSeconds(i));
            }
            // more rows of one time than a batch: they go together, and the pass goes on past them
            for (int i = 0; i < 5; i++) {
                sample(db, "shop", "tie-" + i, daysAgo(50));
            }
            sample(db, "shop", "new", daysAgo(29));
            sample(db, "bank", "new", daysAgo(1));

            try (Retention retention = retention(db, RetentionSettings.defaults().withBatch(3), new MetricRegistry())) {
                assertThat(retention.pass()).containsExactlyEntriesOf(Map.of("health_sample", 19L));
            }
            assertThat(ids(db, "SELECT project_id || '/' || record_id FROM health_sample"))
                    .containsExactly("bank/new", "shop/new");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void aHubClockFarAhead_deletesOnlyWhatIsOldByTheDatabasesClock_andSaysSo(String vendor, @TempDir Path dir)
            throws Exception {
        try (Database db = Database.open(settings(vendor, dir))) {
            Instant real = Instant.now();
            project(db, "shop");
            sample(db, "shop", "yesterday", real.minus(Duration.ofDays(1)));
            sample(db, "shop", "forty-days", real.minus(Duration.ofDays(40)));
            modelRun(db, "shop", "mr-yesterday", "svc-a", real.minus(Duration.ofDays(1)));
            // a hub whose clock is a year ahead: by it, every row above is past its age
            Clock ahead = Clock.fixed(real.plus(Duration.ofDays(365)), ZoneOffset.UTC);
            List<String> lines;
            try (Retention retention = new Retention(db, RetentionSettings.defaults(), new MetricRegistry(), ahead,
                    Timers.onThread(ahead, "test-retention"))) {
                try (LogCapture log = LogCapture.start()) {
                    assertThat(retention.pass()).containsExactlyEntriesOf(Map.of("health_sample", 1L));
                    lines = log.lines();
                }
            }
            assertThat(ids(db, "SELECT record_id FROM health_sample")).containsExactly("yesterday");
            assertThat(ids(db, "SELECT run_id FROM model_run")).containsExactly("mr-yesterday");
            assertThat(lines).anyMatch(l -> l.startsWith("WARNING") && l.contains("ahead of the database's"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void telemetryInsideTheLearningWindowStays_atTheShortestAgeAllowed(String vendor, @TempDir Path dir)
            throws Exception {
        try (Database db = Database.open(settings(vendor, dir))) {
            project(db, "shop");
            sample(db, "shop", "six-days", daysAgo(6));
            sample(db, "shop", "eight-days", daysAgo(8));
            HubSettings hub = HubSettings.defaults(dir, 0);
            Duration window = hub.learning().window();
            // the shortest telemetry age a hub accepts is the learning window itself
            RetentionSettings shortest = hub.withRetention(hub.retention().withTelemetry(window)).retention();

            try (Retention retention = retention(db, shortest, new MetricRegistry())) {
                assertThat(retention.pass()).containsExactlyEntriesOf(Map.of("health_sample", 1L));
            }
            assertThat(ids(db, "SELECT record_id FROM health_sample")).containsExactly("six-days");
        }
    }

    @Test
    void aTelemetryAgeShorterThanTheLearningWindow_isRefused_namingBothSettings(@TempDir Path dir) {
        HubSettings hub = HubSettings.defaults(dir, 0);
        assertThatThrownBy(() -> hub.withRetention(hub.retention().withTelemetry(Duration.ofDays(3))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cc.retention.telemetry (PT72H)")
                .hasMessageContaining("cc.learning.window (PT168H)");
        assertThat(hub.withRetention(hub.retention().withTelemetry(Duration.ZERO)).retention().telemetry())
                .as("0 keeps telemetry forever").isZero();
    }

    @Test
    void badSettings_areRefused_namingTheSetting() {
        RetentionSettings d = RetentionSettings.defaults();
        assertThatThrownBy(() -> d.withModelRuns(Duration.ofDays(-1)))
                .hasMessageContaining("cc.retention.model-runs must not be negative");
        assertThatThrownBy(() -> d.withPredictions(Duration.ofDays(-1)))
                .hasMessageContaining("cc.retention.predictions must not be negative");
        // a run waiting for approval (up to 7 days) reads its prediction, which nothing else keeps
        assertThatThrownBy(() -> d.withPredictions(Duration.ofDays(7)))
                .hasMessageContaining("cc.retention.predictions must be 0 (keep forever) or at least PT192H");
        assertThat(d.withPredictions(RetentionSettings.MIN_PREDICTIONS).predictions()).isEqualTo(Duration.ofDays(8));
        assertThatThrownBy(() -> d.withRuns(Duration.ofSeconds(-1)))
                .hasMessageContaining("cc.retention.runs must not be negative");
        assertThatThrownBy(() -> d.withTelemetry(Duration.ofDays(-1)))
                .hasMessageContaining("cc.retention.telemetry must not be negative");
        assertThatThrownBy(() -> d.withInterval(Duration.ZERO)).hasMessageContaining("cc.retention.interval must be positive");
        assertThatThrownBy(() -> d.withBatch(0)).hasMessageContaining("cc.retention.batch must be in [1, 10000], got 0");
        assertThatThrownBy(() -> d.withBatch(10_001)).hasMessageContaining("cc.retention.batch");
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void disabled_deletesNothing_andAFamilyAtZeroIsKeptForever(String vendor, @TempDir Path dir) throws Exception {
        try (Database db = Database.open(settings(vendor, dir))) {
            project(db, "shop");
            sample(db, "shop", "h-old", daysAgo(400));
            modelRun(db, "shop", "mr-old", "svc-a", daysAgo(400));
            prediction(db, "shop", "p-old", "mr-old", daysAgo(400));

            try (Retention off = retention(db, RetentionSettings.off(), new MetricRegistry())) {
                assertThat(RetentionSettings.off().enabled()).isFalse();
                assertThat(off.pass()).isEmpty();
            }
            assertThat(ids(db, "SELECT record_id FROM health_sample")).containsExactly("h-old");

            // predictions kept forever: the prediction stays, and so does its model run
            try (Retention keepPredictions = retention(db, RetentionSettings.defaults().withPredictions(Duration.ZERO),
                    new MetricRegistry())) {
                assertThat(keepPredictions.pass()).containsExactlyEntriesOf(Map.of("health_sample", 1L));
            }
            assertThat(ids(db, "SELECT prediction_id FROM prediction")).containsExactly("p-old");
            assertThat(ids(db, "SELECT run_id FROM model_run")).containsExactly("mr-old");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void aPassTheDatabaseFails_logsOneWarningWithTheErrorId_andTheNextPassGoesOn(String vendor, @TempDir Path dir)
            throws Exception {
        try (Database db = Database.open(settings(vendor, dir))) {
            project(db, "shop");
            sample(db, "shop", "h-old", daysAgo(40));
            task(db, "shop", "t-old", daysAgo(40));
            workflowRun(db, "shop", "w-old", daysAgo(40));
            MetricRegistry metrics = new MetricRegistry();
            // the task table out of reach: every statement on it fails, as on a database that went away
            execute(db, "ALTER TABLE task RENAME TO task_away");
            try (Retention retention = retention(db, RetentionSettings.defaults(), metrics)) {
                List<String> lines;
                try (LogCapture log = LogCapture.start()) {
                    retention.passLogged();
                    lines = log.lines();
                }
                List<String> warnings = lines.stream().filter(l -> l.startsWith("WARNING")).toList();
                assertThat(warnings).hasSize(1);
                assertThat(warnings.get(0)).containsPattern("error [0-9a-f-]{36}");
                assertThat(metrics.scrape()).contains("cc_retention_failed_passes_total 1")
                        .as("what went before the failure stays deleted, and counted")
                        .contains("cc_retention_deleted_rows_total{table=\"health_sample\"} 1");
                assertThat(lines).anyMatch(l -> l.startsWith("INFO") && l.contains("retention pass stopped"));

                execute(db, "ALTER TABLE task_away RENAME TO task");
                assertThat(retention.pass()).isEqualTo(Map.of("task", 1L, "workflow_run", 1L));
            }
            assertThat(ids(db, "SELECT record_id FROM health_sample")).isEmpty();
            assertThat(ids(db, "SELECT record_id FROM task")).isEmpty();
        }
    }

    @Test
    void twoHubsRunningAPassAtOnce_neitherFails_andEveryRowIsCountedOnce(@TempDir Path dir) throws Exception {
        DatabaseSettings shared = Databases.postgres(dir);
        int old = 300;
        try (Database a = Database.open(shared); Database b = Database.open(shared)) {
            project(a, "shop");
            try (Connection c = a.dataSource().getConnection();
                 PreparedStatement insert = c.prepareStatement(SAMPLE)) {
                for (int i = 0; i < old; i++) {
                    sampleRow(insert, "shop", "old-" + i, daysAgo(40).plusSeconds(i));
                    insert.addBatch();
                }
                insert.executeBatch();
                c.commit();
            }
            RetentionSettings small = RetentionSettings.defaults().withBatch(7);
            ExecutorService two = Executors.newFixedThreadPool(2);
            try (Retention ra = retention(a, small, new MetricRegistry());
                 Retention rb = retention(b, small, new MetricRegistry())) {
                CountDownLatch go = new CountDownLatch(1);
                Future<Map<String, Long>> fa = two.submit(() -> {
                    go.await();
                    return ra.pass();
                });
                Future<Map<String, Long>> fb = two.submit(() -> {
                    go.await();
                    return rb.pass();
                });
                go.countDown();
                long total = fa.get().getOrDefault("health_sample", 0L) + fb.get().getOrDefault("health_sample", 0L);
                assertThat(total).as("each row counted by the hub that deleted it, once").isEqualTo(old);
            } finally {
                two.shutdown();
            }
            assertThat(ids(a, "SELECT record_id FROM health_sample")).isEmpty();
        }
    }

    /**
     * A label committed while a batch's delete of its prediction waits for a row lock: the delete read its snapshot
     * before the label, so on its own it deletes the prediction anyway. Both lock the project's row first: the label
     * waits for the batch and is refused, the prediction being gone.
     */
    @Test
    void aLabelWrittenWhileABatchDeletesItsPrediction_isRefused_neverLeftNamingADeletedPrediction(@TempDir Path dir)
            throws Exception {
        try (Database db = Database.open(Databases.postgres(dir))) {
            project(db, "shop");
            modelRun(db, "shop", "mr-old", "svc-a", daysAgo(100));
            prediction(db, "shop", "p-old", "mr-old", daysAgo(100));
            JpaFeedbackStore labels = new JpaFeedbackStore(db);
            FeedbackLabel label = new FeedbackLabel("l-late", ProjectId.of("shop"), "p-old", "service", "svc-a",
                    FeedbackLabel.Label.INCIDENT, daysAgo(100), daysAgo(100), "", "ops", NOW);
            ExecutorService two = Executors.newFixedThreadPool(2);
            try (Retention retention = retention(db, RetentionSettings.defaults(), new MetricRegistry());
                 Connection holder = db.dataSource().getConnection()) {
                // another transaction holds the prediction's row: the batch's delete, its snapshot taken, waits for it
                try (PreparedStatement hold = holder.prepareStatement(
                        "SELECT prediction_id FROM prediction WHERE prediction_id = 'p-old' FOR UPDATE")) {
                    hold.executeQuery().close();
                }
                Future<Map<String, Long>> pass = two.submit(retention::pass);
                await().atMost(Duration.ofSeconds(60)).until(() -> waiting(db, "DELETE FROM prediction"));
                Future<?> labelled = two.submit(() -> labels.saveLabel(label));
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> labelled.isDone() || waiting(db, "SELECT project_id FROM project"));
                holder.commit();

                assertThat(pass.get().get("prediction")).isEqualTo(1L);
                assertThatThrownBy(labelled::get).hasCauseInstanceOf(CommandCenterException.class)
                        .hasMessageContaining("no prediction p-old in project shop");
            } finally {
                two.shutdown();
            }
            assertThat(ids(db, "SELECT prediction_id FROM prediction")).isEmpty();
            assertThat(ids(db, "SELECT label_id FROM feedback_label")).as("no label names a deleted prediction")
                    .isEmpty();
        }
    }

    /**
     * A row a stuck transaction holds: the batch waits for it a bounded time, then leaves that project's table for
     * the next pass with a WARNING and goes on with the other projects and tables (the pass counted as failed).
     */
    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void aRowLockedByAStuckTransaction_leavesOnlyItsProjectsTable_theRestOfThePassGoesOn_andSaysSo(String vendor,
            @TempDir Path dir) throws Exception {
        try (Database db = Database.open(settings(vendor, dir))) {
            project(db, "shop");
            project(db, "zoo");
            sample(db, "shop", "h-old", daysAgo(40));
            sample(db, "zoo", "z-old", daysAgo(40));
            task(db, "shop", "t-old", daysAgo(40));
            MetricRegistry metrics = new MetricRegistry();
            ExecutorService one = Executors.newSingleThreadExecutor();
            try (Retention retention = retention(db, RetentionSettings.defaults(), metrics);
                 Connection stuck = db.dataSource().getConnection()) {
                try (PreparedStatement hold = stuck.prepareStatement(
                        "SELECT record_id FROM health_sample WHERE record_id = 'h-old' FOR UPDATE")) {
                    hold.executeQuery().close();
                }
                List<String> lines;
                try (LogCapture log = LogCapture.start()) {
                    Future<Map<String, Long>> pass = one.submit(retention::pass);
                    assertThat(pass.get(60, java.util.concurrent.TimeUnit.SECONDS))
                            .as("another project's samples and the project's other tables still go")
                            .isEqualTo(Map.of("health_sample", 1L, "task", 1L));
                    lines = log.lines();
                } finally {
                    stuck.rollback();
                }
                assertThat(lines).anyMatch(l -> l.startsWith("WARNING")
                        && l.contains("retention left health_sample of project shop for the next pass"));
                assertThat(metrics.scrape()).contains("cc_retention_failed_passes_total 1");
                assertThat(retention.pass()).as("the next pass goes on").isEqualTo(Map.of("health_sample", 1L));
            } finally {
                one.shutdownNow();
            }
            assertThat(ids(db, "SELECT record_id FROM health_sample")).isEmpty();
        }
    }

    /** Whether a PostgreSQL backend running a statement that starts with {@code sql} waits for a lock. */
    static boolean waiting(Database db, String sql) throws SQLException {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM pg_stat_activity"
                     + " WHERE wait_event_type = 'Lock' AND query LIKE ?")) {
            s.setString(1, sql + "%");
            try (ResultSet r = s.executeQuery()) {
                r.next();
                boolean out = r.getLong(1) > 0;
                c.rollback();
                return out;
            }
        }
    }

    // --- rows, as the stores write them (only the columns that matter here carry meaning)

    static final String SAMPLE = "INSERT INTO health_sample (project_id, record_id, service, sample_time, received_at)"
            + " VALUES (?, ?, 'checkout', ?, ?)";

    static void sampleRow(PreparedStatement insert, String project, String id, Instant at) throws SQLException {
        insert.setString(1, project);
        insert.setString(2, id);
        insert.setObject(3, ts(at));
        insert.setObject(4, ts(at));
    }

    static void project(Database db, String project) throws SQLException {
        update(db, "INSERT INTO project (project_id, created_at) VALUES (?, ?)", project, ts(daysAgo(1000)));
    }

    static void sample(Database db, String project, String id, Instant at) throws SQLException {
        update(db, SAMPLE, project, id, ts(at), ts(at));
    }

    static void audit(Database db, String project, String id, Instant at, int results) throws SQLException {
        update(db, "INSERT INTO audit (project_id, record_id, audit_id, target_kind, target_id, suite, status, audit_time,"
                + " summary, received_at) VALUES (?, ?, ?, 'host', 'h1', 'cis', 'pass', ?, '', ?)", project, id, id, ts(at),
                ts(at));
        for (int i = 0; i < results; i++) {
            update(db, "INSERT INTO compliance_result (project_id, record_id, result_index, control_id, status, severity,"
                    + " message) VALUES (?, ?, ?, 'c', 'pass', 'low', '')", project, id, i);
        }
    }

    static void task(Database db, String project, String id, Instant at) throws SQLException {
        update(db, "INSERT INTO task (project_id, record_id, task_id, name, workflow_run_id, status, start_time,"
                + " execution_time_us, error, agent, received_at) VALUES (?, ?, ?, 'backup', 'w', 'ok', ?, 1, '', 'a', ?)",
                project, id, id, ts(at), ts(at));
    }

    static void workflowRun(Database db, String project, String id, Instant at) throws SQLException {
        update(db, "INSERT INTO workflow_run (project_id, record_id, run_id, workflow, status, start_time, end_time,"
                + " trigger_source, error, received_at) VALUES (?, ?, ?, 'deploy', 'ok', ?, ?, 'cron', '', ?)",
                project, id, id, ts(at), ts(at), ts(at));
    }

    static void modelRun(Database db, String project, String id, String target, Instant at) throws SQLException {
        update(db, "INSERT INTO model_run (run_id, project_id, model_id, target_kind, target_id, run_kind, runs,"
                + " input_json, output_json, executed_at) VALUES (?, ?, 'm1', 'service', ?, 'SCORED', 1, '{}', '{}', ?)",
                id, project, target, ts(at));
    }

    static void prediction(Database db, String project, String id, String modelRun, Instant at) throws SQLException {
        update(db, "INSERT INTO prediction (prediction_id, project_id, target_entity, target_id, prediction_type, risk,"
                + " confidence, confidence_terms_json, recommended_action, factors_json, model_name, model_version,"
                + " threshold, trace_id, model_run_id, observed_at, created_at) VALUES (?, ?, 'service', 'svc-a',"
                + " 'failure', 0.9, 0.8, '{}', 'restart', '[]', 'service_health', '1', 0.5, '', ?, ?, ?)",
                id, project, modelRun, ts(at), ts(at));
    }

    static void label(Database db, String project, String id, String prediction, String target, Instant from,
                      Instant to) throws SQLException {
        update(db, "INSERT INTO feedback_label (label_id, project_id, prediction_id, target_kind, target_id, label,"
                + " start_time, end_time, reason, labelled_by, labelled_at) VALUES (?, ?, ?, 'service', ?, 'incident',"
                + " ?, ?, '', 'ops', ?)", id, project, prediction, target, ts(from), ts(to), ts(to));
    }

    static void decision(Database db, String project, String id, String prediction, String run, Instant at)
            throws SQLException {
        update(db, "INSERT INTO prediction_action (action_id, project_id, prediction_id, run_id, decision, decided_by,"
                + " decided_at, reason, target_kind, target_id, outcome, outcome_json) VALUES (?, ?, ?, ?, 'approved',"
                + " 'ops', ?, '', 'service', 'svc-a', 'recovered', '{}')", id, project, prediction, run, ts(at));
    }

    /** A run of that state with one node and one approval (pending while the run awaits it). */
    static void run(Database db, String project, String id, String state, Instant at) throws SQLException {
        update(db, "INSERT INTO remediation_run (run_id, project_id, workflow, revision, state, mode, trigger_subject,"
                + " trigger_event_id, target_kind, target_id, idempotency_key, hub_id, error, outcome, created_at,"
                + " deadline_at) VALUES (?, ?, 'restart', 1, ?, 'auto', 's', 'e', 'service', 'svc-a', ?, 'hub-1', '', '',"
                + " ?, ?)", id, project, state, id, ts(at), ts(at.plusSeconds(3600)));
        update(db, "INSERT INTO remediation_node (run_id, node_id, node_order, agent, action, state, attempts, task_id,"
                + " inputs_json, output_json, error, compensation) VALUES (?, 'n1', 0, 'a', 'restart', 'done', 1, '',"
                + " '{}', '{}', '', FALSE)", id);
        update(db, "INSERT INTO approval (approval_id, project_id, run_id, workflow, revision, state, reason_requested,"
                + " min_confidence, blast_per_hour, blast_used, requested_at, expires_at, decided_by, reason) VALUES"
                + " (?, ?, ?, 'restart', 1, ?, '', 0.5, 1, 0, ?, ?, '', '')", "ap-" + id, project, id,
                state.equals("AWAITING_APPROVAL") ? "pending" : "approved", ts(at), ts(at.plusSeconds(3600)));
    }

    static OffsetDateTime ts(Instant at) {
        return at.atOffset(ZoneOffset.UTC);
    }

    static void update(Database db, String sql, Object... values) throws SQLException {
        try (Connection c = db.dataSource().getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                if (values[i] == null) {
                    s.setNull(i + 1, Types.VARCHAR);
                } else {
                    s.setObject(i + 1, values[i]);
                }
            }
            s.executeUpdate();
            c.commit();
        }
    }

    static void execute(Database db, String sql) throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
            c.commit();
        }
    }

    /** The first column of every row, sorted. */
    static List<String> ids(Database db, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery(sql)) {
            while (r.next()) {
                out.add(r.getString(1));
            }
            c.rollback();
        }
        out.sort(null);
        return out;
    }
}
