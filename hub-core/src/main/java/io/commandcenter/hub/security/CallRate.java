package io.commandcenter.hub.security;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * How many calls each caller may make: a token bucket per credential ({@code perSecond} calls a
 * second on average, up to {@code burst} at once). A caller over its rate is refused
 * RESOURCE_EXHAUSTED {@code RATE_LIMITED} with the time to wait ({@code retry_after_ms}, which gRPC
 * carries as {@code google.rpc.RetryInfo} and HTTP as {@code Retry-After}); other callers are not
 * slowed by it. Calls within a stream (ingest batches) are the stream's, and are paced by its flow
 * control instead.
 */
public final class CallRate {
    private static final int PRUNE_ABOVE = 10_000;

    private final double perSecond;
    private final int burst;
    private final long interval;
    private final LongSupplier nanos;
    /** Per caller, when its allowance would be whole again if it made no more calls (GCRA's "theoretical arrival time"). */
    private final Map<String, long[]> full = new ConcurrentHashMap<>();

    /**
     * @param perSecond calls a second on average, > 0
     * @param burst     calls at once, >= 1
     * @param nanos     a monotonic clock ({@code System::nanoTime})
     */
    public CallRate(double perSecond, int burst, LongSupplier nanos) {
        if (!(perSecond > 0) || burst < 1) {
            throw new IllegalArgumentException("a call rate needs perSecond > 0 and burst >= 1");
        }
        this.perSecond = perSecond;
        this.burst = burst;
        this.interval = Math.max(1, Math.round(1e9 / perSecond));
        this.nanos = nanos;
    }

    /**
     * Takes one call from {@code caller}'s allowance.
     *
     * @throws CommandCenterException EXHAUSTED {@code RATE_LIMITED}
     */
    public void acquire(String caller) {
        long now = nanos.getAsLong();
        if (full.size() > PRUNE_ABOVE) {
            full.entrySet().removeIf(e -> {
                synchronized (e.getValue()) {
                    return e.getValue()[0] - now <= 0;
                }
            });
        }
        long[] at = full.computeIfAbsent(caller, c -> new long[]{now});
        long waitNanos;
        synchronized (at) {
            long next = Math.max(at[0], now) + interval;
            waitNanos = next - now - burst * interval;
            if (waitNanos <= 0) {
                at[0] = next;
                return;
            }
        }
        throw limited(waitNanos);
    }

    private CommandCenterException limited(long waitNanos) {
        long waitMillis = (waitNanos + 999_999) / 1_000_000;
        return new CommandCenterException(ErrorKind.EXHAUSTED, "RATE_LIMITED", "these credentials made more than "
                + format(perSecond) + " calls a second (bursts of " + burst + "); retry in " + waitMillis
                + " ms", Map.of(CommandCenterException.RETRY_AFTER_MS, Long.toString(waitMillis)), List.of(), null);
    }

    private static String format(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
