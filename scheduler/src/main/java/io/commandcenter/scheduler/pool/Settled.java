package io.commandcenter.scheduler.pool;

import io.commandcenter.scheduler.leases.Revocation;
import io.commandcenter.scheduler.task.Task;
import io.commandcenter.scheduler.wire.WireIn;
import io.commandcenter.scheduler.wire.WireOut;

/**
 * What an operation on one task did: a result, a cancellation, progress, a returned lease.
 *
 * @param reason     for REJECTED: why ({@code LEASE_NOT_HELD}, {@code LEASE_EXPIRED}, {@code TASK_CANCELLED},
 *                   {@code TASK_FINISHED}, {@code TASK_NOT_FOUND}); else ""
 * @param task       the task after the operation, null when not found
 * @param revocation a lease that ended and whose agent must be told, or null
 * @param release    a target to release at its gate, or null
 */
public record Settled(Status status, String reason, Task task, Revocation revocation, TargetRelease release) {
    public enum Status {
        /** Done. */
        ACCEPTED,
        /** Already done by an earlier identical operation (a resent result): nothing changed. */
        DUPLICATE,
        /** Refused; see the reason. The task may still have changed (an expired lease was ended). */
        REJECTED
    }

    static Settled rejected(String reason, Task task, Revocation revocation) {
        return new Settled(Status.REJECTED, reason, task, revocation, null);
    }

    public static void write(WireOut out, Settled s) {
        out.i32(s.status.ordinal()).str(s.reason).optional(s.task, Task::write)
                .optional(s.revocation, Revocation::write).optional(s.release, TargetRelease::write);
    }

    public static Settled read(WireIn in) {
        return new Settled(Status.values()[in.i32()], in.str(), in.optional(Task::read),
                in.optional(Revocation::read), in.optional(TargetRelease::read));
    }
}
