package io.commandcenter.scheduler.task;

import java.util.EnumSet;
import java.util.Set;

/**
 * The life of a task. Legal transitions live in this one table:
 *
 * <pre>
 * WAITING  → QUEUED (target acquired), CANCELLED
 * QUEUED   → ASSIGNED, CANCELLED, FAILED (no attempts left is decided at expiry)
 * ASSIGNED → SUCCEEDED, FAILED, CANCELLED, QUEUED (lease expired, retryable failure, delivery failed)
 * </pre>
 */
public enum TaskState {
    /** Waiting for its exclusive target. */
    WAITING,
    /** In the fair queue. */
    QUEUED,
    /** Leased to an agent. */
    ASSIGNED,
    SUCCEEDED,
    FAILED,
    CANCELLED;

    private Set<TaskState> next;

    static {
        WAITING.next = EnumSet.of(QUEUED, CANCELLED);
        QUEUED.next = EnumSet.of(ASSIGNED, CANCELLED, FAILED);
        ASSIGNED.next = EnumSet.of(SUCCEEDED, FAILED, CANCELLED, QUEUED);
        SUCCEEDED.next = EnumSet.noneOf(TaskState.class);
        FAILED.next = EnumSet.noneOf(TaskState.class);
        CANCELLED.next = EnumSet.noneOf(TaskState.class);
    }

    /** Whether the task is done for good. */
    public boolean isTerminal() {
        return next.isEmpty();
    }

    /** Whether a task in this state may move to {@code target}. */
    public boolean canMoveTo(TaskState target) {
        return next.contains(target);
    }

    /** This state's transition to {@code target}, or an {@link IllegalStateException}. */
    public TaskState moveTo(TaskState target) {
        if (!canMoveTo(target)) {
            throw new IllegalStateException("a task cannot move from " + this + " to " + target);
        }
        return target;
    }
}
