package io.commandcenter.hub.telemetry;

import io.commandcenter.common.error.CommandCenterException;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * Opaque keyset page tokens, for every listing ordered by (time, id): the position of the last
 * item of a page plus a fingerprint of what the position means (the listing's filters and order).
 * A token that does not decode, or that was issued for another fingerprint, is refused.
 */
public final class PageToken {
    private static final String VERSION = "v1";

    /** A position in a (time, id) order. */
    public record Position(Instant time, String id) {
    }

    private PageToken() {
    }

    public static String encode(int fingerprint, Instant time, String id) {
        String raw = VERSION + "|" + Integer.toHexString(fingerprint) + "|" + time.getEpochSecond() + "|"
                + time.getNano() + "|" + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The position of a token; empty for an empty token.
     *
     * @throws CommandCenterException INVALID ({@code INVALID_PAGE_TOKEN}) naming {@code field} when malformed
     *         or issued for another fingerprint
     */
    public static Optional<Position> decode(String token, int fingerprint, String field) {
        if (token == null || token.isEmpty()) {
            return Optional.empty();
        }
        String[] parts;
        try {
            parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split("\\|", 5);
        } catch (IllegalArgumentException e) {
            throw invalid(field, "page token is malformed");
        }
        if (parts.length != 5 || !parts[0].equals(VERSION)) {
            throw invalid(field, "page token is malformed");
        }
        if (!parts[1].equals(Integer.toHexString(fingerprint))) {
            throw invalid(field, "page token was issued for other filters; keep the filters of the first page");
        }
        Instant time;
        try {
            time = Instant.ofEpochSecond(Long.parseLong(parts[2]), Long.parseLong(parts[3]));
        } catch (RuntimeException e) {
            throw invalid(field, "page token is malformed");
        }
        if (time.isBefore(TimeArgument.EARLIEST) || time.isAfter(TimeArgument.LATEST)) {
            throw invalid(field, "page token is malformed");
        }
        return Optional.of(new Position(time, parts[4]));
    }

    /** The token that continues {@code query} after {@code last}. */
    public static String encode(SampleQuery query, SampleQuery.Position last) {
        return encode(query.filterHash(), last.time(), last.recordId());
    }

    /** The query continued from a token; the query itself when the token is empty. */
    public static SampleQuery apply(SampleQuery query, String token, String field) {
        return decode(token, query.filterHash(), field)
                .map(p -> query.after(new SampleQuery.Position(p.time(), p.id())))
                .orElse(query);
    }

    private static CommandCenterException invalid(String field, String message) {
        return CommandCenterException.invalid("INVALID_PAGE_TOKEN", field, message);
    }
}
