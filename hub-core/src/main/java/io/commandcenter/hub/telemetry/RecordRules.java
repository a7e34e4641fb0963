package io.commandcenter.hub.telemetry;

import io.commandcenter.common.error.Violations;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * The field rules of telemetry records, shared by every edge that accepts records. Each check
 * adds a {@link io.commandcenter.common.error.FieldViolation} with a stable reason: {@code REQUIRED},
 * {@code NOT_FINITE}, {@code OUT_OF_RANGE}, {@code IN_FUTURE}, {@code UNKNOWN_ENUM},
 * {@code TOO_LONG}, {@code TOO_MANY}, {@code BAD_FORMAT}.
 */
public final class RecordRules {
    /** Longest record id. */
    public static final int MAX_ID = 128;
    /** Most free-form metrics on one sample. */
    public static final int MAX_METRICS = 64;
    /** Most compliance results on one audit. */
    public static final int MAX_RESULTS = 1000;
    /** Longest task or run: 30 days. */
    public static final Duration MAX_EXECUTION = Duration.ofDays(30);

    // character classes checked by hand: these run for every record, a regex costs several times more
    private static final String SERVICE_EXTRA = "._:/-";
    private static final String METRIC_EXTRA = "_.:-";
    private static final String KIND_EXTRA = "_-";

    private final Clock clock;
    private final Duration maxFutureSkew;

    /**
     * @param clock         the hub's clock
     * @param maxFutureSkew how far ahead of the clock a record's time may be
     */
    public RecordRules(Clock clock, Duration maxFutureSkew) {
        this.clock = clock;
        this.maxFutureSkew = maxFutureSkew;
    }

    /** Optional id: printable ASCII without spaces, at most {@value #MAX_ID}. */
    public void recordId(Violations v, String field, String value) {
        if (!value.isEmpty()) {
            printable(v, field, value, MAX_ID, true);
        }
    }

    /** Required identifier-like text: printable, no whitespace, at most {@code max}. */
    public void requiredId(Violations v, String field, String value, int max) {
        if (value.isEmpty()) {
            v.add(field, "REQUIRED", field + " is required");
            return;
        }
        printable(v, field, value, max, false);
    }

    /** Optional identifier-like text. */
    public void optionalId(Violations v, String field, String value, int max) {
        if (!value.isEmpty()) {
            printable(v, field, value, max, false);
        }
    }

    public void service(Violations v, String field, String value) {
        if (value.isEmpty()) {
            v.add(field, "REQUIRED", "service is required");
        } else if (!matches(value, 128, SERVICE_EXTRA)) {
            v.add(field, value.length() > 128 ? "TOO_LONG" : "BAD_FORMAT",
                    "service must be 1-128 characters of letters, digits, '-', '_', '.', ':' or '/'; got '"
                            + abbreviate(value) + "'");
        }
    }

    public void entityKind(Violations v, String field, String value) {
        if (value.isEmpty()) {
            v.add(field, "REQUIRED", field + " is required");
        } else if (!matches(value, 32, KIND_EXTRA)) {
            v.add(field, "BAD_FORMAT", "kind must be 1-32 characters of letters, digits, '-' or '_'");
        }
    }

    /** Free text of at most {@code max} characters, without U+0000. */
    public void text(Violations v, String field, String value, int max) {
        if (value.length() > max) {
            v.add(field, "TOO_LONG", field + " is longer than " + max + " characters");
        }
        if (hasNul(value)) {
            v.add(field, NUL, nulMessage(field));
        }
    }

    /** The reason of free text holding U+0000. */
    public static final String NUL = "NUL_CHARACTER";

    /**
     * Whether free text holds U+0000, which PostgreSQL cannot store in a text column: refused as INVALID_ARGUMENT
     * ({@value #NUL}) rather than failing the write as UNAVAILABLE, which would invite retries that never succeed.
     */
    public static boolean hasNul(String value) {
        return value != null && value.indexOf('\0') >= 0;
    }

    /** What a refused U+0000 says. */
    public static String nulMessage(String field) {
        return field + " contains a NUL character (U+0000), which the database cannot store";
    }

    /** A time not before 1970 and not later than the clock plus the allowed skew. */
    public void time(Violations v, String field, Instant value) {
        if (value.isBefore(Instant.EPOCH)) {
            v.add(field, "OUT_OF_RANGE", field + " is before 1970: " + value);
            return;
        }
        Instant limit = clock.instant().plus(maxFutureSkew);
        if (value.isAfter(limit)) {
            v.add(field, "IN_FUTURE", field + " " + value + " is more than " + maxFutureSkew.toSeconds()
                    + " s ahead of the hub's clock");
        }
    }

    /** An optional fraction in [0, 1]. */
    public void fraction(Violations v, String field, Double value) {
        if (value == null) {
            return;
        }
        if (!Double.isFinite(value)) {
            v.add(field, "NOT_FINITE", field + " must be a finite number, got " + value);
        } else if (value < 0 || value > 1) {
            v.add(field, "OUT_OF_RANGE", field + " must be a fraction in [0, 1], got " + value
                    + (value > 1 && value <= 100 ? " (divide percentages by 100)" : ""));
        }
    }

    /** An optional finite number >= 0. */
    public void nonNegative(Violations v, String field, Double value) {
        if (value == null) {
            return;
        }
        if (!Double.isFinite(value)) {
            v.add(field, "NOT_FINITE", field + " must be a finite number, got " + value);
        } else if (value < 0) {
            v.add(field, "OUT_OF_RANGE", field + " must be >= 0, got " + value);
        }
    }

    public void metrics(Violations v, String field, Map<String, Double> metrics) {
        if (metrics.size() > MAX_METRICS) {
            v.add(field, "TOO_MANY", "at most " + MAX_METRICS + " metrics per sample, got " + metrics.size());
            return;
        }
        for (Map.Entry<String, Double> e : metrics.entrySet()) {
            if (!matches(e.getKey(), 64, METRIC_EXTRA)) {
                v.add(field + "[" + abbreviate(e.getKey()) + "]", "BAD_FORMAT",
                        "metric name must be 1-64 characters of letters, digits, '_', '.', '-' or ':'");
            } else if (!Double.isFinite(e.getValue())) {
                v.add(field + "[" + e.getKey() + "]", "NOT_FINITE",
                        "metric " + e.getKey() + " must be a finite number, got " + e.getValue());
            }
        }
    }

    public void executionTime(Violations v, String field, Duration value) {
        if (value.isNegative()) {
            v.add(field, "OUT_OF_RANGE", field + " must not be negative");
        } else if (value.compareTo(MAX_EXECUTION) > 0) {
            v.add(field, "OUT_OF_RANGE", field + " must be at most 30 days");
        }
    }

    private static void printable(Violations v, String field, String value, int max, boolean asciiOnly) {
        if (value.length() > max) {
            v.add(field, "TOO_LONG", field + " is longer than " + max + " characters");
            return;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean ok = asciiOnly ? c > 0x20 && c < 0x7f : !Character.isWhitespace(c) && !Character.isISOControl(c);
            if (!ok) {
                v.add(field, "BAD_FORMAT", field + " must be printable" + (asciiOnly ? " ASCII" : "")
                        + " without whitespace");
                return;
            }
        }
    }

    /** 1 to {@code max} characters, each an ASCII letter or digit or one of {@code extra}. */
    static boolean matches(String value, int max, String extra) {
        int length = value.length();
        if (length == 0 || length > max) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || extra.indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    static String abbreviate(String value) {
        return value.length() <= 80 ? value : value.substring(0, 77) + "...";
    }
}
