package io.commandcenter.hub.workflow;

import io.commandcenter.common.error.CommandCenterException;

import java.util.List;
import java.util.Locale;

/**
 * One field of a cron expression: the set of values it allows, and whether it was written
 * starting with {@code *} (which matters for the day-of-month/day-of-week rule).
 */
final class CronField {
    enum Kind {
        MINUTE("minute", 0, 59, List.of()),
        HOUR("hour", 0, 23, List.of()),
        DAY_OF_MONTH("day-of-month", 1, 31, List.of()),
        MONTH("month", 1, 12, List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")),
        DAY_OF_WEEK("day-of-week", 0, 7, List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"));

        final String label;
        final int min;
        final int max;
        final List<String> names; // names.get(i) is the value min + i

        Kind(String label, int min, int max, List<String> names) {
            this.label = label;
            this.min = min;
            this.max = max;
            this.names = names;
        }
    }

    private final long bits;
    private final boolean star;

    private CronField(long bits, boolean star) {
        this.bits = bits;
        this.star = star;
    }

    /**
     * Parses a comma-separated list of {@code *}, {@code N}, {@code N-M}, each optionally with
     * {@code /step}; months and weekdays also by three-letter name, and 7 is Sunday.
     *
     * @throws CommandCenterException INVALID ({@code CRON_INVALID}, field = the cron field's name)
     */
    static CronField parse(Kind kind, String text) {
        long bits = 0;
        for (String item : text.split(",", -1)) {
            bits |= item(kind, item, text);
        }
        if (kind == Kind.DAY_OF_WEEK && (bits & (1L << 7)) != 0) {
            bits = (bits & ~(1L << 7)) | 1L;
        }
        return new CronField(bits, text.startsWith("*"));
    }

    boolean has(int value) {
        return (bits & (1L << value)) != 0;
    }

    /** Written starting with {@code *}: unrestricted, in Vixie cron's sense. */
    boolean star() {
        return star;
    }

    private static long item(Kind kind, String item, String field) {
        if (item.isEmpty()) {
            throw invalid(kind, field, "has an empty list item");
        }
        String range = item;
        int step = 1;
        int slash = item.indexOf('/');
        if (slash >= 0) {
            range = item.substring(0, slash);
            step = number(kind, item.substring(slash + 1), field, "step");
            if (step < 1) {
                throw invalid(kind, field, "step must be at least 1");
            }
        }
        int from;
        int to;
        if (range.equals("*")) {
            from = kind.min;
            to = kind == Kind.DAY_OF_WEEK ? 6 : kind.max;
        } else {
            int dash = range.indexOf('-');
            from = value(kind, dash < 0 ? range : range.substring(0, dash), field);
            to = dash < 0 ? (slash >= 0 ? kind.max : from) : value(kind, range.substring(dash + 1), field);
            if (from > to) {
                throw invalid(kind, field, "range " + range + " runs backwards");
            }
        }
        long bits = 0;
        for (int v = from; v <= to; v += step) {
            bits |= 1L << v;
        }
        return bits;
    }

    private static int value(Kind kind, String text, String field) {
        int index = kind.names.indexOf(text.toUpperCase(Locale.ROOT));
        if (index >= 0) {
            return kind.min + index;
        }
        int v = number(kind, text, field, "value");
        if (v < kind.min || v > kind.max) {
            throw invalid(kind, field, "value " + v + " is out of range " + kind.min + "-" + kind.max);
        }
        return v;
    }

    private static int number(Kind kind, String text, String field, String what) {
        if (!text.matches("\\d{1,3}")) {
            String names = kind.names.isEmpty() ? "" : " or a name (" + String.join(", ", kind.names) + ")";
            throw invalid(kind, field, what + " '" + YamlReader.abbreviate(text) + "' is not a number" + names);
        }
        return Integer.parseInt(text);
    }

    static CommandCenterException invalid(Kind kind, String field, String message) {
        return CommandCenterException.invalid("CRON_INVALID", kind.label, kind.label + " field '" + YamlReader.abbreviate(field)
                + "' " + message);
    }
}
