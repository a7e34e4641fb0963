package io.commandcenter.cli;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * A causal aggregate of one entity's log-odds over its trailing rows (guide 18.19, {@link TemporalAggregationStudy}): row
 * t's value depends only on rows ≤ t of the same entity, so a hub could apply it live with a few numbers of state per
 * entity. {@code MEAN} and {@code MAX} take the last {@code window} rows (fewer at the start of a series); {@code EWMA}
 * has half-life {@code halfLife} rows ({@code α = 1 − 2^(−1/h)}, started at the first row's value).
 */
record TrailingAggregate(Kind kind, int window, double halfLife) {

    enum Kind { NONE, MEAN, MAX, EWMA }

    static final TrailingAggregate NONE = new TrailingAggregate(Kind.NONE, 1, 0);

    TrailingAggregate {
        if (kind == Kind.EWMA ? !(halfLife > 0) || Double.isInfinite(halfLife) : window < 1) {
            throw new IllegalArgumentException(kind + ": window ≥ 1, EWMA half-life > 0 and finite");
        }
    }

    static TrailingAggregate mean(int window) {
        return new TrailingAggregate(Kind.MEAN, window, 0);
    }

    static TrailingAggregate max(int window) {
        return new TrailingAggregate(Kind.MAX, window, 0);
    }

    static TrailingAggregate ewma(double halfLife) {
        return new TrailingAggregate(Kind.EWMA, 1, halfLife);
    }

    /** The name the study prints: {@code none}, {@code mean-5}, {@code max-10}, {@code ewma-2}. */
    String name() {
        return switch (kind) {
            case NONE -> "none";
            case MEAN -> "mean-" + window;
            case MAX -> "max-" + window;
            case EWMA -> "ewma-" + (halfLife == Math.rint(halfLife) ? String.valueOf((long) halfLife) : String.valueOf(halfLife));
        };
    }

    /** How many rows the aggregate averages over, for ordering ties: w, or {@code 1/α} for the EWMA. */
    double effectiveRows() {
        return kind == Kind.EWMA ? 1 / alpha() : window;
    }

    private double alpha() {
        return 1 - Math.pow(2, -1 / halfLife);
    }

    /** The aggregate of {@code z} (one entity's rows in time order), row by row; a new array. */
    double[] apply(double[] z) {
        double[] out = new double[z.length];
        switch (kind) {
            case NONE -> System.arraycopy(z, 0, out, 0, z.length);
            case MEAN -> {
                double sum = 0;
                for (int t = 0; t < z.length; t++) {
                    sum += z[t];
                    if (t >= window) {
                        sum -= z[t - window];
                    }
                    out[t] = sum / Math.min(t + 1, window);
                }
            }
            case MAX -> {
                // a monotone deque of indices: the front is the largest of the last `window` rows
                Deque<Integer> best = new ArrayDeque<>();
                for (int t = 0; t < z.length; t++) {
                    while (!best.isEmpty() && z[best.peekLast()] <= z[t]) {
                        best.pollLast();
                    }
                    best.addLast(t);
                    if (best.peekFirst() <= t - window) {
                        best.pollFirst();
                    }
                    out[t] = z[best.peekFirst()];
                }
            }
            case EWMA -> {
                double a = alpha();
                double e = z.length == 0 ? 0 : z[0];
                for (int t = 0; t < z.length; t++) {
                    e = t == 0 ? z[0] : a * z[t] + (1 - a) * e;
                    out[t] = e;
                }
            }
        }
        return out;
    }

    /** {@link #apply} per series, then the probability {@code σ}. */
    List<double[]> probability(List<double[]> z) {
        return z.stream().map(s -> sigmoid(apply(s))).toList();
    }

    static double[] sigmoid(double[] z) {
        double[] p = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            p[i] = 1.0 / (1.0 + Math.exp(-z[i]));
        }
        return p;
    }
}
