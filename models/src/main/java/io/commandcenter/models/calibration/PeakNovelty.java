package io.commandcenter.models.calibration;

import io.commandcenter.models.features.TimeAxis;
import java.util.Arrays;

/**
 * How far an entity's current values lie beyond what they reached on its last days: per metric, the share of the
 * previous {@code days} days whose maximum (for a rise; minimum for a fall) the value passes, in [0, 1] (0 = inside
 * every previous day's range, 1 = beyond all of them); per row, the largest share over its metrics. A burst a metric
 * shows every day or two is ordinary for it; a value beyond a week of daily extremes is new. Days are counted from the
 * entity's first row ({@code 86,400,000} ms, or 288 rows for step-indexed series, as {@link OnsetCalibration}'s
 * daily-recurrence rule counts them); before two whole days are known a value counts as new (1). O(days) per value,
 * {@code 2 × days} doubles per metric.
 *
 * <p>Used by {@link OnsetCalibration}'s novelty discount, fed the same rows in the same order by a backtest, training
 * and the live engine. Not thread-safe: the owner feeds one entity's rows in time order.
 */
public final class PeakNovelty {

    /** Previous days a value is compared with (service_health 2.4.0: 7). */
    public static final int DAYS = 7;

    private final long dayLength;
    private final int days;
    private double[][] dayMax = new double[0][];
    private double[][] dayMin = new double[0][];
    private double[] curMax = new double[0];
    private double[] curMin = new double[0];
    private int[] filled = new int[0];
    private int[] head = new int[0];
    private long[] dayStart = new long[0];
    // per metric, the lowest of the remembered days' maxima and the highest of their minima: a value between the two is
    // inside every day's range (novelty 0) without a look at each day
    private double[] lowestMax = new double[0];
    private double[] highestMin = new double[0];
    private double row = Double.NaN;

    public PeakNovelty(TimeAxis axis) {
        this(axis == TimeAxis.STEPS ? OnsetCalibration.DAY_STEPS : OnsetCalibration.DAY_MILLIS, DAYS);
    }

    PeakNovelty(long dayLength, int days) {
        if (dayLength <= 0 || days <= 0) {
            throw new IllegalArgumentException("dayLength and days must be positive");
        }
        this.dayLength = dayLength;
        this.days = days;
    }

    /** Starts a row (its metrics follow with {@link #observe}); {@link #row()} is NaN until a metric is observed. */
    public void startRow() {
        row = Double.NaN;
    }

    /**
     * One value of metric {@code metric} (0-based, stable for the entity) at {@code time}. Returns
     * the metric's novelty and folds it into the row's. Values that are not finite are skipped (NaN returned), as the
     * feature pipeline skips them.
     */
    public double observe(int metric, long time, double x) {
        if (!Double.isFinite(x)) {
            return Double.NaN;
        }
        ensure(metric);
        if (dayStart[metric] == Long.MIN_VALUE) {
            dayStart[metric] = time;
        }
        if (time >= dayStart[metric] + dayLength) {
            long elapsed = (time - dayStart[metric]) / dayLength;
            if (curMax[metric] > Double.NEGATIVE_INFINITY) {
                // a finished day with values: remember its extremes (days without values are skipped, as gaps)
                dayMax[metric][head[metric]] = curMax[metric];
                dayMin[metric][head[metric]] = curMin[metric];
                head[metric] = (head[metric] + 1) % days;
                filled[metric] = Math.min(days, filled[metric] + 1);
                double low = Double.POSITIVE_INFINITY;
                double high = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < filled[metric]; k++) {
                    low = Math.min(low, dayMax[metric][k]);
                    high = Math.max(high, dayMin[metric][k]);
                }
                lowestMax[metric] = low;
                highestMin[metric] = high;
            }
            curMax[metric] = Double.NEGATIVE_INFINITY;
            curMin[metric] = Double.POSITIVE_INFINITY;
            dayStart[metric] += elapsed * dayLength;
        }
        double nov;
        int f = filled[metric];
        if (f < 2) {
            nov = 1.0;
        } else if (x <= lowestMax[metric] && x >= highestMin[metric]) {
            nov = 0.0;
        } else {
            int up = 0;
            int down = 0;
            double[] mx = dayMax[metric];
            double[] mn = dayMin[metric];
            for (int k = 0; k < f; k++) {
                if (x > mx[k]) {
                    up++;
                }
                if (x < mn[k]) {
                    down++;
                }
            }
            nov = Math.max(up, down) / (double) f;
        }
        curMax[metric] = Math.max(curMax[metric], x);
        curMin[metric] = Math.min(curMin[metric], x);
        row = Double.isNaN(row) ? nov : Math.max(row, nov);
        return nov;
    }

    /** The current row's novelty: the largest of its metrics' (NaN = no value observed in the row). */
    public double row() {
        return row;
    }

    private void ensure(int metric) {
        if (metric < dayMax.length) {
            return;
        }
        int n = metric + 1;
        int old = dayMax.length;
        dayMax = Arrays.copyOf(dayMax, n);
        dayMin = Arrays.copyOf(dayMin, n);
        curMax = Arrays.copyOf(curMax, n);
        curMin = Arrays.copyOf(curMin, n);
        filled = Arrays.copyOf(filled, n);
        head = Arrays.copyOf(head, n);
        dayStart = Arrays.copyOf(dayStart, n);
        lowestMax = Arrays.copyOf(lowestMax, n);
        highestMin = Arrays.copyOf(highestMin, n);
        for (int m = old; m < n; m++) {
            dayMax[m] = new double[days];
            dayMin[m] = new double[days];
            curMax[m] = Double.NEGATIVE_INFINITY;
            curMin[m] = Double.POSITIVE_INFINITY;
            dayStart[m] = Long.MIN_VALUE;
        }
    }

    /** Each row's novelty of a series, {@code values} row-major with {@code metrics} columns, rows in time order. */
    public static double[] of(long[] times, double[] values, int metrics, TimeAxis axis) {
        PeakNovelty s = new PeakNovelty(axis);
        double[] out = new double[times.length];
        for (int i = 0; i < times.length; i++) {
            s.startRow();
            for (int m = 0; m < metrics; m++) {
                s.observe(m, times[i], values[i * metrics + m]);
            }
            out[i] = s.row();
        }
        return out;
    }
}
