package io.commandcenter.inference.onnx;

import io.commandcenter.inference.ModelKey;
import io.commandcenter.models.artifact.ModelArtifact;
import io.commandcenter.models.backtest.BacktestResult;
import io.commandcenter.models.backtest.FeatureReplay;
import io.commandcenter.models.backtest.Series;
import io.commandcenter.models.bootstrap.BootstrapModels;
import io.commandcenter.models.features.FeatureSchema;
import io.commandcenter.models.features.TelemetryFeatures;
import io.commandcenter.models.features.TimeAxis;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Offline backtest rate against the model's own limit, one thread: a univariate series of
 * {@code rows} rows (default 20,000) through (a) the full backtest (features, scoring with occlusion
 * explanations, confidence; the model loaded into a fresh backend each time, as {@code cc backtest} does per file),
 * (a') the same with the model loaded once (as {@code cc eval} does for a corpus), (b) the feature pipeline alone,
 * (c) ONNX Runtime {@code run} alone on the same feature matrix in batches of 4,096. Prints the median of 7 runs
 * after 3 warm-up runs.
 * Usage: {@code BacktestBenchmark [rows]}.
 */
public final class BacktestBenchmark {

    private BacktestBenchmark() {
    }

    public static void main(String[] args) {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        ModelArtifact sh = new BootstrapModels().load("service_health");
        Series s = series(rows);
        FeatureSchema model = new FeatureSchema(sh.metadata().features());
        // [measure][run]: full, loaded once, features, ORT alone; wall clock and the benchmark thread's CPU time
        double[][] wall = new double[4][7];
        double[][] cpu = new double[4][7];
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        try (OnnxBackend backend = new OnnxBackend()) {
            backend.load(sh);
            ModelKey key = ModelKey.of(sh.metadata());
            for (int run = -3; run < 7; run++) {
                long[] w = new long[5];
                long[] c = new long[5];
                w[0] = System.nanoTime();
                c[0] = mx.getCurrentThreadCpuTime();
                BacktestResult r = OfflineBacktest.run(sh, s);
                w[1] = System.nanoTime();
                c[1] = mx.getCurrentThreadCpuTime();
                BacktestResult r2 = OfflineBacktest.run(backend, sh, s);
                w[2] = System.nanoTime();
                c[2] = mx.getCurrentThreadCpuTime();
                FeatureReplay.Result fr = FeatureReplay.replay(TimeAxis.EPOCH_MILLIS, s.metrics(), s.times(), s.values(), false);
                w[3] = System.nanoTime();
                c[3] = mx.getCurrentThreadCpuTime();
                float[] x = TelemetryFeatures.SCHEMA.project(fr.features(), rows, model);
                long wx = System.nanoTime();
                long cx = mx.getCurrentThreadCpuTime();
                int f = model.size();
                for (int off = 0; off < rows; off += 4096) {
                    int n = Math.min(4096, rows - off);
                    float[] batch = new float[n * f];
                    System.arraycopy(x, off * f, batch, 0, n * f);
                    backend.score(key, batch, n);
                }
                w[4] = System.nanoTime();
                c[4] = mx.getCurrentThreadCpuTime();
                if (run >= 0) {
                    for (int k = 0; k < 4; k++) {
                        long dw = k == 3 ? w[4] - wx : w[k + 1] - w[k];
                        long dc = k == 3 ? c[4] - cx : c[k + 1] - c[k];
                        wall[k][run] = rows * 1e9 / dw;
                        cpu[k][run] = dc > 0 ? rows * 1e9 / dc : Double.NaN;
                    }
                }
                if (r.rows().size() != rows || !r2.rows().equals(r.rows())) {
                    throw new IllegalStateException("row count mismatch, or the two runs differ");
                }
            }
        }
        print(String.format(Locale.ROOT, "univariate backtest, %d rows, median of 7 (rows/s):", rows), wall);
        print("the same runs on the benchmark thread's CPU time (steadier on a shared machine; GC and JIT threads not counted):", cpu);
    }

    private static void print(String title, double[][] rates) {
        for (double[] r : rates) {
            java.util.Arrays.sort(r);
        }
        System.out.println(title);
        System.out.printf(Locale.ROOT, "  full backtest (features + scoring + explanations + confidence): %,.0f%n", rates[0][3]);
        System.out.printf(Locale.ROOT, "  the same, model loaded once (as cc eval):                      %,.0f%n", rates[1][3]);
        System.out.printf(Locale.ROOT, "  feature pipeline alone:                                        %,.0f%n", rates[2][3]);
        System.out.printf(Locale.ROOT, "  ONNX Runtime run alone on the feature matrix (batches of 4096): %,.0f%n", rates[3][3]);
    }

    static Series series(int rows) {
        SplittableRandom rnd = new SplittableRandom(1);
        long[] times = new long[rows];
        double[] values = new double[rows];
        List<String> stamps = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            times[i] = 1_700_000_000_000L + i * 60_000L;
            stamps.add(Long.toString(times[i]));
            values[i] = 100 + 10 * Math.sin(2 * Math.PI * i / 1440) + rnd.nextGaussian();
        }
        return new Series(List.of("value"), TimeAxis.EPOCH_MILLIS, stamps, times, values, null);
    }
}
