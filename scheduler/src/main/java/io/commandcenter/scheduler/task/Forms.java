package io.commandcenter.scheduler.task;

import io.commandcenter.common.error.Violations;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * The textual forms the scheduler accepts, checked in one place so the gRPC adapter, the Java API
 * and the error messages agree. Each check adds a violation naming the field instead of throwing,
 * so a request hears of all its faults at once.
 */
public final class Forms {
    /** Project ids, as the hub's ({@code x-cc-project}). */
    public static final Pattern PROJECT = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
    /** Agent types: the part of a capability before the dot. */
    public static final Pattern AGENT_TYPE = Pattern.compile("[a-z][a-z0-9_-]{0,31}");
    /** Actions: the part after the dot. */
    public static final Pattern ACTION = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,63}");
    /** Agent ids, workflow names. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    /** Entity kinds, as common.proto's {@code EntityRef.kind}. */
    public static final Pattern ENTITY_KIND = Pattern.compile("[a-z][a-z0-9_-]{0,31}");
    /** Label keys. */
    public static final Pattern LABEL_KEY = Pattern.compile("[A-Za-z0-9._/-]{1,64}");
    /** Task ids the scheduler issues. */
    public static final Pattern TASK_ID = Pattern.compile("t-[a-z0-9-]{1,100}");

    private Forms() {
    }

    /** Whether the text is a well-formed project id. */
    public static boolean isProject(String value) {
        return value != null && PROJECT.matcher(value).matches();
    }

    /** Checks a required value against a pattern. */
    public static void required(Violations v, String field, String value, Pattern form, String description) {
        if (value == null || value.isEmpty()) {
            v.add(field, "REQUIRED", field + " is required");
        } else if (!form.matcher(value).matches()) {
            v.add(field, "BAD_FORMAT", field + " must be " + description + "; got '" + abbreviate(value) + "'");
        }
    }

    /** Checks an optional free text's length. */
    public static void maxLength(Violations v, String field, String value, int max) {
        if (value != null && value.length() > max) {
            v.add(field, "TOO_LONG", field + " is longer than " + max + " characters (" + value.length() + ")");
        }
    }

    /** Checks a value of 1 to {@code max} printable ASCII characters (idempotency keys, ids). */
    public static void printable(Violations v, String field, String value, int max) {
        if (value.length() > max) {
            v.add(field, "TOO_LONG", field + " is longer than " + max + " characters (" + value.length() + ")");
            return;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                v.add(field, "BAD_FORMAT", field + " must be printable ASCII without spaces");
                return;
            }
        }
    }

    /** Checks a fraction in [0, 1]. */
    public static void fraction(Violations v, String field, double value) {
        if (!Double.isFinite(value) || value < 0 || value > 1) {
            v.add(field, "OUT_OF_RANGE", field + " must be a fraction in [0, 1], got " + value
                    + (value > 1 && value <= 100 ? " (a percentage? divide by 100)" : ""));
        }
    }

    /** Checks labels (keys and values) and their number. */
    public static void labels(Violations v, String field, Map<String, String> labels, int maxEntries) {
        if (labels.size() > maxEntries) {
            v.add(field, "TOO_MANY", field + " has " + labels.size() + " entries, at most " + maxEntries);
            return;
        }
        for (Map.Entry<String, String> e : labels.entrySet()) {
            if (!LABEL_KEY.matcher(e.getKey()).matches()) {
                v.add(field + "[" + abbreviate(e.getKey()) + "]", "BAD_FORMAT",
                        "label keys are 1-64 characters of letters, digits, '.', '_', '/' and '-'");
            } else if (e.getValue() == null || e.getValue().length() > 128) {
                v.add(field + "[" + e.getKey() + "]", "TOO_LONG", "label values are at most 128 characters");
            }
        }
    }

    /** A value cut for an error message. */
    public static String abbreviate(String value) {
        if (value == null) {
            return "";
        }
        return value.length() <= 80 ? value : value.substring(0, 77) + "...";
    }
}
