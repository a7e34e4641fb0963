package io.commandcenter.scheduler.testing;

import io.commandcenter.scheduler.pool.PoolConfig;
import io.commandcenter.scheduler.pool.PoolOp;
import io.commandcenter.scheduler.state.ForwardingSchedulerState;
import io.commandcenter.scheduler.state.SchedulerState;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A real state whose pool operations can be held on their way, as Hazelcast holds the invocations
 * sent to a partition whose owner is gone until the backup is promoted: while {@link #hold()} is on,
 * each pool operation (already stamped with its hub's time) waits; {@link #release()} lets them
 * through one at a time, in the order they were sent, each applied before the next.
 */
public final class HeldState extends ForwardingSchedulerState {
    private record Held(PoolOp<?> op, CountDownLatch go, CountDownLatch done) {
    }

    private final List<Held> held = new ArrayList<>();
    private boolean holding;

    public HeldState(SchedulerState real) {
        super(real);
    }

    public synchronized void hold() {
        holding = true;
    }

    /** How many operations wait. */
    public synchronized int waiting() {
        return held.size();
    }

    /** Lets every waiting operation through in order, each applied before the next, and holds no more. */
    public void release() throws InterruptedException {
        List<Held> now;
        synchronized (this) {
            holding = false;
            now = new ArrayList<>(held);
            held.clear();
        }
        for (Held h : now) {
            h.go.countDown();
            h.done.await();
        }
    }

    @Override
    public <R> R pool(String agentType, PoolConfig config, PoolOp<R> op) {
        Held h = null;
        synchronized (this) {
            if (holding) {
                h = new Held(op, new CountDownLatch(1), new CountDownLatch(1));
                held.add(h);
            }
        }
        if (h == null) {
            return real.pool(agentType, config, op);
        }
        try {
            h.go.await();
            return real.pool(agentType, config, op);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while held", e);
        } finally {
            h.done.countDown();
        }
    }
}
