package io.commandcenter.scheduler.pool;

import io.commandcenter.scheduler.wire.WireIn;
import io.commandcenter.scheduler.wire.WireOut;

/**
 * One operation on a pool, as a value: what a state store runs atomically where the pool lives
 * (under a lock in memory, as an entry processor on the owning partition in Hazelcast, and again
 * on each backup replica). Operations are immutable, carry every input (times included) and encode
 * themselves and their results with {@link WireOut}, so they can travel to the pool's owner.
 *
 * @param <R> the result
 */
public interface PoolOp<R> {

    /** The operation's code in {@link PoolOps#read}. */
    int code();

    /** Whether it only reads (no backup is needed, the pool is never created). */
    boolean readOnly();

    /** Whether it creates the pool when there is none (else {@link #absent()} is the answer). */
    boolean creates();

    /** Applies the operation; called with the pool exclusively held. */
    R apply(PoolState pool, PoolConfig config);

    /** The result when the pool does not exist and the operation does not create it. */
    R absent();

    /** Writes the operation's inputs (not its code). */
    void write(WireOut out);

    /** How the result travels back. */
    ResultCodec<R> result();

    /** Encodes and decodes one result type. */
    interface ResultCodec<R> {
        void write(WireOut out, R result);

        R read(WireIn in);
    }
}
