package io.commandcenter.hub.remediate;

import io.commandcenter.hub.audit.AuditRecord;
import io.commandcenter.hub.project.ProjectId;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Where runs are kept, with what the decision counts (active runs, the blast radius). */
public interface RunStore {

    /**
     * The reason of a CONTENTION failure of {@link #writeOwned} or {@link #adopt} that the database
     * rolled back to break a deadlock or a serialization conflict: nothing of it is stored.
     */
    String STORE_CONFLICT = "STORE_CONFLICT";

    /** The longest idempotency key a store keeps (the column's size). */
    int MAX_IDEMPOTENCY_KEY = 512;

    /**
     * A rendered idempotency key as a store keeps it: as it is when it fits {@link #MAX_IDEMPOTENCY_KEY},
     * else its start, {@code #} and the SHA-256 of the whole key (hex), within the limit. The same key
     * gives the same stored key on every hub, and two keys differing anywhere give two.
     */
    static String idempotencyKeyAsStored(String key) {
        if (key.length() <= MAX_IDEMPOTENCY_KEY) {
            return key;
        }
        try {
            String digest = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            int start = MAX_IDEMPOTENCY_KEY - 1 - digest.length();
            // not cut inside a surrogate pair
            int end = Character.isHighSurrogate(key.charAt(start - 1)) ? start - 1 : start;
            return key.substring(0, end) + "#" + digest;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    /**
     * Stores a new run with its approval and decision (either may be absent), in one transaction.
     *
     * @return false when a run with the same idempotency key exists (nothing stored)
     */
    boolean create(RunRecord run, Optional<ApprovalRecord> approval, Optional<ActionRecord> action);

    /** Stores a run's new state and nodes. */
    void update(RunRecord run);

    /**
     * Stores a run's new state and nodes only while the stored run still waits for its approval
     * ({@link RunState#AWAITING_APPROVAL}), checked in the same statement (or under the same lock) as
     * the write: of two hubs moving a waiting run at once, exactly one changes it.
     *
     * @return whether the run was written (false: it no longer waits, or has no row; nothing written)
     */
    boolean updateWaiting(RunRecord run);

    /**
     * A run to create with its approval and decision, as {@link #create} takes them.
     *
     * @param decided the audit record of the decision (null: none), appended by a store that
     *                {@link #recordsDecisions records decisions} when the run is stored
     */
    record NewRun(RunRecord run, Optional<ApprovalRecord> approval, Optional<ActionRecord> action,
                  AuditRecord decided) {
        public NewRun(RunRecord run, Optional<ApprovalRecord> approval, Optional<ActionRecord> action) {
            this(run, approval, action, null);
        }
    }

    /**
     * Whether {@link #write} appends each stored run's {@link NewRun#decided} record to the audit
     * ledger in the same transaction (the ledger shares the store's database). Otherwise the caller
     * records them.
     */
    default boolean recordsDecisions() {
        return false;
    }

    /**
     * Creates runs and stores new states of runs together, as {@link #writeOwned} does; answers
     * for each of {@code creates}, in order, whether it was stored (false: its idempotency key exists).
     */
    default List<Boolean> write(List<NewRun> creates, List<RunRecord> updates) {
        return write(creates, updates, Map.of());
    }

    /** {@link #writeOwned}, answering only for the creates. */
    default List<Boolean> write(List<NewRun> creates, List<RunRecord> updates, Map<String, RunRecord> lastStored) {
        return writeOwned(creates, updates, lastStored).created();
    }

    /**
     * What a {@link #writeOwned} stored.
     *
     * @param created for each create, in order, whether it was stored (false: its idempotency key exists)
     * @param lost    the updated runs that another hub owns now (run id to that hub): nothing of them written
     */
    record Written(List<Boolean> created, Map<String, String> lost) {
        public Written {
            created = List.copyOf(created);
            lost = Map.copyOf(lost);
        }
    }

    /**
     * Creates runs and stores new states of runs together: in one transaction where the store can
     * (a burst's writes then share one commit), each create answered as {@link #create} answers it.
     * Creates come first, so an update may be of a run created in the same call. When it fails,
     * nothing of it may be stored: the caller writes the creates again one by one.
     *
     * <p>Every update is <b>fenced</b> (ADR 0028): it is stored only while the stored run's owner is
     * the update's {@link RunRecord#hubId} — the hub that drives the run writes it as its own, and
     * checks that it still is in the same statement (or under the same lock) as the write. An update
     * of a run another hub owns now (it was adopted while its writer stalled) changes nothing and is
     * answered in {@link Written#lost}; it is not an error. A run with no row is written as
     * {@link #update} writes it.
     *
     * <p>{@code lastStored} tells the state each of these runs had when the caller last stored it
     * (by run id; a run absent there is written whole): a store may then leave out the nodes equal in
     * both, whose rows already hold that state (a step of a run changes one or two of its nodes). The
     * caller must be sure of it: nothing else wrote the run since. What is stored afterwards is the
     * same as without it.
     *
     * <p>A write that the database rolled back to break a deadlock or a serialization conflict fails
     * with CONTENTION ({@value #STORE_CONFLICT}), nothing of it stored; the store does not try it
     * again (its caller does, after checking that its runs are still its own: {@code RunJournal}).
     */
    Written writeOwned(List<NewRun> creates, List<RunRecord> updates, Map<String, RunRecord> lastStored);

    /**
     * The owners of these runs as stored now (run id to hub id; a run not stored is absent), in
     * one read where the store can: a hub whose lease went stale asks it for the runs it drives
     * before it launches anything of them again (ADR 0028).
     */
    default Map<String, String> owners(Collection<String> runIds) {
        Map<String, String> out = new HashMap<>();
        for (String id : runIds) {
            run(id).ifPresent(r -> out.put(id, r.hubId()));
        }
        return out;
    }

    /**
     * Renews {@code hubId}'s lease (ADR 0028): the store stamps it with its own clock (the
     * database's {@code CURRENT_TIMESTAMP}), so the hubs' clocks do not matter. A hub renews while it
     * drives runs; a lease older than the TTL says its hub is gone. A renewal more than {@code ttl}
     * after the previous one (or the first) starts a new streak of renewals, whose start the store
     * keeps: a hub {@link #adopt adopts} only once its streak is a TTL old.
     */
    void renewLease(String hubId, Duration ttl);

    /**
     * Whether {@code hubId}'s lease lapsed: it was not renewed within {@code ttl} by the store's
     * clock, or the hub never had one.
     */
    boolean leaseLapsed(String hubId, Duration ttl);

    /**
     * Makes {@code toHub} the run's owner, only while {@code fromHub} still owns it and
     * {@code fromHub}'s lease {@link #leaseLapsed lapsed} ({@code leaseTtl}): one conditional
     * statement on the store's clock, so of two hubs adopting the same run exactly one wins, and a run
     * whose owner still renews its lease is never taken, whatever the caller believes. The same
     * statement requires {@code toHub}'s own lease fresh and its streak of renewals at least
     * {@code leaseTtl} old, so after an outage of the store longer than the TTL (every lease then
     * old) no hub adopts before the live hubs renewed theirs. Nothing else of the run changes.
     *
     * <p>A database store does it again (a few times, after a short random pause) when the database
     * rolls it back to break a deadlock or a serialization conflict, then fails with CONTENTION
     * ({@value #STORE_CONFLICT}): then it is certainly not stored, and the run not adopted. It fails
     * so at once, not tried again, when one of its statements gave up waiting for a row lock (H2's
     * lock timeout, 2 s by default; PostgreSQL's {@code lock_timeout} when set): before its commit.
     *
     * @return false when the run is not {@code fromHub}'s (another hub adopted it first, or no such
     * run), {@code fromHub}'s lease is fresh, or {@code toHub}'s streak is younger than the TTL
     */
    boolean adopt(String runId, String fromHub, String toHub, Duration leaseTtl);

    Optional<RunRecord> run(String runId);

    /** Filters of a run listing, newest first, with a keyset position. */
    record RunQuery(String workflow, RunState state, String targetId, int limit, Instant afterTime, String afterId) {
    }

    /** Up to {@code limit + 1} runs. */
    List<RunRecord> runs(ProjectId project, RunQuery query);

    /** Runs not finished (to resume after a restart). */
    List<RunRecord> unfinished();

    /** Runs started without a person (automatic or scheduled) on a target since a time: the blast radius. */
    int automaticRunsSince(ProjectId project, String targetKind, String targetId, Instant since);

    /** Runs of a workflow on a target that are waiting for approval or running. */
    int activeRuns(ProjectId project, String workflow, String targetKind, String targetId);

    /** What a decision counts on its target: {@link #automaticRunsSince} and {@link #activeRuns} together. */
    record TargetCounts(int automaticSince, int active) {
    }

    /** {@link #automaticRunsSince} and {@link #activeRuns} of a target, in one read where the store can. */
    default TargetCounts targetCounts(ProjectId project, String workflow, String targetKind, String targetId,
                                      Instant since) {
        return new TargetCounts(automaticRunsSince(project, targetKind, targetId, since),
                activeRuns(project, workflow, targetKind, targetId));
    }

    /** A run as the decisions on its target count it: see {@link #targetRuns}. */
    record TargetRun(String runId, ProjectId project, String targetKind, String targetId, String workflow,
                     RunMode mode, RunState state, Instant createdAt) {
        public static TargetRun of(RunRecord run) {
            return new TargetRun(run.runId(), run.project(), run.targetKind(), run.targetId(), run.workflow(),
                    run.mode(), run.state(), run.createdAt());
        }
    }

    /**
     * The runs of a target that {@link #targetCounts} counts, of every workflow: those not finished,
     * and those started without a person and not skipped since {@code since} (in no order).
     */
    List<TargetRun> targetRuns(ProjectId project, String targetKind, String targetId, Instant since);

    /** {@link #targetRuns} of every target of every project, in one read. */
    List<TargetRun> targetRuns(Instant since);
}
