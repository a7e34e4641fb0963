package io.commandcenter.hub.transport.rest;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ShownError;

/**
 * Query parameters that are numbers, read here rather than by JAX-RS: a value that is not one
 * ({@code limit=abc}) is then INVALID_ARGUMENT naming the parameter, where JAX-RS answers 404.
 */
public final class QueryArguments {
    private QueryArguments() {
    }

    /**
     * The integer in {@code value}; absent or blank is 0 (the service's default).
     *
     * @throws CommandCenterException INVALID ({@code BAD_FORMAT}) naming {@code field} when it is not an int
     */
    public static int integer(String value, String field) {
        if (value == null || value.isBlank()) {
            return 0;
        }
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw CommandCenterException.invalid("BAD_FORMAT", field, field + " must be an integer, got '"
                    + ShownError.text(value, 64) + "'");
        }
    }
}
