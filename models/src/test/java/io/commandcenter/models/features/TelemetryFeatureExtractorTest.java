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

    @Test
    void evidence_isTheLargestOfLevelVolatilityAndDownWeightedFar_forOneMetric_andTopKForMany() {
        Random rnd = new Random(11);
        TelemetryFeatureExtractor one = new TelemetryFeatureExtractor(TimeAxis.STEPS);
        TelemetryFeatureExtractor ten = new TelemetryFeatureExtractor(TimeAxis.STEPS);
        String[] n10 = names(10);
        String[] n1 = {"m"};
        for (int i = 0; i < 3000; i++) {
            double[] row = new double[10];
            for (int m = 0; m < 10; m++) {
                row[m] = 100 + 2 * rnd.nextGaussian() + (i >= 2990 && m < 3 ? 30 : 0);
            }
            ten.update(i, n10, row);
            one.update(i, n1, new double[] {100 + 2 * rnd.nextGaussian() + (i >= 2990 ? 30 : 0)});
            FeatureVector v = one.features();
            float expected = (float) Math.max(v.value(TelemetryFeatures.LEVEL_MAX),
                    Math.max(v.value(TelemetryFeatures.VOL_MAX), 0.35 * v.value(TelemetryFeatures.FAR_MAX)));
            assertThat(v.value(TelemetryFeatures.EVIDENCE)).as("row %d", i).isCloseTo(expected, within(1e-4f));
        }
        FeatureVector v1 = one.features();
        FeatureVector v10 = ten.features();
        // 15 standard deviations from three thousand quiet values: far is at its cap, level well above it
        assertThat(v1.value(TelemetryFeatures.FAR_MAX)).isGreaterThan(20f);
        assertThat(v1.value(TelemetryFeatures.EVIDENCE)).isGreaterThan(5f);
        // three of ten metrics broke away together: the top-3 mean barely loses log10(10/3) against one metric
        assertThat((double) v10.value(TelemetryFeatures.EVIDENCE)).isGreaterThan(v1.value(TelemetryFeatures.EVIDENCE) - 1.0);
        assertThat(v10.source(TelemetryFeatures.EVIDENCE)).isIn("cpu0", "cpu1", "cpu2");
    }

    @Test
    void farFromTheLongRun_remembersDays_whileTheLevelBaselineForgetsHours() {
        TelemetryFeatureExtractor ex = new TelemetryFeatureExtractor(TimeAxis.STEPS);
        String[] n = {"m"};
        Random rnd = new Random(5);
        for (int i = 0; i < 3000; i++) {
            ex.update(i, n, new double[] {10 + rnd.nextGaussian()});
        }
        // a lasting shift of 6 sigma: after 300 rows the level baseline has mostly absorbed it, the long run has not
        for (int i = 3000; i < 3300; i++) {
            ex.update(i, n, new double[] {16 + rnd.nextGaussian()});
        }
        FeatureVector v = ex.features();
        assertThat(v.value(TelemetryFeatures.FAR_MAX)).as(v.toString()).isGreaterThan(2f);
        assertThat(v.value(TelemetryFeatures.LEVEL_MAX)).as(v.toString()).isLessThan(v.value(TelemetryFeatures.FAR_MAX));
    }
}
