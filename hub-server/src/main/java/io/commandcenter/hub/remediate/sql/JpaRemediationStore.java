package io.commandcenter.hub.remediate.sql;

import io.commandcenter.common.json.Json;
import io.commandcenter.common.json.JsonException;
import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.hub.audit.sql.JpaAuditLedger;
import io.commandcenter.hub.persistence.Database;
import io.commandcenter.hub.persistence.Jpa;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.remediate.ActionRecord;
import io.commandcenter.hub.remediate.ActionStore;
import io.commandcenter.hub.remediate.ActionDecision;
import io.commandcenter.hub.remediate.ApprovalRecord;
import io.commandcenter.hub.remediate.ApprovalState;
import io.commandcenter.hub.remediate.AutonomySetting;
import io.commandcenter.hub.remediate.NodeRecord;
import io.commandcenter.hub.remediate.NodeState;
import io.commandcenter.hub.remediate.Outcome;
import io.commandcenter.hub.remediate.RemediationStore;
import io.commandcenter.hub.remediate.RunMode;
import io.commandcenter.hub.remediate.RunRecord;
import io.commandcenter.hub.remediate.RunState;
import io.commandcenter.hub.remediate.RunStore;
import io.commandcenter.hub.remediate.WorkflowRevision;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceException;
import jakarta.persistence.Query;
import jakarta.persistence.TypedQuery;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/** Remediation state in SQL, through JPA. */
public final class JpaRemediationStore implements RemediationStore {
    private static final System.Logger LOG = System.getLogger(JpaRemediationStore.class.getName());
    private static final List<String> UNFINISHED = List.of(RunState.AWAITING_APPROVAL.name(), RunState.RUNNING.name());

    /** The stored names of the modes no person decided: the blast radius counts these. */
    private static final List<String> AUTOMATIC_MODES = Arrays.stream(RunMode.values()).filter(RunMode::isAutomatic)
            .map(RunMode::wireName).toList();
    /** How long after a key collision the creates' keys are looked up before inserting. */
    static final Duration CHECKED_AFTER_COLLISION = Duration.ofSeconds(10);
    private final Jpa jpa;
    private volatile long lastCollision = System.nanoTime() - CHECKED_AFTER_COLLISION.toNanos() - 1;
    private final AtomicLong collisions = new AtomicLong();
    private final AtomicLong checkedWrites = new AtomicLong();
    /**
     * SQL states of a transaction the database rolled back to break a deadlock (PostgreSQL 40P01; H2
     * reports its deadlocks as 40001) or a serialization conflict (40001): nothing of it is stored.
     */
    private static final Set<String> CONFLICT = Set.of("40P01", "40001");
    /**
     * SQL states of a statement that gave up waiting for a lock (H2 HYT00, after its lock timeout,
     * 2 s by default; PostgreSQL 55P03 lock_not_available, with a lock_timeout set): raised by the
     * statement, so before its transaction's commit.
     */
    private static final Set<String> LOCK_TIMEOUT = Set.of("HYT00", "55P03");
    /**
     * How many times an adoption is tried when the database rolls it back for a conflict (a fenced
     * write is tried once: its caller does it again, see {@link RunStore#writeOwned}).
     */
    static final int CONFLICT_ATTEMPTS = 3;
    private final AtomicLong conflicts = new AtomicLong();
    /** The ledger on the same database, when decisions are chained in the runs' own transactions. */
    private final JpaAuditLedger ledger;

    public JpaRemediationStore(Database database) {
        this(database, null);
    }

    /**
     * @param ledger the audit ledger on the same database: {@link #write} then chains the decisions
     *               of the runs it creates in the same transaction (one commit for both); null: the
     *               caller records them
     */
    public JpaRemediationStore(Database database, JpaAuditLedger ledger) {
        this.jpa = new Jpa(database.entityManagerFactory());
        this.ledger = ledger;
    }

    @Override
    public boolean recordsDecisions() {
        return ledger != null;
    }

    // ---- workflows

    @Override
    public Appended append(ProjectId project, String name, String source, String sha256, Instant at, String by) {
        return jpa.write(em -> {
            Optional<WorkflowRevisionEntity> latest = latestEntity(em, project, name);
            if (latest.isPresent() && latest.get().sha256.equals(sha256)) {
                return new Appended(revision(latest.get()), false);
            }
            WorkflowRevisionEntity e = new WorkflowRevisionEntity();
            e.projectId = project.value();
            e.name = name;
            e.revision = latest.map(l -> l.revision + 1).orElse(1);
            e.sourceText = source;
            e.sha256 = sha256;
            e.createdAt = Jpa.ts(at);
            e.createdBy = by;
            em.persist(e);
            return new Appended(revision(e), true);
        });
    }

    private static Optional<WorkflowRevisionEntity> latestEntity(EntityManager em, ProjectId project, String name) {
        return em.createQuery("SELECT w FROM WorkflowRevisionEntity w WHERE w.projectId = :p AND w.name = :n "
                        + "ORDER BY w.revision DESC", WorkflowRevisionEntity.class)
                .setParameter("p", project.value()).setParameter("n", name).setMaxResults(1)
                .getResultStream().findFirst();
    }

    @Override
    public Optional<WorkflowRevision> revision(ProjectId project, String name, int revision) {
        return jpa.read(em -> em.createQuery("SELECT w FROM WorkflowRevisionEntity w WHERE w.projectId = :p "
                        + "AND w.name = :n AND w.revision = :r", WorkflowRevisionEntity.class)
                .setParameter("p", project.value()).setParameter("n", name).setParameter("r", revision)
                .getResultStream().findFirst().map(JpaRemediationStore::revision));
    }

    @Override
    public Optional<WorkflowRevision> latest(ProjectId project, String name) {
        return jpa.read(em -> latestEntity(em, project, name).map(JpaRemediationStore::revision));
    }

    @Override
    public List<WorkflowRevision> revisions(ProjectId project, String name) {
        return jpa.read(em -> em.createQuery("SELECT w FROM WorkflowRevisionEntity w WHERE w.projectId = :p "
                        + "AND w.name = :n ORDER BY w.revision DESC", WorkflowRevisionEntity.class)
                .setParameter("p", project.value()).setParameter("n", name).getResultList().stream()
                .map(JpaRemediationStore::revision).toList());
    }

    @Override
    public List<WorkflowRevision> latestEverywhere() {
        return jpa.read(em -> em.createQuery("SELECT w FROM WorkflowRevisionEntity w WHERE w.revision = "
                        + "(SELECT MAX(x.revision) FROM WorkflowRevisionEntity x WHERE x.projectId = w.projectId "
                        + "AND x.name = w.name) ORDER BY w.projectId, w.name", WorkflowRevisionEntity.class)
                .getResultList().stream().map(JpaRemediationStore::revision).toList());
    }

    private static WorkflowRevision revision(WorkflowRevisionEntity e) {
        return new WorkflowRevision(ProjectId.of(e.projectId), e.name, e.revision, e.sourceText, e.sha256,
                Jpa.instant(e.createdAt), e.createdBy);
    }

    // ---- runs

    @Override
    public boolean create(RunRecord run, Optional<ApprovalRecord> approval, Optional<ActionRecord> action) {
        try {
            return insert(run, approval, action);
        } catch (CommandCenterException e) {
            // a run with the key is stored (by this hub or another): the unique key refused this one
            if (Jpa.isUniqueViolation(e) && hasKey(run)) {
                return false;
            }
            throw e;
        }
    }

    private boolean hasKey(RunRecord run) {
        return jpa.read(em -> hasKey(em, run));
    }

    /** Whether a run with this run's idempotency key is stored in its project. */
    private static boolean hasKey(EntityManager em, RunRecord run) {
        return em.createQuery("SELECT COUNT(r) FROM RunEntity r WHERE r.projectId = :p AND r.idempotencyKey = :k",
                        Long.class)
                .setParameter("p", run.project().value()).setParameter("k", run.idempotencyKey()).getSingleResult() > 0;
    }

    private boolean insert(RunRecord run, Optional<ApprovalRecord> approval, Optional<ActionRecord> action) {
        // no look-up first: the unique key refuses a stored one, and create() then finds it
        return jpa.write(em -> {
            em.persist(entity(run));
            // EclipseLink orders inserts by entity class, not by the foreign keys between unrelated
            // entities: write the run first so its nodes, approval and action can refer to it
            em.flush();
            run.nodes().forEach(n -> em.persist(entity(run.runId(), n)));
            approval.ifPresent(a -> em.persist(entity(a)));
            action.ifPresent(a -> em.persist(entity(a)));
            // the unique key decides between two hubs racing for the same trigger
            em.flush();
            return true;
        });
    }

    /**
     * One transaction for all of it: the creates (a key stored already, or twice among them, is
     * answered false) through JPA, then each update as two JDBC batches on the same connection (run
     * rows, node rows): a burst's hundreds of updates would otherwise cost EclipseLink a merge and a
     * change-set comparison each. A run whose row is not there yet is merged as {@link #update}
     * does. With a ledger, the decisions of the runs created are chained last, in the same
     * transaction. A failure (another hub stored one of the keys meanwhile, the ledger's head
     * busy) stores nothing: the caller goes one by one.
     */
    /**
     * As {@link #write(List, List)}, but a node equal in {@code lastStored} is not written again (the
     * journal's burst wrote every node of a run at each step: a third of its writer's time). Each
     * update is fenced (ADR 0028): the run's row is updated {@code WHERE run_id = ? AND hub_id = ?}
     * (the update's hub), which also locks it to the commit, and its nodes only when that matched; a
     * run whose row another hub owns is answered lost and nothing of it written. A run whose row
     * turns out missing is merged whole, as before.
     *
     * <p>The creates' keys are not looked up first: the unique constraint {@code uq_remediation_run_key}
     * decides. A key stored already (by this hub or another) fails the transaction with a unique
     * violation, and the whole write is done again, nothing of the first try kept, the checked way:
     * the stored keys read in one query and their creates answered false, as before. After a
     * collision the checked way is taken first for {@link #CHECKED_AFTER_COLLISION} (hubs racing for
     * the same triggers would otherwise pay a refused transaction each time).
     */
    @Override
    public Written writeOwned(List<NewRun> creates, List<RunRecord> updates, Map<String, RunRecord> lastStored) {
        if (creates.isEmpty() || System.nanoTime() - lastCollision < CHECKED_AFTER_COLLISION.toNanos()) {
            return write(creates, updates, lastStored, true);
        }
        try {
            return write(creates, updates, lastStored, false);
        } catch (CommandCenterException e) {
            if (!Jpa.isUniqueViolation(e)) {
                throw e;
            }
            lastCollision = System.nanoTime();
            collisions.incrementAndGet();
            return write(creates, updates, lastStored, true);
        }
    }

    /** Writes that found a key (or another unique value) stored already and were done again the checked way. */
    public long collisions() {
        return collisions.get();
    }

    /** Writes with creates that looked their keys up first (after a collision, or the second try of one). */
    public long checkedWrites() {
        return checkedWrites.get();
    }

    private Written write(List<NewRun> creates, List<RunRecord> updates, Map<String, RunRecord> lastStored,
                          boolean checked) {
        if (checked && !creates.isEmpty()) {
            checkedWrites.incrementAndGet();
        }
        // tried once: a write the database rolled back is done again by its caller, who first checks
        // that its runs are still its own (RunJournal); the description is built only for a failure
        return conflictReported(() -> "a write of " + creates.size() + " new run(s) and " + updates.size()
                + " run state(s) " + ids(updates), 1, em -> {
            Set<String> taken = checked ? storedKeys(em, creates) : new HashSet<>();
            List<Boolean> stored = new ArrayList<>(creates.size());
            List<NewRun> fresh = new ArrayList<>(creates.size());
            for (NewRun c : creates) {
                boolean isNew = taken.add(c.run().project().value() + "\u0000" + c.run().idempotencyKey());
                stored.add(isNew);
                if (isNew) {
                    fresh.add(c);
                }
            }
            if (!fresh.isEmpty()) {
                // runs, then the rows that refer to them, as JDBC batches on the transaction's connection
                // (an EclipseLink persist and change set per row cost a burst's single writer most of its time)
                insertRows(em.unwrap(java.sql.Connection.class), fresh);
                for (NewRun c : fresh) {
                    c.approval().ifPresent(a -> em.persist(entity(a)));
                }
                em.flush();
            }
            Map<String, String> lost = new HashMap<>();
            if (!updates.isEmpty()) {
                for (RunRecord missing : updateRows(em.unwrap(java.sql.Connection.class), updates, lastStored, lost)) {
                    em.merge(entity(missing));
                    missing.nodes().forEach(n -> em.merge(entity(missing.runId(), n)));
                }
                em.flush();
            }
            if (ledger != null) {
                List<io.commandcenter.hub.audit.AuditRecord> decided = new ArrayList<>();
                for (int i = 0; i < creates.size(); i++) {
                    if (stored.get(i) && creates.get(i).decided() != null) {
                        decided.add(creates.get(i).decided());
                    }
                }
                if (!decided.isEmpty()) {
                    // records made with their runs: new ids, unless this is the checked second try
                    if (checked) {
                        ledger.appendAllIn(em, decided);
                    } else {
                        ledger.appendNewIn(em, decided);
                    }
                    em.flush();
                }
            }
            return new Written(stored, lost);
        });
    }

    /** Writes and adoptions the database rolled back for a conflict (each try counted). */
    public long conflicts() {
        return conflicts.get();
    }

    /**
     * {@code work} in one transaction, tried up to {@code attempts} times in all: done again from the
     * start (nothing of a try is kept), after a short random pause, when the database rolls it back to
     * break a deadlock or a serialization conflict. The fenced write and the adoption lock rows in an
     * order that does not deadlock with each other (ADR 0028; tested under contention), but another
     * writer on the same rows may.
     *
     * @param what the description of {@code work} for a failure's message, built only then
     * @throws CommandCenterException CONTENTION ({@value RunStore#STORE_CONFLICT}) when every try was
     *                                rolled back so: nothing of {@code what} is stored
     */
    private <T> T conflictReported(Supplier<String> what, int attempts, Function<EntityManager, T> work) {
        return againOnConflict(what, attempts, () -> jpa.write(work), conflicts::incrementAndGet,
                JpaRemediationStore::pause);
    }

    /**
     * {@link #conflictReported}'s rule, for any transaction {@code tx}: {@code counted} hears each
     * conflict, {@code pause} is handed the milliseconds to wait before each try after the first.
     */
    static <T> T againOnConflict(Supplier<String> what, int attempts, Supplier<T> tx, Runnable counted,
                                 LongConsumer pause) {
        for (int attempt = 1; ; attempt++) {
            try {
                return tx.get();
            } catch (CommandCenterException e) {
                if (!Jpa.hasSqlState(e, CONFLICT)) {
                    throw e;
                }
                counted.run();
                if (attempt == attempts) {
                    throw new CommandCenterException(ErrorKind.CONTENTION, RunStore.STORE_CONFLICT, what.get()
                            + " was rolled back by the database " + (attempt == 1 ? "once" : attempt + " times")
                            + " to break a deadlock or a serialization conflict; nothing of it is stored: "
                            + e.getMessage(), Map.of(), List.of(), e);
                }
                long ms = jitter(attempt);
                LOG.log(System.Logger.Level.WARNING, "{0} was rolled back by the database to break a deadlock or a"
                        + " serialization conflict (try {1} of {2}); doing it again in {3} ms: {4}", what.get(),
                        attempt, attempts, ms, e.getMessage());
                pause.accept(ms);
            }
        }
    }

    /**
     * The pause before try {@code attempt + 1}: random in [10, 50) ms times {@code attempt}, so two
     * transactions that deadlocked do not start again at the same moment and meet the same way.
     */
    static long jitter(int attempt) {
        return ThreadLocalRandom.current().nextLong(10, 50) * attempt;
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CommandCenterException.unavailable("STORE_UNAVAILABLE", "interrupted before trying again", e);
        }
    }

    /** The ids of these runs, for a message (the first few). */
    private static String ids(List<RunRecord> runs) {
        List<String> ids = runs.stream().limit(5).map(RunRecord::runId).toList();
        return ids + (runs.size() > ids.size() ? " and " + (runs.size() - ids.size()) + " more" : "");
    }

    /**
     * The keys of these creates that are stored already, as project + NUL + key; one query per 500 keys,
     * for all their projects at once ({@code project_id IN ... AND idempotency_key IN ...}, seeks in
     * {@code uq_remediation_run_key (project_id, idempotency_key)}), the pairs not asked for dropped here.
     */
    private static Set<String> storedKeys(EntityManager em, List<NewRun> creates) {
        List<String> wanted = creates.stream().map(c -> c.run().project().value() + "\u0000" + c.run().idempotencyKey())
                .distinct().toList();
        Set<String> out = new HashSet<>();
        for (int from = 0; from < wanted.size(); from += 500) {
            List<String> pairs = wanted.subList(from, Math.min(wanted.size(), from + 500));
            List<String> projects = pairs.stream().map(p -> p.substring(0, p.indexOf('\u0000'))).distinct().toList();
            List<String> keys = pairs.stream().map(p -> p.substring(p.indexOf('\u0000') + 1)).distinct().toList();
            Set<String> asked = new HashSet<>(pairs);
            for (Object[] row : em.createQuery("SELECT r.projectId, r.idempotencyKey FROM RunEntity r "
                            + "WHERE r.projectId IN :ps AND r.idempotencyKey IN :ks", Object[].class)
                    .setParameter("ps", projects).setParameter("ks", keys).getResultList()) {
                String pair = row[0] + "\u0000" + row[1];
                if (asked.contains(pair)) {
                    out.add(pair);
                }
            }
        }
        return out;
    }

    private static final String INSERT_RUN = "INSERT INTO remediation_run (run_id, project_id, workflow, revision, "
            + "state, mode, trigger_subject, trigger_event_id, prediction_id, target_kind, target_id, idempotency_key, "
            + "approval_id, hub_id, error, outcome, created_at, started_at, finished_at, deadline_at) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_NODE = "INSERT INTO remediation_node (run_id, node_id, node_order, agent, "
            + "action, state, attempts, task_id, inputs_json, output_json, error, compensation, started_at, "
            + "finished_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_ACTION = "INSERT INTO prediction_action (action_id, project_id, "
            + "prediction_id, run_id, decision, decided_by, decided_at, reason, target_kind, target_id, risk_before, "
            + "outcome, outcome_at, risk_after, outcome_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    /**
     * Inserts new runs with their nodes and decision rows in three JDBC batches (runs first: the
     * others refer to them), the values exactly as the entities carry them. A key stored meanwhile
     * by another hub fails the batch, and with it the transaction, as a flush would.
     */
    private static void insertRows(java.sql.Connection connection, List<NewRun> creates) {
        try (java.sql.PreparedStatement run = connection.prepareStatement(INSERT_RUN);
             java.sql.PreparedStatement node = connection.prepareStatement(INSERT_NODE);
             java.sql.PreparedStatement action = connection.prepareStatement(INSERT_ACTION)) {
            boolean actions = false;
            for (NewRun c : creates) {
                RunEntity e = entity(c.run());
                run.setString(1, e.runId);
                run.setString(2, e.projectId);
                run.setString(3, e.workflow);
                run.setInt(4, e.revision);
                run.setString(5, e.state);
                run.setString(6, e.mode);
                run.setString(7, e.triggerSubject);
                run.setString(8, e.triggerEventId);
                run.setString(9, e.predictionId);
                run.setString(10, e.targetKind);
                run.setString(11, e.targetId);
                run.setString(12, e.idempotencyKey);
                run.setString(13, e.approvalId);
                run.setString(14, e.hubId);
                run.setString(15, e.error);
                run.setString(16, e.outcome);
                time(run, 17, e.createdAt);
                time(run, 18, e.startedAt);
                time(run, 19, e.finishedAt);
                time(run, 20, e.deadlineAt);
                run.addBatch();
                for (NodeRecord n : c.run().nodes()) {
                    NodeEntity ne = entity(e.runId, n);
                    node.setString(1, ne.runId);
                    node.setString(2, ne.nodeId);
                    node.setInt(3, ne.order);
                    node.setString(4, ne.agent);
                    node.setString(5, ne.action);
                    node.setString(6, ne.state);
                    node.setInt(7, ne.attempts);
                    node.setString(8, ne.taskId);
                    node.setString(9, ne.inputsJson);
                    node.setString(10, ne.outputJson);
                    node.setString(11, ne.error);
                    node.setBoolean(12, ne.compensation);
                    time(node, 13, ne.startedAt);
                    time(node, 14, ne.finishedAt);
                    time(node, 15, ne.nextAttemptAt);
                    node.addBatch();
                }
                if (c.action().isPresent()) {
                    ActionEntity a = entity(c.action().get());
                    action.setString(1, a.actionId);
                    action.setString(2, a.projectId);
                    action.setString(3, a.predictionId);
                    action.setString(4, a.runId);
                    action.setString(5, a.decision);
                    action.setString(6, a.decidedBy);
                    time(action, 7, a.decidedAt);
                    action.setString(8, a.reason);
                    action.setString(9, a.targetKind);
                    action.setString(10, a.targetId);
                    number(action, 11, a.riskBefore);
                    action.setString(12, a.outcome);
                    time(action, 13, a.outcomeAt);
                    number(action, 14, a.riskAfter);
                    action.setString(15, a.outcomeJson);
                    action.addBatch();
                    actions = true;
                }
            }
            run.executeBatch();
            node.executeBatch();
            if (actions) {
                action.executeBatch();
            }
        } catch (java.sql.SQLException e) {
            throw new jakarta.persistence.PersistenceException("run inserts failed: " + e.getMessage(), e);
        }
    }

    private static void number(java.sql.PreparedStatement ps, int index, Double value) throws java.sql.SQLException {
        if (value == null) {
            ps.setNull(index, java.sql.Types.DOUBLE);
        } else {
            ps.setDouble(index, value);
        }
    }

    /** The run's changing columns, only while the writer still owns it (ADR 0028's fence). */
    private static final String UPDATE_RUN = "UPDATE remediation_run SET state = ?, mode = ?, approval_id = ?, "
            + "error = ?, outcome = ?, started_at = ?, finished_at = ?, deadline_at = ? WHERE run_id = ? AND hub_id = ?";
    private static final String UPDATE_NODE = "UPDATE remediation_node SET state = ?, attempts = ?, task_id = ?, "
            + "inputs_json = ?, output_json = ?, error = ?, started_at = ?, finished_at = ?, next_attempt_at = ? "
            + "WHERE run_id = ? AND node_id = ?";

    /**
     * What a run's fenced UPDATE that matched no row means, given its owner read after it: no row
     * (empty: not stored yet), or the hub that owns it now (lost to it). An owner that is the writer
     * itself means the row changed hands and came back between the two statements (adopted back):
     * not lost, the batch is written again.
     *
     * @throws CommandCenterException UNAVAILABLE ({@code RUN_OWNER_CHANGED}) in that last case: the
     *                                transaction rolls back and the journal tries the run states again
     */
    static Optional<String> unmatched(RunRecord run, String owner) {
        if (owner == null) {
            return Optional.empty();
        }
        if (owner.equals(run.hubId())) {
            throw CommandCenterException.unavailable("RUN_OWNER_CHANGED", "run " + run.runId() + " changed owner and"
                    + " back to hub " + owner + " while it was written: written again", null);
        }
        return Optional.of(owner);
    }

    /**
     * Writes the runs' changing columns (a run's and its nodes' identity, graph and trigger never
     * change) in two batches: every run's own row first, fenced by its owner (the row is then locked
     * to the commit, so an adoption waits for it or went first), then, of the runs whose row matched,
     * the nodes — of a run in {@code lastStored}, only those that differ from there (most steps
     * change one node).
     *
     * @param lost filled with the runs whose row another hub owns (run id to that hub): nothing of them written
     * @return the runs with no row (not stored yet): the caller merges them
     */
    private static List<RunRecord> updateRows(java.sql.Connection connection, List<RunRecord> runs,
                                              Map<String, RunRecord> lastStored, Map<String, String> lost) {
        List<RunRecord> missing = new ArrayList<>();
        try (java.sql.PreparedStatement run = connection.prepareStatement(UPDATE_RUN);
             java.sql.PreparedStatement node = connection.prepareStatement(UPDATE_NODE)) {
            for (RunRecord r : runs) {
                batchRun(run, entity(r));
            }
            int[] matched = run.executeBatch();
            Set<String> unmatched = new LinkedHashSet<>();
            for (int i = 0; i < matched.length; i++) {
                if (matched[i] == 0) {
                    unmatched.add(runs.get(i).runId());
                }
            }
            Map<String, String> owners = owners(connection, List.copyOf(unmatched));
            int nodes = 0;
            for (RunRecord r : runs) {
                if (unmatched.contains(r.runId())) {
                    unmatched(r, owners.get(r.runId())).ifPresentOrElse(owner -> lost.put(r.runId(), owner),
                            () -> missing.add(r));
                    continue;
                }
                RunRecord before = lastStored.get(r.runId());
                for (NodeRecord n : r.nodes()) {
                    if (before != null && n.equals(nodeOf(before, n.nodeId()))) {
                        continue; // its row holds this state already
                    }
                    NodeEntity ne = entity(r.runId(), n);
                    node.setString(1, ne.state);
                    node.setInt(2, ne.attempts);
                    node.setString(3, ne.taskId);
                    node.setString(4, ne.inputsJson);
                    node.setString(5, ne.outputJson);
                    node.setString(6, ne.error);
                    time(node, 7, ne.startedAt);
                    time(node, 8, ne.finishedAt);
                    time(node, 9, ne.nextAttemptAt);
                    node.setString(10, ne.runId);
                    node.setString(11, ne.nodeId);
                    node.addBatch();
                    nodes++;
                }
            }
            if (nodes > 0) {
                node.executeBatch();
            }
        } catch (java.sql.SQLException e) {
            throw new jakarta.persistence.PersistenceException("run updates failed: " + e.getMessage(), e);
        }
        return missing;
    }

    /** The stored owners of these runs (run id to hub id), on the transaction's connection; one query per 500. */
    private static Map<String, String> owners(java.sql.Connection connection, List<String> runIds)
            throws java.sql.SQLException {
        Map<String, String> out = new HashMap<>();
        for (int from = 0; from < runIds.size(); from += 500) {
            List<String> chunk = runIds.subList(from, Math.min(runIds.size(), from + 500));
            String marks = String.join(", ", Collections.nCopies(chunk.size(), "?"));
            try (java.sql.PreparedStatement ps = connection.prepareStatement(
                    "SELECT run_id, hub_id FROM remediation_run WHERE run_id IN (" + marks + ")")) {
                for (int i = 0; i < chunk.size(); i++) {
                    ps.setString(i + 1, chunk.get(i));
                }
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getString(1), rs.getString(2));
                    }
                }
            }
        }
        return out;
    }

    @Override
    public Map<String, String> owners(Collection<String> runIds) {
        if (runIds.isEmpty()) {
            return Map.of();
        }
        List<String> ids = List.copyOf(runIds);
        return jpa.read(em -> {
            Map<String, String> out = new HashMap<>();
            for (int from = 0; from < ids.size(); from += 500) {
                for (Object[] row : em.createQuery("SELECT r.runId, r.hubId FROM RunEntity r WHERE r.runId IN :ids",
                        Object[].class).setParameter("ids", ids.subList(from, Math.min(ids.size(), from + 500)))
                        .getResultList()) {
                    out.put((String) row[0], (String) row[1]);
                }
            }
            return out;
        });
    }

    private static void batchRun(java.sql.PreparedStatement run, RunEntity e) throws java.sql.SQLException {
        run.setString(1, e.state);
        run.setString(2, e.mode);
        run.setString(3, e.approvalId);
        run.setString(4, e.error);
        run.setString(5, e.outcome);
        time(run, 6, e.startedAt);
        time(run, 7, e.finishedAt);
        time(run, 8, e.deadlineAt);
        run.setString(9, e.runId);
        run.setString(10, e.hubId);
        run.addBatch();
    }

    private static NodeRecord nodeOf(RunRecord run, String nodeId) {
        for (NodeRecord n : run.nodes()) {
            if (n.nodeId().equals(nodeId)) {
                return n;
            }
        }
        return null;
    }

    private static void time(java.sql.PreparedStatement ps, int index, java.time.OffsetDateTime value)
            throws java.sql.SQLException {
        if (value == null) {
            ps.setNull(index, java.sql.Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            ps.setObject(index, value);
        }
    }

    @Override
    public void update(RunRecord run) {
        jpa.write(em -> {
            em.merge(entity(run));
            run.nodes().forEach(n -> em.merge(entity(run.runId(), n)));
            return null;
        });
    }

    @Override
    public boolean updateWaiting(RunRecord run) {
        return jpa.write(em -> {
            // the check and the row's lock (to the commit) in one statement: of two such writes at once,
            // the second waits for the first's commit, then finds the run no longer waiting
            if (em.createNativeQuery("UPDATE remediation_run SET state = ?1 WHERE run_id = ?2 AND state = ?3")
                    .setParameter(1, run.state().name()).setParameter(2, run.runId())
                    .setParameter(3, RunState.AWAITING_APPROVAL.name()).executeUpdate() == 0) {
                return false;
            }
            em.merge(entity(run));
            run.nodes().forEach(n -> em.merge(entity(run.runId(), n)));
            return true;
        });
    }

    @Override
    public void renewLease(String hubId, Duration ttl) {
        jpa.write(em -> {
            // a renewal more than a TTL after the previous one starts a new streak (ADR 0028)
            int renewed = em.createNativeQuery("UPDATE hub_lease l SET since = CASE WHEN " + freshLease(ttl)
                            + " THEN l.since ELSE CURRENT_TIMESTAMP END, renewed_at = CURRENT_TIMESTAMP WHERE l.hub_id = ?1")
                    .setParameter(1, hubId).executeUpdate();
            if (renewed == 0) {
                em.createNativeQuery("INSERT INTO hub_lease (hub_id, renewed_at, since) VALUES (?1, CURRENT_TIMESTAMP,"
                                + " CURRENT_TIMESTAMP)")
                        .setParameter(1, hubId).executeUpdate();
            }
            return null;
        });
    }

    @Override
    public boolean leaseLapsed(String hubId, Duration ttl) {
        return jpa.read(em -> ((Number) em.createNativeQuery("SELECT COUNT(*) FROM hub_lease l WHERE l.hub_id = ?1"
                + " AND " + freshLease(ttl)).setParameter(1, hubId).getSingleResult()).longValue() == 0);
    }

    @Override
    public boolean adopt(String runId, String fromHub, String toHub, Duration leaseTtl) {
        Supplier<String> what = () -> "the adoption of run " + runId + " from hub " + fromHub + " by hub " + toHub;
        return conflictReported(what, CONFLICT_ATTEMPTS, em -> {
            try {
                return adoptIn(em, runId, fromHub, toHub, leaseTtl);
            } catch (PersistenceException e) {
                if (!Jpa.hasSqlState(e, LOCK_TIMEOUT)) {
                    throw e;
                }
                // a statement gave up waiting for a row lock, before the commit: the transaction rolls
                // back, nothing of it is stored (not an answer lost), so not tried again at once
                // the driver's words (the statement) stay with the cause, never in the answer (StoreFailures)
                throw new CommandCenterException(ErrorKind.CONTENTION, RunStore.STORE_CONFLICT, what.get()
                        + " gave up waiting for a row lock another transaction holds; nothing of it is stored",
                        Map.of(), List.of(), e);
            }
        });
    }

    private static boolean adoptIn(EntityManager em, String runId, String fromHub, String toHub, Duration leaseTtl) {
        // the owner's lapsed lease row, locked to the commit: an owner back under its id renews after
        // this adoption committed (and then reads the run as adopted), or this finds its lease fresh
        em.createNativeQuery("UPDATE hub_lease l SET renewed_at = l.renewed_at WHERE l.hub_id = ?1 AND NOT ("
                + freshLease(leaseTtl) + ")").setParameter(1, fromHub).executeUpdate();
        // the decision, one statement on the database's clock: the lease is checked where the owner changes
        return em.createNativeQuery("UPDATE remediation_run SET hub_id = ?1 WHERE run_id = ?2 AND hub_id = ?3"
                        + " AND NOT EXISTS (SELECT 1 FROM hub_lease l WHERE l.hub_id = ?3 AND "
                        + freshLease(leaseTtl) + ")"
                        // and only by a hub whose own renewals ran without a gap for a TTL: after a
                        // database outage longer than the TTL every lease is old, the live ones too
                        + " AND EXISTS (SELECT 1 FROM hub_lease l WHERE l.hub_id = ?1 AND "
                        + freshLease(leaseTtl) + " AND " + streak(leaseTtl) + ")")
                .setParameter(1, toHub).setParameter(2, runId).setParameter(3, fromHub)
                .executeUpdate() == 1;
    }

    /**
     * The condition "lease {@code l} renewed within {@code ttl}" on the database's clock, in SQL both
     * H2 and PostgreSQL read (the TTL is a setting, written as an interval literal in milliseconds).
     */
    static String freshLease(Duration ttl) {
        return "l.renewed_at > CURRENT_TIMESTAMP - " + interval(ttl);
    }

    /** The condition "lease {@code l}'s current streak of renewals began at least {@code ttl} ago". */
    static String streak(Duration ttl) {
        return "l.since <= CURRENT_TIMESTAMP - " + interval(ttl);
    }

    private static String interval(Duration ttl) {
        long ms = ttl.toMillis();
        return String.format(java.util.Locale.ROOT, "INTERVAL '%d.%03d' SECOND", ms / 1000, ms % 1000);
    }

    @Override
    public Optional<RunRecord> run(String runId) {
        return jpa.read(em -> Optional.ofNullable(em.find(RunEntity.class, runId)).map(r -> record(em, r)));
    }

    @Override
    public List<RunRecord> runs(ProjectId project, RunQuery q) {
        StringBuilder jpql = new StringBuilder("SELECT r FROM RunEntity r WHERE r.projectId = :p");
        if (q.workflow() != null) {
            jpql.append(" AND r.workflow = :w");
        }
        if (q.state() != null) {
            jpql.append(" AND r.state = :s");
        }
        if (q.targetId() != null) {
            jpql.append(" AND r.targetId = :t");
        }
        if (q.afterTime() != null) {
            jpql.append(" AND (r.createdAt < :at OR (r.createdAt = :at AND r.runId < :ai))");
        }
        // the project leads the order (fixed by the filter): H2 then reads ix_remediation_run_time in order
        jpql.append(" ORDER BY r.projectId DESC, r.createdAt DESC, r.runId DESC");
        return jpa.read(em -> {
            TypedQuery<RunEntity> query = em.createQuery(jpql.toString(), RunEntity.class)
                    .setParameter("p", project.value()).setMaxResults(q.limit() + 1);
            if (q.workflow() != null) {
                query.setParameter("w", q.workflow());
            }
            if (q.state() != null) {
                query.setParameter("s", q.state().name());
            }
            if (q.targetId() != null) {
                query.setParameter("t", q.targetId());
            }
            if (q.afterTime() != null) {
                query.setParameter("at", Jpa.ts(q.afterTime())).setParameter("ai", q.afterId());
            }
            return records(em, query.getResultList());
        });
    }

    @Override
    public List<RunRecord> unfinished() {
        return jpa.read(em -> records(em, em.createQuery("SELECT r FROM RunEntity r WHERE r.state IN :s ORDER BY r.createdAt",
                RunEntity.class).setParameter("s", UNFINISHED).getResultList()));
    }

    @Override
    public int automaticRunsSince(ProjectId project, String targetKind, String targetId, Instant since) {
        return jpa.read(em -> em.createQuery("SELECT COUNT(r) FROM RunEntity r WHERE r.projectId = :p AND "
                        + "r.targetKind = :k AND r.targetId = :t AND r.mode IN :modes AND r.state <> :skipped "
                        + "AND r.createdAt >= :since", Long.class)
                .setParameter("p", project.value()).setParameter("k", targetKind).setParameter("t", targetId)
                .setParameter("modes", AUTOMATIC_MODES).setParameter("skipped", RunState.SKIPPED.name())
                .setParameter("since", Jpa.ts(since)).getSingleResult().intValue());
    }

    @Override
    public int activeRuns(ProjectId project, String workflow, String targetKind, String targetId) {
        return jpa.read(em -> em.createQuery("SELECT COUNT(r) FROM RunEntity r WHERE r.projectId = :p AND "
                        + "r.workflow = :w AND r.targetKind = :k AND r.targetId = :t AND r.state IN :s", Long.class)
                .setParameter("p", project.value()).setParameter("w", workflow).setParameter("k", targetKind)
                .setParameter("t", targetId).setParameter("s", UNFINISHED).getSingleResult().intValue());
    }

    /** Both counts of {@link #targetCounts} in one statement (the lists are constants: names of states and modes). */
    private static final String TARGET_COUNTS = "SELECT COALESCE(SUM(CASE WHEN mode IN (" + quoted(AUTOMATIC_MODES)
            + ") AND state <> '" + RunState.SKIPPED.name() + "' AND created_at >= ? THEN 1 ELSE 0 END), 0), "
            + "COALESCE(SUM(CASE WHEN workflow = ? AND state IN (" + quoted(UNFINISHED) + ") THEN 1 ELSE 0 END), 0) "
            + "FROM remediation_run WHERE project_id = ? AND target_kind = ? AND target_id = ?";

    private static String quoted(List<String> names) {
        return names.stream().map(n -> "'" + n + "'").collect(java.util.stream.Collectors.joining(", "));
    }

    @Override
    public TargetCounts targetCounts(ProjectId project, String workflow, String targetKind, String targetId,
                                     Instant since) {
        return jpa.read(em -> {
            Object[] row = (Object[]) em.createNativeQuery(TARGET_COUNTS).setParameter(1, Jpa.ts(since))
                    .setParameter(2, workflow).setParameter(3, project.value()).setParameter(4, targetKind)
                    .setParameter(5, targetId).getSingleResult();
            return new TargetCounts(((Number) row[0]).intValue(), ((Number) row[1]).intValue());
        });
    }

    /** The rows {@link #targetRuns} answers: the runs a decision counts (see {@link #TARGET_COUNTS}). */
    private static final String TARGET_RUNS = "SELECT run_id, project_id, target_kind, target_id, workflow, mode, state,"
            + " created_at FROM remediation_run WHERE (state IN (" + quoted(UNFINISHED) + ") OR (mode IN ("
            + quoted(AUTOMATIC_MODES) + ") AND state <> '" + RunState.SKIPPED.name() + "' AND created_at >= ?))";

    @Override
    public List<TargetRun> targetRuns(ProjectId project, String targetKind, String targetId, Instant since) {
        return targetRuns(TARGET_RUNS + " AND project_id = ? AND target_kind = ? AND target_id = ?", since,
                project.value(), targetKind, targetId);
    }

    @Override
    public List<TargetRun> targetRuns(Instant since) {
        return targetRuns(TARGET_RUNS, since);
    }

    private List<TargetRun> targetRuns(String sql, Instant since, String... target) {
        return jpa.read(em -> {
            var query = em.createNativeQuery(sql).setParameter(1, Jpa.ts(since));
            for (int i = 0; i < target.length; i++) {
                query.setParameter(i + 2, target[i]);
            }
            @SuppressWarnings("unchecked")
            List<Object[]> rows = query.getResultList();
            return rows.stream().map(row -> new TargetRun((String) row[0], ProjectId.of((String) row[1]),
                    (String) row[2], (String) row[3], (String) row[4], RunMode.of((String) row[5]),
                    RunState.valueOf((String) row[6]), Jpa.instant(row[7]))).toList();
        });
    }

    private static RunEntity entity(RunRecord r) {
        RunEntity e = new RunEntity();
        e.runId = r.runId();
        e.projectId = r.project().value();
        e.workflow = r.workflow();
        e.revision = r.revision();
        e.state = r.state().name();
        e.mode = r.mode().wireName();
        e.triggerSubject = r.triggerSubject();
        e.triggerEventId = r.triggerId();
        e.predictionId = r.predictionId();
        e.targetKind = r.targetKind();
        e.targetId = r.targetId();
        e.idempotencyKey = r.idempotencyKey();
        e.approvalId = r.approvalId();
        e.hubId = r.hubId();
        e.error = truncate(r.error(), 4096);
        e.outcome = r.outcome() == null ? "" : r.outcome().wireName();
        e.createdAt = Jpa.ts(r.createdAt());
        e.startedAt = Jpa.ts(r.startedAt());
        e.finishedAt = Jpa.ts(r.finishedAt());
        e.deadlineAt = Jpa.ts(r.deadlineAt());
        return e;
    }

    private static NodeEntity entity(String runId, NodeRecord n) {
        NodeEntity e = new NodeEntity();
        e.runId = runId;
        e.nodeId = n.nodeId();
        e.order = n.order();
        e.agent = n.agent();
        e.action = n.action();
        e.state = n.state().name();
        e.attempts = n.attempts();
        e.taskId = n.taskId();
        e.inputsJson = write(n.inputs());
        e.outputJson = truncate(n.outputJson(), 8192);
        e.error = truncate(n.error(), 4096);
        e.compensation = n.compensation();
        e.startedAt = Jpa.ts(n.startedAt());
        e.finishedAt = Jpa.ts(n.finishedAt());
        e.nextAttemptAt = Jpa.ts(n.nextAttemptAt());
        return e;
    }

    private static RunRecord record(EntityManager em, RunEntity e) {
        return record(e, em.createQuery("SELECT n FROM NodeEntity n WHERE n.runId = :r", NodeEntity.class)
                .setParameter("r", e.runId).getResultList());
    }

    /** Runs with their nodes, the nodes of all of them read in one query per 500 runs (not one per run). */
    private static List<RunRecord> records(EntityManager em, List<RunEntity> runs) {
        Map<String, List<NodeEntity>> byRun = new HashMap<>();
        for (int from = 0; from < runs.size(); from += 500) {
            List<String> ids = runs.subList(from, Math.min(runs.size(), from + 500)).stream().map(r -> r.runId).toList();
            for (NodeEntity n : em.createQuery("SELECT n FROM NodeEntity n WHERE n.runId IN :ids", NodeEntity.class)
                    .setParameter("ids", ids).getResultList()) {
                byRun.computeIfAbsent(n.runId, k -> new ArrayList<>()).add(n);
            }
        }
        return runs.stream().map(r -> record(r, byRun.getOrDefault(r.runId, List.of()))).toList();
    }

    private static RunRecord record(RunEntity e, List<NodeEntity> nodeRows) {
        List<NodeRecord> nodes = new ArrayList<>();
        for (NodeEntity n : nodeRows) {
            nodes.add(new NodeRecord(n.nodeId, n.order, n.agent, n.action, NodeState.valueOf(n.state), n.attempts,
                    n.taskId, read(n.inputsJson), n.outputJson, n.error, n.compensation, Jpa.instant(n.startedAt),
                    Jpa.instant(n.finishedAt), Jpa.instant(n.nextAttemptAt)));
        }
        nodes.sort(Comparator.comparingInt(NodeRecord::order));
        return new RunRecord(e.runId, ProjectId.of(e.projectId), e.workflow, e.revision, RunState.valueOf(e.state),
                RunMode.of(e.mode), e.triggerSubject, e.triggerEventId, e.predictionId, e.targetKind, e.targetId,
                e.idempotencyKey, e.approvalId, e.hubId, e.error, Outcome.of(e.outcome).orElse(null),
                Jpa.instant(e.createdAt), Jpa.instant(e.startedAt),
                Jpa.instant(e.finishedAt), Jpa.instant(e.deadlineAt), nodes);
    }

    // ---- approvals and decisions

    @Override
    public boolean decide(ApprovalRecord d) {
        return jpa.write(em -> em.createQuery("UPDATE ApprovalEntity a SET a.state = :s, a.decidedAt = :at, "
                        + "a.decidedBy = :by, a.reason = :why WHERE a.approvalId = :id AND a.state = :pending")
                .setParameter("s", d.state().name()).setParameter("at", Jpa.ts(d.decidedAt()))
                .setParameter("by", d.decidedBy()).setParameter("why", truncate(d.reason(), 1024))
                .setParameter("id", d.approvalId()).setParameter("pending", ApprovalState.PENDING.name())
                .executeUpdate() == 1);
    }

    @Override
    public Optional<ApprovalRecord> approval(String approvalId) {
        return jpa.read(em -> Optional.ofNullable(em.find(ApprovalEntity.class, approvalId))
                .map(JpaRemediationStore::record));
    }

    @Override
    public List<ApprovalRecord> approvals(ProjectId project, ApprovalState state, int limit) {
        return jpa.read(em -> em.createQuery("SELECT a FROM ApprovalEntity a WHERE a.projectId = :p AND a.state = :s "
                        + "ORDER BY a.requestedAt, a.approvalId", ApprovalEntity.class)
                .setParameter("p", project.value()).setParameter("s", (state == null ? ApprovalState.PENDING : state).name())
                .setMaxResults(limit).getResultList().stream().map(JpaRemediationStore::record).toList());
    }

    @Override
    public long countPending(ProjectId project) {
        // an index-only range of ix_approval_state (project_id, state, requested_at), V3
        return jpa.read(em -> em.createQuery("SELECT COUNT(a) FROM ApprovalEntity a WHERE a.projectId = :p"
                        + " AND a.state = :s", Long.class)
                .setParameter("p", project.value()).setParameter("s", ApprovalState.PENDING.name()).getSingleResult());
    }

    @Override
    public List<ApprovalRecord> expired(Instant now, ApprovalRecord after, int limit) {
        // every project's: a range of ix_approval_expiry (state, expires_at), V15, from the last page's expiry on
        return jpa.read(em -> {
            TypedQuery<ApprovalEntity> q = em.createQuery("SELECT a FROM ApprovalEntity a WHERE a.state = :s"
                    + " AND a.expiresAt <= :now" + (after == null ? "" : " AND a.expiresAt >= :t"
                    + " AND (a.expiresAt > :t OR a.approvalId > :id)")
                    + " ORDER BY a.expiresAt, a.approvalId", ApprovalEntity.class)
                    .setParameter("s", ApprovalState.PENDING.name()).setParameter("now", Jpa.ts(now));
            if (after != null) {
                q.setParameter("t", Jpa.ts(after.expiresAt())).setParameter("id", after.approvalId());
            }
            return q.setMaxResults(limit).getResultList().stream().map(JpaRemediationStore::record).toList();
        });
    }

    private static ApprovalEntity entity(ApprovalRecord a) {
        ApprovalEntity e = new ApprovalEntity();
        e.approvalId = a.approvalId();
        e.projectId = a.project().value();
        e.runId = a.runId();
        e.predictionId = a.predictionId();
        e.workflow = a.workflow();
        e.revision = a.revision();
        e.state = a.state().name();
        e.reasonRequested = truncate(a.reasonRequested(), 1024);
        e.minConfidence = a.minConfidence();
        e.blastPerHour = a.blastPerHour();
        e.blastUsed = a.blastUsed();
        e.requestedAt = Jpa.ts(a.requestedAt());
        e.expiresAt = Jpa.ts(a.expiresAt());
        e.decidedAt = Jpa.ts(a.decidedAt());
        e.decidedBy = a.decidedBy();
        e.reason = truncate(a.reason(), 1024);
        return e;
    }

    private static ApprovalRecord record(ApprovalEntity e) {
        return new ApprovalRecord(e.approvalId, ProjectId.of(e.projectId), e.runId, e.predictionId, e.workflow,
                e.revision, ApprovalState.valueOf(e.state), e.reasonRequested, e.minConfidence, e.blastPerHour, e.blastUsed,
                Jpa.instant(e.requestedAt), Jpa.instant(e.expiresAt), Jpa.instant(e.decidedAt), e.decidedBy, e.reason);
    }

    @Override
    public void insert(ActionRecord action) {
        jpa.write(em -> {
            em.persist(entity(action));
            return null;
        });
    }

    @Override
    public void update(ActionRecord action) {
        jpa.write(em -> em.merge(entity(action)));
    }

    /** The names of the run states a run ends in. */
    private static final List<String> FINISHED_STATES = Arrays.stream(RunState.values())
            .filter(RunState::isFinished).map(RunState::name).toList();

    @Override
    public boolean recordOutcome(ActionRecord judged) {
        if (!judged.isJudged()) {
            throw new IllegalArgumentException("no outcome to record on " + judged.actionId());
        }
        // conditional: of two hubs judging one decision (a stalled one and its adopter), one changes the row.
        // No risk after (no live reading): a literal NULL, not a null parameter whose SQL type the driver must guess.
        boolean riskAfter = judged.riskAfter() != null;
        return jpa.write(em -> {
            Query update = em.createQuery("UPDATE ActionEntity a SET a.outcome = :o, a.outcomeAt = :at, a.riskAfter = "
                    + (riskAfter ? ":ra" : "NULL") + ", a.outcomeJson = :j WHERE a.actionId = :id AND a.outcome = ''")
                    .setParameter("o", judged.outcome().wireName()).setParameter("at", Jpa.ts(judged.outcomeAt()))
                    .setParameter("j", ActionStore.outcomeJsonAsStored(judged.outcomeJson())).setParameter("id", judged.actionId());
            if (riskAfter) {
                update.setParameter("ra", judged.riskAfter());
            }
            if (update.executeUpdate() != 1) {
                return false;
            }
            // the run's outcome in the same transaction: a failure here stores neither
            em.createQuery("UPDATE RunEntity r SET r.outcome = :o WHERE r.runId = :r AND r.state IN :finished")
                    .setParameter("o", judged.outcome().wireName()).setParameter("r", judged.runId())
                    .setParameter("finished", FINISHED_STATES).executeUpdate();
            return true;
        });
    }

    @Override
    public Optional<ActionRecord> actionOfRun(String runId) {
        return jpa.read(em -> em.createQuery("SELECT a FROM ActionEntity a WHERE a.runId = :r ORDER BY a.decidedAt DESC",
                        ActionEntity.class).setParameter("r", runId).setMaxResults(1).getResultStream().findFirst()
                .map(JpaRemediationStore::record));
    }

    @Override
    public List<ActionRecord> awaitingOutcome(int limit) {
        // the outcome (fixed) leads the order: H2 reads ix_prediction_action_outcome (outcome, decided_at, action_id),
        // V15, in order and stops after the page
        return jpa.read(em -> em.createQuery("SELECT a FROM ActionEntity a WHERE a.outcome = '' "
                        + "ORDER BY a.outcome, a.decidedAt, a.actionId", ActionEntity.class).setMaxResults(limit)
                .getResultList().stream().map(JpaRemediationStore::record).toList());
    }

    @Override
    public List<ActionRecord> actions(ProjectId project, String predictionId, String runId, int limit,
                                      Instant afterTime, String afterId) {
        StringBuilder jpql = new StringBuilder("SELECT a FROM ActionEntity a WHERE a.projectId = :p");
        if (predictionId != null) {
            jpql.append(" AND a.predictionId = :pr");
        }
        if (runId != null) {
            jpql.append(" AND a.runId = :r");
        }
        if (afterTime != null) {
            jpql.append(" AND (a.decidedAt < :at OR (a.decidedAt = :at AND a.actionId < :ai))");
        }
        // the project leads the order (fixed by the filter): H2 then reads ix_prediction_action_time in order
        jpql.append(" ORDER BY a.projectId DESC, a.decidedAt DESC, a.actionId DESC");
        return jpa.read(em -> {
            TypedQuery<ActionEntity> q = em.createQuery(jpql.toString(), ActionEntity.class)
                    .setParameter("p", project.value()).setMaxResults(limit + 1);
            if (predictionId != null) {
                q.setParameter("pr", predictionId);
            }
            if (runId != null) {
                q.setParameter("r", runId);
            }
            if (afterTime != null) {
                q.setParameter("at", Jpa.ts(afterTime)).setParameter("ai", afterId);
            }
            return q.getResultList().stream().map(JpaRemediationStore::record).toList();
        });
    }

    private static ActionEntity entity(ActionRecord a) {
        ActionEntity e = new ActionEntity();
        e.actionId = a.actionId();
        e.projectId = a.project().value();
        e.predictionId = a.predictionId();
        e.runId = a.runId();
        e.decision = a.decision().wireName();
        e.decidedBy = a.decidedBy();
        e.decidedAt = Jpa.ts(a.decidedAt());
        e.reason = truncate(a.reason(), 1024);
        e.targetKind = a.targetKind();
        e.targetId = a.targetId();
        e.riskBefore = a.riskBefore();
        e.outcome = a.outcome() == null ? "" : a.outcome().wireName();
        e.outcomeAt = Jpa.ts(a.outcomeAt());
        e.riskAfter = a.riskAfter();
        e.outcomeJson = ActionStore.outcomeJsonAsStored(a.outcomeJson());
        return e;
    }

    private static ActionRecord record(ActionEntity e) {
        return new ActionRecord(e.actionId, ProjectId.of(e.projectId), e.predictionId, e.runId,
                ActionDecision.of(e.decision), e.decidedBy, Jpa.instant(e.decidedAt), e.reason, e.targetKind, e.targetId,
                e.riskBefore, Outcome.of(e.outcome).orElse(null),
                Jpa.instant(e.outcomeAt), e.riskAfter, e.outcomeJson);
    }

    // ---- kill switch

    @Override
    public Optional<AutonomySetting> autonomy(String scope) {
        return jpa.read(em -> Optional.ofNullable(em.find(AutonomyEntity.class, scope))
                .map(e -> new AutonomySetting(e.scope, e.paused, Jpa.instant(e.changedAt), e.changedBy, e.reason)));
    }

    @Override
    public List<AutonomySetting> autonomies(List<String> scopes) {
        return jpa.read(em -> em.createQuery("SELECT a FROM AutonomyEntity a WHERE a.scope IN :s", AutonomyEntity.class)
                .setParameter("s", scopes.stream().distinct().toList()).getResultList().stream()
                .map(e -> new AutonomySetting(e.scope, e.paused, Jpa.instant(e.changedAt), e.changedBy, e.reason))
                .toList());
    }

    @Override
    public void put(AutonomySetting s) {
        jpa.write(em -> {
            AutonomyEntity e = new AutonomyEntity();
            e.scope = s.scope();
            e.paused = s.paused();
            e.changedAt = Jpa.ts(s.changedAt());
            e.changedBy = s.changedBy();
            e.reason = truncate(s.reason(), 1024);
            return em.merge(e);
        });
    }

    private static String write(Map<String, String> map) {
        return Json.write(map);
    }

    private static Map<String, String> read(String json) {
        Map<String, String> out = new LinkedHashMap<>();
        try {
            Json.parseObject(json).forEach((name, value) -> out.put(name, String.valueOf(value)));
        } catch (JsonException e) {
            throw new IllegalStateException("unreadable stored inputs: " + e.getMessage(), e);
        }
        return out;
    }

    private static String truncate(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max - 3) + "...";
    }
}
