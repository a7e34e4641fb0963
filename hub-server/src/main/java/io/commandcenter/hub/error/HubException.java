package io.commandcenter.hub.error;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The one exception the hub's domain throws. It carries a {@link ErrorKind kind} (mapped to a
 * transport code at the edge), a stable UPPER_SNAKE {@code reason} clients may branch on, a
 * message for humans, optional metadata and the fields at fault.
 */
public final class HubException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorKind kind;
    private final String reason;
    private final Map<String, String> metadata;
    private final List<FieldViolation> violations;

    public HubException(ErrorKind kind, String reason, String message,
                        Map<String, String> metadata, List<FieldViolation> violations, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.reason = Objects.requireNonNull(reason, "reason");
        this.metadata = Map.copyOf(metadata);
        this.violations = List.copyOf(violations);
    }

    public HubException(ErrorKind kind, String reason, String message) {
        this(kind, reason, message, Map.of(), List.of(), null);
    }

    /** An INVALID error naming one field. */
    public static HubException invalid(String reason, String field, String message) {
        return new HubException(ErrorKind.INVALID, reason, message, Map.of(),
                List.of(new FieldViolation(field, reason, message)), null);
    }

    public static HubException notFound(String reason, String message) {
        return new HubException(ErrorKind.NOT_FOUND, reason, message);
    }

    public static HubException exhausted(String reason, String message) {
        return new HubException(ErrorKind.EXHAUSTED, reason, message);
    }

    public static HubException unavailable(String reason, String message, Throwable cause) {
        return new HubException(ErrorKind.UNAVAILABLE, reason, message, Map.of(), List.of(), cause);
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
