package io.commandcenter.hub.runtime;

import io.commandcenter.hub.metrics.MetricRegistry;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.remediate.Timers;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * {@code cc_remediation_approvals_pending}, counted off the scrape path: a timer thread counts the pending
 * approvals of every project the hub knows, at once and then every {@link #EVERY}, and a scrape reports the
 * last counts without touching the database. Each count is one query in the store (nothing loaded, no
 * cap). A count that fails (the database down or slow) keeps that
 * project's last value, and the failure is logged once until a count succeeds again. The approvals live in
 * the shared database, so every hub of a cluster reports the same, cluster-wide, value: aggregate over hubs
 * with {@code max}, never {@code sum}.
 */
final class PendingApprovalsGauge implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(PendingApprovalsGauge.class.getName());
    static final String NAME = "cc_remediation_approvals_pending";
    /** How often the counts are refreshed. */
    static final Duration EVERY = Duration.ofSeconds(10);

    private final Supplier<Set<ProjectId>> projects;
    private final ToLongFunction<ProjectId> pending;
    private final Map<ProjectId, Long> last = new ConcurrentHashMap<>();
    private volatile boolean failing;
    private volatile Timers timers;

    /**
     * @param projects the projects to count (read on each refresh)
     * @param pending  a project's pending approvals; may block or throw
     */
    PendingApprovalsGauge(Supplier<Set<ProjectId>> projects, ToLongFunction<ProjectId> pending) {
        this.projects = projects;
        this.pending = pending;
    }

    /** Registers the gauge in {@code registry}; it reports the last counts. */
    PendingApprovalsGauge register(MetricRegistry registry) {
        registry.gauge(NAME, "Approvals waiting for a person (cluster-wide: the same on every hub).",
                List.of("project"), s -> last.forEach((p, n) -> s.set(n, p.value())));
        return this;
    }

    /** Counts now, on a thread of its own, and then every {@link #EVERY} until closed. */
    PendingApprovalsGauge start(Clock clock) {
        return start(clock, EVERY);
    }

    /** Counts now, on a thread of its own, and then every {@code period} until closed. */
    PendingApprovalsGauge start(Clock clock, Duration period) {
        Timers started = Timers.onThread(clock, "cc-metrics-approvals");
        timers = started;
        started.at(clock.instant(), this::refresh);
        started.every(period, this::refresh);
        return this;
    }

    /** Counts every project's pending approvals; a project whose count fails keeps its last value. */
    void refresh() {
        RuntimeException failed = null;
        for (ProjectId p : projects.get()) {
            try {
                last.put(p, pending.applyAsLong(p));
            } catch (RuntimeException e) {
                failed = e;
            }
        }
        if (failed != null && !failing) {
            LOG.log(Level.WARNING, "cannot count the pending approvals (the gauge keeps its last values until a "
                    + "count succeeds): {0}", failed.getMessage());
        } else if (failed == null && failing) {
            LOG.log(Level.INFO, "pending approvals counted again");
        }
        failing = failed != null;
    }

    @Override
    public void close() {
        Timers started = timers;
        if (started != null) {
            started.close();
        }
    }
}
