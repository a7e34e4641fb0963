package io.commandcenter.common.error;

/**
 * What kind of failure a {@link CommandCenterException} reports. Each transport maps every kind to
 * exactly one of its codes, in one switch without a default, so a new kind cannot go unmapped
 * ({@code GrpcErrors} for gRPC, the hub's {@code RestErrors} for HTTP).
 */
public enum ErrorKind {
    /** The request is malformed: a field is missing, out of range or of the wrong form. */
    INVALID,
    /** The thing asked for does not exist in the caller's project. */
    NOT_FOUND,
    /** The thing to create already exists (an id or idempotency key used for something else). */
    CONFLICT,
    /** The request is well formed but the state does not allow it (a finished task, a lease not held). */
    PRECONDITION,
    /** A concurrent change won, or the caller's session was superseded; retrying may succeed. */
    CONTENTION,
    /** A limit was reached (streams, subscribers, queue length, a caller's rate). */
    EXHAUSTED,
    /** A request is larger than the hub takes (an HTTP body past {@code cc.http.max-body-bytes}). */
    TOO_LARGE,
    /** A dependency (database, shared state) failed or the service is stopping; retrying later may succeed. */
    UNAVAILABLE,
    /** The caller did not prove who it is: no credentials, or credentials that are unknown, expired or revoked. */
    UNAUTHENTICATED,
    /** The caller is known but may not do this (its role, or a project its key does not cover). */
    PERMISSION_DENIED
}
