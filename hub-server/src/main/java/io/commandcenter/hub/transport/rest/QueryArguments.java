package io.commandcenter.hub.transport.rest;

import com.google.protobuf.Timestamp;
import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ShownError;
import io.commandcenter.hub.telemetry.TimeArgument;
import io.commandcenter.hub.telemetry.grpc.TelemetryProtoMapper;

import java.time.Clock;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * Query parameters that are numbers or times, read here rather than by JAX-RS: a value that is not
 * one ({@code limit=abc}) is then INVALID_ARGUMENT naming the parameter, where JAX-RS answers 404.
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

    /**
     * The duration in {@code value} ({@code 30s}, {@code 10m}, {@code 2h}, {@code 1d} or ISO-8601); absent or
     * blank is null.
     *
     * @throws CommandCenterException INVALID ({@code BAD_FORMAT}) naming {@code field} when it is not a duration
     */
    public static com.google.protobuf.Duration duration(String value, String field) {
        if (value == null || value.isBlank()) {
            return null;
        }
        java.time.Duration d;
        try {
            d = io.commandcenter.hub.workflow.Durations.parse(value);
        } catch (CommandCenterException e) {
            throw CommandCenterException.invalid("BAD_FORMAT", field, field + ": " + e.getMessage());
        } catch (ArithmeticException | java.time.DateTimeException e) {
            throw CommandCenterException.invalid("BAD_FORMAT", field, field + " is not a duration such as 30s, 10m or 2h");
        }
        return com.google.protobuf.Duration.newBuilder().setSeconds(d.getSeconds()).setNanos(d.getNano()).build();
    }

    /**
     * {@code since} and {@code until} (ISO-8601 or a span back from now, {@link TimeArgument}) into a
     * request's start and end; an absent one leaves its side unset.
     */
    public static void span(String since, String until, Consumer<Timestamp> start, Consumer<Timestamp> end) {
        Clock clock = Clock.systemUTC();
        Instant from = TimeArgument.parse(since, clock, "since");
        Instant to = TimeArgument.parse(until, clock, "until");
        if (from != null) {
            start.accept(TelemetryProtoMapper.timestamp(from));
        }
        if (to != null) {
            end.accept(TelemetryProtoMapper.timestamp(to));
        }
    }
}
