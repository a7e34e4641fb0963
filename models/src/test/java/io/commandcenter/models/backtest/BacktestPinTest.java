package io.commandcenter.models.backtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.commandcenter.models.artifact.CalibrationBin;
import io.commandcenter.models.artifact.ModelMetadata;
import io.commandcenter.models.artifact.ModelType;
import io.commandcenter.models.calibration.OnsetCalibration;
import io.commandcenter.models.features.TelemetryFeatures;
import io.commandcenter.models.features.TimeAxis;
import io.commandcenter.models.scoring.LinearScorer;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Pins a backtest's outputs bit for bit — every risk, confidence and top factor, the written CSV and the
 * summary — for a model shaped like the shipped {@code service_health} (its weights, reference vector,
 * reliability table, threshold and onset calibration, evaluated in Java so the pin does not move when the
 * shipped model is retrained). A speed-up of the backtest (features, scoring, explanations, confidence,
 * calibration) must leave these digests unchanged.
 */
class BacktestPinTest {

    static final List<String> FEATURES = List.of("alarm_run", "evidence", "far_max", "health_down", "health_error_rate",
            "health_latency_skew", "jump", "level_frac", "level_max", "level_top", "persist", "res_frac", "res_max", "res_top",
            "roc_max", "trend_max", "vol_max");
    static final double[] WEIGHTS = {0.417, 0.903, 0.044, 2.474, 4.984, 0.321, -0.292, -0.325, -0.264, 0.329, 1.349, -0.081,
        -0.176, -0.084, 0.081, 0.105, 0.532};
    static final List<Float> REFERENCE = List.of(0f, 0.56721467f, 0.14006782f, 0f, 0f, 0f, 0.016815627f, 0f, 0.21818992f,
            0.34556305f, 0.50996155f, 0f, 0.24237518f, 0.3482439f, 0.23949169f, 0.21356624f, 0.25248328f);

    static ModelMetadata metadata() {
        double[][] bins = {{0.0, 0.1, 258604, 0.0243, 0.0233}, {0.1, 0.2, 4601, 0.1348, 0.2110}, {0.2, 0.3, 1283, 0.2431, 0.3313},
            {0.3, 0.4, 628, 0.3450, 0.4076}, {0.4, 0.5, 424, 0.4480, 0.4693}, {0.5, 0.6, 308, 0.5491, 0.5390},
            {0.6, 0.7, 270, 0.6498, 0.5148}, {0.7, 0.8, 259, 0.7506, 0.6371}, {0.8, 0.9, 398, 0.8520, 0.6910},
            {0.9, 1.0, 1252, 0.9766, 0.8890}};
        List<CalibrationBin> calibration = new ArrayList<>();
        for (double[] b : bins) {
            calibration.add(new CalibrationBin(b[0], b[1], (long) b[2], b[3], b[4]));
        }
        return new ModelMetadata("service_health", "0.9", ModelType.PREDICTIVE, FEATURES, "input", "output", 1,
                TelemetryFeatures.PIPELINE_VERSION, 0.41, REFERENCE, calibration, "test", "h", Map.of(), "test", 1,
                "2026-01-01T00:00:00Z", Map.of(), new OnsetCalibration(50, 2.5, 6, 0.3));
    }

    @Test
    void everyRiskConfidenceFactorAndSummary_isUnchanged() throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        Backtest backtest = new Backtest(new LinearScorer(WEIGHTS, -5.355), metadata());
        for (Series s : List.of(minutely(), stepIndexed(), unsortedFiveMinutes())) {
            BacktestResult r = backtest.run(s);
            for (BacktestRow row : r.rows()) {
                put(md, Double.doubleToRawLongBits(row.risk()));
                put(md, Double.doubleToRawLongBits(row.confidence()));
                md.update(row.topFactor().getBytes(StandardCharsets.UTF_8));
                md.update(row.timestamp().getBytes(StandardCharsets.UTF_8));
            }
            StringWriter w = new StringWriter();
            Backtest.writeCsv(r, w);
            md.update(w.toString().getBytes(StandardCharsets.UTF_8));
            r.summary().ifPresent(sum -> md.update(sum.toString().getBytes(StandardCharsets.UTF_8)));
        }
        assertThat(HexFormat.of().formatHex(md.digest())).isEqualTo(
                "62d94d6fbae8a154da54af57ab02c61a4ac7d1b366b5951a79cb22ac6757a5a5");
    }

    @Test
    void aModelExplainedByVariants_givesUnchangedOutputsToo() throws Exception {
        // the same weights behind a scorer that does not tell its affine form: F + 1 scored variants per row
        LinearScorer linear = new LinearScorer(WEIGHTS, -5.355);
        io.commandcenter.models.scoring.BatchScorer hidden = new io.commandcenter.models.scoring.BatchScorer() {
            @Override
            public int featureCount() {
                return linear.featureCount();
            }

            @Override
            public double[] score(float[] rows, int rowCount) {
                return linear.score(rows, rowCount);
            }
        };
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        BacktestResult r = new Backtest(hidden, metadata()).run(stepIndexed());
        for (BacktestRow row : r.rows()) {
            put(md, Double.doubleToRawLongBits(row.risk()));
            put(md, Double.doubleToRawLongBits(row.confidence()));
            md.update(row.topFactor().getBytes(StandardCharsets.UTF_8));
        }
        assertThat(HexFormat.of().formatHex(md.digest())).isEqualTo(
                "31e7044dfb579cc66b7b37a9f1eb2cea9bf325b669b850741f5a1dc25997b055");
    }

    /** One metric every minute (the benchmark's shape) with incidents, labelled. */
    static Series minutely() {
        SplittableRandom rnd = new SplittableRandom(3);
        int n = 8000;
        long[] times = new long[n];
        double[] values = new double[n];
        boolean[] labels = new boolean[n];
        List<String> stamps = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            times[i] = 1_700_000_000_000L + i * 60_000L;
            stamps.add(Long.toString(times[i]));
            values[i] = 100 + 10 * Math.sin(2 * Math.PI * i / 1440) + rnd.nextGaussian() + (i >= 5000 && i < 5030 ? 25 : 0)
                    + (i >= 6500 ? 6 : 0) + (i % 1440 == 700 ? 15 : 0);
            labels[i] = i >= 4990 && i < 5040 || i >= 6490 && i < 6540;
        }
        return new Series(List.of("value"), TimeAxis.EPOCH_MILLIS, stamps, times, values, labels);
    }

    /** Three step-indexed metrics with missing values, a noise burst and a shift. */
    static Series stepIndexed() {
        SplittableRandom rnd = new SplittableRandom(4);
        int n = 5000;
        int m = 3;
        long[] times = new long[n];
        double[] values = new double[n * m];
        List<String> stamps = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            times[i] = i;
            stamps.add(Integer.toString(i));
            values[i * m] = i % 101 == 0 ? Double.NaN : 40 + 15 * Math.sin(2 * Math.PI * i / 288) + 2 * rnd.nextGaussian();
            values[i * m + 1] = 0.01 * (1 + (i > 3000 && i < 3100 ? 5 * Math.abs(rnd.nextGaussian()) : 0.1 * rnd.nextGaussian()));
            values[i * m + 2] = 1e5 + (i > 4000 ? 3e3 : 0) + 500 * rnd.nextGaussian();
        }
        return new Series(List.of("cpu", "errors", "bytes"), TimeAxis.STEPS, stamps, times, values, null);
    }

    /** Five-minute rows whose file order differs from time order in places. */
    static Series unsortedFiveMinutes() {
        SplittableRandom rnd = new SplittableRandom(5);
        int n = 3000;
        long[] times = new long[n];
        double[] values = new double[n];
        List<String> stamps = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            times[i] = 1_700_000_000_000L + i * 300_000L;
            values[i] = 5 + rnd.nextGaussian() * (i > 2000 && i < 2050 ? 6 : 1);
        }
        for (int i = 10; i < n; i += 97) {
            long t = times[i];
            times[i] = times[i + 1];
            times[i + 1] = t;
        }
        for (long t : times) {
            stamps.add(Long.toString(t));
        }
        return new Series(List.of("latency"), TimeAxis.EPOCH_MILLIS, stamps, times, values, null);
    }

    private static void put(MessageDigest md, long bits) {
        for (int s = 56; s >= 0; s -= 8) {
            md.update((byte) (bits >>> s));
        }
    }
}
