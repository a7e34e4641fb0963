package io.commandcenter.hub.telemetry;

import io.commandcenter.hub.error.HubException;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * Opaque keyset page tokens: the position of the last item of a page plus a fingerprint of the
 * query's filters. A token that does not decode, or that was issued for other filters, is refused.
 */
public final class PageToken {
    private static final String VERSION = "v1";

    private PageToken() {
    }

    /** The token that continues {@code query} after {@code last}. */
    public static String encode(SampleQuery query, SampleQuery.Position last) {
        String raw = VERSION + "|" + Integer.toHexString(query.filterHash()) + "|" + last.time().getEpochSecond()
                + "|" + last.time().getNano() + "|" + last.recordId();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The query continued from a token; the query itself when the token is empty.
     *
     * @throws HubException INVALID ({@code INVALID_PAGE_TOKEN}) when the token is malformed or
     *         belongs to other filters
     */
    public static SampleQuery apply(SampleQuery query, String token, String field) {
        if (token == null || token.isEmpty()) {
            return query;
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
        if (!parts[1].equals(Integer.toHexString(query.filterHash()))) {
            throw invalid(field, "page token was issued for other filters; keep the filters of the first page");
        }
        try {
            Instant time = Instant.ofEpochSecond(Long.parseLong(parts[2]), Long.parseLong(parts[3]));
            return query.after(new SampleQuery.Position(time, parts[4]));
        } catch (RuntimeException e) {
            throw invalid(field, "page token is malformed");
        }
    }

    private static HubException invalid(String field, String message) {
        return HubException.invalid("INVALID_PAGE_TOKEN", field, message);
    }
}
