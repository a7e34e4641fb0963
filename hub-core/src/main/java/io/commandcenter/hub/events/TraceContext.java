package io.commandcenter.hub.events;

import java.util.HexFormat;
import java.util.Objects;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * W3C trace context of an event: the trace that produced it, so consumers can continue it.
 *
 * @param traceparent a valid {@code traceparent} value ({@code 00-<32 hex>-<16 hex>-<2 hex>})
 * @param tracestate  the {@code tracestate} value, empty when none
 */
public record TraceContext(String traceparent, String tracestate) {
    private static final Pattern TRACEPARENT =
            Pattern.compile("[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
    private static final Pattern TRACE_ID = Pattern.compile("[0-9a-f]{32}");
    private static final HexFormat HEX = HexFormat.of();

    public TraceContext {
        Objects.requireNonNull(traceparent, "traceparent");
        Objects.requireNonNull(tracestate, "tracestate");
        if (!isValid(traceparent)) {
            throw new IllegalArgumentException("not a W3C traceparent: " + traceparent);
        }
    }

    /** Whether a header value is a well-formed traceparent with non-zero trace and span ids. */
    public static boolean isValid(String traceparent) {
        return traceparent != null && TRACEPARENT.matcher(traceparent).matches()
                && !traceparent.startsWith("ff")
                && !traceparent.substring(3, 35).equals("0".repeat(32))
                && !traceparent.substring(36, 52).equals("0".repeat(16));
    }

    /** A new sampled root trace with random ids. */
    public static TraceContext newRoot(RandomGenerator random) {
        byte[] trace = new byte[16];
        byte[] span = new byte[8];
        do {
            random.nextBytes(trace);
            random.nextBytes(span);
        } while (allZero(trace) || allZero(span));
        return new TraceContext("00-" + HEX.formatHex(trace) + "-" + HEX.formatHex(span) + "-01", "");
    }

    /**
     * A new span in the trace {@code traceId} (32 hex digits, as a prediction keeps it), so what
     * follows from a prediction stays in its trace; a new root when the id is not a valid one.
     */
    public static TraceContext continuing(String traceId, RandomGenerator random) {
        if (traceId == null || !TRACE_ID.matcher(traceId).matches() || traceId.equals("0".repeat(32))) {
            return newRoot(random);
        }
        byte[] span = new byte[8];
        do {
            random.nextBytes(span);
        } while (allZero(span));
        return new TraceContext("00-" + traceId + "-" + HEX.formatHex(span) + "-01", "");
    }

    /** The 32-hex trace id. */
    public String traceId() {
        return traceparent.substring(3, 35);
    }

    private static boolean allZero(byte[] bytes) {
        for (byte b : bytes) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }
}
