package io.commandcenter.models.features;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Pins the telemetry pipeline's outputs bit for bit: every double a {@link MetricState} computes and
 * every vector, source metric and observation count the {@link TelemetryFeatureExtractor} gives, over
 * seeded series of each shape the pipeline meets (one metric at one-minute steps with its daily period,
 * several step-indexed metrics with every candidate period and missing values, health samples, jittered
 * five-minute times with repeated instants). A speed-up of the shared feature code must leave these
 * digests unchanged; a change of what the features mean changes them on purpose (and retrains the
 * models, which {@code PipelineFingerprint} enforces on the floats alone).
 */
class PipelinePinTest {

    @Test
    void metricState_everyIntermediateDouble_isUnchanged() throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        SplittableRandom rnd = new SplittableRandom(7);
        for (int[] periods : new int[][] {{}, {1440}, {24, 48, 96, 144, 168, 288, 1440}}) {
            MetricState st = new MetricState(periods);
            for (int i = 0; i < 5000; i++) {
                double x = value(rnd, i, periods.length == 0 ? 1 : 100);
                st.update(x, i);
                for (double d : new double[] {st.zRes, st.zLevel, st.zTrend, st.zRoc, st.zVol, st.zFar, st.sRes, st.sLevel,
                        st.sTrend, st.sRoc, st.sVol, st.sFar, st.evidence(), st.baseline(), st.seasonalStrength(), st.seasonalPeriod()}) {
                    put(md, Double.doubleToRawLongBits(d));
                }
            }
        }
        assertThat(HexFormat.of().formatHex(md.digest())).isEqualTo(
                "4094ea2c07ac83181afd99c0c8173fb8ec6ebd434f49f2b41d21d0df43e34744");
    }

    @Test
    void extractor_vectorsSourcesAndObservations_areUnchanged() throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        // one metric, epoch millis every minute: the daily period (1440 steps) is derived and learnt
        SplittableRandom rnd = new SplittableRandom(11);
        TelemetryFeatureExtractor a = new TelemetryFeatureExtractor(TimeAxis.EPOCH_MILLIS);
        String[] one = {"value"};
        for (int i = 0; i < 6000; i++) {
            a.update(1_700_000_000_000L + i * 60_000L, one, new double[] {value(rnd, i, 100)});
            digest(md, a);
        }
        // four step-indexed metrics, every candidate period, missing values, a flat and a heavy-tailed metric
        TelemetryFeatureExtractor b = new TelemetryFeatureExtractor(TimeAxis.STEPS);
        String[] four = {"cpu", "flat", "latency", "queue"};
        double[] row = new double[4];
        for (int i = 0; i < 4000; i++) {
            row[0] = i % 97 == 0 ? Double.NaN : 50 + 20 * Math.sin(2 * Math.PI * i / 288) + 3 * rnd.nextGaussian();
            row[1] = 7.0;
            double u = rnd.nextDouble();
            row[2] = 120 + 5 / Math.max(1e-3, u) * (i > 3000 && i < 3040 ? 8 : 1);
            row[3] = i % 13 == 0 ? Double.NaN : Math.floor(value(rnd, i, 10));
            b.update(i, four, row.clone());
            digest(md, b);
        }
        // health samples, five-minute rows, with an extra metric
        TelemetryFeatureExtractor h = new TelemetryFeatureExtractor(TimeAxis.EPOCH_MILLIS);
        for (int i = 0; i < 1500; i++) {
            double load = 1 + (i > 1200 && i < 1260 ? 3 : 0) + 0.1 * rnd.nextGaussian();
            h.updateHealth(1_700_000_000_000L + i * 300_000L, 20 * load, 45 * load, 90 * load * load,
                    i > 1300 && i < 1320 ? 0.2 : 0.001 * rnd.nextDouble(), i == 1400 ? 0.0 : 1.0,
                    Map.of("gc_pause", 5 + rnd.nextGaussian()));
            digest(md, h);
        }
        // jittered five-minute times with repeated instants
        TelemetryFeatureExtractor j = new TelemetryFeatureExtractor(TimeAxis.EPOCH_MILLIS);
        long t = 1_700_000_000_000L;
        for (int i = 0; i < 3000; i++) {
            t += i % 50 == 0 ? 0 : 300_000L + (i % 7 == 0 ? rnd.nextInt(20_000) : 0);
            j.update(t, one, new double[] {value(rnd, i, 1000)});
            digest(md, j);
        }
        assertThat(HexFormat.of().formatHex(md.digest())).isEqualTo(
                "a9d225c27d91a0325329d9863a00a96e4298efb1c6237a3ceea3b7b472626555");
    }

    /** A seasonal, noisy series with spikes, a level shift, a noise burst and a stuck stretch. */
    static double value(SplittableRandom rnd, int i, double scale) {
        if (i >= 2500 && i < 2560) {
            return scale * 1.05;
        }
        double v = scale * (1 + 0.1 * Math.sin(2 * Math.PI * i / 1440)) + 0.01 * scale * rnd.nextGaussian();
        if (i % 611 == 17) {
            v += 0.3 * scale;
        }
        if (i > 3500) {
            v += 0.05 * scale;
        }
        if (i > 4200 && i < 4300) {
            v += 0.05 * scale * rnd.nextGaussian();
        }
        return v;
    }

    private static void digest(MessageDigest md, TelemetryFeatureExtractor ex) {
        float[] v = new float[TelemetryFeatures.SCHEMA.size()];
        ex.copyFeatures(v, 0);
        for (int k = 0; k < v.length; k++) {
            put(md, Float.floatToRawIntBits(v[k]));
            md.update(ex.sourceMetric(k).getBytes(StandardCharsets.UTF_8));
        }
        put(md, ex.rows());
        put(md, ex.minMetricObservations());
        for (String metric : ex.metricNames()) {
            put(md, ex.seasonalPeriod(metric));
        }
    }

    private static void put(MessageDigest md, long bits) {
        for (int s = 56; s >= 0; s -= 8) {
            md.update((byte) (bits >>> s));
        }
    }
}
