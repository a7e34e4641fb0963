package io.commandcenter.models.backtest;

import io.commandcenter.models.features.TimeAxis;
import java.util.List;
import java.util.Objects;

/**
 * A parsed multivariate series: rows in FILE order, with their original timestamp text (echoed in
 * backtest output), a numeric time on {@link #axis()}, metric values (NaN = missing) and optional labels.
 *
 * @param values row-major {@code rows × metrics.size()}
 * @param labels one per row, or {@code null} without a label column
 */
public record Series(List<String> metrics, TimeAxis axis, List<String> timestamps, long[] times, double[] values, boolean[] labels) {

    public Series {
        metrics = List.copyOf(metrics);
        timestamps = List.copyOf(timestamps);
        Objects.requireNonNull(axis, "axis");
        if (metrics.isEmpty()) {
            throw new IllegalArgumentException("a series needs at least one metric");
        }
        if (times.length != timestamps.size() || values.length != times.length * metrics.size()
                || (labels != null && labels.length != times.length)) {
            throw new IllegalArgumentException("inconsistent series dimensions");
        }
    }

    public int rows() {
        return times.length;
    }

    public boolean hasLabels() {
        return labels != null;
    }

    public double value(int row, int metric) {
        return values[row * metrics.size() + metric];
    }
}
