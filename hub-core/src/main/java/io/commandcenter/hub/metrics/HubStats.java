package io.commandcenter.hub.metrics;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.hub.project.ProjectId;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The headline figures of a project over a window back from now ({@code cc stats}, guide section
 * 21), from the same counters {@code /metrics} serves: a snapshot of every project's totals each
 * minute ({@link #snapshot}), at most a day of them; a window's figures are today's totals minus
 * those of the last snapshot at or before its start (zero at the hub's start), so a window covers
 * at least what was asked, up to a minute more.
 */
public final class HubStats {
    /** The longest window. */
    public static final Duration MAX_WINDOW = Duration.ofHours(24);
    /** How often the hub takes a snapshot. */
    public static final Duration EVERY = Duration.ofMinutes(1);

    /** A project's counts since the hub started. */
    public record Totals(double predictions, double confidenceSum, double truePositives, double falsePositives,
                         double missed, double automatic, double approval, double refused, double automaticOutcomes,
                         double automaticRecovered) {
        static final Totals ZERO = new Totals(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

        Totals minus(Totals o) {
            return new Totals(predictions - o.predictions, confidenceSum - o.confidenceSum,
                    truePositives - o.truePositives, falsePositives - o.falsePositives, missed - o.missed,
                    automatic - o.automatic, approval - o.approval, refused - o.refused,
                    automaticOutcomes - o.automaticOutcomes, automaticRecovered - o.automaticRecovered);
        }
    }

    /** The figures of a window. */
    public record Figures(Instant since, Instant until, Totals counts) {
        public OptionalDouble averageConfidence() {
            return ratio(counts.confidenceSum(), counts.predictions());
        }

        public OptionalDouble precision() {
            return ratio(counts.truePositives(), counts.truePositives() + counts.falsePositives());
        }

        public OptionalDouble recall() {
            return ratio(counts.truePositives(), counts.truePositives() + counts.missed());
        }

        public OptionalDouble f1() {
            OptionalDouble p = precision();
            OptionalDouble r = recall();
            if (p.isEmpty() || r.isEmpty()) {
                return OptionalDouble.empty();
            }
            return ratio(2 * p.getAsDouble() * r.getAsDouble(), p.getAsDouble() + r.getAsDouble());
        }

        public OptionalDouble falsePositiveRate() {
            return ratio(counts.falsePositives(), counts.truePositives() + counts.falsePositives());
        }

        public OptionalDouble successRatio() {
            return ratio(counts.automaticRecovered(), counts.automaticOutcomes());
        }

        private static OptionalDouble ratio(double a, double b) {
            return b > 0 ? OptionalDouble.of(a / b) : OptionalDouble.empty();
        }
    }

    private record Snapshot(Instant at, Map<String, Totals> totals) {
    }

    private final HubMetrics metrics;
    private final Clock clock;
    private final Instant started;
    private final Deque<Snapshot> snapshots = new ArrayDeque<>();

    public HubStats(HubMetrics metrics, Clock clock) {
        this.metrics = metrics;
        this.clock = clock;
        this.started = clock.instant();
    }

    /** A project's totals now. */
    public Totals totals(ProjectId project) {
        String p = project.value();
        return new Totals(metrics.predictions.sum(p), metrics.predictionConfidence.totalSum(p),
                metrics.truePositives.sum(p), metrics.falsePositives.sum(p), metrics.missed.sum(p),
                metrics.decisions.sum(p, null, "automatic"), metrics.decisions.sum(p, null, "approval"),
                metrics.decisions.sum(p, null, "refused"), metrics.outcomes.sum(p, "automatic"),
                metrics.outcomes.sum(p, "automatic", "recovered"));
    }

    /** Keeps every project's totals now; what is older than a day (and a minute) is dropped. */
    public void snapshot() {
        Instant now = clock.instant();
        Map<String, Totals> all = new HashMap<>();
        for (ProjectId p : metrics.projectsCounted()) {
            all.put(p.value(), totals(p));
        }
        synchronized (snapshots) {
            snapshots.addLast(new Snapshot(now, all));
            while (!snapshots.isEmpty()
                    && snapshots.peekFirst().at().isBefore(now.minus(MAX_WINDOW).minus(EVERY.multipliedBy(2)))) {
                snapshots.removeFirst();
            }
        }
    }

    /**
     * A project's figures over {@code window} back from now (null or zero: since the hub started).
     *
     * @throws CommandCenterException INVALID ({@code window} negative or over 24 hours)
     */
    public Figures figures(ProjectId project, Duration window) {
        if (window != null && window.isNegative()) {
            throw CommandCenterException.invalid("OUT_OF_RANGE", "window", "window must not be negative");
        }
        if (window != null && window.compareTo(MAX_WINDOW) > 0) {
            throw CommandCenterException.invalid("OUT_OF_RANGE", "window",
                    "window is at most 24h (Prometheus keeps longer histories)");
        }
        Instant now = clock.instant();
        Totals current = totals(project);
        if (window == null || window.isZero()) {
            return new Figures(started, now, current);
        }
        Instant from = now.minus(window);
        Snapshot base = null;
        synchronized (snapshots) {
            for (Iterator<Snapshot> it = snapshots.descendingIterator(); it.hasNext(); ) {
                Snapshot s = it.next();
                if (!s.at().isAfter(from)) {
                    base = s;
                    break;
                }
            }
        }
        if (base == null) {
            return new Figures(started, now, current);
        }
        return new Figures(base.at(), now, current.minus(base.totals().getOrDefault(project.value(), Totals.ZERO)));
    }
}
