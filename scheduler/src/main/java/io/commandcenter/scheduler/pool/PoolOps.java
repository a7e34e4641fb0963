package io.commandcenter.scheduler.pool;

import io.commandcenter.scheduler.agents.AgentLoad;
import io.commandcenter.scheduler.agents.AgentRegistration;
import io.commandcenter.scheduler.agents.AgentView;
import io.commandcenter.scheduler.capacity.LoadSignal;
import io.commandcenter.scheduler.leases.Assignment;
import io.commandcenter.scheduler.leases.LeaseRef;
import io.commandcenter.scheduler.leases.Revocation;
import io.commandcenter.scheduler.task.Task;
import io.commandcenter.scheduler.task.TaskOutcome;
import io.commandcenter.scheduler.task.TaskSpec;
import io.commandcenter.scheduler.wire.WireIn;
import io.commandcenter.scheduler.wire.WireOut;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every {@link PoolOp}: one record per {@link PoolState} operation, with its code and encoding.
 * {@link #read} turns the bytes of any of them back into the operation.
 */
public final class PoolOps {
    private PoolOps() {
    }

    // ------------------------------------------------------------ result codecs

    static final PoolOp.ResultCodec<Boolean> BOOL = codec((o, r) -> o.bool(r), WireIn::bool);
    static final PoolOp.ResultCodec<Task> TASK = codec((o, r) -> o.optional(r, Task::write), i -> i.optional(Task::read));
    static final PoolOp.ResultCodec<List<Task>> TASKS = codec((o, r) -> o.list(r, Task::write), i -> i.list(Task::read));
    static final PoolOp.ResultCodec<Settled> SETTLED = codec(Settled::write, Settled::read);
    static final PoolOp.ResultCodec<Enqueued> ENQUEUED = codec(Enqueued::write, Enqueued::read);
    static final PoolOp.ResultCodec<List<Dispatched>> DISPATCHED = codec((o, r) -> o.list(r, Dispatched::write),
            i -> i.list(Dispatched::read));
    static final PoolOp.ResultCodec<List<Revocation>> REVOCATIONS = codec((o, r) -> o.list(r, Revocation::write),
            i -> i.list(Revocation::read));
    static final PoolOp.ResultCodec<List<String>> STRINGS = codec(WireOut::strings, WireIn::strings);
    static final PoolOp.ResultCodec<Registered> REGISTERED = codec(Registered::write, Registered::read);
    static final PoolOp.ResultCodec<SweepReport> SWEEP = codec(SweepReport::write, SweepReport::read);
    static final PoolOp.ResultCodec<List<Assignment>> ASSIGNMENTS = codec((o, r) -> o.list(r, Assignment::write),
            i -> i.list(Assignment::read));
    static final PoolOp.ResultCodec<List<AgentView>> AGENTS = codec((o, r) -> o.list(r, AgentView::write),
            i -> i.list(AgentView::read));
    static final PoolOp.ResultCodec<PoolSummary> SUMMARY = codec(PoolSummary::write, PoolSummary::read);
    static final PoolOp.ResultCodec<List<HubLoad>> HUB_LOADS = codec((o, r) -> o.list(r, HubLoad::write),
            i -> i.list(HubLoad::read));

    static final PoolOp.ResultCodec<Map<String, Integer>> COUNTS = codec((o, r) -> {
        o.i32(r.size());
        r.forEach((k, v) -> o.str(k).i32(v));
    }, i -> {
        int n = i.i32();
        java.util.TreeMap<String, Integer> m = new java.util.TreeMap<>();
        for (int k = 0; k < n; k++) {
            m.put(i.str(), i.i32());
        }
        return m;
    });

    private static <R> PoolOp.ResultCodec<R> codec(WireOut.Writer<R> writer, WireIn.Reader<R> reader) {
        return new PoolOp.ResultCodec<>() {
            @Override
            public void write(WireOut out, R result) {
                writer.write(out, result);
            }

            @Override
            public R read(WireIn in) {
                return reader.read(in);
            }
        };
    }

    // ------------------------------------------------------------ writes

    /** {@link PoolState#enqueue}. */
    public record Enqueue(String taskId, TaskSpec spec, String originHub, double effectivePriority,
                          double projectWeight, boolean waitForTarget, long now) implements PoolOp<Enqueued> {
        public int code() {
            return 1;
        }

        public boolean readOnly() {
            return false;
        }

        public boolean creates() {
            return true;
        }

        public Enqueued apply(PoolState pool, PoolConfig config) {
            return pool.enqueue(taskId, spec, originHub, effectivePriority, projectWeight, waitForTarget, now, config);
        }

        public Enqueued absent() {
            throw new IllegalStateException("creates");
        }

        public void write(WireOut out) {
            out.str(taskId);
            TaskSpec.write(out, spec);
            out.str(originHub).f64(effectivePriority).f64(projectWeight).bool(waitForTarget).i64(now);
        }

        public PoolOp.ResultCodec<Enqueued> result() {
            return ENQUEUED;
        }
    }

    /** {@link PoolState#unblock}. */
    public record Unblock(String taskId, long now) implements PoolOp<Task> {
        public int code() {
            return 2;
        }

        public boolean readOnly() {
            return false;
        }

        public boolean creates() {
            return false;
        }

        public Task apply(PoolState pool, PoolConfig config) {
            return pool.unblock(taskId, now);
        }

        public Task absent() {
            return null;
        }

        public void write(WireOut out) {
            out.str(taskId).i64(now);
        }

        public PoolOp.ResultCodec<Task> result() {
            return TASK;
        }
    }

    /** {@link PoolState#dispatch}. */
    public record Dispatch(String requestId, String hubId, int max, long now) implements PoolOp<List<Dispatched>> {
        public int code() {
            return 3;
        }

        public boolean readOnly() {
            return false;
        }

        public boolean creates() {
            return false;
        }

        public List<Dispatched> apply(PoolState pool, PoolConfig config) {
            return pool.dispatch(requestId, hubId, max, now, config);
        }

        public List<Dispatched> absent() {
            return List.of();
        }

        public void write(WireOut out) {
            out.str(requestId).str(hubId).i32(max).i64(now);
        }

        public PoolOp.ResultCodec<List<Dispatched>> result() {
            return DISPATCHED;
        }
    }

    /** {@link PoolState#heartbeat}. */
    public record Heartbeat(String agentId, List<LeaseRef> leases, long now) implements PoolOp<List<Revocation>> {
        public Heartbeat {
            leases = List.copyOf(leases);
        }

        public int code() {
            return 4;
        }

        public boolean readOnly() {
            return false;
        }

        public boolean creates() {
            return false;
        }

        public List<Revocation> apply(PoolState pool, PoolConfig config) {
            return pool.heartbeat(agentId, leases, now, config);
        }

        public List<Revocation> absent() {
            return leases.stream().map(l -> new Revocation("", agentId, "", l, "LEASE_NOT_HELD")).toList();
        }

        public void write(WireOut out) {
            out.str(agentId).list(leases, LeaseRef::write).i64(now);
        }

        public PoolOp.ResultCodec<List<Revocation>> result() {
            return REVOCATIONS;
        }
    }

    /** {@link PoolState#progress}. */
    public record Progress(String agentId, String taskId, long token, double fraction, String message, long now)
            implements PoolOp<Settled> {
        public int code() {
            return 5;
        }

        public boolean readOnly() {
            return false;
        }

        public boolean creates() {
            return false;
        }

        public Settled apply(PoolState pool, PoolConfig config) {
            return pool.progress(agentId, taskId, token, fraction, message, now, config);
        }

        public Settled absent() {
            return Settled.rejected("TASK_NOT_FOUND", null, null);
        }

        public void write(WireOut out) {
            out.str(agentId).str(taskId).i64(token).f64(fraction).str(message).i64(now);
        }

        public PoolOp.ResultCodec<Settled> result() {
            return SETTLED;
        }
    }

    /** {@link PoolState#complete}. */
    public record Complete(String agentId, String taskId, long token, TaskOutcome outcome, String outputJson,
                           String error, boolean retryable, long now) implements PoolOp<Settled> {
        public int code() {
            return 6;
        }

        public boolean readOnly() {
            return false;
        }

        public boolean creates() {
            return false;
        }

        public Settled apply(PoolState pool, PoolConfig config) {
            return pool.complete(agentId, taskId, token, outcome, outputJson, error, retryable, now, config);
        }

        public Settled absent() {
            return Settled.rejected("TASK_NOT_FOUND", null, null);
        }

        public void write(WireOut out) {
            out.str(agentId).str(taskId).i64(token).i32(outcome.ordinal()).str(outputJson).str(error).bool(retryable)
                    .i64(now);
        }

        public PoolOp.ResultCodec<Settled> result() {
            return SETTLED;
        }
    }

    /** {@link PoolState#returnLease}. */
    public record ReturnLease(String agentId, String taskId, long token, long now) implements PoolOp<Settled> {
        public int code() {
            return 7;
        }

        public boolean readOnly() {
            return false;
        }

        public boolean creates() {
            return false;
        }

        public Settled apply(PoolState pool, PoolConfig config) {
            return pool.returnLease(agentId, taskId, token, now);
        }

        public Settled absent() {
            return Settled.rejected("TASK_NOT_FOUND", null, null);
        }

        public void write(WireOut out) {
            out.str(agentId).str(taskId).i64(token).i64(now);
        }

        public PoolOp.ResultCodec<Settled> result() {
            return SETTLED;
        }
    }

    /** {@link PoolState#cancel}. */
    public record Cancel(String project, String taskId, String reason, long now) implements PoolOp<Settled> {
        public int code() {
            return 8;
        }

        public boolean readOnly() {
            return false;
        }

        public boolean creates() {
            return false;
        }

        public Settled apply(PoolState pool, PoolConfig config) {
            return pool.cancel(project, taskId, reason, now);
        }

        public Settled absent() {
            return Settled.rejected("TASK_NOT_FOUND", null, null);
        }

        public void write(WireOut out) {
            out.str(project).str(taskId).str(reason).i64(now);
        }

        public PoolOp.ResultCodec<Settled> result() {
            return SETTLED;
        }
    }

    /** {@link PoolState#register}. */
    public record Register(AgentRegistration registration, String hubId, String peerId, String sessionId, long now)
            implements PoolOp<Registered> {
        public int code() {
            return 9;
        }

        public boolean readOnly() {
            return false;
        }

        public boolean creates() {
            return true;
        }

        public Registered apply(PoolState pool, PoolConfig config) {
            return pool.register(registration, hubId, peerId, sessionId, now);
        }

        public Registered absent() {
            throw new IllegalStateException("creates");
        }

        public void write(WireOut out) {
            AgentRegistration.write(out, registration);
            out.str(hubId).str(peerId).str(sessionId).i64(now);
        }

        public PoolOp.ResultCodec<Registered> result() {
            return REGISTERED;
        }
    }

    /** {@link PoolState#disconnect}. */
    public record Disconnect(String agentId, String sessionId, long now) implements PoolOp<Boolean> {
        public int code() {
            return 10;
        }

        public boolean readOnly() {
            return false;
        }

        public boolean creates() {
            return false;
        }

        public Boolean apply(PoolState pool, PoolConfig config) {
            return pool.disconnect(agentId, sessionId, now);
        }

        public Boolean absent() {
            return false;
        }

        public void write(WireOut out) {
            out.str(agentId).str(sessionId).i64(now);
        }

        public PoolOp.ResultCodec<Boolean> result() {
            return BOOL;
        }
    }

    /** {@link PoolState#peerLost}. */
    public record PeerLost(String peerId, long now) implements PoolOp<List<String>> {
        public int code() {
            return 11;
        }

        public boolean readOnly() {
            return false;
        }

        public boolean creates() {
            return false;
        }

        public List<String> apply(PoolState pool, PoolConfig config) {
            return pool.peerLost(peerId, now);
        }

        public List<String> absent() {
            return List.of();
        }

        public void write(WireOut out) {
            out.str(peerId).i64(now);
        }

        public PoolOp.ResultCodec<List<String>> result() {
            return STRINGS;
        }
    }

    /** {@link PoolState#touch}. */
    public record Touch(Map<String, String> sessionsByAgent, long now) implements PoolOp<Boolean> {
        public Touch {
            sessionsByAgent = Map.copyOf(sessionsByAgent);
        }

        public int code() {
            return 12;
        }

        public boolean readOnly() {
            return false;
        }

        public boolean creates() {
            return false;
        }

        public Boolean apply(PoolState pool, PoolConfig config) {
            pool.touch(new TreeMap<>(sessionsByAgent), now);
            return true;
        }

        public Boolean absent() {
            return false;
        }

        public void write(WireOut out) {
            out.stringMap(new TreeMap<>(sessionsByAgent)).i64(now);
        }

        public PoolOp.ResultCodec<Boolean> result() {
            return BOOL;
        }
    }

    /**
     * {@link PoolState#reportLoad}.
     *
     * @param owner   taken only for an agent registered by this owner; null: any (the agent's own stream)
     * @param project taken only for an agent that serves this project; null: any
     */
    public record ReportLoad(String agentId, AgentLoad load, long now, String owner, String project)
            implements PoolOp<Boolean> {
        /** A report on the agent's own stream: taken for the agent, whoever registered it. */
        public ReportLoad(String agentId, AgentLoad load, long now) {
            this(agentId, load, now, null, null);
        }

        public int code() {
            return 13;
        }

        public boolean readOnly() {
            return false;
        }

        public boolean creates() {
            return false;
        }

        public Boolean apply(PoolState pool, PoolConfig config) {
            return pool.reportLoad(agentId, load, now, owner, project);
        }

        public Boolean absent() {
            return false;
        }

        public void write(WireOut out) {
            out.str(agentId);
            AgentLoad.write(out, load);
            out.i64(now);
            out.str(owner);
            out.str(project);
        }

        public PoolOp.ResultCodec<Boolean> result() {
            return BOOL;
        }
    }

    /** {@link PoolState#setWeight}. */
    public record SetWeight(String project, double weight) implements PoolOp<Boolean> {
        public int code() {
            return 14;
        }

        public boolean readOnly() {
            return false;
        }

        public boolean creates() {
            return false;
        }

        public Boolean apply(PoolState pool, PoolConfig config) {
            pool.setWeight(project, weight);
            return true;
        }

        public Boolean absent() {
            return false;
        }

        public void write(WireOut out) {
            out.str(project).f64(weight);
        }

        public PoolOp.ResultCodec<Boolean> result() {
            return BOOL;
        }
    }

    /** {@link PoolState#signal}. */
    public record Signal(LoadSignal signal) implements PoolOp<Boolean> {
        public int code() {
            return 15;
        }

        public boolean readOnly() {
            return false;
        }

        public boolean creates() {
            return true;
        }

        public Boolean apply(PoolState pool, PoolConfig config) {
            pool.signal(signal);
            return true;
        }

        public Boolean absent() {
            throw new IllegalStateException("creates");
        }

        public void write(WireOut out) {
            LoadSignal.write(out, signal);
        }

        public PoolOp.ResultCodec<Boolean> result() {
            return BOOL;
        }
    }

    /** {@link PoolState#delegate}. */
    public record Delegate(String action, String fromHub, String toHub, int max, long now)
            implements PoolOp<List<Task>> {
        public int code() {
            return 16;
        }

        public boolean readOnly() {
            return false;
        }

        public boolean creates() {
            return false;
        }

        public List<Task> apply(PoolState pool, PoolConfig config) {
            return pool.delegate(action, fromHub, toHub, max, now);
        }

        public List<Task> absent() {
            return List.of();
        }

        public void write(WireOut out) {
            out.str(action).str(fromHub).str(toHub).i32(max).i64(now);
        }

        public PoolOp.ResultCodec<List<Task>> result() {
            return TASKS;
        }
    }

    /** {@link PoolState#targetReleased}. */
    public record TargetReleased(String taskId) implements PoolOp<Boolean> {
        public int code() {
            return 17;
        }

        public boolean readOnly() {
            return false;
        }

        public boolean creates() {
            return false;
        }

        public Boolean apply(PoolState pool, PoolConfig config) {
            pool.targetReleased(taskId);
            return true;
        }

        public Boolean absent() {
            return false;
        }

        public void write(WireOut out) {
            out.str(taskId);
        }

        public PoolOp.ResultCodec<Boolean> result() {
            return BOOL;
        }
    }

    /** {@link PoolState#sweep}. */
    public record Sweep(long now) implements PoolOp<SweepReport> {
        public int code() {
            return 18;
        }

        public boolean readOnly() {
            return false;
        }

        public boolean creates() {
            return false;
        }

        public SweepReport apply(PoolState pool, PoolConfig config) {
            return pool.sweep(now, config);
        }

        public SweepReport absent() {
            return new SweepReport(List.of(), List.of(), List.of(), List.of(), List.of(), 0);
        }

        public void write(WireOut out) {
            out.i64(now);
        }

        public PoolOp.ResultCodec<SweepReport> result() {
            return SWEEP;
        }
    }

    // ------------------------------------------------------------ reads

    /** {@link PoolState#task}. */
    public record GetTask(String project, String taskId) implements PoolOp<Task> {
        public int code() {
            return 30;
        }

        public boolean readOnly() {
            return true;
        }

        public boolean creates() {
            return false;
        }

        public Task apply(PoolState pool, PoolConfig config) {
            return pool.task(project, taskId);
        }

        public Task absent() {
            return null;
        }

        public void write(WireOut out) {
            out.str(project).str(taskId);
        }

        public PoolOp.ResultCodec<Task> result() {
            return TASK;
        }
    }

    /** {@link PoolState#tasks}. */
    public record ListTasks(TaskQuery query) implements PoolOp<List<Task>> {
        public int code() {
            return 31;
        }

        public boolean readOnly() {
            return true;
        }

        public boolean creates() {
            return false;
        }

        public List<Task> apply(PoolState pool, PoolConfig config) {
            return pool.tasks(query);
        }

        public List<Task> absent() {
            return List.of();
        }

        public void write(WireOut out) {
            TaskQuery.write(out, query);
        }

        public PoolOp.ResultCodec<List<Task>> result() {
            return TASKS;
        }
    }

    /** {@link PoolState#assignments}. */
    public record ListAssignments(AssignmentQuery query) implements PoolOp<List<Assignment>> {
        public int code() {
            return 32;
        }

        public boolean readOnly() {
            return true;
        }

        public boolean creates() {
            return false;
        }

        public List<Assignment> apply(PoolState pool, PoolConfig config) {
            return pool.assignments(query);
        }

        public List<Assignment> absent() {
            return List.of();
        }

        public void write(WireOut out) {
            AssignmentQuery.write(out, query);
        }

        public PoolOp.ResultCodec<List<Assignment>> result() {
            return ASSIGNMENTS;
        }
    }

    /** {@link PoolState#agents}; {@code project} null for all. */
    public record ListAgents(String project, long now) implements PoolOp<List<AgentView>> {
        public int code() {
            return 33;
        }

        public boolean readOnly() {
            return true;
        }

        public boolean creates() {
            return false;
        }

        public List<AgentView> apply(PoolState pool, PoolConfig config) {
            return pool.agents(project, now, config);
        }

        public List<AgentView> absent() {
            return List.of();
        }

        public void write(WireOut out) {
            out.str(project).i64(now);
        }

        public PoolOp.ResultCodec<List<AgentView>> result() {
            return AGENTS;
        }
    }

    /** {@link PoolState#summary}. */
    public record Summary(long now) implements PoolOp<PoolSummary> {
        public int code() {
            return 34;
        }

        public boolean readOnly() {
            return true;
        }

        public boolean creates() {
            return false;
        }

        public PoolSummary apply(PoolState pool, PoolConfig config) {
            return pool.summary(now, config);
        }

        public PoolSummary absent() {
            return null;
        }

        public void write(WireOut out) {
            out.i64(now);
        }

        public PoolOp.ResultCodec<PoolSummary> result() {
            return codec((o, r) -> o.optional(r, PoolSummary::write), i -> i.optional(PoolSummary::read));
        }
    }

    /** {@link PoolState#hubLoads}. */
    public record HubLoads(long now) implements PoolOp<List<HubLoad>> {
        public int code() {
            return 35;
        }

        public boolean readOnly() {
            return true;
        }

        public boolean creates() {
            return false;
        }

        public List<HubLoad> apply(PoolState pool, PoolConfig config) {
            return pool.hubLoads(now);
        }

        public List<HubLoad> absent() {
            return List.of();
        }

        public void write(WireOut out) {
            out.i64(now);
        }

        public PoolOp.ResultCodec<List<HubLoad>> result() {
            return HUB_LOADS;
        }
    }

    /** {@link PoolState#queuedByProject}. */
    public record QueuedByProject() implements PoolOp<Map<String, Integer>> {
        public int code() {
            return 36;
        }

        public boolean readOnly() {
            return true;
        }

        public boolean creates() {
            return false;
        }

        public Map<String, Integer> apply(PoolState pool, PoolConfig config) {
            return pool.queuedByProject();
        }

        public Map<String, Integer> absent() {
            return Map.of();
        }

        public void write(WireOut out) {
        }

        public PoolOp.ResultCodec<Map<String, Integer>> result() {
            return COUNTS;
        }
    }

    // ------------------------------------------------------------ applying

    /**
     * How every state store applies an operation, the owner and each backup alike: a changing
     * operation first applies {@code reached} ({@link PoolState#reached}: the owner computed it with
     * {@link PoolState#reach} at the time it applied the operation; a backup gets the owner's value,
     * never reads a clock), then the operation itself, whose expiry checks so see moved leases.
     * When the operation throws, the move is taken back before the exception leaves: Hazelcast sends
     * no backup for a processor that threw, so an owner that kept the move (the map holds the pool as
     * an object, changed in place) would differ from its backups. An operation that throws after
     * changing the pool itself would still split them; the ones that throw (register's type check)
     * check before they change anything.
     *
     * @param reached null for a read-only operation
     */
    public static <R> R apply(PoolState pool, PoolConfig config, PoolOp<R> op, Reached reached) {
        if (op.readOnly() || reached == null) {
            return op.apply(pool, config);
        }
        Runnable undo = pool.reached(reached, config);
        try {
            return op.apply(pool, config);
        } catch (RuntimeException | Error e) {
            undo.run();
            throw e;
        }
    }

    // ------------------------------------------------------------ decoding

    /** Writes an operation with its code, for {@link #read}. */
    public static void write(WireOut out, PoolOp<?> op) {
        out.i32(op.code());
        op.write(out);
    }

    /** The operation {@link #write} wrote. */
    public static PoolOp<?> read(WireIn in) {
        int code = in.i32();
        return switch (code) {
            case 1 -> new Enqueue(in.str(), TaskSpec.read(in), in.str(), in.f64(), in.f64(), in.bool(), in.i64());
            case 2 -> new Unblock(in.str(), in.i64());
            case 3 -> new Dispatch(in.str(), in.str(), in.i32(), in.i64());
            case 4 -> new Heartbeat(in.str(), in.list(LeaseRef::read), in.i64());
            case 5 -> new Progress(in.str(), in.str(), in.i64(), in.f64(), in.str(), in.i64());
            case 6 -> new Complete(in.str(), in.str(), in.i64(), TaskOutcome.values()[in.i32()], in.str(), in.str(),
                    in.bool(), in.i64());
            case 7 -> new ReturnLease(in.str(), in.str(), in.i64(), in.i64());
            case 8 -> new Cancel(in.str(), in.str(), in.str(), in.i64());
            case 9 -> new Register(AgentRegistration.read(in), in.str(), in.str(), in.str(), in.i64());
            case 10 -> new Disconnect(in.str(), in.str(), in.i64());
            case 11 -> new PeerLost(in.str(), in.i64());
            case 12 -> new Touch(in.stringMap(), in.i64());
            case 13 -> new ReportLoad(in.str(), AgentLoad.read(in), in.i64(), in.str(), in.str());
            case 14 -> new SetWeight(in.str(), in.f64());
            case 15 -> new Signal(LoadSignal.read(in));
            case 16 -> new Delegate(in.str(), in.str(), in.str(), in.i32(), in.i64());
            case 17 -> new TargetReleased(in.str());
            case 18 -> new Sweep(in.i64());
            case 30 -> new GetTask(in.str(), in.str());
            case 31 -> new ListTasks(TaskQuery.read(in));
            case 32 -> new ListAssignments(AssignmentQuery.read(in));
            case 33 -> new ListAgents(in.str(), in.i64());
            case 34 -> new Summary(in.i64());
            case 35 -> new HubLoads(in.i64());
            case 36 -> new QueuedByProject();
            default -> throw new IllegalStateException("unknown pool operation " + code);
        };
    }
}
