package io.commandcenter.hub.persistence;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.hub.metrics.MetricRegistry;
import io.commandcenter.hub.remediate.RunState;
import io.commandcenter.hub.remediate.Timers;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Deletes what is older than its family's age ({@link RetentionSettings}, guide 8.2) by the earlier of the hub's
 * clock and the database's, every
 * {@code cc.retention.interval}, on a thread of its own ({@code cc-retention}). A pass goes table by table and
 * project by project, batch by batch: one short transaction per batch, which reads the time of the project's
 * {@code cc.retention.batch}-th oldest row past its age and deletes the rows up to that time (children first), each
 * statement a range of the table's time index, the same text on H2 and PostgreSQL. Never deleted, whatever the
 * ages: labels ({@code feedback_label}) and decisions ({@code prediction_action}); a prediction a label or a decision
 * names; a model run a stored prediction names or a declared incident's window covers; a run not finished
 * ({@code AWAITING_APPROVAL}, {@code RUNNING}) or one a decision names; the audit ledger ({@code audit_entry},
 * {@code audit_head}: a hash chain); models, workflows, keys. Telemetry newer than {@code cc.learning.window} is
 * kept by the settings themselves ({@link RetentionSettings#requireCovers}).
 *
 * <p>A batch and a label ({@code feedback_label}) of its project never overlap: both lock the project's row first
 * ({@link #lockProject}), so a batch sees every label committed before it, and a label sees what a batch deleted.
 *
 * <p>Hubs sharing a database may run passes at once: each counts only the rows its own statements deleted, and a row
 * another hub deleted first is simply not there any more. A pass that fails (the database down) stops; the
 * failure is logged once, at WARNING by {@link StoreFailures} with its error id, and the next interval tries again.
 * A row lock not granted in time (a stuck transaction holds the row) leaves only that project's table for the next
 * pass, with a WARNING; the pass goes on with the other projects and tables, and counts as failed.
 */
public final class Retention implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Retention.class.getName());
    private static final String UNFINISHED = "'" + RunState.AWAITING_APPROVAL.name() + "', '" + RunState.RUNNING.name()
            + "'";

    /**
     * One table a pass deletes from: its key (with {@code project_id}), the time its age counts from, what keeps a
     * row (conditions on the row {@code t}), and the children deleted first by the same keys.
     */
    private record Target(String table, String key, String time, String keep, List<Child> children,
                          Function<RetentionSettings, Duration> age) {
    }

    /** Rows of another table deleted first, with their parent: {@code key} holds the parent's key. */
    private record Child(String table, String key) {
    }

    /**
     * In the order a pass takes them: predictions before model runs, so a model run whose prediction just went
     * goes in the same pass.
     */
    private static final List<Target> TARGETS = List.of(
            telemetry("health_sample", "sample_time", List.of()),
            // an audit's compliance results go with it (V1's ON DELETE CASCADE)
            telemetry("audit", "audit_time", List.of()),
            telemetry("task", "start_time", List.of()),
            telemetry("workflow_run", "start_time", List.of()),
            new Target("remediation_run", "run_id", "created_at", "t.state NOT IN (" + UNFINISHED + ")"
                    + " AND NOT EXISTS (SELECT 1 FROM prediction_action a WHERE a.run_id = t.run_id)",
                    List.of(new Child("remediation_node", "run_id"), new Child("approval", "run_id")),
                    RetentionSettings::runs),
            new Target("prediction", "prediction_id", "created_at",
                    "NOT EXISTS (SELECT 1 FROM feedback_label f WHERE f.prediction_id = t.prediction_id)"
                            + " AND NOT EXISTS (SELECT 1 FROM prediction_action a WHERE a.prediction_id = t.prediction_id)",
                    List.of(), RetentionSettings::predictions),
            new Target("model_run", "run_id", "executed_at",
                    "NOT EXISTS (SELECT 1 FROM prediction p WHERE p.model_run_id = t.run_id)"
                            + " AND NOT EXISTS (SELECT 1 FROM feedback_label f WHERE f.project_id = t.project_id"
                            + " AND f.target_id = t.target_id AND f.target_kind = t.target_kind"
                            + " AND f.prediction_id IS NULL AND f.start_time <= t.executed_at"
                            + " AND f.end_time >= t.executed_at)",
                    List.of(), RetentionSettings::modelRuns));

    private static Target telemetry(String table, String time, List<Child> children) {
        return new Target(table, "record_id", time, "", children, RetentionSettings::telemetry);
    }

    /** How far the hub's clock may be ahead of the database's before a pass says so. */
    private static final Duration CLOCK_AHEAD = Duration.ofMinutes(1);

    /** How long a batch waits for a row lock on PostgreSQL (H2: its LOCK_TIMEOUT) before its pass fails. */
    static final String LOCK_TIMEOUT = "5s";

    /** A row lock not granted: PostgreSQL's lock_timeout (55P03), H2's lock timeout (HYT00), a deadlock (40P01). */
    private static final Set<String> LOCK_NOT_GRANTED = Set.of("55P03", "HYT00", "40P01");

    private final Jpa jpa;
    private final boolean postgres;
    private final RetentionSettings settings;
    private final Clock clock;
    private final MetricRegistry.Counter deleted;
    private final MetricRegistry.Counter failed;
    private final Timers timers;
    private volatile boolean closed;

    /**
     * @param metrics where {@code cc_retention_deleted_rows_total} and {@code cc_retention_failed_passes_total} are
     *                registered
     * @param timers  runs the passes; closed with this
     */
    Retention(Database database, RetentionSettings settings, MetricRegistry metrics, Clock clock, Timers timers) {
        this.jpa = new Jpa(database.entityManagerFactory());
        this.postgres = database.vendor() == DatabaseSettings.Vendor.POSTGRESQL;
        this.settings = settings;
        this.clock = clock;
        this.deleted = metrics.counter("cc_retention_deleted_rows_total",
                "Rows the hub's retention passes deleted, by table.", "table");
        this.failed = metrics.counter("cc_retention_failed_passes_total",
                "Retention passes a failure stopped, or that left a project's table for a row lock not granted"
                        + " (the next interval tries again).");
        this.timers = timers;
    }

    /**
     * Runs a pass every {@code cc.retention.interval} (the first one interval after the start); none when every
     * age is zero.
     */
    public static Retention start(Database database, RetentionSettings settings, MetricRegistry metrics, Clock clock) {
        Retention retention = new Retention(database, settings, metrics, clock, Timers.onThread(clock, "cc-retention"));
        if (settings.enabled()) {
            retention.timers.every(settings.interval(), retention::passLogged);
        }
        return retention;
    }

    /** A pass whose failure is logged and counted, never thrown (the timer's). */
    void passLogged() {
        try {
            pass();
        } catch (RuntimeException e) {
            // logged at WARNING already by StoreFailures, with its error id and the driver's words
            failed.inc();
            if (!(e instanceof CommandCenterException c && "STORE_UNAVAILABLE".equals(c.reason()))) {
                LOG.log(System.Logger.Level.WARNING, "retention pass failed; the next one in " + settings.interval()
                        + " tries again", e);
            }
        }
    }

    /**
     * One pass now: every family whose age is not zero, every project, batch after batch. Stops between two batches
     * once closed.
     *
     * @return the rows deleted, by table, in the order deleted (tables with none left out)
     * @throws CommandCenterException UNAVAILABLE {@code STORE_UNAVAILABLE} when the database fails (logged by
     *         {@link StoreFailures}); what was deleted before stays deleted. A row lock not granted is not thrown:
     *         the project's table is left for the next pass (a WARNING, the pass counted as failed)
     */
    public Map<String, Long> pass() {
        Map<String, Long> out = new LinkedHashMap<>();
        if (!settings.enabled()) {
            return out;
        }
        long started = System.nanoTime();
        int left = 0;
        try {
            Instant now = now();
            List<String> projects = projects();
            for (Target target : TARGETS) {
                Duration age = target.age().apply(settings);
                if (age.isZero()) {
                    continue;
                }
                Instant cut = now.minus(age);
                for (String project : projects) {
                    try {
                        project(target, project, cut, out);
                    } catch (CommandCenterException e) {
                        if (!Jpa.hasSqlState(e, LOCK_NOT_GRANTED)) {
                            throw e;
                        }
                        // one row held (a stuck transaction) leaves this project's table, not the rest of the pass
                        left++;
                        LOG.log(System.Logger.Level.WARNING, "retention left " + target.table() + " of project "
                                + project + " for the next pass: a row lock was not granted in time (PostgreSQL: "
                                + LOCK_TIMEOUT + "; H2: its lock timeout; " + e.getMessage() + ")", e);
                    }
                }
            }
        } catch (RuntimeException e) {
            if (!out.isEmpty()) {
                LOG.log(System.Logger.Level.INFO, "retention pass stopped by a failure after deleting {0} in {1} ms;"
                        + " the next pass goes on", describe(out), millis(started));
            }
            throw e;
        }
        if (!out.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "retention pass deleted {0} in {1} ms", describe(out), millis(started));
        }
        if (left > 0) {
            failed.inc();
        }
        return out;
    }

    /** The project's batches of the target until its last one (or one that deleted none of the target's rows). */
    private void project(Target target, String project, Instant cut, Map<String, Long> out) {
        Instant after = null;
        while (!closed) {
            Batch batch = batch(target, project, cut, after);
            batch.deleted().forEach((table, rows) -> {
                if (rows > 0) {
                    out.merge(table, rows, Long::sum);
                    deleted.add(rows, table);
                }
            });
            if (batch.last() || batch.deleted().get(target.table()) == 0) {
                break; // the project's last batch, or one another hub's pass (or a run's nodes) held
            }
            // what is left up to the bound is kept: the next batch starts past it, not at the oldest row
            after = batch.upTo();
        }
    }

    /**
     * One transaction: the time of the project's {@code batch}-th oldest row before the cut that nothing keeps (none:
     * fewer are left, and this batch is the last), then the children of the rows up to that time and the rows
     * themselves. Past a project's first batch, only rows after the previous batch's bound ({@code after}) are read:
     * what is left before it is kept (a labelled prediction, a decided run), and reading it again for every batch
     * made a long pass quadratic in the kept rows. Every statement is a range of the table's time index ({@code project_id, time}), the same text on
     * H2 and PostgreSQL; rows sharing the bound's time all go in this batch. On PostgreSQL each statement reads its
     * own snapshot, so the rows' delete skips a row whose children are still there (the next pass takes it).
     *
     * @return the rows deleted, by table (the target's first), and whether this was the project's last batch
     */
    private Batch batch(Target target, String project, Instant cut, Instant after) {
        String where = target.table() + " t WHERE t.project_id = ? AND t." + target.time() + " < ?"
                + (after == null ? "" : " AND t." + target.time() + " > ?")
                + (target.keep().isEmpty() ? "" : " AND " + target.keep());
        int last = after == null ? 3 : 4;
        return jpa.write(em -> {
            if (postgres) {
                // PostgreSQL waits for a lock forever by default: a row a stuck transaction holds would hold the pass,
                // and the hub's close after it, for good
                em.createNativeQuery("SET LOCAL lock_timeout = '" + LOCK_TIMEOUT + "'").executeUpdate();
            }
            lockProject(em, project);
            List<?> bound = range(em.createNativeQuery("SELECT t." + target.time() + " FROM " + where + " ORDER BY t."
                            + target.time() + " OFFSET " + (settings.batch() - 1) + " ROWS FETCH FIRST 1 ROWS ONLY"),
                    project, cut, after).getResultList();
            Instant upTo = bound.isEmpty() ? cut : Jpa.instant(bound.get(0));
            String range = where + " AND t." + target.time() + " <= ?";
            Map<String, Long> out = new LinkedHashMap<>();
            out.put(target.table(), 0L);
            StringBuilder orphan = new StringBuilder();
            for (Child child : target.children()) {
                long rows = range(em.createNativeQuery("DELETE FROM " + child.table() + " WHERE " + child.key()
                                + " IN (SELECT t." + target.key() + " FROM " + range + ")"), project, cut, after)
                        .setParameter(last, Jpa.ts(upTo)).executeUpdate();
                if (rows > 0) {
                    out.put(child.table(), rows);
                }
                orphan.append(" AND NOT EXISTS (SELECT 1 FROM ").append(child.table()).append(" c WHERE c.")
                        .append(child.key()).append(" = t.").append(target.key()).append(')');
            }
            out.put(target.table(), (long) range(em.createNativeQuery("DELETE FROM " + range + orphan), project, cut,
                    after).setParameter(last, Jpa.ts(upTo)).executeUpdate());
            return new Batch(out, bound.isEmpty(), upTo);
        });
    }

    /** The project, the cut and (past a project's first batch) the previous batch's bound, in that order. */
    private static jakarta.persistence.Query range(jakarta.persistence.Query query, String project, Instant cut,
                                                   Instant after) {
        query.setParameter(1, project).setParameter(2, Jpa.ts(cut));
        return after == null ? query : query.setParameter(3, Jpa.ts(after));
    }

    /** @param upTo the time this batch deleted up to: the next batch of the project reads only what is after it */
    private record Batch(Map<String, Long> deleted, boolean last, Instant upTo) {
    }

    /**
     * Locks the project's row ({@code project}) until the transaction ends: every retention batch takes it first, and
     * so does every label written ({@code JpaFeedbackStore.saveLabel}). A label committed while a batch runs would
     * otherwise not be seen by it: on PostgreSQL a statement's {@code NOT EXISTS} reads the snapshot the statement
     * started with, also after it waited for a row lock. With the lock, a batch's statements start after every label
     * of the project committed, and a label written after a batch sees what it deleted. A project without a row
     * (none: ingest creates it) locks nothing.
     */
    public static void lockProject(jakarta.persistence.EntityManager em, String project) {
        em.createNativeQuery("SELECT project_id FROM project WHERE project_id = ? FOR UPDATE").setParameter(1, project)
                .getResultList();
    }

    /**
     * Every project with rows: telemetry's ({@code project}), the predictive engine's ({@code model}: a project's
     * model runs and predictions are of its models) and the workflow engine's ({@code workflow_revision}: a
     * project's runs are of its workflows). Three small tables, not the large ones.
     */
    /**
     * The time ages count back from: the earlier of the hub's clock and the database's ({@code CURRENT_TIMESTAMP}).
     * A hub whose clock is far ahead would otherwise delete what is not old yet, on every hub's database; one whose
     * clock is behind deletes later, never more. Ahead by more than a minute is logged at WARNING.
     */
    private Instant now() {
        Instant hub = clock.instant();
        Instant database = jpa.read(em -> Jpa.instant(em.createNativeQuery("SELECT CURRENT_TIMESTAMP").getSingleResult()));
        if (hub.isAfter(database.plus(CLOCK_AHEAD))) {
            LOG.log(System.Logger.Level.WARNING, "the hub''s clock ({0}) is ahead of the database''s ({1}); retention"
                    + " counts its ages from the database''s", hub, database);
        }
        return hub.isAfter(database) ? database : hub;
    }

    private List<String> projects() {
        return jpa.read(em -> {
            @SuppressWarnings("unchecked")
            List<Object> rows = em.createNativeQuery("SELECT project_id FROM project UNION SELECT project_id FROM model"
                    + " UNION SELECT project_id FROM workflow_revision").getResultList();
            List<String> out = new ArrayList<>();
            rows.forEach(r -> out.add((String) r));
            Collections.sort(out);
            return out;
        });
    }

    private static String describe(Map<String, Long> rows) {
        StringJoiner out = new StringJoiner(", ");
        rows.forEach((table, n) -> out.add(table + " " + n));
        return out.toString();
    }

    private static long millis(long startedNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
    }

    /**
     * Stops the passes: a pass under way ends after its current batch (one short transaction, never interrupted),
     * waited for up to 10 s. Closed before the database.
     */
    @Override
    public void close() {
        closed = true;
        timers.close();
    }
}
