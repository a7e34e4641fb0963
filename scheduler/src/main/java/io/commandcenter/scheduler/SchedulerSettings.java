package io.commandcenter.scheduler;

import io.commandcenter.scheduler.agents.ScoreWeights;
import io.commandcenter.scheduler.capacity.AnticipationRule;
import io.commandcenter.scheduler.fairqueue.FairQueue;
import io.commandcenter.scheduler.pool.PoolConfig;
import io.commandcenter.scheduler.task.Placement;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * How one hub's scheduler behaves. Defaults in {@link #defaults(String)}; the proposed environment
 * variables are in the module's DESIGN-NOTES.
 *
 * @param hubId                this hub's id (stamped on decisions, where agents' streams are)
 * @param placement            where tasks that do not say may run
 * @param policy               queue discipline of new pools (WFQ; ROUND_ROBIN is the benchmark baseline)
 * @param lease                how long a lease lasts without a heartbeat
 * @param dispatchBatch        most assignments one dispatch operation makes
 * @param sweepInterval        how often this hub runs maintenance (lease expiry, gates, retention)
 * @param maxPayloadBytes      largest inputs/output JSON of a task
 * @param riskBoost            effective priority = priority / 5 × (1 + riskBoost × risk)
 * @param defaultWeight        weight of a project nobody set one for
 * @param projectWeights       initial weights by project
 * @param idempotencyRetention how long idempotency keys are remembered
 * @param retention            how long finished tasks stay readable
 * @param maxRetained          finished tasks kept per agent type
 * @param maxUnfinishedPerProject unfinished tasks one project may have per agent type
 * @param agentSilence         an agent not heard from this long is disconnected
 * @param scoreWeights         weights of the agent score
 * @param anticipation         the spike-anticipation rule
 * @param metaHub              this hub observes every hub's queues and capacity (federation)
 * @param delegation           as meta hub, delegate work of saturated hubs to others
 * @param federationInterval   how often the meta hub looks
 * @param saturationWait       a hub is saturated when work only it may run waits this long with no free slot
 * @param background           run dispatch, maintenance and federation on threads of their own;
 *                             false leaves them to {@link Scheduler#runPending()}, {@link Scheduler#sweep()}
 *                             and {@link Scheduler#rebalance()} (deterministic tests)
 */
public record SchedulerSettings(String hubId, Placement placement, FairQueue.Policy policy, Duration lease,
                                int dispatchBatch, Duration sweepInterval, int maxPayloadBytes, double riskBoost,
                                double defaultWeight, Map<String, Double> projectWeights,
                                Duration idempotencyRetention, Duration retention, int maxRetained,
                                int maxUnfinishedPerProject, Duration agentSilence, ScoreWeights scoreWeights,
                                AnticipationRule anticipation, boolean metaHub, boolean delegation,
                                Duration federationInterval, Duration saturationWait, boolean background) {
    public SchedulerSettings {
        Objects.requireNonNull(hubId, "hubId");
        if (hubId.isEmpty()) {
            throw new IllegalArgumentException("hubId is required");
        }
        if (placement == Placement.DEFAULT) {
            throw new IllegalArgumentException("the default placement must be CLUSTER or ORIGIN_HUB");
        }
        projectWeights = Map.copyOf(new TreeMap<>(projectWeights));
        projectWeights.values().forEach(SchedulerSettings::checkWeight);
        checkWeight(defaultWeight);
        if (dispatchBatch < 1 || maxPayloadBytes < 1 || riskBoost < 0 || maxRetained < 0
                || maxUnfinishedPerProject < 1 || lease.isNegative() || lease.isZero() || sweepInterval.isZero()
                || sweepInterval.isNegative() || federationInterval.isZero() || saturationWait.isNegative()) {
            throw new IllegalArgumentException("scheduler settings out of range");
        }
    }

    private static void checkWeight(double w) {
        if (!(w > 0) || !Double.isFinite(w)) {
            throw new IllegalArgumentException("project weights must be finite and > 0, got " + w);
        }
    }

    /** The defaults: cluster placement, WFQ, 30 s leases, batches of 64, background threads on. */
    public static SchedulerSettings defaults(String hubId) {
        return new SchedulerSettings(hubId, Placement.CLUSTER, FairQueue.Policy.WFQ, Duration.ofSeconds(30), 64,
                Duration.ofSeconds(1), 64 * 1024, 1.0, 1.0, Map.of(), Duration.ofHours(24), Duration.ofHours(1),
                10_000, 100_000, Duration.ofSeconds(90), ScoreWeights.DEFAULT, AnticipationRule.DEFAULT, false, false,
                Duration.ofSeconds(5), Duration.ofSeconds(2), true);
    }

    /** The rules sent with every pool operation. */
    public PoolConfig poolConfig() {
        return new PoolConfig(policy, lease.toMillis(), retention.toMillis(), maxRetained, 2_000, 32, 4_096,
                maxUnfinishedPerProject, Duration.ofMinutes(30).toMillis(), agentSilence.toMillis(),
                Duration.ofMinutes(10).toMillis(), Duration.ofHours(24).toMillis(), 5_000, scoreWeights,
                anticipation);
    }

    /** The weight configured for a project here. */
    public double weightOf(String project) {
        return projectWeights.getOrDefault(project, defaultWeight);
    }

    public SchedulerSettings withBackground(boolean value) {
        return new SchedulerSettings(hubId, placement, policy, lease, dispatchBatch, sweepInterval, maxPayloadBytes,
                riskBoost, defaultWeight, projectWeights, idempotencyRetention, retention, maxRetained,
                maxUnfinishedPerProject, agentSilence, scoreWeights, anticipation, metaHub, delegation,
                federationInterval, saturationWait, value);
    }

    public SchedulerSettings withPlacement(Placement value) {
        return new SchedulerSettings(hubId, value, policy, lease, dispatchBatch, sweepInterval, maxPayloadBytes,
                riskBoost, defaultWeight, projectWeights, idempotencyRetention, retention, maxRetained,
                maxUnfinishedPerProject, agentSilence, scoreWeights, anticipation, metaHub, delegation,
                federationInterval, saturationWait, background);
    }

    public SchedulerSettings withPolicy(FairQueue.Policy value) {
        return new SchedulerSettings(hubId, placement, value, lease, dispatchBatch, sweepInterval, maxPayloadBytes,
                riskBoost, defaultWeight, projectWeights, idempotencyRetention, retention, maxRetained,
                maxUnfinishedPerProject, agentSilence, scoreWeights, anticipation, metaHub, delegation,
                federationInterval, saturationWait, background);
    }

    public SchedulerSettings withLease(Duration value) {
        return new SchedulerSettings(hubId, placement, policy, value, dispatchBatch, sweepInterval, maxPayloadBytes,
                riskBoost, defaultWeight, projectWeights, idempotencyRetention, retention, maxRetained,
                maxUnfinishedPerProject, agentSilence, scoreWeights, anticipation, metaHub, delegation,
                federationInterval, saturationWait, background);
    }

    public SchedulerSettings withSweepInterval(Duration value) {
        return new SchedulerSettings(hubId, placement, policy, lease, dispatchBatch, value, maxPayloadBytes,
                riskBoost, defaultWeight, projectWeights, idempotencyRetention, retention, maxRetained,
                maxUnfinishedPerProject, agentSilence, scoreWeights, anticipation, metaHub, delegation,
                federationInterval, saturationWait, background);
    }

    public SchedulerSettings withProjectWeights(Map<String, Double> value) {
        return new SchedulerSettings(hubId, placement, policy, lease, dispatchBatch, sweepInterval, maxPayloadBytes,
                riskBoost, defaultWeight, value, idempotencyRetention, retention, maxRetained,
                maxUnfinishedPerProject, agentSilence, scoreWeights, anticipation, metaHub, delegation,
                federationInterval, saturationWait, background);
    }

    public SchedulerSettings withDispatchBatch(int value) {
        return new SchedulerSettings(hubId, placement, policy, lease, value, sweepInterval, maxPayloadBytes,
                riskBoost, defaultWeight, projectWeights, idempotencyRetention, retention, maxRetained,
                maxUnfinishedPerProject, agentSilence, scoreWeights, anticipation, metaHub, delegation,
                federationInterval, saturationWait, background);
    }

    public SchedulerSettings withMaxUnfinishedPerProject(int value) {
        return new SchedulerSettings(hubId, placement, policy, lease, dispatchBatch, sweepInterval, maxPayloadBytes,
                riskBoost, defaultWeight, projectWeights, idempotencyRetention, retention, maxRetained, value,
                agentSilence, scoreWeights, anticipation, metaHub, delegation, federationInterval, saturationWait,
                background);
    }

    public SchedulerSettings withMaxPayloadBytes(int value) {
        return new SchedulerSettings(hubId, placement, policy, lease, dispatchBatch, sweepInterval, value, riskBoost,
                defaultWeight, projectWeights, idempotencyRetention, retention, maxRetained, maxUnfinishedPerProject,
                agentSilence, scoreWeights, anticipation, metaHub, delegation, federationInterval, saturationWait,
                background);
    }

    public SchedulerSettings withAnticipation(AnticipationRule value) {
        return new SchedulerSettings(hubId, placement, policy, lease, dispatchBatch, sweepInterval, maxPayloadBytes,
                riskBoost, defaultWeight, projectWeights, idempotencyRetention, retention, maxRetained,
                maxUnfinishedPerProject, agentSilence, scoreWeights, value, metaHub, delegation, federationInterval,
                saturationWait, background);
    }

    /** This hub as meta hub, delegating or only observing. */
    public SchedulerSettings asMetaHub(boolean delegate, Duration interval, Duration wait) {
        return new SchedulerSettings(hubId, placement, policy, lease, dispatchBatch, sweepInterval, maxPayloadBytes,
                riskBoost, defaultWeight, projectWeights, idempotencyRetention, retention, maxRetained,
                maxUnfinishedPerProject, agentSilence, scoreWeights, anticipation, true, delegate, interval, wait,
                background);
    }
}
