package io.commandcenter.models.synthetic;

import io.commandcenter.models.features.TimeAxis;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Research generator (guide 12.12, session 8): univariate <em>business</em> series of the kinds the Numenta Anomaly
 * Benchmark's real categories hold, which neither ASD nor {@link SyntheticTelemetry} resemble — seeded (same seed, same
 * series), generic archetypes, not fitted to any benchmark file.
 *
 * <ul>
 *   <li>{@code ratio} (cost-per-click / per-mille-like, hourly): a positive level (log-uniform 0.02 … 5) with a daily
 *       cycle in log space and log-normal noise, the log-level drifting slowly; anomalies: a level fall to 15–50 % or a
 *       rise to 2–5× for 3–48 rows, or a 1–3-row spike of 3–10×.</li>
 *   <li>{@code speed} (traffic speed, 5 minutes): a free-flow speed (40–75) with two rush-hour dips a day (10–40 %
 *       deep) and Gaussian noise; anomalies: congestion (a fall to 10–40 % of free flow for 6–48 rows) or a stuck sensor
 *       (the current value repeated for 30–200 rows).</li>
 *   <li>{@code count} (mention counts, 5 minutes): Poisson around a daily cycle (mean 5 … 500) with benign bursts
 *       (2–3× for 1–6 rows, 1 % of rows, labelled normal); anomalies: a surge of 5–20× for 3–30 rows or a drop to
 *       near zero for 12–100 rows.</li>
 * </ul>
 *
 * <p>1–3 anomalies a series (a tenth of the series none), placed anywhere after the first 5 % of rows — before a week
 * of history exists too, as in short benchmark files. Labelled rows: the span where the anomaly is present.
 */
public final class SyntheticBusiness {

    public static final List<String> KINDS = List.of("ratio", "speed", "count");

    private final SplittableRandom rnd;

    public SyntheticBusiness(long seed) {
        this.rnd = new SplittableRandom(seed);
    }

    /** One series of {@code kind} ({@link #KINDS}) with {@code rows} rows. */
    public LabelledSeries series(String name, String kind, int rows) {
        long interval = kind.equals("ratio") ? 3_600_000L : 300_000L;
        int perDay = (int) (86_400_000L / interval);
        long start = 1_600_000_000_000L + rnd.nextInt(1_000_000) * 1000L;
        start -= start % interval;
        long[] times = new long[rows];
        for (int i = 0; i < rows; i++) {
            times[i] = start + i * interval;
        }
        double phase0 = rnd.nextDouble() * 2 * Math.PI;
        double[] x = switch (kind) {
            case "ratio" -> ratio(rows, perDay, phase0);
            case "speed" -> speed(rows, perDay);
            case "count" -> count(rows, perDay, phase0);
            default -> throw new IllegalArgumentException("unknown kind " + kind);
        };
        boolean[] labels = new boolean[rows];
        List<String> kinds = new ArrayList<>();
        int faults = rnd.nextInt(10) == 0 ? 0 : 1 + rnd.nextInt(3);
        int warm = Math.max(24, rows / 20);
        int placed = 0;
        int attempts = 0;
        while (placed < faults && attempts++ < 40) {
            int len = faultLength(kind);
            int at = warm + rnd.nextInt(Math.max(1, rows - warm - len - 10));
            if (!free(labels, at - 48, at + len + 48)) {
                continue;
            }
            int end = Math.min(rows, at + len);
            kinds.add(inject(kind, x, at, end));
            for (int i = at; i < end; i++) {
                labels[i] = true;
            }
            placed++;
        }
        return new LabelledSeries(name, List.of("value"), TimeAxis.EPOCH_MILLIS, times, x, labels, kinds);
    }

    private double[] ratio(int rows, int perDay, double phase0) {
        double logLevel = Math.log(0.02) + rnd.nextDouble() * Math.log(250);
        double amp = rnd.nextDouble() * 0.4;
        double noise = 0.05 + rnd.nextDouble() * 0.25;
        double drift = 0;
        double[] x = new double[rows];
        for (int i = 0; i < rows; i++) {
            drift = 0.995 * drift + 0.01 * rnd.nextGaussian();
            double season = amp * Math.sin(2 * Math.PI * i / perDay + phase0);
            x[i] = Math.exp(logLevel + drift + season + noise * rnd.nextGaussian());
        }
        return x;
    }

    private double[] speed(int rows, int perDay) {
        double free = 40 + rnd.nextDouble() * 35;
        double depth = 0.1 + rnd.nextDouble() * 0.3;
        double noise = 1 + rnd.nextDouble() * 4;
        double[] x = new double[rows];
        for (int i = 0; i < rows; i++) {
            double hour = 24.0 * (i % perDay) / perDay;
            double dip = Math.exp(-Math.pow((hour - 8) / 1.2, 2)) + Math.exp(-Math.pow((hour - 17.5) / 1.5, 2));
            x[i] = Math.max(0, Math.round(free * (1 - depth * dip) + noise * rnd.nextGaussian()));
        }
        return x;
    }

    private double[] count(int rows, int perDay, double phase0) {
        double mean = Math.exp(Math.log(5) + rnd.nextDouble() * Math.log(100));
        double amp = 0.2 + rnd.nextDouble() * 0.6;
        double[] x = new double[rows];
        int burst = 0;
        double burstMul = 1;
        for (int i = 0; i < rows; i++) {
            if (burst == 0 && rnd.nextInt(100) == 0) {
                burst = 1 + rnd.nextInt(6);
                burstMul = 2 + rnd.nextDouble();
            }
            double mul = burst > 0 ? burstMul : 1;
            if (burst > 0) {
                burst--;
            }
            double lambda = mean * Math.max(0.05, 1 + amp * Math.sin(2 * Math.PI * i / perDay + phase0)) * mul;
            x[i] = poisson(lambda);
        }
        return x;
    }

    private double poisson(double lambda) {
        return SyntheticTelemetry.poisson(rnd, lambda, 50);
    }

    private int faultLength(String kind) {
        return switch (kind) {
            case "ratio" -> rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(3) : 3 + rnd.nextInt(46);
            case "speed" -> rnd.nextBoolean() ? 6 + rnd.nextInt(43) : 30 + rnd.nextInt(171);
            default -> rnd.nextBoolean() ? 3 + rnd.nextInt(28) : 12 + rnd.nextInt(89);
        };
    }

    private String inject(String kind, double[] x, int at, int end) {
        int len = end - at;
        switch (kind) {
            case "ratio" -> {
                double mul;
                String what;
                if (len <= 3) {
                    mul = 3 + 7 * rnd.nextDouble();
                    what = "spike";
                } else if (rnd.nextBoolean()) {
                    mul = 0.15 + 0.35 * rnd.nextDouble();
                    what = "level_fall";
                } else {
                    mul = 2 + 3 * rnd.nextDouble();
                    what = "level_rise";
                }
                for (int i = at; i < end; i++) {
                    x[i] *= mul;
                }
                return what;
            }
            case "speed" -> {
                if (len < 30 || rnd.nextBoolean()) {
                    double mul = 0.1 + 0.3 * rnd.nextDouble();
                    for (int i = at; i < end; i++) {
                        x[i] = Math.round(x[i] * mul);
                    }
                    return "congestion";
                }
                double v = x[at - 1];
                for (int i = at; i < end; i++) {
                    x[i] = v;
                }
                return "stuck";
            }
            default -> {
                if (len <= 30 && rnd.nextBoolean()) {
                    double mul = 5 + 15 * rnd.nextDouble();
                    for (int i = at; i < end; i++) {
                        x[i] = Math.round(x[i] * mul);
                    }
                    return "surge";
                }
                for (int i = at; i < end; i++) {
                    x[i] = rnd.nextInt(4) == 0 ? 1 : 0;
                }
                return "drop";
            }
        }
    }

    private static boolean free(boolean[] labels, int from, int to) {
        for (int i = Math.max(0, from); i < Math.min(labels.length, to); i++) {
            if (labels[i]) {
                return false;
            }
        }
        return true;
    }
}
