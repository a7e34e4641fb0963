package io.commandcenter.models.train.bootstrap;

import io.commandcenter.models.features.TimeAxis;

/**
 * Research (CalibrationStudy "nov" variants): per metric, how far a value lies beyond what the metric reached on
 * each of its last {@code days} days — the share of the previous days whose maximum (for a rise; minimum for a
 * fall) the value exceeds, in [0, 1] (0 = within every previous day's range; 1 = beyond all of them). A burst the
 * metric shows every day or two is ordinary for it; a burst beyond a week of daily extremes is new. Aggregated over
 * metrics as the maximum. O(days) per value.
 */
final class PeakNovelty {

    private PeakNovelty() {
    }

    /** Per scored row, the novelty in [0, 1]; history rows (may be empty) warm the daily extremes first. */
    static double[] compute(long[] histTimes, double[] histValues, long[] times, double[] values, int metrics, TimeAxis axis, int days) {
        long dayLen = axis == TimeAxis.STEPS ? 288 : 86_400_000L;
        int hRows = histTimes == null ? 0 : histTimes.length;
        int rows = times.length;
        double[] out = new double[rows];
        for (int m = 0; m < metrics; m++) {
            double[] dmax = new double[days];
            double[] dmin = new double[days];
            int filled = 0;
            int head = 0;
            long dayStart = Long.MIN_VALUE;
            double curMax = Double.NEGATIVE_INFINITY;
            double curMin = Double.POSITIVE_INFINITY;
            long offset = 0;
            for (int i = 0; i < hRows + rows; i++) {
                boolean hist = i < hRows;
                long t = hist ? histTimes[i] : times[i - hRows];
                double x = hist ? histValues[i * metrics + m] : values[(i - hRows) * metrics + m];
                if (!hist && i == hRows && hRows > 0 && axis == TimeAxis.STEPS) {
                    offset = histTimes[hRows - 1] + 1 - times[0];
                }
                t += hist ? 0 : offset;
                if (Double.isNaN(x)) {
                    continue;
                }
                if (dayStart == Long.MIN_VALUE) {
                    dayStart = t;
                }
                while (t >= dayStart + dayLen) {
                    if (curMax > Double.NEGATIVE_INFINITY) {
                        dmax[head] = curMax;
                        dmin[head] = curMin;
                        head = (head + 1) % days;
                        filled = Math.min(days, filled + 1);
                    }
                    curMax = Double.NEGATIVE_INFINITY;
                    curMin = Double.POSITIVE_INFINITY;
                    dayStart += dayLen;
                }
                if (!hist && filled < 2) {
                    out[i - hRows] = 1.0;
                } else if (!hist) {
                    int up = 0;
                    int down = 0;
                    for (int k = 0; k < filled; k++) {
                        if (x > dmax[k]) {
                            up++;
                        }
                        if (x < dmin[k]) {
                            down++;
                        }
                    }
                    double nov = Math.max(up, down) / (double) filled;
                    out[i - hRows] = Math.max(out[i - hRows], nov);
                }
                curMax = Math.max(curMax, x);
                curMin = Math.min(curMin, x);
            }
        }
        return out;
    }
}
