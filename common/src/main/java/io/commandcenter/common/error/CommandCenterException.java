package io.commandcenter.common.error;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The one exception every CommandCenter module throws for a failure a caller can act on: the hub's
 * domain, the scheduler and the model libraries alike. It carries a {@link ErrorKind kind} (mapped
 * to a transport code at the edge), a stable UPPER_SNAKE {@code reason} clients may branch on, a
 * message for humans, metadata and the fields at fault. Anything else that escapes to a transport
 * is an internal error.
 */
public final class CommandCenterException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /**
     * Metadata key: how long to wait before retrying, in milliseconds (an EXHAUSTED error); gRPC
     * carries it as {@code google.rpc.RetryInfo}, HTTP as {@code Retry-After}.
     */
    public static final String RETRY_AFTER_MS = "retry_after_ms";

    private final ErrorKind kind;
    private final String reason;
    private final Map<String, String> metadata;
    private final List<FieldViolation> violations;

    public CommandCenterException(ErrorKind kind, String reason, String message, Map<String, String> metadata,
                                  List<FieldViolation> violations, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.reason = Objects.requireNonNull(reason, "reason");
        this.metadata = Map.copyOf(metadata);
        this.violations = List.copyOf(violations);
    }

    public CommandCenterException(ErrorKind kind, String reason, String message) {
        this(kind, reason, message, Map.of(), List.of(), null);
    }

    /** An INVALID error naming one field; the violation's reason is the error's reason. */
    public static CommandCenterException invalid(String reason, String field, String message) {
        return new CommandCenterException(ErrorKind.INVALID, reason, message, Map.of(),
                List.of(new FieldViolation(field, reason, message)), null);
    }

    /** An INVALID error that no single request field is at fault for (a file, a stored document). */
    public static CommandCenterException invalid(String reason, String message) {
        return new CommandCenterException(ErrorKind.INVALID, reason, message);
    }

    public static CommandCenterException notFound(String reason, String message) {
        return new CommandCenterException(ErrorKind.NOT_FOUND, reason, message);
    }

    public static CommandCenterException conflict(String reason, String message) {
        return new CommandCenterException(ErrorKind.CONFLICT, reason, message);
    }

    /** A PRECONDITION error, naming the field whose value the state refuses when {@code field} is not null. */
    public static CommandCenterException precondition(String reason, String field, String message) {
        return new CommandCenterException(ErrorKind.PRECONDITION, reason, message, Map.of(),
                field == null ? List.of() : List.of(new FieldViolation(field, reason, message)), null);
    }

    public static CommandCenterException exhausted(String reason, String message) {
        return new CommandCenterException(ErrorKind.EXHAUSTED, reason, message);
    }

    /** A request larger than the hub takes; the message names the limit, never the content. */
    public static CommandCenterException tooLarge(String reason, String message) {
        return new CommandCenterException(ErrorKind.TOO_LARGE, reason, message);
    }

    /** The caller did not prove who it is; the message says what to send, never what was sent. */
    public static CommandCenterException unauthenticated(String reason, String message) {
        return new CommandCenterException(ErrorKind.UNAUTHENTICATED, reason, message);
    }

    /** The caller may not do this; the message names the permission, never data of the refused project. */
    public static CommandCenterException permissionDenied(String reason, String message) {
        return new CommandCenterException(ErrorKind.PERMISSION_DENIED, reason, message);
    }

    public static CommandCenterException unavailable(String reason, String message, Throwable cause) {
        return new CommandCenterException(ErrorKind.UNAVAILABLE, reason, message, Map.of(), List.of(), cause);
    }

    public ErrorKind kind() {
        return kind;
    }

    public String reason() {
        return reason;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    public List<FieldViolation> violations() {
        return violations;
    }
}
