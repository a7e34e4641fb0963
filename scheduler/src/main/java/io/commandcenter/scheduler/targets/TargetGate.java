package io.commandcenter.scheduler.targets;

import io.commandcenter.scheduler.wire.WireIn;
import io.commandcenter.scheduler.wire.WireOut;

import java.util.ArrayList;
import java.util.List;

/**
 * The per-target mutex: one gate per target entity of a project ({@code project/kind/id}), held by
 * at most one exclusive task at a time, with the tasks that wait for it in arrival order. The gate
 * is separate from the pools because exclusive tasks on one target may belong to different agent
 * types ({@code devops.restart} and {@code k8s.scale} on the same service).
 *
 * <p>Protocol (each step idempotent, so any hub may redo it after a failure):
 * <ol>
 *   <li>submit: the task is stored WAITING in its pool, then {@link #acquire} here; when it gets the
 *       gate, its pool moves it to the queue;</li>
 *   <li>finish (success, failure, cancellation): its pool marks it finished with a release pending,
 *       then {@link #release} here hands the gate to the next waiter, whose pool queues it, and the
 *       release is confirmed to the finished task's pool.</li>
 * </ol>
 * A hub that dies between steps leaves a WAITING task without progress or a release pending; every
 * hub's periodic sweep finds those and redoes the step.
 */
public final class TargetGate {
    private Holder holder;
    private final List<Holder> waiters = new ArrayList<>();

    /** A task at the gate, with the pool it lives in. */
    public record Holder(String taskId, String agentType) {
    }

    /** Whether the task holds the gate now: it acquired it, or already held it. */
    public boolean acquire(String taskId, String agentType) {
        if (holder == null) {
            holder = new Holder(taskId, agentType);
            waiters.removeIf(w -> w.taskId().equals(taskId));
            return true;
        }
        if (holder.taskId().equals(taskId)) {
            return true;
        }
        if (waiters.stream().noneMatch(w -> w.taskId().equals(taskId))) {
            waiters.add(new Holder(taskId, agentType));
        }
        return false;
    }

    /**
     * Takes the task off the gate (as holder or waiter).
     *
     * @return the task that holds the gate now because of this release, or null
     */
    public Holder release(String taskId) {
        waiters.removeIf(w -> w.taskId().equals(taskId));
        if (holder == null || !holder.taskId().equals(taskId)) {
            return null;
        }
        holder = waiters.isEmpty() ? null : waiters.remove(0);
        return holder;
    }

    public boolean isEmpty() {
        return holder == null && waiters.isEmpty();
    }

    public static void write(WireOut out, TargetGate g) {
        out.optional(g.holder, (o, h) -> o.str(h.taskId()).str(h.agentType()));
        out.list(g.waiters, (o, h) -> o.str(h.taskId()).str(h.agentType()));
    }

    public static TargetGate read(WireIn in) {
        TargetGate g = new TargetGate();
        g.holder = in.optional(i -> new Holder(i.str(), i.str()));
        g.waiters.addAll(in.list(i -> new Holder(i.str(), i.str())));
        return g;
    }

    /** The gate's key for a target of a project. */
    public static String key(String project, String kind, String id) {
        return project + "/" + kind + "/" + id;
    }
}
