package io.commandcenter.hub.telemetry;

import io.commandcenter.common.error.CommandCenterException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A point in time as people type it in a URL or on a command line: an ISO-8601 instant
 * ({@code 2026-11-24T10:00:00Z}) or a span back from now ({@code 90s}, {@code 15m}, {@code 2h},
 * {@code 7d}); and the range of times the hub stores or queries at all.
 */
public final class TimeArgument {
    /** The earliest time a query may name: protobuf {@code Timestamp}'s, 0001-01-01T00:00:00Z. */
    public static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    /** The latest time a query may name: protobuf {@code Timestamp}'s, 9999-12-31T23:59:59.999999999Z. */
    public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");
    private static final Pattern AGO = Pattern.compile("(\\d{1,9})([smhd])");

    private TimeArgument() {
    }

    /**
     * Parses the text; {@code null} or empty gives {@code null}.
     *
     * @throws CommandCenterException INVALID ({@code BAD_FORMAT}) naming {@code field} when it is neither form,
     *                                ({@code OUT_OF_RANGE}) when it is outside {@link #EARLIEST} to {@link #LATEST}
     */
    public static Instant parse(String text, Clock clock, String field) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String value = text.strip();
        Optional<Duration> ago = span(value);
        if (ago.isPresent()) {
            return inRange(clock.instant().minus(ago.get()), field);
        }
        try {
            return inRange(Instant.parse(value), field);
        } catch (DateTimeParseException e) {
            throw CommandCenterException.invalid("BAD_FORMAT", field, field + " must be an ISO-8601 instant "
                    + "(2026-11-24T10:00:00Z) or a span back from now (90s, 15m, 2h, 7d); got '" + value + "'");
        }
    }

    /** The span a text like {@code 90s}, {@code 15m}, {@code 2h} or {@code 7d} names (surrounding blanks ignored); empty for any other text. */
    public static Optional<Duration> span(String text) {
        Matcher ago = AGO.matcher(text.strip());
        if (!ago.matches()) {
            return Optional.empty();
        }
        long n = Long.parseLong(ago.group(1));
        return Optional.of(switch (ago.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        });
    }

    /**
     * {@code time} itself, when a store can hold and compare it.
     *
     * @throws CommandCenterException INVALID ({@code OUT_OF_RANGE}) naming {@code field} when it is before
     *                                {@link #EARLIEST} or after {@link #LATEST}
     */
    public static Instant inRange(Instant time, String field) {
        if (time.isBefore(EARLIEST) || time.isAfter(LATEST)) {
            throw CommandCenterException.invalid("OUT_OF_RANGE", field, field + " must be between " + EARLIEST + " and "
                    + LATEST + ", got " + time);
        }
        return time;
    }
}
