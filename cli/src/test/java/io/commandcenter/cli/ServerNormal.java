package io.commandcenter.cli;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One server's normal behaviour in feature space, learned from its rows labelled normal (guide 18.15,
 * {@code NoveltyStudy}): per column the median and the MAD of those rows (the MAD floored at a small share,
 * {@link #EPS}, of the pooled MAD of every server's normal rows; a column constant over all of them is left out), and
 * a row's novelty {@code d} as the largest absolute robust z over the columns ({@link Kind#MAXZ}) or the Euclidean
 * distance of its robust z's to the {@link #K}-th nearest of up to {@link #SAMPLE} seeded-sampled normal rows
 * ({@link Kind#KNN}). {@link #term} puts {@code d} on the server's own normal scale: {@code (d − median) / MAD} of
 * {@code d} over up to {@link #CALIBRATION} of the normal rows (each without itself among its neighbours).
 * A server with fewer than {@link #MIN_NORMAL} normal rows gets no model.
 */
final class ServerNormal {
    static final int MIN_NORMAL = 500;
    static final int SAMPLE = 5000;
    static final int CALIBRATION = 1000;
    static final int K = 10;
    static final double EPS = 0.01;

    enum Kind { MAXZ, KNN }

    private final int columns;
    private final double[] median;
    /** Per column the divisor of the robust z; 0 = the column is left out. */
    private final double[] scale;
    private final double[] ref;
    private final int[] refRow;
    private final double[] dMedian = new double[Kind.values().length];
    private final double[] dMad = new double[Kind.values().length];

    /**
     * A model per series from its rows {@code from[s] … to[s]−1} labelled normal ({@code y} false); null for a series
     * with fewer than {@link #MIN_NORMAL} of them. {@code x} holds each series' rows, {@code columns} wide.
     */
    static ServerNormal[] fit(List<float[]> x, List<boolean[]> y, int columns, int[] from, int[] to, long seed) {
        int series = x.size();
        int[][] normal = new int[series][];
        int pooled = 0;
        for (int s = 0; s < series; s++) {
            normal[s] = normalRows(y.get(s), from[s], to[s]);
            pooled += normal[s].length;
        }
        double[] floor = new double[columns];
        double[] v = new double[pooled];
        for (int j = 0; j < columns; j++) {
            int at = 0;
            for (int s = 0; s < series; s++) {
                for (int r : normal[s]) {
                    v[at++] = x.get(s)[r * columns + j];
                }
            }
            double spread = mad(v, median(v));
            if (spread == 0) {
                spread = meanAbsoluteDeviation(v, median(v));
            }
            floor[j] = EPS * spread;
        }
        ServerNormal[] models = new ServerNormal[series];
        for (int s = 0; s < series; s++) {
            if (normal[s].length >= MIN_NORMAL) {
                models[s] = new ServerNormal(x.get(s), columns, normal[s], floor, seed + 1_000_003L * s);
            }
        }
        return models;
    }

    private ServerNormal(float[] x, int columns, int[] normal, double[] floor, long seed) {
        this.columns = columns;
        median = new double[columns];
        scale = new double[columns];
        double[] v = new double[normal.length];
        for (int j = 0; j < columns; j++) {
            for (int i = 0; i < normal.length; i++) {
                v[i] = x[normal[i] * columns + j];
            }
            median[j] = median(v);
            scale[j] = floor[j] == 0 ? 0 : Math.max(mad(v, median[j]), floor[j]);
        }
        SplittableRandom random = new SplittableRandom(seed);
        refRow = pick(normal, SAMPLE, random);
        ref = new double[refRow.length * columns];
        for (int i = 0; i < refRow.length; i++) {
            z(x, refRow[i], ref, i * columns);
        }
        int[] calibration = pick(normal, CALIBRATION, random);
        double[] d = new double[calibration.length];
        for (Kind kind : Kind.values()) {
            for (int i = 0; i < calibration.length; i++) {
                d[i] = novelty(kind, x, calibration[i]);
            }
            dMedian[kind.ordinal()] = median(d);
            dMad[kind.ordinal()] = mad(d, dMedian[kind.ordinal()]);
        }
    }

    /** Whether {@link #term} is defined for {@code kind}: false when the server's normal rows all have the same d. */
    boolean scores(Kind kind) {
        return dMad[kind.ordinal()] > 0;
    }

    /** {@code (d − median) / MAD} of row {@code row} of {@code x} (the series the model was fitted on). */
    double term(Kind kind, float[] x, int row) {
        return (novelty(kind, x, row) - dMedian[kind.ordinal()]) / dMad[kind.ordinal()];
    }

    /** The novelty d of row {@code row} of {@code x}; a reference row with the same index is not its own neighbour. */
    double novelty(Kind kind, float[] x, int row) {
        double[] z = new double[columns];
        z(x, row, z, 0);
        if (kind == Kind.MAXZ) {
            double max = 0;
            for (double value : z) {
                max = Math.max(max, Math.abs(value));
            }
            return max;
        }
        double[] nearest = new double[K];
        Arrays.fill(nearest, Double.POSITIVE_INFINITY);
        for (int i = 0; i < refRow.length; i++) {
            if (refRow[i] == row) {
                continue;
            }
            double bound = nearest[K - 1];
            double sum = 0;
            int o = i * columns;
            for (int j = 0; j < columns && sum < bound; j++) {
                double diff = z[j] - ref[o + j];
                sum += diff * diff;
            }
            if (sum < bound) {
                int at = K - 1;
                while (at > 0 && nearest[at - 1] > sum) {
                    nearest[at] = nearest[at - 1];
                    at--;
                }
                nearest[at] = sum;
            }
        }
        return Math.sqrt(nearest[K - 1]);
    }

    private void z(float[] x, int row, double[] out, int offset) {
        for (int j = 0; j < columns; j++) {
            out[offset + j] = scale[j] == 0 ? 0 : (x[row * columns + j] - median[j]) / scale[j];
        }
    }

    private static int[] normalRows(boolean[] y, int from, int to) {
        return java.util.stream.IntStream.range(from, to).filter(i -> !y[i]).toArray();
    }

    /** Up to {@code n} of {@code rows}, seeded (all of them when there are no more), in row order. */
    private static int[] pick(int[] rows, int n, SplittableRandom random) {
        int[] copy = rows.clone();
        if (copy.length <= n) {
            return copy;
        }
        for (int i = 0; i < n; i++) {
            int j = i + random.nextInt(copy.length - i);
            int t = copy[i];
            copy[i] = copy[j];
            copy[j] = t;
        }
        int[] chosen = Arrays.copyOf(copy, n);
        Arrays.sort(chosen);
        return chosen;
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    static double mad(double[] values, double median) {
        double[] dev = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            dev[i] = Math.abs(values[i] - median);
        }
        return median(dev);
    }

    private static double meanAbsoluteDeviation(double[] values, double median) {
        double sum = 0;
        for (double value : values) {
            sum += Math.abs(value - median);
        }
        return values.length == 0 ? 0 : sum / values.length;
    }
}
