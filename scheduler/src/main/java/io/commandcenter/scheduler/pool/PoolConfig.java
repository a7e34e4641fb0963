package io.commandcenter.scheduler.pool;

import io.commandcenter.scheduler.agents.ScoreWeights;
import io.commandcenter.scheduler.capacity.AnticipationRule;
import io.commandcenter.scheduler.fairqueue.FairQueue;
import io.commandcenter.scheduler.wire.WireIn;
import io.commandcenter.scheduler.wire.WireOut;

/**
 * The rules one pool operation runs by. Sent with every operation (it is small), so every replica
 * applies exactly the rules the deciding hub used.
 *
 * @param policy                   queue discipline; fixed when the pool is created
 * @param leaseMillis              how long a lease lasts without a heartbeat
 * @param retentionMillis          how long finished tasks stay readable
 * @param maxRetained              finished tasks kept per pool at most (oldest dropped first)
 * @param recentAssignments        assignment decisions kept per pool for {@code ListAssignments}
 * @param perFlowScan              tasks of one workflow offered to the eligibility check per decision
 * @param totalScan                tasks offered in all per decision
 * @param maxUnfinishedPerProject  waiting + queued + assigned tasks one project may have in the pool
 * @param successHalfLifeMillis    half-life of the success-rate record
 * @param agentSilenceMillis       an agent not heard from this long is disconnected
 * @param agentRetentionMillis     a disconnected agent without leases is forgotten after this long
 * @param capabilityRetentionMillis an action stays known this long after its last agent left
 * @param waitingRedriveMillis     a waiting task older than this is re-checked against its target gate
 */
public record PoolConfig(FairQueue.Policy policy, long leaseMillis, long retentionMillis, int maxRetained,
                         int recentAssignments, int perFlowScan, int totalScan, int maxUnfinishedPerProject,
                         long successHalfLifeMillis, long agentSilenceMillis, long agentRetentionMillis,
                         long capabilityRetentionMillis, long waitingRedriveMillis, ScoreWeights weights,
                         AnticipationRule anticipation) {
    public static final PoolConfig DEFAULT = new PoolConfig(FairQueue.Policy.WFQ, 30_000, 3_600_000, 10_000, 2_000,
            32, 4_096, 100_000, 1_800_000, 90_000, 600_000, 86_400_000, 5_000, ScoreWeights.DEFAULT,
            AnticipationRule.DEFAULT);

    public PoolConfig {
        if (leaseMillis < 1 || retentionMillis < 0 || maxRetained < 0 || recentAssignments < 0 || perFlowScan < 1
                || totalScan < 1 || maxUnfinishedPerProject < 1 || successHalfLifeMillis < 1 || agentSilenceMillis < 1
                || agentRetentionMillis < 0 || capabilityRetentionMillis < 0 || waitingRedriveMillis < 1) {
            throw new IllegalArgumentException("pool settings out of range: " + this);
        }
    }

    /**
     * Hazelcast's default failure detection ({@code hazelcast.max.no.heartbeat.seconds} = 60): how
     * long a member lost without closing its connections keeps its partitions unreachable.
     */
    public static final long MEMBER_TIMEOUT_MILLIS = 60_000;

    /** How often an agent heartbeats: a third of the lease ({@code AgentConnection#heartbeatInterval}). */
    public long heartbeatIntervalMillis() {
        return Math.max(1, leaseMillis / 3);
    }

    /**
     * The longest gap between two operations applied to a pool that counts in full towards its
     * leases: one heartbeat interval. A pool with a live lease is reached at least that often by its
     * agent's heartbeats; of a longer gap, only this much counts (see {@link PoolState#reach}).
     */
    public long pauseAllowanceMillis() {
        return heartbeatIntervalMillis();
    }

    /**
     * The most a lease is ever moved on between two times its agent is heard: the larger of one
     * lease and {@link #MEMBER_TIMEOUT_MILLIS}. Caps what a member's clock that leaps forward, or a
     * clock that leads the previous owner's, can add to a lease.
     */
    public long moveBoundMillis() {
        return Math.max(leaseMillis, MEMBER_TIMEOUT_MILLIS);
    }

    public PoolConfig withPolicy(FairQueue.Policy value) {
        return new PoolConfig(value, leaseMillis, retentionMillis, maxRetained, recentAssignments, perFlowScan,
                totalScan, maxUnfinishedPerProject, successHalfLifeMillis, agentSilenceMillis, agentRetentionMillis,
                capabilityRetentionMillis, waitingRedriveMillis, weights, anticipation);
    }

    public PoolConfig withLeaseMillis(long value) {
        return new PoolConfig(policy, value, retentionMillis, maxRetained, recentAssignments, perFlowScan, totalScan,
                maxUnfinishedPerProject, successHalfLifeMillis, agentSilenceMillis, agentRetentionMillis,
                capabilityRetentionMillis, waitingRedriveMillis, weights, anticipation);
    }

    public PoolConfig withMaxUnfinishedPerProject(int value) {
        return new PoolConfig(policy, leaseMillis, retentionMillis, maxRetained, recentAssignments, perFlowScan,
                totalScan, value, successHalfLifeMillis, agentSilenceMillis, agentRetentionMillis,
                capabilityRetentionMillis, waitingRedriveMillis, weights, anticipation);
    }

    public PoolConfig withAnticipation(AnticipationRule value) {
        return new PoolConfig(policy, leaseMillis, retentionMillis, maxRetained, recentAssignments, perFlowScan,
                totalScan, maxUnfinishedPerProject, successHalfLifeMillis, agentSilenceMillis, agentRetentionMillis,
                capabilityRetentionMillis, waitingRedriveMillis, weights, value);
    }

    public static void write(WireOut out, PoolConfig c) {
        out.i32(c.policy.ordinal()).i64(c.leaseMillis).i64(c.retentionMillis).i32(c.maxRetained)
                .i32(c.recentAssignments).i32(c.perFlowScan).i32(c.totalScan).i32(c.maxUnfinishedPerProject)
                .i64(c.successHalfLifeMillis).i64(c.agentSilenceMillis).i64(c.agentRetentionMillis)
                .i64(c.capabilityRetentionMillis).i64(c.waitingRedriveMillis);
        ScoreWeights.write(out, c.weights);
        AnticipationRule.write(out, c.anticipation);
    }

    public static PoolConfig read(WireIn in) {
        return new PoolConfig(FairQueue.Policy.values()[in.i32()], in.i64(), in.i64(), in.i32(), in.i32(), in.i32(),
                in.i32(), in.i32(), in.i64(), in.i64(), in.i64(), in.i64(), in.i64(), ScoreWeights.read(in),
                AnticipationRule.read(in));
    }
}
