package io.commandcenter.scheduler.pool;

import io.commandcenter.scheduler.wire.WireIn;
import io.commandcenter.scheduler.wire.WireOut;

/**
 * What the member that owns a pool decided when it applied an operation: the time it applied it
 * (its own clock) and how far the pool's live leases move on because the gap since the previous
 * operation was longer than a reachable pool allows ({@link PoolState#reach}). Computed once, on the
 * owner; the backups get this value and apply exactly the same move ({@link PoolOps#apply}).
 *
 * @param appliedAt when the owner applied the operation (epoch millis, its clock)
 * @param move      how far each fresh live lease moves on (0: none); at most {@link PoolConfig#moveBoundMillis()}
 */
public record Reached(long appliedAt, long move) {
    public Reached {
        if (move < 0) {
            throw new IllegalArgumentException("move " + move + " < 0");
        }
    }

    public static void write(WireOut out, Reached r) {
        out.i64(r.appliedAt).i64(r.move);
    }

    public static Reached read(WireIn in) {
        return new Reached(in.i64(), in.i64());
    }
}
