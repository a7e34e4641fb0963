package io.commandcenter.hub.audit;

import io.commandcenter.common.json.Json;
import io.commandcenter.common.json.JsonException;
import io.commandcenter.hub.project.ProjectId;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Something that happened, as the ledger will chain it (an {@link AuditEntry} once it has its
 * place). Every text survives a UTF-8 round trip and fits its column, so what is hashed is exactly
 * what the database gives back.
 *
 * @param id      unique, chosen when it happened: appending the same id again stores nothing (a
 *                retried or replayed append)
 * @param time    when it happened, to the microsecond
 * @param project the project it concerns, or {@value #GLOBAL} (a global pause, keys)
 * @param actor   who acted: a principal, {@code engine}, {@code hub:<id>}, {@code bootstrap}
 * @param action  what kind of thing happened
 * @param subject what it is about, {@code <kind>:<id>} ({@code run:run-…}, {@code approval:ap-…})
 * @param detail  a JSON object, as text (hashed as it is)
 * @param hubId   the hub that recorded it
 */
public record AuditRecord(String id, Instant time, String project, String actor, AuditAction action, String subject,
                          String detail, String hubId) {
    /** The project of what concerns every project. */
    public static final String GLOBAL = io.commandcenter.hub.project.ProjectId.RESERVED;
    public static final int MAX_ID = 128;
    public static final int MAX_ACTOR = 128;
    public static final int MAX_SUBJECT = 256;
    public static final int MAX_DETAIL = 16_384;
    /** Longest string value kept in a detail; longer ones are cut. */
    static final int MAX_DETAIL_VALUE = 2048;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0," + (MAX_ID - 1) + "}");

    public AuditRecord {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("audit record id must be 1-" + MAX_ID
                    + " characters of letters, digits, '.', '_', ':' or '-': " + id);
        }
        Objects.requireNonNull(time, "time");
        time = time.truncatedTo(ChronoUnit.MICROS);
        if (!GLOBAL.equals(project)) {
            ProjectId.of(project); // a project, or the hub-wide scope
        }
        requireText("actor", actor, MAX_ACTOR);
        Objects.requireNonNull(action, "action");
        requireText("subject", subject, MAX_SUBJECT);
        requireText("hubId", hubId, MAX_ACTOR);
        Objects.requireNonNull(detail, "detail");
        if (detail.length() > MAX_DETAIL || !survivesUtf8(detail)) {
            throw new IllegalArgumentException("audit detail must be at most " + MAX_DETAIL + " characters of UTF-8");
        }
        try {
            Json.parseObject(detail);
        } catch (JsonException e) {
            throw new IllegalArgumentException("audit detail must be a JSON object: " + e.getMessage(), e);
        }
    }

    /**
     * A record of something happening now, with a new id; texts are cleaned (control characters
     * replaced, cut to their limits) rather than refused, since what happened must be recorded.
     *
     * @param detail members of the detail object, in order; null values are left out
     */
    public static AuditRecord of(Instant time, String project, String actor, AuditAction action, String subject,
                                 Map<String, ?> detail, String hubId) {
        Map<String, Object> kept = new LinkedHashMap<>();
        detail.forEach((k, v) -> {
            if (v != null) {
                kept.put(k, v instanceof String s ? cut(s, MAX_DETAIL_VALUE) : v);
            }
        });
        String json = Json.write(kept);
        if (json.length() > MAX_DETAIL) {
            json = Json.write(Map.of("truncated", cut(json, MAX_DETAIL / 2)));
        }
        return new AuditRecord(UUID.randomUUID().toString(), time, project, clean(actor, MAX_ACTOR), action,
                clean(subject, MAX_SUBJECT), utf8(json), clean(hubId, MAX_ACTOR));
    }

    /** This record under {@code id} (one that names what happened, so that recording it again stores nothing). */
    public AuditRecord withId(String id) {
        return new AuditRecord(id, time, project, actor, action, subject, detail, hubId);
    }

    /** Members of a detail, in order: {@code detail("run", id, "reason", why)}; null values are left out. */
    public static Map<String, Object> detail(Object... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values come in pairs");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (namesAndValues[i + 1] != null) {
                out.put((String) namesAndValues[i], namesAndValues[i + 1]);
            }
        }
        return out;
    }

    private static void requireText(String name, String value, int max) {
        if (value == null || value.isEmpty() || value.length() > max || !survivesUtf8(value)
                || value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException("audit " + name + " must be 1-" + max
                    + " characters of UTF-8 without control characters");
        }
    }

    /** Control characters replaced, cut to {@code max}, safe in UTF-8; never empty. */
    private static String clean(String value, int max) {
        if (value == null || value.isEmpty()) {
            return "unknown";
        }
        StringBuilder out = new StringBuilder(Math.min(value.length(), max));
        value.codePoints().map(c -> c < 0x20 || c == 0x7f ? '\uFFFD' : c).forEach(out::appendCodePoint);
        return utf8(cut(out.toString(), max));
    }

    private static String cut(String value, int max) {
        if (value.length() <= max) {
            return value;
        }
        int end = Character.isHighSurrogate(value.charAt(max - 2)) ? max - 2 : max - 1;
        return value.substring(0, end) + "\u2026";
    }

    /** The text as it comes back from UTF-8 (a lone surrogate becomes {@code ?}). */
    private static String utf8(String value) {
        return new String(value.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    }

    private static boolean survivesUtf8(String value) {
        return utf8(value).equals(value);
    }
}
