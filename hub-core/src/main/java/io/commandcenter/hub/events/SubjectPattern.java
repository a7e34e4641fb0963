package io.commandcenter.hub.events;

import io.commandcenter.common.error.CommandCenterException;

import java.util.Arrays;

/**
 * A subject pattern: dot-separated tokens where {@code *} matches exactly one token, and a pattern
 * matches every subject it is a prefix of, token by token. {@code hub.health.*} matches
 * {@code hub.health.api}; {@code audit.result} matches {@code audit.result.failed}; {@code *}
 * matches everything. A subscription may name several, comma-separated ({@link #parseAny}):
 * {@code approval,prediction.created} matches what either matches.
 */
public final class SubjectPattern {
    /** Longest pattern accepted. */
    public static final int MAX_LENGTH = 256;

    private final String text;
    /** One token array per alternative; a single pattern has one. */
    private final String[][] alternatives;

    private SubjectPattern(String text, String[][] alternatives) {
        this.text = text;
        this.alternatives = alternatives;
    }

    /**
     * Parses one pattern or several separated by commas ({@code approval,prediction.created}), for
     * subscriptions: a client that follows several kinds of events needs one stream, not one each.
     *
     * @throws CommandCenterException INVALID ({@code INVALID_PATTERN}, field {@code pattern}) as
     *         {@link #parse}, for an empty alternative, or when longer than {@value #MAX_LENGTH}
     *         characters in all
     */
    public static SubjectPattern parseAny(String text) {
        if (text == null || !text.contains(",")) {
            return parse(text);
        }
        String trimmed = text.strip();
        if (trimmed.length() > MAX_LENGTH) {
            throw CommandCenterException.invalid("INVALID_PATTERN", "pattern",
                    "pattern is longer than " + MAX_LENGTH + " characters");
        }
        String[] parts = trimmed.split(",", -1);
        String[][] alternatives = new String[parts.length][];
        for (int i = 0; i < parts.length; i++) {
            if (parts[i].isBlank()) {
                throw CommandCenterException.invalid("INVALID_PATTERN", "pattern",
                        "pattern '" + trimmed + "' has an empty alternative (two commas in a row, or a leading or"
                                + " trailing comma)");
            }
            alternatives[i] = parse(parts[i]).alternatives[0];
        }
        return new SubjectPattern(String.join(",", Arrays.stream(parts).map(String::strip).toList()), alternatives);
    }

    /**
     * Parses a pattern.
     *
     * @throws CommandCenterException INVALID ({@code INVALID_PATTERN}, field {@code pattern}) when empty,
     *         longer than {@value #MAX_LENGTH} characters, or with an empty token or whitespace
     */
    public static SubjectPattern parse(String text) {
        if (text == null || text.isBlank()) {
            throw CommandCenterException.invalid("INVALID_PATTERN", "pattern", "pattern is required, e.g. 'hub.health.*'");
        }
        String trimmed = text.strip();
        if (trimmed.length() > MAX_LENGTH) {
            throw CommandCenterException.invalid("INVALID_PATTERN", "pattern",
                    "pattern is longer than " + MAX_LENGTH + " characters");
        }
        String[] tokens = trimmed.split("\\.", -1);
        for (String token : tokens) {
            if (token.isEmpty()) {
                throw CommandCenterException.invalid("INVALID_PATTERN", "pattern",
                        "pattern '" + trimmed + "' has an empty token (two dots in a row, or a leading or trailing dot)");
            }
            if (token.chars().anyMatch(Character::isWhitespace)) {
                throw CommandCenterException.invalid("INVALID_PATTERN", "pattern",
                        "pattern '" + trimmed + "' contains whitespace");
            }
        }
        return new SubjectPattern(trimmed, new String[][]{tokens});
    }

    /**
     * Whether the subject matches (one of the alternatives does): every pattern token equals the
     * subject's token or is {@code *}.
     */
    public boolean matches(String subject) {
        for (String[] tokens : alternatives) {
            if (matches(tokens, subject)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(String[] tokens, String subject) {
        int position = 0;
        for (String token : tokens) {
            if (position > subject.length()) {
                return false;
            }
            int end = subject.indexOf('.', position);
            if (end < 0) {
                end = subject.length();
            }
            if (end == position) {
                return false;
            }
            if (!token.equals("*") && !subject.regionMatches(position, token, 0, token.length())) {
                return false;
            }
            if (!token.equals("*") && end - position != token.length()) {
                return false;
            }
            position = end + 1;
        }
        return true;
    }

    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SubjectPattern that && Arrays.deepEquals(alternatives, that.alternatives);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(alternatives);
    }
}
