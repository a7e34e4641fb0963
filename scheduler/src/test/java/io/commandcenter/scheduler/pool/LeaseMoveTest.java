package io.commandcenter.scheduler.pool;

import io.commandcenter.scheduler.agents.AgentRegistration;
import io.commandcenter.scheduler.leases.LeaseRef;
import io.commandcenter.scheduler.task.TaskSpec;
import io.commandcenter.scheduler.task.TaskState;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The move of {@link PoolState#reach} and {@link PoolState#reached} on one pool, applied as a state
 * store applies it ({@link PoolOps#apply}), at apply times chosen by hand. Lease 30 s: heartbeat
 * interval and allowance 10 s, bound 60 s.
 */
class LeaseMoveTest {
    static final PoolConfig CONFIG = PoolConfig.DEFAULT;
    static final long T0 = 1_000_000;

    PoolState pool;
    Dispatched work;

    /** Applies {@code op} as the owner does, at {@code appliedAt} by its clock. */
    <R> R at(long appliedAt, PoolOp<R> op) {
        return PoolOps.apply(pool, CONFIG, op, op.readOnly() ? null : pool.reach(appliedAt, CONFIG));
    }

    long expiry() {
        return pool.tasks.get(work.assignment().taskId()).lease.leaseExpiresAt().toEpochMilli();
    }

    @BeforeEach
    void leased() {
        pool = PoolState.create("devops", CONFIG);
        at(T0, new PoolOps.Register(AgentRegistration.of("a", "devops", 1, "restart"), "hub", "peer", "s", T0));
        at(T0, new PoolOps.Enqueue("t-1", TaskSpec.of("p", "devops.restart"), "hub", 1, 1, false, T0));
        work = at(T0, new PoolOps.Dispatch("d-1", "hub", 1, T0)).get(0);
        assertThat(expiry()).isEqualTo(T0 + 30_000);
    }

    @Test
    void aGapLongerThanTheAllowance_movesALeaseHeardJustBefore_beforeTheOperationChecksExpiry() {
        SweepReport report = at(T0 + 45_000, new PoolOps.Sweep(T0 + 45_000));

        assertThat(report.revocations()).isEmpty();
        assertThat(expiry()).isEqualTo(T0 + 30_000 + 35_000);
    }

    @Test
    void aGapWithinTheAllowance_movesNothing() {
        at(T0 + 10_000, new PoolOps.Sweep(T0 + 10_000));

        assertThat(expiry()).isEqualTo(T0 + 30_000);
    }

    @Test
    void aGapPastTheBound_movesByTheBoundOnce_andNoMoreUntilTheAgentIsHeardAgain() {
        at(T0 + 3_600_000, new PoolOps.Touch(java.util.Map.of(), T0));
        at(T0 + 7_200_000, new PoolOps.Touch(java.util.Map.of(), T0));

        assertThat(expiry()).isEqualTo(T0 + 30_000 + CONFIG.moveBoundMillis()).isEqualTo(T0 + 90_000);
    }

    /** The bound holds in total, not per gap: the first gap leaves the lease in the window. */
    @Test
    void aGapThatMovesALittle_thenOnePastTheBound_movesOnlyWhatIsLeftOfTheBound() {
        at(T0 + 20_000, new PoolOps.Touch(java.util.Map.of(), T0 + 20_000)); // moves 10 s, still heard within 2 intervals
        assertThat(expiry()).isEqualTo(T0 + 40_000);
        at(T0 + 100_000, new PoolOps.Touch(java.util.Map.of(), T0 + 100_000)); // 80 s: 70 s, capped

        assertThat(expiry()).as("a further 50 s, not 60 s").isEqualTo(T0 + 90_000);
    }

    @Test
    void aHeartbeatHeldPastTheBound_countsFromTheBoundAfterItWasSent_andNoLater() {
        at(T0 + 80_000, new PoolOps.Sweep(T0 + 80_000)); // moved by the bound: to T0 + 90 s
        LeaseRef ref = work.assignment().lease();
        // sent 5 s into the gap, applied 75 s later
        assertThat(at(T0 + 80_001, new PoolOps.Heartbeat("a", java.util.List.of(ref), T0 + 5_000))).isEmpty();

        TaskEntry e = pool.tasks.get(ref.taskId());
        assertThat(e.heardAt).isEqualTo(T0 + 5_000 + CONFIG.moveBoundMillis());
        assertThat(expiry()).isEqualTo(e.heardAt + CONFIG.leaseMillis()).isEqualTo(T0 + 95_000);
        assertThat(e.moved).isZero();
        assertThat(e.state).isEqualTo(TaskState.ASSIGNED);
    }

    /** The reviewer's interleaving: the pause begins just before the agent's next heartbeat. */
    @Test
    void aHeartbeatHeldThroughAPause_leavesAFullLeaseFromWhenItIsApplied_soTheNextOneFindsTheLeaseAlive() {
        LeaseRef ref = work.assignment().lease();
        at(T0 + 9_900, new PoolOps.Sweep(T0 + 9_900)); // the last operation before the pause
        // released at 55 s: a sweep, then the heartbeat sent at 10 s and held
        assertThat(at(T0 + 55_000, new PoolOps.Sweep(T0 + 55_000)).revocations()).isEmpty();
        assertThat(at(T0 + 55_001, new PoolOps.Heartbeat("a", java.util.List.of(ref), T0 + 10_000))).isEmpty();
        assertThat(expiry()).isEqualTo(T0 + 55_001 + CONFIG.leaseMillis());

        // the agent heartbeats again one interval after the held one returned (BuiltInAgent sends at once; a
        // remote agent's stream may wait): a sweep comes first
        long next = T0 + 55_001 + CONFIG.heartbeatIntervalMillis();
        assertThat(at(next + 200, new PoolOps.Sweep(next + 200)).revocations()).isEmpty();
        assertThat(at(next + 300, new PoolOps.Heartbeat("a", java.util.List.of(ref), next))).isEmpty();
        assertThat(pool.tasks.get(ref.taskId()).state).isEqualTo(TaskState.ASSIGNED);
        assertThat(expiry()).isEqualTo(next + 300 + CONFIG.leaseMillis());
    }

    @Test
    void aHeartbeatHeldThroughAPause_keepsItsLeaseInTheWindow_soASecondPauseSoonAfterMovesItToo() {
        LeaseRef ref = work.assignment().lease();
        at(T0 + 9_900, new PoolOps.Sweep(T0 + 9_900));
        at(T0 + 55_000, new PoolOps.Heartbeat("a", java.util.List.of(ref), T0 + 10_000)); // held, to 85 s
        // the next heartbeat, sent at 65 s, is held by a second pause until 100 s; a sweep is applied first
        SweepReport report = at(T0 + 100_000, new PoolOps.Sweep(T0 + 100_000));

        assertThat(report.revocations()).isEmpty();
        assertThat(expiry()).as("moved by 45 - 10 s").isEqualTo(T0 + 85_000 + 35_000);
    }

    /**
     * ADR 0029's first open item: a second pause begins before the heartbeat held by the first is applied.
     * The lease had more than one interval left when each gap began (20.1 s, then 10.1 s), so both move it;
     * a third gap right after finds 0.1 s left and moves nothing.
     */
    @Test
    void twoPausesBackToBack_beforeTheHeldHeartbeatIsApplied_bothMoveTheLease_andAThirdDoesNot() {
        LeaseRef ref = work.assignment().lease();
        at(T0 + 9_900, new PoolOps.Sweep(T0 + 9_900)); // the last operation before the pause
        // the heartbeat sent at 10 s is held; reachable again at 55 s, a sweep first
        assertThat(at(T0 + 55_000, new PoolOps.Sweep(T0 + 55_000)).revocations()).isEmpty();
        assertThat(expiry()).as("moved by 45.1 - 10 s").isEqualTo(T0 + 65_100);
        // a second pause at once; the held heartbeat still waits, and a sweep is applied first after it
        assertThat(at(T0 + 70_200, new PoolOps.Sweep(T0 + 70_200)).revocations()).isEmpty();
        assertThat(expiry()).as("moved by 15.2 - 10 s").isEqualTo(T0 + 70_300);

        assertThat(at(T0 + 70_250, new PoolOps.Heartbeat("a", java.util.List.of(ref), T0 + 10_000))).isEmpty();
        assertThat(pool.tasks.get(ref.taskId()).state).isEqualTo(TaskState.ASSIGNED);
        assertThat(expiry()).as("a full lease from the bound after its send").isEqualTo(T0 + 10_000
                + CONFIG.moveBoundMillis() + CONFIG.leaseMillis());
    }

    @Test
    void aThirdPauseBackToBack_findsLessThanAnIntervalLeft_andMovesNothing() {
        at(T0 + 9_900, new PoolOps.Sweep(T0 + 9_900));
        at(T0 + 55_000, new PoolOps.Sweep(T0 + 55_000));
        at(T0 + 70_200, new PoolOps.Sweep(T0 + 70_200)); // 0.1 s left

        SweepReport report = at(T0 + 85_000, new PoolOps.Sweep(T0 + 85_000));

        assertThat(report.revocations()).singleElement()
                .satisfies(r -> assertThat(r.reason()).isEqualTo("LEASE_EXPIRED"));
    }

    /** Visits more than two intervals apart: the second one is in the window too, and the bound caps it. */
    @Test
    void slowVisitsFartherApartThanTwoIntervals_moveADeadAgentsLeaseTwice_withinTheBound() {
        assertThat(at(T0 + 45_000, new PoolOps.Sweep(T0 + 45_000)).revocations()).isEmpty(); // moved 35 s
        assertThat(at(T0 + 90_000, new PoolOps.Sweep(T0 + 90_000)).revocations()).isEmpty(); // 10 s counted

        assertThat(expiry()).as("the rest of the bound, 25 s").isEqualTo(T0 + 30_000 + CONFIG.moveBoundMillis());
        assertThat(at(T0 + 135_000, new PoolOps.Sweep(T0 + 135_000)).revocations()).hasSize(1);
    }

    /**
     * The window is judged on the lease's own terms (heard plus what moved), and a dead agent visited by a
     * slow sweep sits exactly on its edge at the third visit (each gap counts one interval): an owner clock
     * behind the hub that sent the word (here 1 ms) gives the lease that much more, and the third visit
     * moves it too, within the bound.
     */
    @Test
    void withAnOwnerClockBehindTheHubs_aThirdSlowVisitMovesADeadAgentsLease_withinTheBound() {
        pool = PoolState.create("devops", CONFIG);
        long sent = T0 + 1;
        at(T0, new PoolOps.Register(AgentRegistration.of("a", "devops", 1, "restart"), "hub", "peer", "s", sent));
        at(T0, new PoolOps.Enqueue("t-1", TaskSpec.of("p", "devops.restart"), "hub", 1, 1, false, sent));
        work = at(T0, new PoolOps.Dispatch("d-1", "hub", 1, sent)).get(0); // applied 1 ms before it was sent
        TaskEntry e = pool.tasks.get(work.assignment().taskId());
        assertThat(e.heardAt).as("a word never counts from before it was sent").isEqualTo(sent);

        for (long visit = 15_000; visit <= 45_000; visit += 15_000) {
            assertThat(at(T0 + visit, new PoolOps.Sweep(T0 + visit)).revocations()).isEmpty();
        }

        assertThat(expiry()).as("three visits moved it 5 s each").isEqualTo(sent + 30_000 + 15_000)
                .isLessThanOrEqualTo(e.heardAt + CONFIG.leaseMillis() + CONFIG.moveBoundMillis());
        assertThat(at(T0 + 60_000, new PoolOps.Sweep(T0 + 60_000)).revocations()).hasSize(1);
    }

    @Test
    void afterAClockThatLeapedForwardComesBack_aRealPauseStillMovesTheLease() {
        LeaseRef ref = work.assignment().lease();
        at(T0 + 3_600_000, new PoolOps.Touch(java.util.Map.of(), T0)); // an owner clock 1 h ahead: the bound, to 90 s
        at(T0 + 20_000, new PoolOps.Heartbeat("a", java.util.List.of(ref), T0 + 20_000)); // the clock is back
        assertThat(expiry()).as("the heartbeat counts from its apply time: keeps 90 s, 40 s moved").isEqualTo(T0 + 90_000);
        SweepReport report = at(T0 + 45_000, new PoolOps.Sweep(T0 + 45_000)); // a 25 s pause

        assertThat(report.revocations()).isEmpty();
        assertThat(expiry()).as("moved by 25 - 10 s").isEqualTo(T0 + 105_000);
    }

    @Test
    void anOperationThatThrows_leavesNoMoveBehind_soTheOwnerStaysEqualToItsBackups() {
        byte[] before = PoolCodec.toBytes(pool);
        PoolOp<?> wrongType = new PoolOps.Register(AgentRegistration.of("b", "network", 1, "restart"), "hub", "peer",
                "s", T0 + 45_000);

        assertThatThrownBy(() -> at(T0 + 45_000, wrongType)).isInstanceOf(IllegalArgumentException.class);

        assertThat(PoolCodec.toBytes(pool)).as("as the backups, which never got the operation").isEqualTo(before);
        at(T0 + 45_000, new PoolOps.Sweep(T0 + 45_000));
        assertThat(expiry()).as("the next operation moves the lease once").isEqualTo(T0 + 65_000);
    }
}
