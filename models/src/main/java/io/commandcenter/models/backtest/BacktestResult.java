package io.commandcenter.models.backtest;

import java.util.List;
import java.util.Optional;

/** All output rows (input order) and, with labels, the summary. */
public record BacktestResult(List<BacktestRow> rows, Optional<BacktestSummary> summary, long featureNanos, long scoringNanos) {

    public BacktestResult {
        rows = List.copyOf(rows);
    }

    /** Scored rows per second over feature extraction plus scoring and explanation. */
    public double rowsPerSecond() {
        long total = featureNanos + scoringNanos;
        return total == 0 ? Double.POSITIVE_INFINITY : rows.size() * 1e9 / total;
    }
}
