package io.commandcenter.common.error;

import java.util.Objects;

/**
 * One field at fault in a request.
 *
 * @param field   path of the field, e.g. {@code records[12].health_sample.latency_ms}
 * @param reason  stable machine-readable reason, UPPER_SNAKE ({@code REQUIRED}, {@code OUT_OF_RANGE}, ...)
 * @param message a sentence for humans
 */
public record FieldViolation(String field, String reason, String message) {
    public FieldViolation {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(message, "message");
    }

    /** The same violation with its field placed under a parent path ({@code parent.field}). */
    public FieldViolation under(String parent) {
        return new FieldViolation(field.isEmpty() ? parent : parent + "." + field, reason, message);
    }
}
