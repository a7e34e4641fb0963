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
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Deletes what is older than its family's age ({@link RetentionSettings}, guide 8.2), every
 * {@code cc.retention.interval}, on a thread of its own ({@code cc-retention}). A pass goes table by table and
 * project by project: it reads a batch of the oldest keys by a time index and deletes those rows (and their
 * children) by key, in one short transaction per batch, until a batch comes back short. Never deleted, whatever the
 * ages: labels ({@code feedback_label}) and decisions ({@code prediction_action}); a prediction a label or a decision
 * names; a model run a stored prediction names or a declared incident's window covers; a run not finished
 * ({@code AWAITING_APPROVAL}, {@code RUNNING}) or one a decision names; the audit ledger ({@code audit_entry},
 * {@code audit_head}: a hash chain); models, workflows, keys. Telemetry newer than {@code cc.learning.window} is
 * kept by the settings themselves ({@link RetentionSettings#requireCovers}).
 *
 * <p>Hubs sharing a database may run passes at once: each counts only the rows its own statements deleted, and a row
 * another hub deleted first is simply not there any more. A pass that fails (the database down) stops; the
 * failure is logged once, at WARNING by {@link StoreFailures} with its error id, and the next interval tries again.
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

    /** Rows of another table deleted with their parent: {@code key} holds the parent's key. */
    private record Child(String table, String key, boolean byProject) {
    }

    /**
     * In the order a pass takes them: predictions before model runs, so a model run whose prediction just went
     * goes in the same pass.
     */
    private static final List<Target> TARGETS = List.of(
            telemetry("health_sample", "sample_time", List.of()),
            telemetry("audit", "audit_time", List.of(new Child("compliance_result", "record_id", true))),
            telemetry("task", "start_time", List.of()),
            telemetry("workflow_run", "start_time", List.of()),
            new Target("remediation_run", "run_id", "created_at", "t.state NOT IN (" + UNFINISHED + ")"
                    + " AND NOT EXISTS (SELECT 1 FROM prediction_action a WHERE a.run_id = t.run_id)",
                    List.of(new Child("remediation_node", "run_id", false), new Child("approval", "run_id", false)),
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

    private final Jpa jpa;
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
        this.settings = settings;
        this.clock = clock;
        this.deleted = metrics.counter("cc_retention_deleted_rows_total",
                "Rows the hub's retention passes deleted, by table.", "table");
        this.failed = metrics.counter("cc_retention_failed_passes_total",
                "Retention passes a failure stopped (the next interval tries again).");
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
     *         {@link StoreFailures}); what was deleted before stays deleted
     */
    public Map<String, Long> pass() {
        Map<String, Long> out = new LinkedHashMap<>();
        if (!settings.enabled()) {
            return out;
        }
        long started = System.nanoTime();
        Instant now = clock.instant();
        try {
            List<String> projects = projects();
            for (Target target : TARGETS) {
                Duration age = target.age().apply(settings);
                if (age.isZero()) {
                    continue;
                }
                Instant cut = now.minus(age);
                for (String project : projects) {
                    while (!closed) {
                        Batch b = batch(target, project, cut);
                        b.deleted().forEach((table, rows) -> {
                            out.merge(table, rows, Long::sum);
                            deleted.add(rows, table);
                        });
                        if (b.selected() < settings.batch() || b.deleted().getOrDefault(target.table(), 0L) == 0) {
                            break;
                        }
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
        return out;
    }

    private record Batch(int selected, Map<String, Long> deleted) {
    }

    /** One transaction: the oldest keys of one project before the cut, then their children and themselves. */
    private Batch batch(Target target, String project, Instant cut) {
        String keep = target.keep().isEmpty() ? "" : " AND " + target.keep();
        return jpa.write(em -> {
            @SuppressWarnings("unchecked")
            List<Object> keys = em.createNativeQuery("SELECT t." + target.key() + " FROM " + target.table()
                            + " t WHERE t.project_id = ? AND t." + target.time() + " < ?" + keep
                            + " ORDER BY t." + target.time() + " FETCH FIRST " + settings.batch() + " ROWS ONLY")
                    .setParameter(1, project).setParameter(2, Jpa.ts(cut)).getResultList();
            Map<String, Long> deleted = new LinkedHashMap<>();
            if (keys.isEmpty()) {
                return new Batch(0, deleted);
            }
            String in = String.join(", ", Collections.nCopies(keys.size(), "?"));
            for (Child child : target.children()) {
                var delete = em.createNativeQuery("DELETE FROM " + child.table() + " WHERE "
                        + (child.byProject() ? "project_id = ? AND " : "") + child.key() + " IN (" + in + ")");
                int p = 1;
                if (child.byProject()) {
                    delete.setParameter(p++, project);
                }
                for (Object key : keys) {
                    delete.setParameter(p++, key);
                }
                long rows = delete.executeUpdate();
                if (rows > 0) {
                    deleted.put(child.table(), rows);
                }
            }
            // the conditions that keep a row are checked again by the delete itself: a label or a decision stored
            // since the read keeps its row
            var delete = em.createNativeQuery("DELETE FROM " + target.table() + " t WHERE t.project_id = ? AND t."
                    + target.key() + " IN (" + in + ")" + keep).setParameter(1, project);
            int p = 2;
            for (Object key : keys) {
                delete.setParameter(p++, key);
            }
            long rows = delete.executeUpdate();
            Map<String, Long> ordered = new LinkedHashMap<>();
            if (rows > 0) {
                ordered.put(target.table(), rows);
            }
            ordered.putAll(deleted);
            return new Batch(keys.size(), ordered);
        });
    }

    /**
     * Every project with rows: telemetry's ({@code project}), the predictive engine's ({@code model}: a project's
     * model runs and predictions are of its models) and the workflow engine's ({@code workflow_revision}: a
     * project's runs are of its workflows). Three small tables, not the large ones.
     */
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
