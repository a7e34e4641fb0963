package io.commandcenter.hub.remediate;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.scheduler.state.ForwardingSchedulerState;
import io.commandcenter.scheduler.state.IdempotencyRecord;
import io.commandcenter.scheduler.state.SchedulerState;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * A scheduler state whose idempotency-key look-ups fail with UNAVAILABLE the first {@code failures}
 * times they are made (as Hazelcast's do while partitions migrate), and answer from the real state
 * after that; everything else is the real state's.
 */
final class FailingKeysState extends ForwardingSchedulerState {
    private final AtomicInteger failuresLeft;
    final AtomicInteger lookUps = new AtomicInteger();

    FailingKeysState(SchedulerState real, int failures) {
        super(real);
        this.failuresLeft = new AtomicInteger(failures);
    }

    /**
     * For {@link EngineFixture#decorateState}: wraps the fixture's scheduler state in one that fails
     * {@code failures} look-ups, kept in {@code into} for the test.
     */
    static UnaryOperator<SchedulerState> into(AtomicReference<FailingKeysState> into, int failures) {
        return real -> {
            into.set(new FailingKeysState(real, failures));
            return into.get();
        };
    }

    /** The next {@code failures} look-ups fail. */
    void failNext(int failures) {
        failuresLeft.set(failures);
    }

    @Override
    public IdempotencyRecord key(String key) {
        lookUps.incrementAndGet();
        if (failuresLeft.getAndDecrement() > 0) {
            throw new CommandCenterException(ErrorKind.UNAVAILABLE, "STATE_UNAVAILABLE", "partitions are migrating (test)");
        }
        return real.key(key);
    }
}
