package io.commandcenter.scheduler.error;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The one exception the scheduler throws. It carries a {@link ErrorKind kind} (mapped to a
 * transport code at the edge), a stable UPPER_SNAKE {@code reason} clients may branch on, a
 * message for humans, metadata and the fields at fault.
 */
public final class SchedulerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorKind kind;
    private final String reason;
    private final Map<String, String> metadata;
    private final List<FieldViolation> violations;

    public SchedulerException(ErrorKind kind, String reason, String message, Map<String, String> metadata,
                              List<FieldViolation> violations, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.reason = Objects.requireNonNull(reason, "reason");
        this.metadata = Map.copyOf(metadata);
        this.violations = List.copyOf(violations);
    }

    public SchedulerException(ErrorKind kind, String reason, String message) {
        this(kind, reason, message, Map.of(), List.of(), null);
    }

    /** An INVALID error naming one field; the reason of the violation is the error's reason. */
    public static SchedulerException invalid(String reason, String field, String message) {
        return new SchedulerException(ErrorKind.INVALID, reason, field + ": " + message, Map.of(),
                List.of(new FieldViolation(field, reason, message)), null);
    }

    public static SchedulerException notFound(String reason, String message) {
        return new SchedulerException(ErrorKind.NOT_FOUND, reason, message);
    }

    /** A PRECONDITION error naming the field whose value the state refuses. */
    public static SchedulerException precondition(String reason, String field, String message) {
        return new SchedulerException(ErrorKind.PRECONDITION, reason, message, Map.of(),
                field == null ? List.of() : List.of(new FieldViolation(field, reason, message)), null);
    }

    public static SchedulerException exhausted(String reason, String message) {
        return new SchedulerException(ErrorKind.EXHAUSTED, reason, message);
    }

    public static SchedulerException unavailable(String reason, String message, Throwable cause) {
        return new SchedulerException(ErrorKind.UNAVAILABLE, reason, message, Map.of(), List.of(), cause);
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
