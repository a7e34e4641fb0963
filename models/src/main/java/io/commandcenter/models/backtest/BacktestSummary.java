package io.commandcenter.models.backtest;

import io.commandcenter.models.eval.BinaryMetrics;

/**
 * Quality of a labelled backtest at the model's threshold.
 *
 * @param meanLeadRows   mean lead time over detected incidents in rows (positive = before onset)
 * @param meanLeadMillis the same in milliseconds for calendar times (NaN for step times)
 * @param earlyWarning   NAB-style early-warning score (standard profile), NaN without incidents
 * @param horizonRows    rows before an incident in which a warning counts
 */
public record BacktestSummary(double threshold, BinaryMetrics point, BinaryMetrics incident, double meanLeadRows,
                              double meanLeadMillis, double earlyWarning, double rocAuc, int horizonRows) {
}
