package io.commandcenter.models;

import java.util.Map;
import java.util.Objects;

/**
 * The one exception type of the models library: a {@link Kind}, a stable UPPER_SNAKE {@code reason}
 * clients may branch on, and metadata. Transports map the kind to their own codes.
 */
public final class ModelsException extends RuntimeException {

    /** Failure classes, mapped by transports to status codes. */
    public enum Kind { INVALID, NOT_FOUND, CONFLICT, PRECONDITION, UNAVAILABLE }

    private final Kind kind;
    private final String reason;
    private final Map<String, String> metadata;

    public ModelsException(Kind kind, String reason, String message, Map<String, String> metadata, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.reason = Objects.requireNonNull(reason, "reason");
        this.metadata = Map.copyOf(metadata);
    }

    public ModelsException(Kind kind, String reason, String message) {
        this(kind, reason, message, Map.of(), null);
    }

    public static ModelsException invalid(String reason, String message) {
        return new ModelsException(Kind.INVALID, reason, message);
    }

    public Kind kind() {
        return kind;
    }

    public String reason() {
        return reason;
    }

    public Map<String, String> metadata() {
        return metadata;
    }
}
