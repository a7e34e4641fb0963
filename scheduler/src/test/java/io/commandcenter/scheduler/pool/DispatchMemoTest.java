package io.commandcenter.scheduler.pool;

import io.commandcenter.scheduler.agents.AgentRegistration;
import io.commandcenter.scheduler.task.TaskSpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The memo of each hub's last dispatch on one pool, applied as a state store applies operations
 * ({@link PoolOps#apply}), at times chosen by hand. Bound: {@link PoolConfig#moveBoundMillis()}, 60 s.
 */
class DispatchMemoTest {
    static final PoolConfig CONFIG = PoolConfig.DEFAULT;
    static final long T0 = 1_000_000;

    PoolState pool;

    <R> R at(long appliedAt, PoolOp<R> op) {
        return PoolOps.apply(pool, CONFIG, op, op.readOnly() ? null : pool.reach(appliedAt, CONFIG));
    }

    @BeforeEach
    void dispatchedByAHubThatThenLeft() {
        pool = PoolState.create("devops", CONFIG);
        at(T0, new PoolOps.Register(AgentRegistration.of("a", "devops", 1, "restart"), "hub-2", "peer", "s", T0));
        at(T0, new PoolOps.Enqueue("t-1", TaskSpec.of("p", "devops.restart").withInputs("{\"big\":\"inputs\"}"),
                "hub-old", 1, 1, false, T0));
        assertThat(at(T0, new PoolOps.Dispatch("d-1", "hub-old", 64, T0))).hasSize(1);
    }

    @Test
    void aRetryWithinTheBound_stillGetsTheSameDecisions() {
        at(T0 + 1_000, new PoolOps.Sweep(T0 + 1_000));
        at(T0 + 60_000, new PoolOps.Sweep(T0 + 60_000));

        assertThat(pool.lastDispatch).containsOnlyKeys("hub-old");
        assertThat(at(T0 + 60_000, new PoolOps.Dispatch("d-1", "hub-old", 64, T0 + 60_000))).hasSize(1);
    }

    @Test
    void aMemoOlderThanTheBound_isDroppedByTheSweep() {
        // a sweep every 10 s, as a live hub's heartbeats and sweeps keep the pool reached
        for (long t = T0 + 10_000; t <= T0 + 70_000; t += 10_000) {
            at(t, new PoolOps.Sweep(t));
        }

        // before: the memo of a hub that never dispatched again stayed in the pool (and every replica) for good
        assertThat(pool.lastDispatch).isEmpty();
    }
}
