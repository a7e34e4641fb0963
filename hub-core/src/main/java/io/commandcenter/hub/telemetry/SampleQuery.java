package io.commandcenter.hub.telemetry;

import io.commandcenter.common.error.CommandCenterException;

import java.time.Instant;

/**
 * A page request over one project's health samples, ordered by (time, record id), newest first
 * unless {@code oldestFirst}.
 *
 * @param service     only this service; {@code null} for all
 * @param start       only samples at or after; {@code null} for no bound
 * @param end         only samples before; {@code null} for no bound
 * @param limit       page size, 1 to {@value #MAX_LIMIT}
 * @param after       continue after this position (exclusive); {@code null} for the first page
 * @param oldestFirst ascending order instead of descending
 */
public record SampleQuery(String service, Instant start, Instant end, int limit, Position after,
                          boolean oldestFirst) {
    /** Default page size. */
    public static final int DEFAULT_LIMIT = 100;
    /** Largest page size; larger requests are lowered to it. */
    public static final int MAX_LIMIT = 1000;

    /** A position in the order: the last sample of the previous page. */
    public record Position(Instant time, String recordId) {
    }

    public SampleQuery {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit out of range: " + limit);
        }
        if (start != null && end != null && !end.isAfter(start)) {
            throw CommandCenterException.invalid("INVALID_RANGE", "end_time", "end time must be after start time");
        }
    }

    /** Normalises a requested page size: 0 means the default, above the maximum means the maximum. */
    public static int limitOf(int requested, String field) {
        if (requested < 0) {
            throw CommandCenterException.invalid("OUT_OF_RANGE", field, field + " must not be negative");
        }
        return requested == 0 ? DEFAULT_LIMIT : Math.min(requested, MAX_LIMIT);
    }

    /** The same query, continuing after a position. */
    public SampleQuery after(Position position) {
        return new SampleQuery(service, start, end, limit, position, oldestFirst);
    }

    /**
     * A fingerprint of what a page position means (service and order), so a page token cannot be
     * replayed on another listing. Time bounds are left out on purpose: a relative bound
     * ({@code since=15m}) moves between page requests, and a keyset position stays valid when it does.
     */
    int filterHash() {
        return java.util.Objects.hash(service, oldestFirst);
    }
}
