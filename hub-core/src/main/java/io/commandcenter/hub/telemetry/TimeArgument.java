package io.commandcenter.hub.telemetry;

import io.commandcenter.common.error.CommandCenterException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A point in time as people type it in a URL or on a command line: an ISO-8601 instant
 * ({@code 2026-11-24T10:00:00Z}) or a span back from now ({@code 90s}, {@code 15m}, {@code 2h},
 * {@code 7d}).
 */
public final class TimeArgument {
    private static final Pattern AGO = Pattern.compile("(\\d{1,9})([smhd])");

    private TimeArgument() {
    }

    /**
     * Parses the text; {@code null} or empty gives {@code null}.
     *
     * @throws CommandCenterException INVALID ({@code BAD_FORMAT}) naming {@code field} when it is neither form
     */
    public static Instant parse(String text, Clock clock, String field) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String value = text.strip();
        Matcher ago = AGO.matcher(value);
        if (ago.matches()) {
            long n = Long.parseLong(ago.group(1));
            Duration span = switch (ago.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            return clock.instant().minus(span);
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw CommandCenterException.invalid("BAD_FORMAT", field, field + " must be an ISO-8601 instant "
                    + "(2026-11-24T10:00:00Z) or a span back from now (90s, 15m, 2h, 7d); got '" + value + "'");
        }
    }
}
