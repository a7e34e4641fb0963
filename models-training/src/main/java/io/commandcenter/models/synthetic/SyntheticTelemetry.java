package io.commandcenter.models.synthetic;

import io.commandcenter.models.features.TimeAxis;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Generator of labelled telemetry for training the service_health model: diverse normal behaviour with
 * injected degradations, seeded (same seed, same series).
 *
 * <p><b>Normal behaviour</b> (per metric, scale drawn log-uniformly over 10^-2 … 10^5): AR(1) noise,
 * mean-reverting random walk, daily-like seasonality (period 24 … 1440 steps, with a harmonic), Poisson
 * counts, Student-t (3 dof) heavy tails, quantised values, and benign isolated spikes (≤ 5σ, 0.5 % of rows,
 * labelled normal). Multivariate series share an AR(1) common factor with per-metric loadings.
 *
 * <p><b>Degradations</b> (labelled rows = the span where the fault is present), 0–4 per series, after a
 * warm-up of 15 % of the rows: spike/dip (1–3 rows, 5–15σ), level shift (20–200 rows, 3–10σ, a third
 * of them persist unlabelled afterwards as the new normal), latency creep / memory leak (linear ramp over
 * 30–300 rows to 4–12σ, then a drop back — the restart), error burst (rate × 3–20 for 3–60 rows),
 * variance burst (noise × 3–8), saturation (rise to a ceiling and flat-line there), stuck sensor
 * (flat-line at the current value) and outage (drop to zero). Multivariate faults hit a random subset
 * of metrics at once with per-metric magnitudes.
 */
public final class SyntheticTelemetry {

    private static final int[] PERIODS = {24, 48, 96, 144, 288, 1440};
    private static final long[] INTERVALS = {60_000L, 300_000L, 3_600_000L};

    private final SplittableRandom rnd;

    public SyntheticTelemetry(long seed) {
        this.rnd = new SplittableRandom(seed);
    }

    /** One series of {@code rows} rows and {@code metrics} metrics; {@code faults} degradations (may be 0). */
    public LabelledSeries series(String name, int rows, int metrics, int faults) {
        boolean steps = rnd.nextBoolean();
        long interval = INTERVALS[rnd.nextInt(INTERVALS.length)];
        long start = 1_600_000_000_000L + rnd.nextInt(1_000_000) * 1000L;
        long[] times = new long[rows];
        for (int i = 0; i < rows; i++) {
            times[i] = steps ? i : start + i * interval;
        }
        double[] common = ar1(rows, 0.9 + 0.09 * rnd.nextDouble());
        double[][] cols = new double[metrics][];
        double[] sigma = new double[metrics];
        String[] kind = new String[metrics];
        for (int m = 0; m < metrics; m++) {
            double loading = metrics == 1 ? 0 : rnd.nextDouble() * 1.5;
            Base b = base(rows, common, loading);
            cols[m] = b.values;
            sigma[m] = b.sigma;
            kind[m] = b.kind;
        }
        boolean[] labels = new boolean[rows];
        List<String> kinds = new ArrayList<>();
        int warm = Math.max(200, rows * 15 / 100);
        int placed = 0;
        int attempts = 0;
        while (placed < faults && attempts++ < faults * 20) {
            int len = faultLength();
            int at = warm + rnd.nextInt(Math.max(1, rows - warm - len - 10));
            if (!free(labels, at - 60, at + len + 60)) {
                continue;
            }
            String fault = FAULTS[rnd.nextInt(FAULTS.length)];
            boolean[] hit = pickMetrics(metrics);
            int end = Math.min(rows, at + len);
            for (int m = 0; m < metrics; m++) {
                if (hit[m]) {
                    inject(fault, cols[m], sigma[m], at, end, kind[m]);
                }
            }
            for (int i = at; i < end; i++) {
                labels[i] = true;
            }
            kinds.add(fault);
            placed++;
        }
        double[] values = new double[rows * metrics];
        List<String> names = new ArrayList<>();
        for (int m = 0; m < metrics; m++) {
            names.add("m" + (m + 1));
            for (int i = 0; i < rows; i++) {
                values[i * metrics + m] = cols[m][i];
            }
        }
        return new LabelledSeries(name, names, steps ? TimeAxis.STEPS : TimeAxis.EPOCH_MILLIS, times, values, labels, kinds);
    }

    private static final String[] FAULTS = {"spike", "level_shift", "creep", "leak", "error_burst", "variance_burst", "saturation", "stuck", "outage"};

    private int faultLength() {
        double u = rnd.nextDouble();
        if (u < 0.2) {
            return 1 + rnd.nextInt(3);
        }
        return 10 + (int) Math.exp(rnd.nextDouble() * Math.log(290));
    }

    private boolean[] pickMetrics(int metrics) {
        boolean[] hit = new boolean[metrics];
        if (metrics == 1) {
            hit[0] = true;
            return hit;
        }
        double share = rnd.nextDouble() < 0.3 ? 1.0 / metrics : rnd.nextDouble();
        boolean any = false;
        for (int m = 0; m < metrics; m++) {
            hit[m] = rnd.nextDouble() < share;
            any |= hit[m];
        }
        if (!any) {
            hit[rnd.nextInt(metrics)] = true;
        }
        return hit;
    }

    private void inject(String fault, double[] x, double sigma, int at, int end, String kind) {
        int len = end - at;
        double sign = rnd.nextBoolean() ? 1 : -1;
        double level = localLevel(x, at);
        switch (fault) {
            case "spike" -> {
                double mag = (5 + 10 * rnd.nextDouble()) * sigma * sign;
                for (int i = at; i < end; i++) {
                    x[i] += mag;
                }
            }
            case "level_shift" -> {
                double mag = (3 + 7 * rnd.nextDouble()) * sigma * sign;
                boolean persist = rnd.nextInt(3) == 0;
                for (int i = at; i < (persist ? x.length : end); i++) {
                    x[i] += mag;
                }
            }
            case "creep", "leak" -> {
                double mag = (4 + 8 * rnd.nextDouble()) * sigma * (fault.equals("leak") ? 1 : sign);
                for (int i = at; i < end; i++) {
                    x[i] += mag * (i - at + 1) / len;
                }
            }
            case "error_burst" -> {
                double factor = 3 + 17 * rnd.nextDouble();
                for (int i = at; i < end; i++) {
                    x[i] = level + (x[i] - level) * factor + factor * sigma * rnd.nextDouble();
                }
            }
            case "variance_burst" -> {
                double factor = 3 + 5 * rnd.nextDouble();
                for (int i = at; i < end; i++) {
                    x[i] = level + (x[i] - level) * factor;
                }
            }
            case "saturation" -> {
                double ceiling = level + (4 + 6 * rnd.nextDouble()) * sigma;
                int ramp = Math.max(1, len / 5);
                for (int i = at; i < end; i++) {
                    double target = i - at < ramp ? level + (ceiling - level) * (i - at + 1) / ramp : ceiling;
                    x[i] = target + sigma * 0.02 * rnd.nextGaussian();
                }
            }
            case "stuck" -> {
                if (!kind.equals("counts") && len >= 10) {
                    for (int i = at; i < end; i++) {
                        x[i] = x[at];
                    }
                } else {
                    for (int i = at; i < end; i++) {
                        x[i] += (6 + 6 * rnd.nextDouble()) * sigma * sign;
                    }
                }
            }
            case "outage" -> {
                double floor = Math.min(0, level - 8 * sigma);
                for (int i = at; i < end; i++) {
                    x[i] = floor == 0 ? 0 : floor;
                }
            }
            default -> throw new IllegalStateException(fault);
        }
    }

    private static double localLevel(double[] x, int at) {
        double s = 0;
        int n = 0;
        for (int i = Math.max(0, at - 50); i < at; i++) {
            s += x[i];
            n++;
        }
        return n == 0 ? x[at] : s / n;
    }

    private static boolean free(boolean[] labels, int from, int to) {
        for (int i = Math.max(0, from); i < Math.min(labels.length, to); i++) {
            if (labels[i]) {
                return false;
            }
        }
        return true;
    }

    private record Base(double[] values, double sigma, String kind) {
    }

    private Base base(int rows, double[] common, double loading) {
        double scale = Math.pow(10, -2 + 7 * rnd.nextDouble());
        double level = scale * (rnd.nextDouble() < 0.2 ? 0.0 : 1.0);
        double sigma = scale * Math.pow(10, -2.5 + 2 * rnd.nextDouble());
        double[] x = new double[rows];
        String kind;
        int k = rnd.nextInt(8);
        switch (k) {
            case 0 -> {
                kind = "ar1";
                double[] n = ar1(rows, rnd.nextDouble() * 0.95);
                for (int i = 0; i < rows; i++) {
                    x[i] = level + sigma * n[i];
                }
            }
            case 1 -> {
                kind = "walk";
                double y = 0;
                for (int i = 0; i < rows; i++) {
                    y = 0.995 * y + rnd.nextGaussian();
                    x[i] = level + sigma * 0.3 * y;
                }
            }
            case 2, 3 -> {
                kind = "seasonal";
                int p = PERIODS[rnd.nextInt(PERIODS.length)];
                while (p * 3 > rows && p > 24) {
                    p /= 2;
                }
                double amp = sigma * (1 + 9 * rnd.nextDouble());
                double phase = rnd.nextDouble() * 2 * Math.PI;
                double h = rnd.nextDouble() * 0.5;
                double[] n = ar1(rows, rnd.nextDouble() * 0.7);
                for (int i = 0; i < rows; i++) {
                    double a = 2 * Math.PI * i / p + phase;
                    x[i] = level + amp * (Math.sin(a) + h * Math.sin(2 * a)) + sigma * n[i];
                }
            }
            case 4 -> {
                kind = "counts";
                double lambda = 0.5 + 50 * rnd.nextDouble();
                boolean seasonal = rnd.nextBoolean();
                int p = PERIODS[rnd.nextInt(3)];
                for (int i = 0; i < rows; i++) {
                    double l = seasonal ? lambda * (1 + 0.6 * Math.sin(2 * Math.PI * i / p)) : lambda;
                    x[i] = poisson(l);
                }
                sigma = Math.sqrt(lambda);
            }
            case 5 -> {
                kind = "heavy";
                for (int i = 0; i < rows; i++) {
                    x[i] = level + sigma * studentT3();
                }
            }
            case 6 -> {
                kind = "quantised";
                double q = sigma * (0.5 + 2.5 * rnd.nextDouble());
                double[] n = ar1(rows, rnd.nextDouble() * 0.9);
                for (int i = 0; i < rows; i++) {
                    x[i] = Math.round((level + sigma * n[i]) / q) * q;
                }
                sigma = Math.max(sigma, q);
            }
            default -> {
                kind = "spiky";
                double[] n = ar1(rows, rnd.nextDouble() * 0.8);
                for (int i = 0; i < rows; i++) {
                    x[i] = level + sigma * n[i] + (rnd.nextDouble() < 0.005 ? sigma * (2 + 3 * rnd.nextDouble()) * (rnd.nextBoolean() ? 1 : -1) : 0);
                }
            }
        }
        if (loading > 0) {
            for (int i = 0; i < rows; i++) {
                x[i] += loading * sigma * common[i];
            }
        }
        return new Base(x, sigma, kind);
    }

    private double[] ar1(int rows, double phi) {
        double[] n = new double[rows];
        double y = 0;
        double norm = Math.sqrt(1 - phi * phi);
        for (int i = 0; i < rows; i++) {
            y = phi * y + norm * rnd.nextGaussian();
            n[i] = y;
        }
        return n;
    }

    private double poisson(double lambda) {
        return poisson(rnd, lambda, 30);
    }

    /**
     * A Poisson draw of mean {@code lambda}: Knuth's product of uniforms, or above {@code normalAbove} the rounded
     * normal approximation (never below 0). Shared by the synthetic generators of this package.
     */
    static double poisson(SplittableRandom rnd, double lambda, double normalAbove) {
        if (lambda > normalAbove) {
            return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * rnd.nextGaussian()));
        }
        double l = Math.exp(-lambda);
        int k = 0;
        double p = 1;
        do {
            k++;
            p *= rnd.nextDouble();
        } while (p > l);
        return k - 1;
    }

    private double studentT3() {
        double z = rnd.nextGaussian();
        double chi = 0;
        for (int i = 0; i < 3; i++) {
            double g = rnd.nextGaussian();
            chi += g * g;
        }
        return z / Math.sqrt(chi / 3) / Math.sqrt(3.0);
    }
}
