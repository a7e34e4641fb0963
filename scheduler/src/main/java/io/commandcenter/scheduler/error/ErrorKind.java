package io.commandcenter.scheduler.error;

/**
 * What kind of failure a {@link SchedulerException} reports. Each transport maps every kind to
 * exactly one of its codes, in one switch without a default, so a new kind cannot go unmapped.
 * The same kinds as the hub's, so the hub can translate one to the other one to one.
 */
public enum ErrorKind {
    /** The request is malformed: a field is missing, out of range or of the wrong form. */
    INVALID,
    /** The thing asked for does not exist in the caller's project. */
    NOT_FOUND,
    /** The thing to create already exists (an idempotency key used for another task). */
    CONFLICT,
    /** The request is well formed but the state does not allow it (a finished task, a lease not held). */
    PRECONDITION,
    /** A concurrent change won, or the caller's session was superseded; retrying may succeed. */
    CONTENTION,
    /** A limit was reached (queue length, watchers). */
    EXHAUSTED,
    /** The shared state cannot be reached or the scheduler is stopping; retrying later may succeed. */
    UNAVAILABLE
}
