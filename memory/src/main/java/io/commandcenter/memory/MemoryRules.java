package io.commandcenter.memory;

import io.commandcenter.common.error.CommandCenterException;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * What every store accepts, checked before anything is written or searched, each failure INVALID
 * naming the field ({@code memory.vector}, {@code k}, …). The same rules for every implementation,
 * so a client learns one set.
 */
public final class MemoryRules {
    /** A project id (the hub's form): it also names the project's index directory. */
    public static final Pattern PROJECT = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
    /** A memory id: 1–128 letters, digits and {@code . _ : -}. */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final Pattern KIND = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    public static final int MAX_TEXT = 2_000;
    public static final int MAX_FIELD = 256;
    public static final int MAX_METADATA = 32;

    private MemoryRules() {
    }

    public static void checkProject(String project, String field) {
        if (project == null || !PROJECT.matcher(project).matches()) {
            throw CommandCenterException.invalid("INVALID_PROJECT", field,
                    "a project id is 1-63 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
    }

    public static void checkId(String id, String field) {
        if (id == null || !ID.matcher(id).matches()) {
            throw CommandCenterException.invalid(id == null || id.isEmpty() ? "REQUIRED" : "BAD_FORMAT", field,
                    "a memory id is 1-128 letters, digits, '.', '_', ':' or '-'");
        }
    }

    /** Checks a memory a store of {@code dimensions} is asked to add. */
    public static void check(Memory m, int dimensions) {
        checkProject(m.project(), "memory.project");
        checkId(m.id(), "memory.memory_id");
        text(m.entity(), "memory.entity", true);
        if (!KIND.matcher(m.kind()).matches()) {
            throw CommandCenterException.invalid("BAD_FORMAT", "memory.kind",
                    "kind is 1-64 lowercase letters, digits, '.', '_' or '-' (remediation, agent.note, …)");
        }
        text(m.action(), "memory.action", false);
        text(m.outcome(), "memory.outcome", false);
        if (m.text().length() > MAX_TEXT) {
            throw CommandCenterException.invalid("TOO_LONG", "memory.text", "text is at most " + MAX_TEXT + " characters");
        }
        if (m.at().getEpochSecond() < -62_135_596_800L || m.at().getEpochSecond() > 253_402_300_799L) {
            throw CommandCenterException.invalid("OUT_OF_RANGE", "memory.time", "a time is in the years 1 to 9999");
        }
        if (m.metadata().size() > MAX_METADATA) {
            throw CommandCenterException.invalid("TOO_MANY", "memory.metadata",
                    "at most " + MAX_METADATA + " metadata fields");
        }
        for (Map.Entry<String, String> e : m.metadata().entrySet()) {
            if (e.getKey().isEmpty() || e.getKey().length() > 64) {
                throw CommandCenterException.invalid("BAD_FORMAT", "memory.metadata",
                        "a metadata key is 1-64 characters");
            }
            if (e.getValue().length() > MAX_TEXT) {
                throw CommandCenterException.invalid("TOO_LONG", "memory.metadata." + e.getKey(),
                        "a metadata value is at most " + MAX_TEXT + " characters");
            }
        }
        vector(m.vector(), dimensions, "memory.vector");
    }

    /** Checks a query vector and k. */
    public static void checkSearch(String project, float[] vector, int k, int dimensions) {
        checkProject(project, "project");
        vector(vector, dimensions, "vector");
        if (k < 1 || k > MemoryStore.MAX_K) {
            throw CommandCenterException.invalid("OUT_OF_RANGE", "k", "k is 1 to " + MemoryStore.MAX_K);
        }
    }

    public static void checkLimit(int limit) {
        if (limit < 1 || limit > 1000) {
            throw CommandCenterException.invalid("OUT_OF_RANGE", "limit", "limit is 1 to 1000");
        }
    }

    public static void vector(float[] v, int dimensions, String field) {
        if (v == null || v.length == 0) {
            throw CommandCenterException.invalid("REQUIRED", field, "a vector of " + dimensions + " numbers is required");
        }
        if (v.length != dimensions) {
            throw CommandCenterException.invalid("WRONG_DIMENSIONS", field,
                    "the vector has " + v.length + " numbers; this memory takes " + dimensions);
        }
        double norm = 0;
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                throw CommandCenterException.invalid("NOT_FINITE", field + "[" + i + "]", "vector values must be finite");
            }
            norm += (double) v[i] * v[i];
        }
        if (norm == 0 || !Double.isFinite(norm)) {
            throw CommandCenterException.invalid("ZERO_VECTOR", field, "the vector must not be all zeros");
        }
    }

    private static void text(String value, String field, boolean required) {
        if (required && value.isEmpty()) {
            throw CommandCenterException.invalid("REQUIRED", field, field + " is required");
        }
        if (value.length() > MAX_FIELD) {
            throw CommandCenterException.invalid("TOO_LONG", field, field + " is at most " + MAX_FIELD + " characters");
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw CommandCenterException.invalid("BAD_FORMAT", field, field + " must not hold control characters");
            }
        }
    }
}
