package io.commandcenter.models.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TelemetryFeatureExtractorTest {

    private static String[] names(int m) {
        String[] n = new String[m];
        for (int i = 0; i < m; i++) {
            n[i] = "cpu" + i;
        }
        return n;
    }

    @Test
    void vectorLength_isFixed_whateverTheNumberOfMetrics() {
        for (int m : new int[] {1, 7, 40}) {
            TelemetryFeatureExtractor ex = new TelemetryFeatureExtractor(TimeAxis.STEPS);
            ex.update(0, names(m), new double[m]);
            float[] v = new float[TelemetryFeatures.SCHEMA.size()];
            ex.copyFeatures(v, 0);
            assertThat(ex.features().values()).hasSize(TelemetryFeatures.SCHEMA.size());
        }
    }

    @Test
    void spikeInOneOfTenMetrics_isNamedAsSource_andCorrectedByLog10OfTheMetricCount() {
        Random rnd = new Random(7);
        TelemetryFeatureExtractor one = new TelemetryFeatureExtractor(TimeAxis.STEPS);
        TelemetryFeatureExtractor ten = new TelemetryFeatureExtractor(TimeAxis.STEPS);
        String[] n10 = names(10);
        String[] n1 = {"cpu3"};
        double[][] rows = new double[500][10];
        for (int i = 0; i < 500; i++) {
            for (int m = 0; m < 10; m++) {
                rows[i][m] = 50 + rnd.nextGaussian();
            }
        }
        rows[499][3] += 15;
        for (int i = 0; i < 500; i++) {
            ten.update(i, n10, rows[i]);
            one.update(i, n1, new double[] {rows[i][3]});
        }
        FeatureVector v10 = ten.features();
        FeatureVector v1 = one.features();
        assertThat(v10.source(TelemetryFeatures.RES_MAX)).isEqualTo("cpu3");
        assertThat(v1.value(TelemetryFeatures.RES_MAX)).isGreaterThan(5f);
        assertThat((double) v10.value(TelemetryFeatures.RES_MAX)).isCloseTo(v1.value(TelemetryFeatures.RES_MAX) - 1.0, within(1e-4));
        assertThat(v10.value(TelemetryFeatures.RES_FRAC)).isBetween(0.1f, 0.3f);
        // with one metric the share carries nothing the maximum does not: it is faded out
        assertThat(v1.value(TelemetryFeatures.RES_FRAC)).isZero();
    }

    @Test
    void missingValues_areSkipped_andAnAllMissingRowLeavesTheVectorUnchanged() {
        TelemetryFeatureExtractor ex = new TelemetryFeatureExtractor(TimeAxis.STEPS);
        String[] n = {"a", "b"};
        for (int i = 0; i < 100; i++) {
            ex.update(i, n, new double[] {i % 3, Double.NaN});
        }
        FeatureVector before = ex.features();
        ex.update(100, n, new double[] {Double.NaN, Double.NaN});
        assertThat(ex.features()).isEqualTo(before);
        assertThat(ex.rows()).isEqualTo(100);
    }

    @Test
    void timeGoingBackwards_isRejected() {
        TelemetryFeatureExtractor ex = new TelemetryFeatureExtractor(TimeAxis.EPOCH_MILLIS);
        ex.update(new TelemetrySample("svc", 2000, Map.of("x", 1.0)));
        assertThatThrownBy(() -> ex.update(new TelemetrySample("svc", 1000, Map.of("x", 1.0))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void dailySeasonality_isFoundAmongStepPeriods_andFromTheSamplingInterval() {
        TelemetryFeatureExtractor steps = new TelemetryFeatureExtractor(TimeAxis.STEPS);
        TelemetryFeatureExtractor clock = new TelemetryFeatureExtractor(TimeAxis.EPOCH_MILLIS);
        Random rnd = new Random(2);
        String[] n = {"rps"};
        for (int i = 0; i < 24 * 30; i++) {
            double v = 100 + 30 * Math.sin(2 * Math.PI * i / 24) + rnd.nextGaussian();
            steps.update(i, n, new double[] {v});
            clock.update(1_700_000_000_000L + i * 3_600_000L, n, new double[] {v});
        }
        assertThat(steps.seasonalPeriod("rps")).isEqualTo(24);
        assertThat(clock.seasonalPeriod("rps")).isEqualTo(24);
    }

    @Test
    void whiteNoise_hasNoSeasonality() {
        TelemetryFeatureExtractor ex = new TelemetryFeatureExtractor(TimeAxis.STEPS);
        Random rnd = new Random(4);
        for (int i = 0; i < 3000; i++) {
            ex.update(i, new String[] {"x"}, new double[] {rnd.nextGaussian()});
        }
        assertThat(ex.seasonalPeriod("x")).isZero();
    }

    @Test
    void healthSample_feedsLatencyErrorRateAndAvailability() {
        TelemetryFeatureExtractor ex = new TelemetryFeatureExtractor(TimeAxis.EPOCH_MILLIS);
        ex.update(new HealthSample("api", 0, 20, 60, 80, 200, 50, false, Map.of("queue", 3.0)));
        FeatureVector v = ex.features();
        assertThat(v.value(TelemetryFeatures.HEALTH_ERROR_RATE)).isEqualTo(0.25f);
        assertThat((double) v.value(TelemetryFeatures.HEALTH_DOWN)).isCloseTo(0.3, within(1e-6));
        assertThat((double) v.value(TelemetryFeatures.HEALTH_LATENCY_SKEW)).isCloseTo(Math.log(4), within(1e-6));
        assertThat(v.source(TelemetryFeatures.HEALTH_ERROR_RATE)).isEqualTo("error_rate");
        assertThat(ex.metricNames()).containsExactly("latency_p50", "latency_p95", "latency_p99", "error_rate", "up", "queue");
    }

    @Test
    void derivedPeriods_areDailyAndWeekly_whenWholeAndSmallEnough() {
        assertThat(TelemetryFeatureExtractor.derivePeriods(300_000L)).containsExactly(288, 2016);
        assertThat(TelemetryFeatureExtractor.derivePeriods(60_000L)).containsExactly(1440);
        assertThat(TelemetryFeatureExtractor.derivePeriods(3_600_000L)).containsExactly(24, 168);
        assertThat(TelemetryFeatureExtractor.derivePeriods(7_000L)).isEmpty();
    }
}
