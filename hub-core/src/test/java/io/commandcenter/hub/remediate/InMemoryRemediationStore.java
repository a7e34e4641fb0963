package io.commandcenter.hub.remediate;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.hub.project.ProjectId;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The remediation store in memory: the oracle of {@link RemediationStoreContract} and the store of
 * the engine's unit tests. Every method is atomic (one lock), as the database's transactions are.
 */
public final class InMemoryRemediationStore implements RemediationStore {
    private static final Comparator<RunRecord> NEWEST_RUN_FIRST = Comparator.comparing(RunRecord::createdAt)
            .thenComparing(RunRecord::runId).reversed();
    private static final Comparator<ActionRecord> OLDEST_ACTION_FIRST = Comparator.comparing(ActionRecord::decidedAt)
            .thenComparing(ActionRecord::actionId);

    private final Map<String, List<WorkflowRevision>> revisions = new LinkedHashMap<>();
    private final Map<String, RunRecord> runs = new LinkedHashMap<>();
    private final Set<String> keys = new HashSet<>();
    private final Map<String, ApprovalRecord> approvals = new LinkedHashMap<>();
    private final Map<String, ActionRecord> actions = new LinkedHashMap<>();
    private final Map<String, AutonomySetting> autonomy = new HashMap<>();
    private final List<String> untrue = new ArrayList<>();
    private final Map<String, Instant> leases = new HashMap<>();
    private final List<RunRecord> refused = new ArrayList<>();
    private final Map<String, Integer> renewals = new HashMap<>();
    private String unreachableFor;
    /** Runs before each {@link #unfinished} read, outside the store's lock (a test blocks a sweep with it). */
    volatile Runnable beforeUnfinished = () -> { };
    /** Runs before each {@link #renewLease}, outside the store's lock (a test holds a renewal with it). */
    volatile Runnable beforeRenewal = () -> { };
    /** How many times the owners of runs were read ({@link #owners}). */
    final AtomicInteger ownerReads = new AtomicInteger();
    /** When each hub's current streak of renewals began (a renewal more than a TTL after the last starts one). */
    private final Map<String, Instant> streaks = new HashMap<>();
    /** The store's own clock, which dates leases (a database's {@code CURRENT_TIMESTAMP}). */
    private final Clock clock;

    public InMemoryRemediationStore() {
        this(Clock.systemUTC());
    }

    /** A store whose leases are dated by {@code clock} (the database's clock, as a test sets it). */
    public InMemoryRemediationStore(Clock clock) {
        this.clock = clock;
    }

    private static String workflowKey(ProjectId project, String name) {
        return project.value() + "/" + name;
    }

    // ---- workflows

    @Override
    public synchronized Appended append(ProjectId project, String name, String source, String sha256, Instant at,
                                        String by) {
        List<WorkflowRevision> all = revisions.computeIfAbsent(workflowKey(project, name), k -> new ArrayList<>());
        if (!all.isEmpty() && all.get(all.size() - 1).sha256().equals(sha256)) {
            return new Appended(all.get(all.size() - 1), false);
        }
        WorkflowRevision revision = new WorkflowRevision(project, name, all.size() + 1, source, sha256, at, by);
        all.add(revision);
        return new Appended(revision, true);
    }

    @Override
    public synchronized Optional<WorkflowRevision> revision(ProjectId project, String name, int revision) {
        return revisions.getOrDefault(workflowKey(project, name), List.of()).stream()
                .filter(r -> r.revision() == revision).findFirst();
    }

    @Override
    public synchronized Optional<WorkflowRevision> latest(ProjectId project, String name) {
        List<WorkflowRevision> all = revisions.getOrDefault(workflowKey(project, name), List.of());
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    @Override
    public synchronized List<WorkflowRevision> revisions(ProjectId project, String name) {
        List<WorkflowRevision> all = new ArrayList<>(revisions.getOrDefault(workflowKey(project, name), List.of()));
        all.sort(Comparator.comparingInt(WorkflowRevision::revision).reversed());
        return all;
    }

    @Override
    public synchronized List<WorkflowRevision> latestEverywhere() {
        return revisions.values().stream().map(all -> all.get(all.size() - 1)).toList();
    }

    // ---- runs

    @Override
    public synchronized boolean create(RunRecord run, Optional<ApprovalRecord> approval,
                                       Optional<ActionRecord> action) {
        String key = run.project().value() + "/" + run.idempotencyKey();
        if (keys.contains(key) || runs.containsKey(run.runId())) {
            return false;
        }
        keys.add(key);
        runs.put(run.runId(), run);
        approval.ifPresent(a -> approvals.put(a.approvalId(), a));
        action.ifPresent(a -> actions.put(a.actionId(), a));
        return true;
    }

    @Override
    public void renewLease(String hubId, Duration ttl) {
        beforeRenewal.run();
        renewLocked(hubId, ttl);
    }

    /** Runs after each {@link #owners} read, before it answers, outside the store's lock. */
    volatile Runnable afterOwners = () -> { };

    /** Runs before each {@link #owners} read, outside the store's lock, with the ids asked for. */
    volatile Consumer<Collection<String>> beforeOwners = ids -> { };

    @Override
    public Map<String, String> owners(Collection<String> runIds) {
        ownerReads.incrementAndGet();
        beforeOwners.accept(runIds);
        Map<String, String> read = RemediationStore.super.owners(runIds);
        afterOwners.run();
        return read;
    }

    /** Makes {@code hubId} the run's owner, as an adoption that committed would (no lease asked). */
    public synchronized void ownedBy(String runId, String hubId) {
        runs.put(runId, runs.get(runId).ownedBy(hubId));
    }

    private synchronized void renewLocked(String hubId, Duration ttl) {
        if (hubId.equals(unreachableFor)) {
            throw new IllegalStateException("the database cannot be reached");
        }
        renewals.merge(hubId, 1, Integer::sum);
        Instant now = clock.instant();
        if (leaseLapsed(hubId, ttl)) {
            streaks.put(hubId, now);
        }
        leases.put(hubId, now);
    }

    @Override
    public synchronized boolean leaseLapsed(String hubId, Duration ttl) {
        Instant renewed = leases.get(hubId);
        return renewed == null || !renewed.isAfter(clock.instant().minus(ttl));
    }

    /** Runs before each {@link #adopt}, outside the store's lock (a test holds an adoption before it is sent). */
    volatile Runnable beforeAdopt = () -> { };
    /**
     * Runs after each {@link #adopt} that won, outside the store's lock, before it answers (a test holds
     * the answer of an adoption that committed).
     */
    volatile Runnable afterAdopt = () -> { };

    @Override
    public boolean adopt(String runId, String fromHub, String toHub, Duration leaseTtl) {
        beforeAdopt.run();
        boolean won = adoptLocked(runId, fromHub, toHub, leaseTtl);
        if (won) {
            afterAdopt.run();
        }
        return won;
    }

    private synchronized boolean adoptLocked(String runId, String fromHub, String toHub, Duration leaseTtl) {
        RunRecord run = runs.get(runId);
        Instant streak = streaks.get(toHub);
        boolean steady = !leaseLapsed(toHub, leaseTtl) && !streak.isAfter(clock.instant().minus(leaseTtl));
        if (run == null || !run.hubId().equals(fromHub) || !leaseLapsed(fromHub, leaseTtl) || !steady) {
            return false;
        }
        runs.put(runId, run.ownedBy(toHub));
        return true;
    }

    /** Hears each {@link #update} before it, outside the store's lock; what it throws, the update throws. */
    volatile Consumer<RunRecord> beforeUpdate = run -> { };

    @Override
    public void update(RunRecord run) {
        beforeUpdate.accept(run);
        updateNow(run);
    }

    private synchronized void updateNow(RunRecord run) {
        if (runs.containsKey(run.runId())) {
            runs.put(run.runId(), run);
        }
    }

    /** Hears each {@link #updateWaiting} before it (after {@link #beforeUpdate}), outside the store's lock. */
    volatile Consumer<RunRecord> beforeUpdateWaiting = run -> { };

    @Override
    public boolean updateWaiting(RunRecord run) {
        beforeUpdate.accept(run);
        beforeUpdateWaiting.accept(run);
        return updateWaitingNow(run);
    }

    private synchronized boolean updateWaitingNow(RunRecord run) {
        RunRecord stored = runs.get(run.runId());
        if (stored == null || stored.state() != RunState.AWAITING_APPROVAL) {
            return false;
        }
        runs.put(run.runId(), run);
        return true;
    }

    /**
     * Fenced as the port says (an update of a run another hub owns changes nothing and is answered
     * lost), and it checks the caller's word: each state it says it last stored of a run must be the
     * one held (the creates of the same call stored first). A false one is kept for
     * {@link #untrueLastStored} (a database store would leave that run's unchanged nodes stale).
     */
    /**
     * Hears the runs of each {@link #writeOwned} (created and updated, each as its writer holds it, so
     * its hub id is the writer's) before it, outside the store's lock (a test holds one hub's writes with it).
     */
    volatile java.util.function.Consumer<List<RunRecord>> beforeWrite = runs -> { };

    @Override
    public Written writeOwned(List<NewRun> creates, List<RunRecord> updates, Map<String, RunRecord> lastStored) {
        List<RunRecord> written = new ArrayList<>(updates);
        creates.forEach(c -> written.add(c.run()));
        beforeWrite.accept(written);
        return writeOwnedLocked(creates, updates, lastStored);
    }

    private synchronized Written writeOwnedLocked(List<NewRun> creates, List<RunRecord> updates,
                                                  Map<String, RunRecord> lastStored) {
        List<Boolean> stored = new ArrayList<>(creates.size());
        for (NewRun c : creates) {
            stored.add(create(c.run(), c.approval(), c.action()));
        }
        Map<String, String> lost = new HashMap<>();
        for (RunRecord u : updates) {
            RunRecord held = runs.get(u.runId());
            if (held != null && !held.hubId().equals(u.hubId())) {
                lost.put(u.runId(), held.hubId());
                refused.add(u);
                continue;
            }
            RunRecord told = lastStored.get(u.runId());
            if (told != null && !told.equals(held)) {
                untrue.add("run " + u.runId() + ": told " + told + ", held " + held);
            }
            update(u);
        }
        return new Written(stored, lost);
    }

    /** The updates {@link #writeOwned} refused because another hub owned their run, in order. */
    public synchronized List<RunRecord> refused() {
        return List.copyOf(refused);
    }

    /** Makes {@code hubId}'s lease renewals fail, as a database the hub cannot reach would (null: none fail). */
    public synchronized void unreachableFor(String hubId) {
        unreachableFor = hubId;
    }

    /** How many times {@code hubId}'s lease was renewed. */
    public synchronized int renewals(String hubId) {
        return renewals.getOrDefault(hubId, 0);
    }

    /** The states callers of {@link #write(List, List, Map)} said were stored and were not (empty: all true). */
    public synchronized List<String> untrueLastStored() {
        return List.copyOf(untrue);
    }

    /** Runs before each {@link #run} read, outside the store's lock, with the run's id (it may throw: a failed read). */
    volatile Consumer<String> beforeRead = runId -> { };

    @Override
    public Optional<RunRecord> run(String runId) {
        beforeRead.accept(runId);
        return read(runId);
    }

    private synchronized Optional<RunRecord> read(String runId) {
        return Optional.ofNullable(runs.get(runId));
    }

    @Override
    public synchronized List<RunRecord> runs(ProjectId project, RunQuery q) {
        return runs.values().stream()
                .filter(r -> r.project().equals(project))
                .filter(r -> q.workflow() == null || r.workflow().equals(q.workflow()))
                .filter(r -> q.state() == null || r.state() == q.state())
                .filter(r -> q.targetId() == null || r.targetId().equals(q.targetId()))
                .filter(r -> q.afterTime() == null || r.createdAt().isBefore(q.afterTime())
                        || r.createdAt().equals(q.afterTime()) && r.runId().compareTo(q.afterId()) < 0)
                .sorted(NEWEST_RUN_FIRST).limit(q.limit() + 1L).toList();
    }

    @Override
    public List<RunRecord> unfinished() {
        beforeUnfinished.run();
        return unfinishedNow();
    }

    private synchronized List<RunRecord> unfinishedNow() {
        return runs.values().stream().filter(r -> !r.state().isFinished())
                .sorted(Comparator.comparing(RunRecord::createdAt)).toList();
    }

    @Override
    public synchronized int automaticRunsSince(ProjectId project, String targetKind, String targetId, Instant since) {
        return (int) runs.values().stream().filter(r -> r.project().equals(project)
                        && r.targetKind().equals(targetKind) && r.targetId().equals(targetId) && r.mode().isAutomatic()
                        && r.state() != RunState.SKIPPED && !r.createdAt().isBefore(since))
                .count();
    }

    @Override
    public synchronized int activeRuns(ProjectId project, String workflow, String targetKind, String targetId) {
        return (int) runs.values().stream().filter(r -> r.project().equals(project) && r.workflow().equals(workflow)
                && r.targetKind().equals(targetKind) && r.targetId().equals(targetId) && !r.state().isFinished())
                .count();
    }

    @Override
    public synchronized List<TargetRun> targetRuns(ProjectId project, String targetKind, String targetId,
                                                   Instant since) {
        return targetRuns(since).stream().filter(r -> r.project().equals(project) && r.targetKind().equals(targetKind)
                && r.targetId().equals(targetId)).toList();
    }

    @Override
    public synchronized List<TargetRun> targetRuns(Instant since) {
        return runs.values().stream().filter(r -> !r.state().isFinished() || r.mode().isAutomatic()
                        && r.state() != RunState.SKIPPED && !r.createdAt().isBefore(since))
                .map(TargetRun::of).toList();
    }

    // ---- approvals

    /** Runs before each {@link #decide}, outside the store's lock (a test decides first, as another hub would). */
    volatile Consumer<ApprovalRecord> beforeDecide = decided -> { };

    @Override
    public boolean decide(ApprovalRecord decided) {
        beforeDecide.accept(decided);
        return decideNow(decided);
    }

    private synchronized boolean decideNow(ApprovalRecord decided) {
        ApprovalRecord current = approvals.get(decided.approvalId());
        if (current == null || !current.isPending()) {
            return false;
        }
        approvals.put(decided.approvalId(), decided);
        return true;
    }

    @Override
    public synchronized Optional<ApprovalRecord> approval(String approvalId) {
        return Optional.ofNullable(approvals.get(approvalId));
    }

    @Override
    public synchronized List<ApprovalRecord> approvals(ProjectId project, ApprovalState state, int limit) {
        ApprovalState wanted = state == null ? ApprovalState.PENDING : state;
        return approvals.values().stream().filter(a -> a.project().equals(project) && a.state() == wanted)
                .sorted(Comparator.comparing(ApprovalRecord::requestedAt).thenComparing(ApprovalRecord::approvalId))
                .limit(limit).toList();
    }

    @Override
    public synchronized long countPending(ProjectId project) {
        return approvals.values().stream().filter(a -> a.project().equals(project) && a.isPending()).count();
    }

    @Override
    public synchronized List<ApprovalRecord> expired(Instant now, ApprovalRecord after, int limit) {
        Comparator<ApprovalRecord> order = Comparator.comparing(ApprovalRecord::expiresAt)
                .thenComparing(ApprovalRecord::approvalId);
        return approvals.values().stream().filter(a -> a.isPending() && !a.expiresAt().isAfter(now))
                .filter(a -> after == null || order.compare(a, after) > 0).sorted(order).limit(limit).toList();
    }

    // ---- decisions

    @Override
    public void insert(ActionRecord action) {
        beforeInsert.accept(action);
        insertLocked(action);
    }

    private synchronized void insertLocked(ActionRecord action) {
        if (actions.putIfAbsent(action.actionId(), action) != null) {
            // as the database's primary key refuses it
            throw CommandCenterException.unavailable("STORE_UNAVAILABLE", "decision row " + action.actionId()
                    + " is stored already", null);
        }
    }

    /** Hears each {@link #insert} of a decision row before it, outside the store's lock (a test fails it). */
    volatile Consumer<ActionRecord> beforeInsert = action -> { };

    @Override
    public synchronized void update(ActionRecord action) {
        if (actions.containsKey(action.actionId())) {
            actions.put(action.actionId(), action);
        }
    }

    @Override
    public synchronized boolean recordOutcome(ActionRecord judged) {
        if (!judged.isJudged()) {
            throw new IllegalArgumentException("no outcome to record on " + judged.actionId());
        }
        ActionRecord stored = actions.get(judged.actionId());
        if (stored == null || stored.isJudged()) {
            return false;
        }
        // the outcome's fields only, the JSON cut as the SQL store cuts it; and the finished run's outcome
        actions.put(judged.actionId(), stored.withOutcome(judged.outcome(), judged.riskAfter(),
                ActionStore.outcomeJsonAsStored(judged.outcomeJson()), judged.outcomeAt()));
        RunRecord run = runs.get(stored.runId());
        if (run != null && run.state().isFinished()) {
            runs.put(run.runId(), run.withOutcome(judged.outcome()));
        }
        return true;
    }

    @Override
    public synchronized Optional<ActionRecord> actionOfRun(String runId) {
        return actions.values().stream().filter(a -> a.runId().equals(runId)).max(OLDEST_ACTION_FIRST);
    }

    @Override
    public synchronized List<ActionRecord> awaitingOutcome(int limit) {
        return actions.values().stream().filter(a -> !a.isJudged()).sorted(OLDEST_ACTION_FIRST).limit(limit)
                .toList();
    }

    @Override
    public synchronized List<ActionRecord> actions(ProjectId project, String predictionId, String runId, int limit,
                                                   Instant afterTime, String afterId) {
        return actions.values().stream()
                .filter(a -> a.project().equals(project))
                .filter(a -> predictionId == null || predictionId.equals(a.predictionId()))
                .filter(a -> runId == null || runId.equals(a.runId()))
                .filter(a -> afterTime == null || a.decidedAt().isBefore(afterTime)
                        || a.decidedAt().equals(afterTime) && a.actionId().compareTo(afterId) < 0)
                .sorted(OLDEST_ACTION_FIRST.reversed()).limit(limit + 1L).toList();
    }

    // ---- kill switch

    @Override
    public synchronized Optional<AutonomySetting> autonomy(String scope) {
        return Optional.ofNullable(autonomy.get(Objects.requireNonNull(scope)));
    }

    @Override
    public synchronized void put(AutonomySetting setting) {
        autonomy.put(setting.scope(), setting);
    }
}
