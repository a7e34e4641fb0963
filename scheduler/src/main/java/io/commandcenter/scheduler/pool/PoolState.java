package io.commandcenter.scheduler.pool;

import io.commandcenter.scheduler.agents.AgentLoad;
import io.commandcenter.scheduler.agents.AgentRegistration;
import io.commandcenter.scheduler.agents.AgentState;
import io.commandcenter.scheduler.agents.AgentView;
import io.commandcenter.scheduler.agents.SuccessRate;
import io.commandcenter.scheduler.capacity.LoadSignal;
import io.commandcenter.scheduler.capacity.SpikeAnticipator;
import io.commandcenter.scheduler.fairqueue.FairQueue;
import io.commandcenter.scheduler.leases.Assignment;
import io.commandcenter.scheduler.leases.LeaseRef;
import io.commandcenter.scheduler.leases.Revocation;
import io.commandcenter.scheduler.task.Capability;
import io.commandcenter.scheduler.task.Placement;
import io.commandcenter.scheduler.task.Task;
import io.commandcenter.scheduler.task.TaskOutcome;
import io.commandcenter.scheduler.task.TaskProgress;
import io.commandcenter.scheduler.task.TaskResult;
import io.commandcenter.scheduler.task.TaskSpec;
import io.commandcenter.scheduler.task.TaskState;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Everything the scheduler knows about one agent type (a pool): its fair queue, its tasks (queued,
 * waiting, assigned and recently finished), its agents with their load, leases and success record,
 * its fencing-token counter, its recent assignment decisions and its capacity reservations.
 *
 * <p>Every operation is a deterministic function of the state and its arguments (times are passed
 * in, iteration is over sorted maps), and the state is changed only through these operations, each
 * run under the owner's exclusion: the in-memory store holds a lock, Hazelcast runs them as entry
 * processors on the partition that owns the pool, and re-runs them on the backup replicas. So a
 * decision (which task, which agent, which token) is made once, atomically, and every replica
 * agrees on it. Not thread-safe by itself.
 *
 * <p>Dispatch logic lives in {@link Dispatch}, encoding in {@link PoolCodec}.
 */
public final class PoolState {
    final String agentType;
    final FairQueue queue;
    long nextToken = 1;
    long nextSequence = 1;
    final TreeMap<String, TaskEntry> tasks = new TreeMap<>();
    /** Finished task ids in the order they finished: retention drops from the front. */
    final ArrayDeque<String> finished = new ArrayDeque<>();
    final TreeSet<String> waiting = new TreeSet<>();
    final TreeSet<String> pendingReleases = new TreeSet<>();
    final TreeMap<String, Integer> unfinished = new TreeMap<>();
    final TreeMap<String, Double> weights = new TreeMap<>();
    final TreeMap<String, AgentEntry> agents = new TreeMap<>();
    /** Actions (or {@code *}) declared by agents that left, with when they left. */
    final TreeMap<String, Long> knownActions = new TreeMap<>();
    final ArrayDeque<Assignment> recent = new ArrayDeque<>();
    /**
     * The last dispatch of each hub, so a dispatch retried after a member loss returns the same decisions;
     * dropped by the sweep once older than {@link PoolConfig#moveBoundMillis()}.
     */
    final TreeMap<String, DispatchMemo> lastDispatch = new TreeMap<>();
    final SpikeAnticipator anticipator;
    /** ROUND_ROBIN only: the agent that got the last task (the next one after it gets the next). */
    String lastAgent = "";
    /** When the owner last applied a changing operation (its clock; 0 before the first): see {@link #reach}. */
    long lastApplied;

    record DispatchMemo(String requestId, List<Dispatched> result) {
    }

    PoolState(String agentType, FairQueue queue, SpikeAnticipator anticipator) {
        this.agentType = agentType;
        this.queue = queue;
        this.anticipator = anticipator;
    }

    /** An empty pool. */
    public static PoolState create(String agentType, PoolConfig config) {
        return new PoolState(agentType, FairQueue.create(config.policy()), new SpikeAnticipator());
    }

    public String agentType() {
        return agentType;
    }

    public FairQueue.Policy policy() {
        return queue.policy();
    }

    // ---------------------------------------------------------------- tasks

    /**
     * Assigns up to {@code max} queued tasks to agents (see {@link Dispatch}). Idempotent per
     * {@code requestId} for {@code hubId}'s latest dispatch.
     */
    public List<Dispatched> dispatch(String requestId, String hubId, int max, long now, PoolConfig config) {
        return Dispatch.run(this, requestId, hubId, max, now, config);
    }

    /**
     * Queues a task, or puts it in WAITING when it must first acquire its exclusive target.
     * Idempotent on {@code taskId}.
     */
    public Enqueued enqueue(String taskId, TaskSpec spec, String originHub, double effectivePriority,
                            double projectWeight, boolean waitForTarget, long now, PoolConfig config) {
        TaskEntry existing = tasks.get(taskId);
        if (existing != null) {
            return new Enqueued(Enqueued.Status.EXISTS, existing.view());
        }
        if (!isKnown(spec.capability().action(), now, config)) {
            return new Enqueued(Enqueued.Status.UNKNOWN_CAPABILITY, null);
        }
        int open = unfinished.getOrDefault(spec.project(), 0);
        if (open >= config.maxUnfinishedPerProject()) {
            return new Enqueued(Enqueued.Status.QUEUE_FULL, null);
        }
        unfinished.put(spec.project(), open + 1);
        TaskEntry e = new TaskEntry(taskId, spec, originHub, nextSequence++, effectivePriority, now);
        e.updatedAt = now;
        tasks.put(taskId, e);
        // the hint only seeds a project new to this pool: hubs may read a stale replica of the
        // weights, and only SetWeight (sent to every pool) changes an existing weight
        double weight = weights.computeIfAbsent(spec.project(), p -> projectWeight);
        anticipator.arrival(spec.capability().action(),
                spec.prediction() == null ? null : spec.prediction().predictionId(), now, config.anticipation());
        if (waitForTarget) {
            e.state = TaskState.WAITING;
            e.reason = "TARGET_BUSY";
            waiting.add(taskId);
        } else {
            e.state = TaskState.QUEUED;
            e.queuedSince = now;
            queue.add(e.queued(), weight);
        }
        return new Enqueued(Enqueued.Status.CREATED, e.view());
    }

    /** Moves a WAITING task into the queue: it acquired its target. A task in any other state is left alone. */
    public Task unblock(String taskId, long now) {
        TaskEntry e = tasks.get(taskId);
        if (e == null) {
            return null;
        }
        if (e.state == TaskState.WAITING) {
            waiting.remove(taskId);
            e.move(TaskState.QUEUED, "", now);
            e.queuedSince = now;
            queue.add(e.queued(), weights.getOrDefault(e.spec.project(), 1.0));
        }
        return e.view();
    }

    /** Cancels a task of the project. */
    public Settled cancel(String project, String taskId, String why, long now) {
        TaskEntry e = tasks.get(taskId);
        if (e == null || !e.spec.project().equals(project)) {
            return Settled.rejected("TASK_NOT_FOUND", null, null);
        }
        if (e.state.isTerminal()) {
            return e.state == TaskState.CANCELLED
                    ? new Settled(Settled.Status.DUPLICATE, "", e.view(), null, null)
                    : Settled.rejected("TASK_FINISHED", e.view(), null);
        }
        Revocation revocation = null;
        switch (e.state) {
            case QUEUED -> queue.remove(taskId);
            case WAITING -> waiting.remove(taskId);
            case ASSIGNED -> revocation = dropLease(e, "CANCELLED");
            default -> throw new IllegalStateException("unexpected state " + e.state);
        }
        e.move(TaskState.CANCELLED, why == null || why.isEmpty() ? "CANCELLED" : why, now);
        TargetRelease release = finish(e);
        return new Settled(Settled.Status.ACCEPTED, "", e.view(), revocation, release);
    }

    /** Records a target release as done at its gate. */
    public void targetReleased(String taskId) {
        TaskEntry e = tasks.get(taskId);
        if (e != null) {
            e.releasePending = false;
        }
        pendingReleases.remove(taskId);
    }

    // ---------------------------------------------------------------- leases

    /**
     * What applying a changing operation at {@code appliedAt} (the owner's clock) does to the leases,
     * decided before the operation and before any expiry check in it. Leases count only time during
     * which their pool could be reached. A pool with a live lease is reached at least once per
     * heartbeat interval by its agent's heartbeats, so a longer gap since the last applied operation
     * is time in which no heartbeat could arrive (the partition had no owner: a member lost, its
     * backup not yet promoted). Of such a gap only {@link PoolConfig#pauseAllowanceMillis()} counts:
     * the move is the rest, capped at {@link PoolConfig#moveBoundMillis()}. A gap that is only idle
     * time (a pool whose agents are dead or absent, visited by a slow sweep) moves nothing that matters:
     * {@link #reached} moves only leases heard recently before the gap began. Reads nothing but the
     * state and its argument; changes nothing.
     */
    public Reached reach(long appliedAt, PoolConfig config) {
        long gap = lastApplied == 0 ? 0 : appliedAt - lastApplied;
        long move = Math.min(gap - config.pauseAllowanceMillis(), config.moveBoundMillis());
        return new Reached(appliedAt, Math.max(0, move));
    }

    /**
     * Applies a {@link #reach} decision (the owner's, or on a backup the owner's value): every live
     * lease whose agent was heard (assignment, heartbeat, progress; judged by when the owner applied
     * the word, the clock {@code lastApplied} is on) less than two heartbeat intervals before the gap
     * began, counting only time that counted (the time since it was heard less what it moved since),
     * moves on by {@code move}, but no lease moves more than {@link PoolConfig#moveBoundMillis()}
     * in all between two times its agent is heard. A lease whose agent stopped heartbeating earlier is
     * not moved: it is not a live agent's lease cut off by the gap. Counting what moved keeps a lease
     * whose agent's heartbeat is still held by one pause in the window of a second pause right after
     * (it had more than one interval left when the second began); a dead agent's lease visited by a
     * slow sweep reaches the window's edge exactly at the third visit (each gap counts one interval),
     * and the edge is excluded. So a lease never runs past
     * {@code heardAt + lease + moveBoundMillis}, and since a word counts from its apply time, at most the
     * bound after its send, never past {@code send + lease + 2 × moveBoundMillis}: a dead agent's lease
     * expires at most the bound after a full lease from its last word's apply time, and, when the only
     * gaps are a slow sweep's visits {@code S} apart, at most {@code 2 × (S − pauseAllowanceMillis)}
     * after that while the owner applies each word no earlier than it was sent (an owner clock behind the
     * sender's, by up to an interval, starts the word's lease at its send time, later by the owner's clock,
     * and the third visit then moves it too: {@code 3 × (S − pauseAllowanceMillis)}, within the bound). An owner clock leading
     * the hubs' by more than {@code moveBoundMillis + 2 × interval} moves no lease that has nothing moved:
     * its {@code heardAt}, clamped to the word's send plus the bound, is older than the window.
     * Deterministic: every replica moves the same leases.
     *
     * @return takes the move back, for an operation that fails after it (see {@link PoolOps#apply})
     */
    public Runnable reached(Reached r, PoolConfig config) {
        long before = lastApplied;
        List<Runnable> undo = new ArrayList<>();
        if (r.move() > 0) {
            long heardSince = lastApplied - 2 * config.heartbeatIntervalMillis();
            for (AgentEntry a : agents.values()) {
                for (String taskId : a.leases) {
                    TaskEntry e = tasks.get(taskId);
                    long move = Math.min(r.move(), config.moveBoundMillis() - e.moved);
                    // heard less than two intervals before the gap began, in time that counted: what moved
                    // since it was heard did not (strictly less: a slow sweep's third visit is at exactly two)
                    if (e.heardAt + e.moved > heardSince && move > 0) {
                        Assignment lease = e.lease;
                        long moved = e.moved;
                        undo.add(() -> {
                            e.lease = lease;
                            e.moved = moved;
                        });
                        e.lease = e.lease.withLeaseExpiry(e.lease.leaseExpiresAt().plusMillis(move));
                        e.moved += move;
                    }
                }
            }
        }
        // the apply time itself, not the latest seen: one clock leap forward (or a leading owner's clock)
        // must not hold the pool's compensation off for the leap's length; a gap that is negative moves nothing
        lastApplied = r.appliedAt();
        return () -> {
            undo.forEach(Runnable::run);
            lastApplied = before;
        };
    }

    /**
     * Extends the leases the agent names. Each one it no longer holds comes back as a revocation
     * ({@code LEASE_NOT_HELD}, or {@code LEASE_EXPIRED} for a lease that ran out before this
     * heartbeat: the next sweep returns its task to the queue and tells the agent again).
     */
    public List<Revocation> heartbeat(String agentId, List<LeaseRef> leases, long now, PoolConfig config) {
        AgentEntry agent = agents.get(agentId);
        if (agent != null) {
            agent.lastSeen = Math.max(agent.lastSeen, now);
        }
        List<Revocation> revoked = new ArrayList<>();
        for (LeaseRef ref : leases) {
            TaskEntry e = tasks.get(ref.taskId());
            String hub = agent == null ? "" : agent.hubId;
            if (e == null || !e.holds(agentId, ref.fencingToken())) {
                revoked.add(new Revocation(agentType, agentId, hub, ref, "LEASE_NOT_HELD"));
            } else if (now > e.lease.leaseExpiresAt().toEpochMilli()) {
                // the agent is told; the expiry itself is left to the sweep (or to this lease's next progress or
                // result), whose caller publishes the task's change: a heartbeat's answer carries no task
                revoked.add(new Revocation(agentType, agentId, hub, ref, "LEASE_EXPIRED"));
            } else {
                e.heard(now, lastApplied, config);
            }
        }
        return revoked;
    }

    /** Records progress of a held lease and extends it. */
    public Settled progress(String agentId, String taskId, long token, double fraction, String message, long now,
                            PoolConfig config) {
        Settled check = checkLease(agentId, taskId, token, now);
        if (check != null) {
            return check;
        }
        TaskEntry e = tasks.get(taskId);
        e.progress = new TaskProgress(fraction, message, Instant.ofEpochMilli(now));
        e.heard(now, lastApplied, config);
        e.updatedAt = now;
        touch(agentId, now);
        return new Settled(Settled.Status.ACCEPTED, "", e.view(), null, null);
    }

    /**
     * Records a task's result. Accepted only from the agent holding the task's current lease with
     * the lease's fencing token, before the lease expires; a resend of an accepted result is a
     * DUPLICATE. A retryable failure with attempts left returns the task to the queue.
     */
    public Settled complete(String agentId, String taskId, long token, TaskOutcome outcome, String outputJson,
                            String error, boolean retryable, long now, PoolConfig config) {
        TaskEntry e = tasks.get(taskId);
        if (e != null && e.settledToken != 0 && e.settledToken == token && e.lease != null && e.lease.agentId().equals(agentId)) {
            return new Settled(Settled.Status.DUPLICATE, "", e.view(), null, null);
        }
        Settled check = checkLease(agentId, taskId, token, now);
        if (check != null) {
            return check;
        }
        AgentEntry agent = agents.get(agentId);
        agent.leases.remove(taskId);
        agent.lastSeen = Math.max(agent.lastSeen, now);
        String action = e.spec.capability().action();
        agent.success.put(action, agent.success.getOrDefault(action, SuccessRate.NONE)
                .record(outcome == TaskOutcome.SUCCEEDED, now, config.successHalfLifeMillis()));
        e.settledToken = token;
        e.result = new TaskResult(outcome, outputJson == null ? "" : outputJson, error == null ? "" : error, agentId,
                Instant.ofEpochMilli(now));
        if (outcome == TaskOutcome.FAILED && retryable && e.attempt < e.spec.maxAttempts()) {
            requeue(e, "AGENT_FAILED", now);
            return new Settled(Settled.Status.ACCEPTED, "", e.view(), null, null);
        }
        e.move(outcome == TaskOutcome.SUCCEEDED ? TaskState.SUCCEEDED : TaskState.FAILED,
                outcome == TaskOutcome.SUCCEEDED ? "" : "AGENT_FAILED", now);
        TargetRelease release = finish(e);
        return new Settled(Settled.Status.ACCEPTED, "", e.view(), null, release);
    }

    /**
     * Gives a lease back without counting the attempt: the assignment could not be delivered
     * (the agent's stream was gone). The task goes back to the queue at once.
     */
    public Settled returnLease(String agentId, String taskId, long token, long now) {
        Settled check = checkLease(agentId, taskId, token, now);
        if (check != null) {
            return check;
        }
        TaskEntry e = tasks.get(taskId);
        agents.get(agentId).leases.remove(taskId);
        e.attempt--;
        requeue(e, "NOT_DELIVERED", now);
        return new Settled(Settled.Status.ACCEPTED, "", e.view(), null, null);
    }

    /** Null when the agent holds the live lease, else the rejection (ending the lease if it ran out). */
    private Settled checkLease(String agentId, String taskId, long token, long now) {
        TaskEntry e = tasks.get(taskId);
        if (e == null) {
            return Settled.rejected("TASK_NOT_FOUND", null, null);
        }
        if (!e.holds(agentId, token)) {
            return Settled.rejected(e.state == TaskState.CANCELLED ? "TASK_CANCELLED" : "LEASE_NOT_HELD", e.view(),
                    null);
        }
        if (now > e.lease.leaseExpiresAt().toEpochMilli()) {
            Revocation revocation = expire(e, now);
            return Settled.rejected("LEASE_EXPIRED", e.view(), revocation);
        }
        return null;
    }

    /** Ends an expired lease: the task goes back to the queue, or fails when it has no attempts left. */
    private Revocation expire(TaskEntry e, long now) {
        Revocation revocation = dropLease(e, "LEASE_EXPIRED");
        if (e.attempt >= e.spec.maxAttempts()) {
            e.move(TaskState.FAILED, "ATTEMPTS_EXHAUSTED", now);
            finish(e);
        } else {
            requeue(e, "LEASE_EXPIRED", now);
        }
        return revocation;
    }

    private Revocation dropLease(TaskEntry e, String why) {
        AgentEntry agent = agents.get(e.lease.agentId());
        String hub = e.lease.agentHub();
        if (agent != null) {
            agent.leases.remove(e.id);
            hub = agent.hubId;
        }
        return new Revocation(agentType, e.lease.agentId(), hub, e.lease.lease(), why);
    }

    private void requeue(TaskEntry e, String why, long now) {
        e.move(TaskState.QUEUED, why, now);
        e.queuedSince = now;
        queue.add(e.queued(), weights.getOrDefault(e.spec.project(), 1.0));
    }

    /** Book-keeping for a task that reached a terminal state; the target release it needs, if any. */
    private TargetRelease finish(TaskEntry e) {
        unfinished.merge(e.spec.project(), -1, Integer::sum);
        if (unfinished.get(e.spec.project()) <= 0) {
            unfinished.remove(e.spec.project());
        }
        finished.addLast(e.id);
        if (e.spec.exclusiveTarget()) {
            e.releasePending = true;
            pendingReleases.add(e.id);
            return new TargetRelease(e.spec.project(), e.id, e.spec.target());
        }
        return null;
    }

    // ---------------------------------------------------------------- agents

    /**
     * Registers (or re-registers) an agent on a hub. A re-registration keeps the agent's leases
     * and record and supersedes its earlier session. An id belongs to the owner that first
     * registered it: another owner's registration changes nothing ({@link Registered#taken()}).
     *
     * @throws IllegalArgumentException when the registration is of another agent type
     */
    public Registered register(AgentRegistration registration, String hubId, String peerId, String sessionId,
                               long now) {
        if (!registration.agentType().equals(agentType)) {
            throw new IllegalArgumentException("agent of type " + registration.agentType() + " in pool " + agentType);
        }
        AgentEntry a = agents.get(registration.agentId());
        String supersededHub = null;
        String supersededSession = null;
        if (a == null) {
            a = new AgentEntry();
            agents.put(registration.agentId(), a);
        } else if (a.registration != null && !a.registration.owner().equals(registration.owner())) {
            return Registered.refusedAsTaken();
        } else if (a.sessionId != null && !a.sessionId.equals(sessionId) && a.state == AgentState.CONNECTED) {
            supersededHub = a.hubId;
            supersededSession = a.sessionId;
        } else if (sessionId.equals(a.sessionId)) {
            // the same registration again (a retried operation): nothing changes
            return new Registered(held(a), null, null, false);
        }
        a.registration = registration;
        a.hubId = hubId;
        a.peerId = peerId;
        a.sessionId = sessionId;
        a.state = AgentState.CONNECTED;
        a.connectedAt = now;
        a.lastSeen = now;
        return new Registered(held(a), supersededHub, supersededSession, false);
    }

    private List<LeaseRef> held(AgentEntry a) {
        List<LeaseRef> held = new ArrayList<>();
        for (String taskId : a.leases) {
            held.add(tasks.get(taskId).lease.lease());
        }
        return held;
    }

    /** Marks an agent disconnected if {@code sessionId} is still its session; its leases run on. */
    public boolean disconnect(String agentId, String sessionId, long now) {
        AgentEntry a = agents.get(agentId);
        if (a == null || !sessionId.equals(a.sessionId) || a.state == AgentState.DISCONNECTED) {
            return false;
        }
        a.state = AgentState.DISCONNECTED;
        a.lastSeen = Math.max(a.lastSeen, now);
        return true;
    }

    /** Disconnects every agent whose stream was held by a cluster peer that left. */
    public List<String> peerLost(String peerId, long now) {
        List<String> lost = new ArrayList<>();
        for (AgentEntry a : agents.values()) {
            if (peerId.equals(a.peerId) && a.state == AgentState.CONNECTED) {
                a.state = AgentState.DISCONNECTED;
                lost.add(a.id());
            }
        }
        return lost;
    }

    /** The hub still holds these agents' streams: they are alive. Only current sessions count. */
    public void touch(Map<String, String> sessionsByAgent, long now) {
        sessionsByAgent.forEach((agentId, session) -> {
            AgentEntry a = agents.get(agentId);
            if (a != null && session.equals(a.sessionId) && a.state == AgentState.CONNECTED) {
                a.lastSeen = Math.max(a.lastSeen, now);
            }
        });
    }

    private void touch(String agentId, long now) {
        AgentEntry a = agents.get(agentId);
        if (a != null) {
            a.lastSeen = Math.max(a.lastSeen, now);
        }
    }

    /**
     * Records an agent's load report; false when the agent is unknown, or when {@code owner} (null: any)
     * did not register it or it does not serve {@code project} (null: any) — then nothing changes.
     */
    public boolean reportLoad(String agentId, AgentLoad load, long now, String owner, String project) {
        AgentEntry a = agents.get(agentId);
        if (a == null || owner != null && !owner.equals(a.registration.owner())
                || project != null && !a.registration.serves(project)) {
            return false;
        }
        a.load = load;
        a.loadTime = now;
        a.lastSeen = Math.max(a.lastSeen, now);
        return true;
    }

    /** Whether some agent of the pool runs the action, now or within the capability retention. */
    boolean isKnown(String action, long now, PoolConfig config) {
        for (AgentEntry a : agents.values()) {
            if (a.registration.match(action) > 0) {
                return true;
            }
        }
        for (String key : new String[]{action, Capability.ANY_ACTION}) {
            Long left = knownActions.get(key);
            if (left != null && now - left <= config.capabilityRetentionMillis()) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- fairness, capacity, federation

    /** Sets a project's weight for its tasks charged from now on. */
    public void setWeight(String project, double weight) {
        weights.put(project, weight);
        queue.setWeight(project, weight);
    }

    /** Records a prediction announcing remediation work of one of the pool's actions. */
    public void signal(LoadSignal signal) {
        anticipator.signal(signal);
    }

    /**
     * Lets {@code toHub}'s agents run up to {@code max} queued tasks of {@code action} that only
     * {@code fromHub}'s agents may run (placement ORIGIN_HUB), oldest first, restricted to projects
     * some connected agent of {@code toHub} serves.
     *
     * @return the tasks delegated
     */
    public List<Task> delegate(String action, String fromHub, String toHub, int max, long now) {
        List<TaskEntry> candidates = new ArrayList<>();
        for (TaskEntry e : tasks.values()) {
            if (e.state == TaskState.QUEUED && e.spec.placement() == Placement.ORIGIN_HUB
                    && e.originHub.equals(fromHub) && e.delegated.isEmpty()
                    && e.spec.capability().action().equals(action) && servedAt(toHub, e)) {
                candidates.add(e);
            }
        }
        candidates.sort(Comparator.<TaskEntry>comparingLong(t -> t.queuedSince).thenComparingLong(t -> t.sequence));
        List<Task> delegated = new ArrayList<>();
        for (TaskEntry e : candidates.subList(0, Math.min(max, candidates.size()))) {
            e.delegated.add(toHub);
            e.updatedAt = now;
            e.reason = "DELEGATED";
            delegated.add(e.view());
        }
        return delegated;
    }

    private boolean servedAt(String hub, TaskEntry e) {
        for (AgentEntry a : agents.values()) {
            if (a.state == AgentState.CONNECTED && hub.equals(a.hubId) && a.registration.serves(e.spec.project())
                    && a.registration.match(e.spec.capability().action()) > 0) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- maintenance

    /**
     * The periodic pass: ends expired leases, disconnects silent agents, forgets long-gone agents,
     * drops finished tasks past retention and dispatch memos past {@link PoolConfig#moveBoundMillis()},
     * and reports target releases and waiting tasks that need another look at their gate.
     */
    public SweepReport sweep(long now, PoolConfig config) {
        List<Revocation> revocations = new ArrayList<>();
        List<Task> changed = new ArrayList<>();
        for (AgentEntry a : agents.values()) {
            for (String taskId : new ArrayList<>(a.leases)) {
                TaskEntry e = tasks.get(taskId);
                if (now > e.lease.leaseExpiresAt().toEpochMilli()) {
                    revocations.add(expire(e, now));
                    changed.add(e.view());
                }
            }
        }
        List<String> disconnected = new ArrayList<>();
        for (Iterator<AgentEntry> it = agents.values().iterator(); it.hasNext(); ) {
            AgentEntry a = it.next();
            if (a.state == AgentState.CONNECTED && now - a.lastSeen > config.agentSilenceMillis()) {
                a.state = AgentState.DISCONNECTED;
                disconnected.add(a.id());
            } else if (a.state == AgentState.DISCONNECTED && a.leases.isEmpty()
                    && now - a.lastSeen > config.agentRetentionMillis()) {
                for (String action : a.registration.actions()) {
                    knownActions.merge(action, a.lastSeen, Math::max);
                }
                it.remove();
            }
        }
        knownActions.values().removeIf(left -> now - left > config.capabilityRetentionMillis());
        int evicted = 0;
        while (!finished.isEmpty()) {
            TaskEntry head = tasks.get(finished.peekFirst());
            boolean tooMany = finished.size() > config.maxRetained();
            boolean tooOld = head == null || now - head.updatedAt > config.retentionMillis();
            if (head != null && head.releasePending || !(tooMany || tooOld)) {
                break;
            }
            finished.pollFirst();
            if (head != null) {
                tasks.remove(head.id);
                evicted++;
            }
        }
        List<TargetRelease> releases = new ArrayList<>();
        for (String taskId : pendingReleases) {
            TaskEntry e = tasks.get(taskId);
            releases.add(new TargetRelease(e.spec.project(), e.id, e.spec.target()));
        }
        List<Task> stuck = new ArrayList<>();
        for (String taskId : waiting) {
            TaskEntry e = tasks.get(taskId);
            // queuedSince is unused while waiting: it remembers the last redrive, so each is redone once per interval
            if (now - Math.max(e.updatedAt, e.queuedSince) > config.waitingRedriveMillis()) {
                e.queuedSince = now;
                stuck.add(e.view());
            }
        }
        // a dispatch's memo serves a retry of that operation, which comes within the member timeout: an older one
        // (its hub gone, or quiet since) is dropped with the decisions and inputs it holds
        lastDispatch.values().removeIf(memo ->
                now - memo.result().get(0).assignment().assignedAt().toEpochMilli() > config.moveBoundMillis());
        anticipator.expire(now, config.anticipation());
        queue.prune();
        return new SweepReport(revocations, changed, disconnected, releases, stuck, evicted);
    }

    // ---------------------------------------------------------------- reads

    /** A task of the project, or null. */
    public Task task(String project, String taskId) {
        TaskEntry e = tasks.get(taskId);
        return e == null || !e.spec.project().equals(project) ? null : e.view();
    }

    /** Tasks matching the query, newest first, at most {@code query.limit()}. */
    public List<Task> tasks(TaskQuery query) {
        List<TaskEntry> matching = new ArrayList<>();
        for (TaskEntry e : tasks.values()) {
            if (query.matches(e.spec, e.state, e.submittedAt, e.id)) {
                matching.add(e);
            }
        }
        matching.sort(TaskQuery.NEWEST_FIRST);
        List<Task> page = new ArrayList<>();
        for (TaskEntry e : matching.subList(0, Math.min(query.limit(), matching.size()))) {
            page.add(e.view());
        }
        return page;
    }

    /** Recent assignment decisions matching the query, newest first. */
    public List<Assignment> assignments(AssignmentQuery query) {
        List<Assignment> page = new ArrayList<>();
        for (Iterator<Assignment> it = recent.descendingIterator(); it.hasNext() && page.size() < query.limit(); ) {
            Assignment a = it.next();
            if (query.matches(a)) {
                page.add(a);
            }
        }
        return page;
    }

    /** Agents serving the project ({@code null}: all), by id. */
    public List<AgentView> agents(String project, long now, PoolConfig config) {
        List<AgentView> views = new ArrayList<>();
        for (AgentEntry a : agents.values()) {
            if (project == null || a.registration.serves(project)) {
                views.add(a.view(now, config.successHalfLifeMillis()));
            }
        }
        return views;
    }

    /** Capacity and queue lengths. */
    public PoolSummary summary(long now, PoolConfig config) {
        int capacity = 0;
        int free = 0;
        int assigned = 0;
        for (AgentEntry a : agents.values()) {
            if (a.state == AgentState.CONNECTED) {
                capacity += a.capacity();
                free += a.free();
            }
            assigned += a.leases.size();
        }
        int reserved = 0;
        if (!anticipator.isIdle()) {
            TreeSet<String> actions = new TreeSet<>();
            anticipator.signals().forEach(s -> actions.add(s.action()));
            for (AgentEntry a : agents.values()) {
                actions.addAll(a.registration.actions());
            }
            actions.remove(Capability.ANY_ACTION);
            for (String action : actions) {
                reserved += anticipator.reserve(action, now, Dispatch.capacityFor(this, action), config.anticipation());
            }
        }
        return new PoolSummary(agentType, capacity, free, Math.min(reserved, free), queue.size(), waiting.size(),
                assigned);
    }

    /** Queued tasks by project (waiting tasks, held back for their target, are not counted). */
    public TreeMap<String, Integer> queuedByProject() {
        TreeMap<String, Integer> out = new TreeMap<>();
        for (TaskEntry e : tasks.values()) {
            if (e.state == TaskState.QUEUED) {
                out.merge(e.spec.project(), 1, Integer::sum);
            }
        }
        return out;
    }

    /** Per hub and action: free slots and the backlog only that hub may run, for the meta hub. */
    public List<HubLoad> hubLoads(long now) {
        TreeMap<String, TreeMap<String, int[]>> free = new TreeMap<>();
        TreeSet<String> actions = new TreeSet<>();
        for (AgentEntry a : agents.values()) {
            if (a.state != AgentState.CONNECTED) {
                continue;
            }
            for (String action : a.registration.actions()) {
                free.computeIfAbsent(a.hubId, h -> new TreeMap<>()).computeIfAbsent(action, x -> new int[1])[0]
                        += a.free();
                actions.add(action);
            }
        }
        TreeMap<String, TreeMap<String, long[]>> backlog = new TreeMap<>();
        TreeMap<String, TreeMap<String, TreeSet<String>>> projects = new TreeMap<>();
        for (TaskEntry e : tasks.values()) {
            if (e.state == TaskState.QUEUED && e.spec.placement() == Placement.ORIGIN_HUB && e.delegated.isEmpty()) {
                String action = e.spec.capability().action();
                long[] b = backlog.computeIfAbsent(e.originHub, h -> new TreeMap<>())
                        .computeIfAbsent(action, x -> new long[]{0, Long.MAX_VALUE});
                b[0]++;
                b[1] = Math.min(b[1], e.queuedSince);
                projects.computeIfAbsent(e.originHub, h -> new TreeMap<>()).computeIfAbsent(action, x -> new TreeSet<>())
                        .add(e.spec.project());
                actions.add(action);
            }
        }
        TreeSet<String> hubs = new TreeSet<>(free.keySet());
        hubs.addAll(backlog.keySet());
        List<HubLoad> loads = new ArrayList<>();
        for (String hub : hubs) {
            for (String action : actions) {
                // a '*' agent runs every action: count its free slots for each action with a backlog
                int slots = free.getOrDefault(hub, new TreeMap<>()).getOrDefault(action, new int[1])[0];
                if (!action.equals(Capability.ANY_ACTION)) {
                    slots += free.getOrDefault(hub, new TreeMap<>()).getOrDefault(Capability.ANY_ACTION, new int[1])[0];
                }
                long[] b = backlog.getOrDefault(hub, new TreeMap<>()).get(action);
                if (slots == 0 && b == null || action.equals(Capability.ANY_ACTION)) {
                    continue;
                }
                loads.add(new HubLoad(agentType, action, hub, slots, b == null ? 0 : (int) b[0],
                        b == null ? 0 : b[1], b == null ? List.of()
                        : List.copyOf(projects.get(hub).get(action))));
            }
        }
        return loads;
    }
}
