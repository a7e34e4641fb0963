package io.commandcenter.scheduler.pool;

import io.commandcenter.scheduler.fairqueue.QueuedTask;
import io.commandcenter.scheduler.leases.Assignment;
import io.commandcenter.scheduler.task.Task;
import io.commandcenter.scheduler.task.TaskProgress;
import io.commandcenter.scheduler.task.TaskResult;
import io.commandcenter.scheduler.task.TaskSpec;
import io.commandcenter.scheduler.task.TaskState;
import io.commandcenter.scheduler.wire.WireIn;
import io.commandcenter.scheduler.wire.WireOut;

import java.time.Instant;
import java.util.List;
import java.util.TreeSet;

/** One task inside a pool: mutable, owned by its {@link PoolState}, never handed out (see {@link #view()}). */
final class TaskEntry {
    final String id;
    final TaskSpec spec;
    final String originHub;
    final long sequence;
    final double effectivePriority;
    final long submittedAt;

    TaskState state;
    String reason = "";
    long updatedAt;
    long queuedSince;
    int attempt;
    final TreeSet<String> delegated = new TreeSet<>();
    /** The current lease (ASSIGNED) or the last one. */
    Assignment lease;
    /** Token of the last lease whose result was accepted; 0 when none. */
    long settledToken;
    TaskProgress progress;
    TaskResult result;
    /** Finished but its exclusive target is not yet released at the gate. */
    boolean releasePending;
    /** When the lease's agent was last heard for it (assignment, heartbeat, progress: the hub's time). */
    long heardAt;
    /** How far {@link PoolState#reached} moved the lease on since {@link #heardAt}. */
    long moved;

    TaskEntry(String id, TaskSpec spec, String originHub, long sequence, double effectivePriority, long submittedAt) {
        this.id = id;
        this.spec = spec;
        this.originHub = originHub;
        this.sequence = sequence;
        this.effectivePriority = effectivePriority;
        this.submittedAt = submittedAt;
    }

    QueuedTask queued() {
        return new QueuedTask(id, spec.project(), spec.workflow(), spec.cost(), effectivePriority, sequence);
    }

    boolean holds(String agentId, long token) {
        return state == TaskState.ASSIGNED && lease != null && lease.fencingToken() == token
                && lease.agentId().equals(agentId);
    }

    /** A new lease, granted at {@code now}. */
    void leased(Assignment assignment, long now) {
        lease = assignment;
        heardAt = now;
        moved = 0;
    }

    /**
     * The lease's agent was heard at {@code now}: the lease runs a full lease from then, but is never
     * shortened (a heartbeat sent during a gap may be applied after {@link PoolState#reached} moved the
     * lease on). What the lease keeps beyond a full lease from {@code now} still counts as moved, so
     * the expiry never exceeds {@code heardAt + lease + moved}, with {@code moved} at most the bound.
     */
    void heard(long now, PoolConfig config) {
        if (now < heardAt) {
            return; // an older word, applied late: the lease already runs longer than it would give
        }
        long full = now + config.leaseMillis();
        long until = Math.max(lease.leaseExpiresAt().toEpochMilli(), full);
        lease = lease.withLeaseExpiry(Instant.ofEpochMilli(until));
        heardAt = now;
        moved = until - full;
    }

    void move(TaskState next, String why, long now) {
        state = state.moveTo(next);
        reason = why;
        updatedAt = now;
    }

    Task view() {
        return new Task(id, spec, state, reason, originHub, List.copyOf(delegated), attempt, effectivePriority,
                Instant.ofEpochMilli(submittedAt), Instant.ofEpochMilli(updatedAt), lease, progress, result);
    }

    void write(WireOut out) {
        out.str(id);
        TaskSpec.write(out, spec);
        out.str(originHub).i64(sequence).f64(effectivePriority).i64(submittedAt).i32(state.ordinal()).str(reason)
                .i64(updatedAt).i64(queuedSince).i32(attempt).strings(delegated)
                .optional(lease, Assignment::write).i64(settledToken).optional(progress, TaskProgress::write)
                .optional(result, TaskResult::write).bool(releasePending).i64(heardAt).i64(moved);
    }

    static TaskEntry read(WireIn in) {
        TaskEntry e = new TaskEntry(in.str(), TaskSpec.read(in), in.str(), in.i64(), in.f64(), in.i64());
        e.state = TaskState.values()[in.i32()];
        e.reason = in.str();
        e.updatedAt = in.i64();
        e.queuedSince = in.i64();
        e.attempt = in.i32();
        e.delegated.addAll(in.strings());
        e.lease = in.optional(Assignment::read);
        e.settledToken = in.i64();
        e.progress = in.optional(TaskProgress::read);
        e.result = in.optional(TaskResult::read);
        e.releasePending = in.bool();
        e.heardAt = in.i64();
        e.moved = in.i64();
        return e;
    }
}
