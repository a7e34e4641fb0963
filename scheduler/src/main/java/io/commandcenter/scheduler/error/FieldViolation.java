package io.commandcenter.scheduler.error;

import java.util.Objects;

/**
 * One field at fault in a request.
 *
 * @param field   path of the field in the request, e.g. {@code prediction.risk}
 * @param reason  stable machine-readable reason, UPPER_SNAKE ({@code REQUIRED}, {@code OUT_OF_RANGE}, ...)
 * @param message a sentence for humans
 */
public record FieldViolation(String field, String reason, String message) {
    public FieldViolation {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(message, "message");
    }
}
