package io.commandcenter.hub.remediate;

import io.commandcenter.hub.audit.AuditAction;
import io.commandcenter.hub.audit.AuditRecord;
import io.commandcenter.hub.predict.ModelRun;
import io.commandcenter.hub.predict.PredictionRepository.RunQuery;
import io.commandcenter.hub.predict.sql.JpaPredictionRepository;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.persistence.Database;
import io.commandcenter.hub.persistence.Retention;
import io.commandcenter.hub.persistence.RetentionSettings;
import io.commandcenter.hub.remediate.sql.JpaRemediationStore;
import io.commandcenter.hub.testing.Databases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.commandcenter.hub.remediate.RemediationStoreContract.run;
import static io.commandcenter.hub.remediate.RemediationStoreContract.P;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Queries every hub runs on growing tables read their page through an index, not the table: each
 * statement the store really runs is taken from H2's query statistics and run again under
 * {@code EXPLAIN ANALYZE} with the same parameters; the rows H2 scanned ({@code scanCount}) must stay
 * within the page plus two, while the table holds thousands of rows the query does not want. (H2
 * only: PostgreSQL's plans depend on the table's size and statistics, so a small seeded table does
 * not show them.)
 */
class H2QueryPlansTest {
    static final int ROWS = 3000;
    static final ProjectId SHOP = ProjectId.of("shop");
    static final OffsetDateTime T0 = OffsetDateTime.parse("2026-12-07T10:00:00Z");
    private static final Pattern SCAN_COUNT = Pattern.compile("scanCount: (\\d+)");

    @TempDir
    Path dir;
    Database database;
    Connection c;

    @BeforeEach
    void open() throws SQLException {
        database = Database.open(Databases.h2(dir));
        c = database.dataSource().getConnection();
        c.setAutoCommit(true);
    }

    @AfterEach
    void close() throws SQLException {
        c.close();
        database.close();
    }

    @Test
    void aPageOfModelRuns_ofAProjectOrOneTarget_andTheNextPage_isReadInIndexOrder() throws Exception {
        // half of shop's runs on target api, half on db; as many again in another project
        execute("INSERT INTO model_run (run_id, project_id, model_id, target_kind, target_id, run_kind, runs,"
                + " input_json, output_json, confidence, executed_at) SELECT 'r-' || X,"
                + " CASE WHEN X <= " + 2 * ROWS / 2 + " THEN 'shop' ELSE 'other' END, 'm-1', 'service',"
                + " CASE WHEN MOD(X, 2) = 0 THEN 'api' ELSE 'db' END, 'PREDICTION', 1, '{}', '{}', 0.9,"
                + " TIMESTAMP WITH TIME ZONE '2026-12-07 10:00:00+00' + X * INTERVAL '1' SECOND"
                + " FROM SYSTEM_RANGE(1, " + 2 * ROWS + ")");
        JpaPredictionRepository store = new JpaPredictionRepository(database);
        execute("SET QUERY_STATISTICS TRUE");

        List<ModelRun> page = store.listRuns(SHOP, new RunQuery(null, null, null, null, 10, null, null));
        ModelRun last = page.get(9);
        store.listRuns(SHOP, new RunQuery("api", null, null, null, 10, null, null));
        store.listRuns(SHOP, new RunQuery(null, null, null, null, 10, last.executedAt(), last.runId()));

        assertThat(page).hasSize(11).extracting(ModelRun::runId).startsWith("r-" + ROWS, "r-" + (ROWS - 1));
        OffsetDateTime cursor = OffsetDateTime.ofInstant(last.executedAt(), ZoneOffset.UTC);
        assertThat(scanned(statement(List.of("FROM model_run WHERE"), List.of("TARGET_ID =", "EXECUTED_AT <")), "shop", 11, 0))
                .as("a project's page").isLessThanOrEqualTo(11 + 2);
        assertThat(scanned(statement(List.of("FROM model_run WHERE", "TARGET_ID ="), List.of()), "shop", "api", 11, 0))
                .as("one target's page").isLessThanOrEqualTo(11 + 2);
        assertThat(scanned(statement(List.of("FROM model_run WHERE", "EXECUTED_AT <"), List.of()), "shop", cursor, cursor, cursor,
                last.runId(), 11, 0)).as("the next page").isLessThanOrEqualTo(11 + 2);
    }

    @Test
    void decisionsAwaitingTheirOutcome_areReadInIndexOrder_pastTheJudgedOnes() throws Exception {
        execute("INSERT INTO prediction_action (action_id, project_id, prediction_id, run_id, decision, decided_by,"
                + " decided_at, reason, target_kind, target_id, risk_before, outcome, outcome_at, risk_after, outcome_json)"
                + " SELECT 'a-' || X, 'shop', NULL, 'run-' || X, 'automatic', 'engine',"
                + " TIMESTAMP WITH TIME ZONE '2026-12-07 10:00:00+00' + X * INTERVAL '1' SECOND, '', 'service', 'api',"
                + " 0.9, CASE WHEN X > " + (ROWS - 5) + " THEN '' ELSE 'recovered' END, NULL, NULL, '{}'"
                + " FROM SYSTEM_RANGE(1, " + ROWS + ")");
        JpaRemediationStore store = new JpaRemediationStore(database);
        execute("SET QUERY_STATISTICS TRUE");

        assertThat(store.awaitingOutcome(3)).hasSize(3);

        // the outcome is bound as a parameter too
        assertThat(scanned(statement(List.of("FROM prediction_action WHERE"), List.of()), "", 3, 0))
                .isLessThanOrEqualTo(3 + 2);
    }

    @Test
    void expiredApprovals_ofEveryProject_areARangeOfAnIndex() throws Exception {
        // pending ones not due yet and decided ones long past their expiry; three pending ones past it
        execute("INSERT INTO approval (approval_id, project_id, run_id, prediction_id, workflow, revision, state,"
                + " reason_requested, min_confidence, blast_per_hour, blast_used, requested_at, expires_at, decided_at,"
                + " decided_by, reason) SELECT 'ap-' || X, 'p-' || MOD(X, 7), 'run-' || X, NULL, 'wf', 1,"
                + " CASE WHEN X <= 3 THEN 'PENDING' WHEN MOD(X, 2) = 0 THEN 'PENDING' ELSE 'APPROVED' END,"
                + " '', 0.9, 10, 0, TIMESTAMP WITH TIME ZONE '2026-12-07 09:00:00+00',"
                + " CASE WHEN X <= 3 OR MOD(X, 2) = 1 THEN TIMESTAMP WITH TIME ZONE '2026-12-07 09:30:00+00'"
                + " ELSE TIMESTAMP WITH TIME ZONE '2026-12-08 09:00:00+00' END, NULL, '', ''"
                + " FROM SYSTEM_RANGE(1, " + 2 * ROWS + ")");
        JpaRemediationStore store = new JpaRemediationStore(database);
        execute("SET QUERY_STATISTICS TRUE");

        assertThat(store.expired(T0.toInstant(), null, 10)).hasSize(3);

        // a page: the statement also has its LIMIT and OFFSET
        assertThat(scanned(statement(List.of("FROM approval WHERE"), List.of()), "PENDING", T0, 10, 0))
                .isLessThanOrEqualTo(3 + 2);
    }

    @Test
    void storedKeysOfACheckedWrite_areSeeksInTheProjectsKeyIndex() throws Exception {
        // other projects use the same keys
        execute("INSERT INTO remediation_run (run_id, project_id, workflow, revision, state, mode, trigger_subject,"
                + " trigger_event_id, prediction_id, target_kind, target_id, idempotency_key, approval_id, hub_id, error,"
                + " outcome, created_at, started_at, finished_at, deadline_at) SELECT 'x-' || X, 'p-' || MOD(X, 7),"
                + " 'wf', 1, 'SUCCEEDED', 'AUTOMATIC', 's', 'e', NULL, 'service', 'api', 'k' || (X / 7), NULL, 'hub-0',"
                + " '', '', TIMESTAMP WITH TIME ZONE '2026-12-07 09:00:00+00', NULL, NULL,"
                + " TIMESTAMP WITH TIME ZONE '2026-12-07 10:00:00+00' FROM SYSTEM_RANGE(1, " + 2 * ROWS + ")");
        JpaRemediationStore store = new JpaRemediationStore(database);
        store.write(List.of(create("r-1", "k1")), List.of());
        execute("SET QUERY_STATISTICS TRUE");

        // a key stored already: refused by the constraint, done again the checked way (the keys looked up)
        assertThat(store.write(List.of(create("r-2", "k1"), create("r-3", "k2")), List.of()))
                .containsExactly(false, true);

        assertThat(store.checkedWrites()).isEqualTo(1);
        String sql = statement(List.of("FROM remediation_run WHERE", "IDEMPOTENCY_KEY IN"), List.of());
        assertThat(scanned(sql, P.value(), "k1", "k2")).isLessThanOrEqualTo(2 + 2);
    }

    @Test
    void retentionsOldestRowsOfAProject_areARangeOfATimeIndex_notTheTable() throws Exception {
        // ROWS recent samples and model runs (each named by a prediction), and 4 of each past their age
        execute("INSERT INTO project (project_id, created_at) VALUES ('shop', TIMESTAMP WITH TIME ZONE"
                + " '2026-01-01 00:00:00+00')");
        String samples = "INSERT INTO health_sample (project_id, record_id, service, sample_time, received_at) SELECT"
                + " 'shop', 's-' || X, 'api', TIMESTAMP WITH TIME ZONE '2026-12-07 10:00:00+00' - CASE WHEN X <= 4 THEN"
                + " INTERVAL '40' DAY ELSE INTERVAL '0' DAY END + X * INTERVAL '1' SECOND,"
                + " TIMESTAMP WITH TIME ZONE '2026-12-07 10:00:00+00' FROM SYSTEM_RANGE(%d, %d)";
        String runs = "INSERT INTO model_run (run_id, project_id, model_id, target_kind, target_id, run_kind, runs,"
                + " input_json, output_json, confidence, executed_at) SELECT 'r-' || X, 'shop', 'm-1', 'service', 'api',"
                + " 'PREDICTION', 1, '{}', '{}', 0.9, TIMESTAMP WITH TIME ZONE '2026-12-07 10:00:00+00' - CASE WHEN X <= 4"
                + " THEN INTERVAL '20' DAY ELSE INTERVAL '0' DAY END + X * INTERVAL '1' SECOND FROM SYSTEM_RANGE(%d, %d)";
        execute(String.format(samples, 1, ROWS + 4));
        execute(String.format(runs, 1, ROWS + 4));
        execute("INSERT INTO prediction (prediction_id, project_id, target_entity, target_id, prediction_type, risk,"
                + " confidence, confidence_terms_json, recommended_action, factors_json, model_name, model_version,"
                + " threshold, trace_id, model_run_id, observed_at, created_at) SELECT 'p-' || X, 'shop', 'service', 'api',"
                + " 'failure', 0.9, 0.8, '{}', 'none', '[]', 'service_health', '1', 0.5, '', 'r-' || X, T0, T0"
                + " FROM (SELECT X, TIMESTAMP WITH TIME ZONE '2026-12-07 10:00:00+00' AS T0 FROM SYSTEM_RANGE(5, "
                + (ROWS + 4) + "))");
        execute("SET QUERY_STATISTICS TRUE");
        java.time.Clock clock = java.time.Clock.fixed(Instant.parse("2026-12-07T12:00:00Z"), ZoneOffset.UTC);

        try (Retention retention = Retention.start(database, RetentionSettings.defaults(),
                new io.commandcenter.hub.metrics.MetricRegistry(), clock)) {
            assertThat(retention.pass()).isEqualTo(Map.of("health_sample", 4L, "model_run", 4L));
        }
        // the statements the pass ran, on the 4 old rows again (EXPLAIN ANALYZE runs them)
        execute(String.format(samples, 1, 4));
        execute(String.format(runs, 1, 4));
        OffsetDateTime sampleCut = T0.plusHours(2).minusDays(30);
        OffsetDateTime runCut = T0.plusHours(2).minusDays(14);
        assertThat(scanned(statement(List.of("FROM health_sample t WHERE", "OFFSET"), List.of()), "shop", sampleCut))
                .as("the batch's bound").isLessThanOrEqualTo(4 + 2);
        assertThat(scanned(statement(List.of("DELETE FROM health_sample t WHERE"), List.of()), "shop", sampleCut,
                sampleCut)).as("the old samples").isLessThanOrEqualTo(4 + 2);
        assertThat(scanned(statement(List.of("DELETE FROM model_run t WHERE"), List.of()), "shop", runCut, runCut))
                .as("the old model runs, checked by seeks in the prediction and label indexes")
                .isLessThanOrEqualTo(4 + 2 + 2);
        assertThat(samplesLeft()).as("EXPLAIN ANALYZE ran the deletes").isEqualTo(ROWS);
    }

    @Test
    void retentionsLaterBatches_startPastThePreviousBound_notAtTheKeptRowsBeforeIt() throws Exception {
        // ROWS old model runs a stored prediction names (kept), then 6 old ones nothing names, taken 2 by 2
        execute("INSERT INTO project (project_id, created_at) VALUES ('shop', TIMESTAMP WITH TIME ZONE"
                + " '2026-01-01 00:00:00+00')");
        String runs = "INSERT INTO model_run (run_id, project_id, model_id, target_kind, target_id, run_kind, runs,"
                + " input_json, output_json, confidence, executed_at) SELECT '%s' || X, 'shop', 'm-1', 'service', 'api',"
                + " 'PREDICTION', 1, '{}', '{}', 0.9, TIMESTAMP WITH TIME ZONE '2026-12-07 10:00:00+00' - INTERVAL '%d'"
                + " DAY + X * INTERVAL '1' SECOND FROM SYSTEM_RANGE(1, %d)";
        execute(String.format(runs, "kept-", 20, ROWS));
        execute(String.format(runs, "old-", 19, 6));
        execute("INSERT INTO prediction (prediction_id, project_id, target_entity, target_id, prediction_type, risk,"
                + " confidence, confidence_terms_json, recommended_action, factors_json, model_name, model_version,"
                + " threshold, trace_id, model_run_id, observed_at, created_at) SELECT 'p-' || X, 'shop', 'service', 'api',"
                + " 'failure', 0.9, 0.8, '{}', 'none', '[]', 'service_health', '1', 0.5, '', 'kept-' || X, T0, T0"
                + " FROM (SELECT X, TIMESTAMP WITH TIME ZONE '2026-12-07 10:00:00+00' AS T0 FROM SYSTEM_RANGE(1, "
                + ROWS + "))");
        execute("SET QUERY_STATISTICS TRUE");
        java.time.Clock clock = java.time.Clock.fixed(Instant.parse("2026-12-07T12:00:00Z"), ZoneOffset.UTC);

        try (Retention retention = Retention.start(database, RetentionSettings.defaults().withBatch(2),
                new io.commandcenter.hub.metrics.MetricRegistry(), clock)) {
            assertThat(retention.pass()).isEqualTo(Map.of("model_run", 6L));
        }
        // the later batches' bound, run again on the 6 rows: past the first batch's bound (old-2), not from the start
        execute(String.format(runs, "old-", 19, 6));
        OffsetDateTime runCut = T0.plusHours(2).minusDays(14);
        OffsetDateTime firstBound = T0.minusDays(19).plusSeconds(2);
        long later = scanned(statement(List.of("FROM model_run t WHERE", "OFFSET", "t.executed_at > ?"), List.of()),
                "shop", runCut, firstBound);
        long first = scanned(statement(List.of("FROM model_run t WHERE", "OFFSET"), List.of("t.executed_at > ?")),
                "shop", runCut);
        assertThat(later).as("the rows after the bound and their seeks, not the %d kept before it", ROWS)
                .isLessThanOrEqualTo(3 * 4 + 2);
        assertThat(first).as("a project's first batch reads the kept rows once").isGreaterThan(ROWS);
    }

    private long samplesLeft() throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT COUNT(*) FROM health_sample")) {
            r.next();
            return r.getLong(1);
        }
    }

    private static RunStore.NewRun create(String runId, String key) {
        var run = run(runId, key, RunMode.AUTOMATIC, T0.toInstant());
        return new RunStore.NewRun(run, Optional.empty(), Optional.empty(), AuditRecord.of(T0.toInstant(),
                run.project().value(), "engine", AuditAction.RUN_DECIDED, "run:" + runId, Map.of(), "hub-1"));
    }

    private void execute(String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /**
     * The one SELECT (or DELETE) the stores ran that contains each of {@code with} and none of {@code without}
     * (case-insensitive; {@code without} may be empty).
     */
    private String statement(List<String> with, List<String> without) throws SQLException {
        List<String> found = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(
                "SELECT SQL_STATEMENT FROM INFORMATION_SCHEMA.QUERY_STATISTICS")) {
            while (r.next()) {
                String sql = r.getString(1);
                String upper = sql.toUpperCase(Locale.ROOT);
                if ((upper.startsWith("SELECT") || upper.startsWith("DELETE")) && with.stream().allMatch(w -> upper.contains(w.toUpperCase(Locale.ROOT)))
                        && without.stream().noneMatch(w -> upper.contains(w.toUpperCase(Locale.ROOT)))) {
                    found.add(sql);
                }
            }
        }
        assertThat(found).as("statements with %s, without %s", with, without).hasSize(1);
        return found.get(0);
    }

    /** The rows H2 scanned running {@code sql} with these parameters, in all its tables and indexes. */
    private long scanned(String sql, Object... parameters) throws SQLException {
        try (PreparedStatement explain = c.prepareStatement("EXPLAIN ANALYZE " + sql)) {
            assertThat(explain.getParameterMetaData().getParameterCount()).as(sql).isEqualTo(parameters.length);
            for (int i = 0; i < parameters.length; i++) {
                explain.setObject(i + 1, parameters[i]);
            }
            try (ResultSet r = explain.executeQuery()) {
                r.next();
                String plan = r.getString(1);
                Matcher m = SCAN_COUNT.matcher(plan);
                long total = 0;
                boolean any = false;
                while (m.find()) {
                    total += Long.parseLong(m.group(1));
                    any = true;
                }
                assertThat(any).as("a scan count in %s", plan).isTrue();
                System.out.println(plan.replace('\n', ' ') + " -> scanned " + total);
                return total;
            }
        }
    }
}
