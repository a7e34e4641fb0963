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
    /**
     * When the pool last heard the lease's agent for it (assignment, heartbeat, progress): the owner's
     * clock when the word was applied, kept between the word's send time and the send time plus
     * {@link PoolConfig#moveBoundMillis()} (see {@link #appliedFrom}); compared with
     * {@link PoolState#lastApplied}, so on one clock.
     */
    long heardAt;
    /** How far the lease runs beyond a full lease from {@link #heardAt}: moved on by {@link PoolState#reached}; at most the bound. */
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

    /** A new lease, granted at {@code now} (the hub's time) and applied at {@code appliedAt} (the owner's). */
    void leased(Assignment assignment, long now, long appliedAt, PoolConfig config) {
        lease = assignment;
        heardAt = appliedFrom(now, appliedAt, config);
        moved = 0;
    }

    /**
     * The lease's agent was heard: a word sent at {@code now} (the hub's time), applied at
     * {@code appliedAt} (the owner's). The lease runs a full lease from when the pool got the word, so
     * a heartbeat held through a gap leaves its agent a full lease when the pool can be reached again
     * (its next heartbeat, one interval later, finds two intervals left); it is never shortened (a word
     * applied after {@link PoolState#reached} moved the lease keeps the move). What the lease keeps
     * beyond a full lease from then still counts as moved, so the expiry never exceeds
     * {@code heardAt + lease + moved}, with {@code moved} at most the bound.
     */
    void heard(long now, long appliedAt, PoolConfig config) {
        long from = appliedFrom(now, appliedAt, config);
        long until = Math.max(lease.leaseExpiresAt().toEpochMilli(), from + config.leaseMillis());
        lease = lease.withLeaseExpiry(Instant.ofEpochMilli(until));
        heardAt = Math.max(heardAt, from);
        moved = Math.max(0, until - heardAt - config.leaseMillis());
    }

    /**
     * When a word sent at {@code now} counts from: its apply time, but never before it was sent (an
     * owner clock behind the hub's) nor more than the bound after (an owner clock that leaps or leads:
     * a lease gains at most the bound from it).
     */
    private static long appliedFrom(long now, long appliedAt, PoolConfig config) {
        return Math.max(now, Math.min(appliedAt, now + config.moveBoundMillis()));
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
