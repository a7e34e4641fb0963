package io.commandcenter.hub.error;

/**
 * What kind of failure a {@link HubException} reports. Each transport maps every kind to exactly
 * one of its codes, in one switch without a default, so a new kind cannot go unmapped.
 */
public enum ErrorKind {
    /** The request is malformed: a field is missing, out of range or of the wrong form. */
    INVALID,
    /** The thing asked for does not exist in the caller's project. */
    NOT_FOUND,
    /** The thing to create already exists. */
    CONFLICT,
    /** The request is well formed but the system is not in a state to accept it. */
    PRECONDITION,
    /** A concurrent change won; retrying may succeed. */
    CONTENTION,
    /** A limit was reached (streams, subscribers, sizes). */
    EXHAUSTED,
    /** A dependency (the database) failed or the hub is stopping; retrying later may succeed. */
    UNAVAILABLE
}
