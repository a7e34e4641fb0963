package io.commandcenter.hub.workflow;

import io.commandcenter.common.error.CommandCenterException;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as workflow authors write them: a whole number and one unit ({@code 500ms},
 * {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d}) or ISO-8601 ({@code PT5M}, {@code P1DT2H}).
 */
public final class Durations {
    private static final Pattern SHORT = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");
    private static final String FORMS = "a whole number with a unit (500ms, 30s, 5m, 2h, 1d) or ISO-8601 (PT5M)";

    private Durations() {
    }

    /**
     * Parses a non-negative duration.
     *
     * @throws CommandCenterException INVALID ({@code DURATION_INVALID}, field {@code duration}) when the text
     *         is in neither form, has no unit, or is negative
     */
    public static Duration parse(String text) {
        String s = text.strip();
        Matcher m = SHORT.matcher(s);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        if (s.startsWith("P") || s.startsWith("p")) {
            try {
                Duration d = Duration.parse(s);
                if (d.isNegative()) {
                    throw invalid("'" + s + "' is negative");
                }
                return d;
            } catch (DateTimeParseException e) {
                throw invalid("'" + YamlReader.abbreviate(s) + "' is not an ISO-8601 duration such as PT5M");
            }
        }
        if (s.matches("\\d+(\\.\\d+)?")) {
            throw invalid("'" + s + "' has no unit; write " + FORMS);
        }
        throw invalid("'" + YamlReader.abbreviate(s) + "' is not a duration; write " + FORMS);
    }

    /** The shortest short form that is exact ({@code 30m}, {@code 1500ms}), or ISO-8601. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (!d.equals(Duration.ofMillis(ms))) {
            return d.toString();
        }
        if (ms % 86_400_000 == 0 && ms > 0) {
            return ms / 86_400_000 + "d";
        }
        if (ms % 3_600_000 == 0 && ms > 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }

    private static CommandCenterException invalid(String message) {
        return CommandCenterException.invalid("DURATION_INVALID", "duration", message);
    }
}
