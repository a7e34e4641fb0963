package io.commandcenter.scheduler;

import io.commandcenter.scheduler.agents.ScoreWeights;
import io.commandcenter.scheduler.capacity.AnticipationRule;
import io.commandcenter.scheduler.fairqueue.FairQueue;
import io.commandcenter.scheduler.pool.PoolConfig;
import io.commandcenter.scheduler.task.Placement;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * How one hub's scheduler behaves. Defaults in {@link #defaults(String)}; the proposed environment
 * variables are in docs/phase12-intelligence.md, section 14.11.
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
 * @param anticipationHorizon  how long the hub announces a prediction's remediation work for
 *                             ({@link Scheduler#anticipate}): its capacity is held back until then, or
 *                             until a task caused by the prediction arrives
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
                                AnticipationRule anticipation, Duration anticipationHorizon, boolean metaHub,
                                boolean delegation, Duration federationInterval, Duration saturationWait,
                                boolean background) {
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
        if (anticipationHorizon.isNegative() || anticipationHorizon.isZero()) {
            throw new IllegalArgumentException("cc.scheduler.anticipation-horizon must be positive, got "
                    + anticipationHorizon);
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
                Duration.ofSeconds(1), 64 * 1024, 1.0, 1.0, Map.of(), Duration.ofHours(24), Duration.ofHours(1), 10_000,
                100_000, Duration.ofSeconds(90), ScoreWeights.DEFAULT, AnticipationRule.DEFAULT, Duration.ofMinutes(5),
                false, false, Duration.ofSeconds(5), Duration.ofSeconds(2), true);
    }

    /**
     * Reads the settings from configuration properties (the hub passes its MicroProfile Config;
     * environment variables map by the usual rule: {@code cc.scheduler.meta-hub} ↔
     * {@code CC_SCHEDULER_META_HUB}). Missing or empty properties keep {@link #defaults}.
     * Durations are ISO-8601 ({@code PT30S}) or whole seconds.
     *
     * <pre>
     * cc.scheduler.placement                cluster | origin-hub                     (cluster)
     * cc.scheduler.policy                   wfq | round-robin                        (wfq)
     * cc.scheduler.lease                    lease without heartbeat                  (PT30S)
     * cc.scheduler.dispatch-batch           assignments per dispatch operation       (64)
     * cc.scheduler.sweep-interval           maintenance period                       (PT1S)
     * cc.scheduler.max-payload-bytes        largest task inputs / result output      (65536)
     * cc.scheduler.risk-boost               priority × (1 + boost × risk)            (1.0)
     * cc.scheduler.default-weight           weight of projects not listed            (1.0)
     * cc.scheduler.project-weights          project=weight,...                       (none)
     * cc.scheduler.idempotency-retention    how long keys are remembered             (PT24H)
     * cc.scheduler.retention                finished tasks stay readable             (PT1H)
     * cc.scheduler.max-retained             finished tasks kept per agent type       (10000)
     * cc.scheduler.max-unfinished           unfinished tasks per project and type    (100000)
     * cc.scheduler.agent-silence            silent agents are disconnected after     (PT90S)
     * cc.scheduler.score-weights            capability=,headroom=,success=,affinity= (0.15,0.35,0.30,0.20)
     * cc.scheduler.reserve-fraction         most capacity held for predicted work    (0.5; 0 = off)
     * cc.scheduler.trend-horizon            arrival trend extrapolated over          (PT1M)
     * cc.scheduler.anticipation-horizon     how long a prediction holds capacity     (PT5M)
     * cc.scheduler.meta-hub                 this hub observes every hub              (false)
     * cc.scheduler.delegation               as meta hub, delegate work               (false)
     * cc.scheduler.federation-interval      how often the meta hub looks             (PT5S)
     * cc.scheduler.saturation-wait          backlog age that makes a hub saturated   (PT2S)
     * </pre>
     *
     * @throws IllegalArgumentException naming the property at fault
     */
    public static SchedulerSettings from(String hubId, Function<String, String> property) {
        SchedulerSettings d = defaults(hubId);
        Reader r = new Reader(property);
        Map<String, Double> weights = new TreeMap<>();
        for (String pair : r.text("cc.scheduler.project-weights", "").split(",")) {
            if (!pair.isBlank()) {
                String[] kv = pair.split("=", 2);
                weights.put(kv[0].strip(), r.parse("cc.scheduler.project-weights", kv.length < 2 ? "" : kv[1]));
            }
        }
        Map<String, Double> sw = new TreeMap<>(Map.of("capability", d.scoreWeights.capability(), "headroom",
                d.scoreWeights.headroom(), "success", d.scoreWeights.success(), "affinity", d.scoreWeights.affinity()));
        for (String pair : r.text("cc.scheduler.score-weights", "").split(",")) {
            if (!pair.isBlank()) {
                String[] kv = pair.split("=", 2);
                if (!sw.containsKey(kv[0].strip())) {
                    throw new IllegalArgumentException("cc.scheduler.score-weights: unknown term '" + kv[0] + "'");
                }
                sw.put(kv[0].strip(), r.parse("cc.scheduler.score-weights", kv.length < 2 ? "" : kv[1]));
            }
        }
        String placement = r.text("cc.scheduler.placement", "cluster").toLowerCase(Locale.ROOT);
        String policy = r.text("cc.scheduler.policy", "wfq").toLowerCase(Locale.ROOT);
        try {
            return new SchedulerSettings(hubId,
                    switch (placement) {
                        case "cluster" -> Placement.CLUSTER;
                        case "origin-hub" -> Placement.ORIGIN_HUB;
                        default -> throw new IllegalArgumentException("cc.scheduler.placement must be cluster or "
                                + "origin-hub, got '" + placement + "'");
                    },
                    switch (policy) {
                        case "wfq" -> FairQueue.Policy.WFQ;
                        case "round-robin" -> FairQueue.Policy.ROUND_ROBIN;
                        default -> throw new IllegalArgumentException("cc.scheduler.policy must be wfq or round-robin,"
                                + " got '" + policy + "'");
                    },
                    r.duration("cc.scheduler.lease", d.lease), (int) r.number("cc.scheduler.dispatch-batch",
                            Integer.toString(d.dispatchBatch)),
                    r.duration("cc.scheduler.sweep-interval", d.sweepInterval),
                    (int) r.number("cc.scheduler.max-payload-bytes", Integer.toString(d.maxPayloadBytes)),
                    r.number("cc.scheduler.risk-boost", Double.toString(d.riskBoost)),
                    r.number("cc.scheduler.default-weight", Double.toString(d.defaultWeight)), weights,
                    r.duration("cc.scheduler.idempotency-retention", d.idempotencyRetention),
                    r.duration("cc.scheduler.retention", d.retention),
                    (int) r.number("cc.scheduler.max-retained", Integer.toString(d.maxRetained)),
                    (int) r.number("cc.scheduler.max-unfinished", Integer.toString(d.maxUnfinishedPerProject)),
                    r.duration("cc.scheduler.agent-silence", d.agentSilence),
                    new ScoreWeights(sw.get("capability"), sw.get("headroom"), sw.get("success"), sw.get("affinity")),
                    new AnticipationRule(r.number("cc.scheduler.reserve-fraction",
                            Double.toString(d.anticipation.maxReservedFraction())),
                            r.duration("cc.scheduler.trend-horizon",
                                    Duration.ofMillis(d.anticipation.trendHorizonMillis())).toMillis(),
                            d.anticipation.shortHalfLifeMillis(), d.anticipation.longHalfLifeMillis()),
                    r.duration("cc.scheduler.anticipation-horizon", d.anticipationHorizon),
                    r.bool("cc.scheduler.meta-hub"), r.bool("cc.scheduler.delegation"),
                    r.duration("cc.scheduler.federation-interval", d.federationInterval),
                    r.duration("cc.scheduler.saturation-wait", d.saturationWait), true);
        } catch (IllegalArgumentException e) {
            throw e.getMessage() != null && e.getMessage().startsWith("cc.") ? e
                    : new IllegalArgumentException("invalid cc.scheduler.* setting: " + e.getMessage(), e);
        }
    }

    /** Reads typed properties, naming the property in every error. */
    private record Reader(Function<String, String> property) {
        String text(String name, String fallback) {
            String v = property.apply(name);
            return v == null || v.isBlank() ? fallback : v.strip();
        }

        /** The property as a number, or {@code fallback} when it is not set. */
        double number(String name, String fallback) {
            return parse(name, text(name, fallback));
        }

        /** One value of a list property ({@code name}) as a number. */
        double parse(String name, String value) {
            String v = value == null ? "" : value.strip();
            try {
                return Double.parseDouble(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + ": not a number: '" + v + "'", e);
            }
        }

        Duration duration(String name, Duration fallback) {
            String v = text(name, "");
            if (v.isEmpty()) {
                return fallback;
            }
            try {
                return v.chars().allMatch(Character::isDigit) ? Duration.ofSeconds(Long.parseLong(v)) : Duration.parse(v);
            } catch (DateTimeParseException | NumberFormatException e) {
                throw new IllegalArgumentException(name + ": not a duration (PT30S or seconds): '" + v + "'", e);
            }
        }

        boolean bool(String name) {
            String v = text(name, "false").toLowerCase(Locale.ROOT);
            if (!v.equals("true") && !v.equals("false")) {
                throw new IllegalArgumentException(name + ": true or false, got '" + v + "'");
            }
            return v.equals("true");
        }
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
                maxUnfinishedPerProject, agentSilence, scoreWeights, anticipation, anticipationHorizon, metaHub,
                delegation, federationInterval, saturationWait, value);
    }

    public SchedulerSettings withPlacement(Placement value) {
        return new SchedulerSettings(hubId, value, policy, lease, dispatchBatch, sweepInterval, maxPayloadBytes,
                riskBoost, defaultWeight, projectWeights, idempotencyRetention, retention, maxRetained,
                maxUnfinishedPerProject, agentSilence, scoreWeights, anticipation, anticipationHorizon, metaHub,
                delegation, federationInterval, saturationWait, background);
    }

    public SchedulerSettings withPolicy(FairQueue.Policy value) {
        return new SchedulerSettings(hubId, placement, value, lease, dispatchBatch, sweepInterval, maxPayloadBytes,
                riskBoost, defaultWeight, projectWeights, idempotencyRetention, retention, maxRetained,
                maxUnfinishedPerProject, agentSilence, scoreWeights, anticipation, anticipationHorizon, metaHub,
                delegation, federationInterval, saturationWait, background);
    }

    public SchedulerSettings withLease(Duration value) {
        return new SchedulerSettings(hubId, placement, policy, value, dispatchBatch, sweepInterval, maxPayloadBytes,
                riskBoost, defaultWeight, projectWeights, idempotencyRetention, retention, maxRetained,
                maxUnfinishedPerProject, agentSilence, scoreWeights, anticipation, anticipationHorizon, metaHub,
                delegation, federationInterval, saturationWait, background);
    }

    public SchedulerSettings withSweepInterval(Duration value) {
        return new SchedulerSettings(hubId, placement, policy, lease, dispatchBatch, value, maxPayloadBytes, riskBoost,
                defaultWeight, projectWeights, idempotencyRetention, retention, maxRetained, maxUnfinishedPerProject,
                agentSilence, scoreWeights, anticipation, anticipationHorizon, metaHub, delegation, federationInterval,
                saturationWait, background);
    }

    public SchedulerSettings withProjectWeights(Map<String, Double> value) {
        return new SchedulerSettings(hubId, placement, policy, lease, dispatchBatch, sweepInterval, maxPayloadBytes,
                riskBoost, defaultWeight, value, idempotencyRetention, retention, maxRetained, maxUnfinishedPerProject,
                agentSilence, scoreWeights, anticipation, anticipationHorizon, metaHub, delegation, federationInterval,
                saturationWait, background);
    }

    public SchedulerSettings withDispatchBatch(int value) {
        return new SchedulerSettings(hubId, placement, policy, lease, value, sweepInterval, maxPayloadBytes, riskBoost,
                defaultWeight, projectWeights, idempotencyRetention, retention, maxRetained, maxUnfinishedPerProject,
                agentSilence, scoreWeights, anticipation, anticipationHorizon, metaHub, delegation, federationInterval,
                saturationWait, background);
    }

    public SchedulerSettings withMaxUnfinishedPerProject(int value) {
        return new SchedulerSettings(hubId, placement, policy, lease, dispatchBatch, sweepInterval, maxPayloadBytes,
                riskBoost, defaultWeight, projectWeights, idempotencyRetention, retention, maxRetained, value,
                agentSilence, scoreWeights, anticipation, anticipationHorizon, metaHub, delegation, federationInterval,
                saturationWait, background);
    }

    public SchedulerSettings withMaxPayloadBytes(int value) {
        return new SchedulerSettings(hubId, placement, policy, lease, dispatchBatch, sweepInterval, value, riskBoost,
                defaultWeight, projectWeights, idempotencyRetention, retention, maxRetained, maxUnfinishedPerProject,
                agentSilence, scoreWeights, anticipation, anticipationHorizon, metaHub, delegation, federationInterval,
                saturationWait, background);
    }

    public SchedulerSettings withAnticipation(AnticipationRule value) {
        return new SchedulerSettings(hubId, placement, policy, lease, dispatchBatch, sweepInterval, maxPayloadBytes,
                riskBoost, defaultWeight, projectWeights, idempotencyRetention, retention, maxRetained,
                maxUnfinishedPerProject, agentSilence, scoreWeights, value, anticipationHorizon, metaHub, delegation,
                federationInterval, saturationWait, background);
    }

    public SchedulerSettings withAnticipationHorizon(Duration value) {
        return new SchedulerSettings(hubId, placement, policy, lease, dispatchBatch, sweepInterval, maxPayloadBytes,
                riskBoost, defaultWeight, projectWeights, idempotencyRetention, retention, maxRetained,
                maxUnfinishedPerProject, agentSilence, scoreWeights, anticipation, value, metaHub, delegation,
                federationInterval, saturationWait, background);
    }

    /** This hub as meta hub, delegating or only observing. */
    public SchedulerSettings asMetaHub(boolean delegate, Duration interval, Duration wait) {
        return new SchedulerSettings(hubId, placement, policy, lease, dispatchBatch, sweepInterval, maxPayloadBytes,
                riskBoost, defaultWeight, projectWeights, idempotencyRetention, retention, maxRetained,
                maxUnfinishedPerProject, agentSilence, scoreWeights, anticipation, anticipationHorizon, true, delegate,
                interval, wait, background);
    }
}
