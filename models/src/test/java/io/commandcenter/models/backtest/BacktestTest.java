package io.commandcenter.models.backtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.models.artifact.CalibrationBin;
import io.commandcenter.models.artifact.ModelMetadata;
import io.commandcenter.models.artifact.ModelType;
import io.commandcenter.models.features.TelemetryFeatures;
import io.commandcenter.models.features.TimeAxis;
import io.commandcenter.models.scoring.LinearScorer;
import java.io.InputStreamReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BacktestTest {

    /** A hand-made model on the pipeline features: risk rises with residual and level surprisal. */
    static ModelMetadata metadata(List<String> features) {
        List<Float> ref = new ArrayList<>();
        for (int i = 0; i < features.size(); i++) {
            ref.add(0.3f);
        }
        return new ModelMetadata("service_health", "0.1", ModelType.PREDICTIVE, features, "input", "output", 1,
                TelemetryFeatures.PIPELINE_VERSION, 0.5, ref, List.of(new CalibrationBin(0, 1, 10_000, 0.05, 0.05)), "test", "h",
                Map.of(), "test", 1, "2026-01-01T00:00:00Z", Map.of());
    }

    static LinearScorer scorer(List<String> features) {
        double[] w = new double[features.size()];
        w[features.indexOf(TelemetryFeatures.RES_MAX)] = 1.0;
        w[features.indexOf(TelemetryFeatures.LEVEL_MAX)] = 0.5;
        return new LinearScorer(w, -5);
    }

    static final List<String> MODEL_ORDER = TelemetryFeatures.SCHEMA.names().stream().sorted().toList();

    @Test
    void everyInputRow_getsExactlyOneOutputRow_inInputOrder_evenWhenTimesAreUnsorted() {
        Random rnd = new Random(1);
        int n = 400;
        long[] times = new long[n];
        double[] values = new double[n];
        List<String> stamps = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            times[i] = i;
            values[i] = 10 + rnd.nextGaussian() + (i == 300 ? 20 : 0);
        }
        // swap two rows in the file: the replay sorts by time, output keeps the file order
        long t = times[10];
        times[10] = times[11];
        times[11] = t;
        for (long ti : times) {
            stamps.add(Long.toString(ti));
        }
        Series s = new Series(List.of("latency"), TimeAxis.STEPS, stamps, times, values, null);
        BacktestResult r = new Backtest(scorer(MODEL_ORDER), metadata(MODEL_ORDER)).run(s);
        assertThat(r.rows()).hasSize(n);
        assertThat(r.rows().get(10).timestamp()).isEqualTo("11");
        assertThat(r.rows().get(300).risk()).isGreaterThan(0.5);
        assertThat(r.rows().get(300).topFactor()).isEqualTo("res_max[latency]");
        assertThat(r.rows().get(250).risk()).isLessThan(0.5);
        assertThat(r.summary()).isEmpty();
        assertThat(r.rows()).allSatisfy(row -> assertThat(row.confidence()).isBetween(0.0, 1.0));
    }

    @Test
    void onlineReplay_aRowsScoreDoesNotDependOnLaterRows() {
        Random rnd = new Random(2);
        int n = 300;
        long[] times = new long[n];
        double[] values = new double[n];
        List<String> stamps = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            times[i] = i;
            values[i] = rnd.nextGaussian();
            stamps.add(Long.toString(i));
        }
        Backtest b = new Backtest(scorer(MODEL_ORDER), metadata(MODEL_ORDER));
        BacktestResult full = b.run(new Series(List.of("x"), TimeAxis.STEPS, stamps, times, values, null));
        BacktestResult prefix = b.run(new Series(List.of("x"), TimeAxis.STEPS, stamps.subList(0, 200),
                java.util.Arrays.copyOf(times, 200), java.util.Arrays.copyOf(values, 200), null));
        for (int i = 0; i < 200; i++) {
            assertThat(prefix.rows().get(i)).isEqualTo(full.rows().get(i));
        }
    }

    @Test
    void labelledAsdSlice_isReplayed_andSummarised() throws Exception {
        Series s;
        try (var in = new InputStreamReader(getClass().getResourceAsStream("/asd/omi-1_test_rows600-899.csv"), StandardCharsets.UTF_8)) {
            s = new SeriesCsv().read(in);
        }
        assertThat(s.metrics()).hasSize(19);
        BacktestResult r = new Backtest(scorer(MODEL_ORDER), metadata(MODEL_ORDER)).run(s);
        assertThat(r.rows()).hasSize(300);
        BacktestSummary sum = r.summary().orElseThrow();
        assertThat(sum.incident().truePositives() + sum.incident().falseNegatives()).isEqualTo(1);
        StringWriter w = new StringWriter();
        Backtest.writeCsv(r, w);
        String[] lines = w.toString().split("\n");
        assertThat(lines).hasSize(301);
        assertThat(lines[0]).isEqualTo("timestamp,risk,confidence,top_factor");
        assertThat(lines[1]).startsWith("600,");
        assertThat(Backtest.describe(sum)).contains("precision").contains("lead time");
    }

    @Test
    void aModelOfAnotherPipeline_isRefused() {
        ModelMetadata m = metadata(MODEL_ORDER);
        ModelMetadata other = new ModelMetadata(m.name(), m.version(), m.type(), m.features(), m.inputName(), m.outputName(),
                m.positiveIndex(), "compliance-v1", m.threshold(), m.reference(), m.calibration(), m.trainingWindow(), m.dataHash(),
                m.metrics(), m.codeVersion(), m.seed(), m.createdAt(), m.provenance());
        assertThatThrownBy(() -> new Backtest(scorer(MODEL_ORDER), other))
                .isInstanceOfSatisfying(CommandCenterException.class, e -> assertThat(e.reason()).isEqualTo("PIPELINE_MISMATCH"));
    }

    @Test
    void theModelsOnsetCalibration_followsTheRows_soAnIncidentAlarmsOnce() {
        int n = 600;
        Series s = stepSeries(n, 25);
        ModelMetadata m = metadata(MODEL_ORDER);
        ModelMetadata calibrated = new ModelMetadata(m.name(), m.version(), m.type(), m.features(), m.inputName(), m.outputName(),
                m.positiveIndex(), m.pipeline(), m.threshold(), m.reference(), m.calibration(), m.trainingWindow(), m.dataHash(),
                m.metrics(), m.codeVersion(), m.seed(), m.createdAt(), m.provenance(),
                new io.commandcenter.models.calibration.OnsetCalibration(100, 1.0));
        BacktestResult raw = new Backtest(scorer(MODEL_ORDER), m).run(s);
        BacktestResult onset = new Backtest(scorer(MODEL_ORDER), calibrated).run(s);

        double[] p = raw.rows().stream().mapToDouble(BacktestRow::risk).toArray();
        double[] expected = calibrated.onset().apply(p, m.threshold());
        for (int i = 0; i < n; i++) {
            assertThat(onset.rows().get(i).risk()).as("row %d", i).isEqualTo(expected[i]);
        }
        long rawAlarms = raw.rows().stream().filter(r -> r.risk() >= 0.5).count();
        long onsetAlarms = onset.rows().stream().filter(r -> r.risk() >= 0.5).count();
        assertThat(rawAlarms).isGreaterThan(1);
        assertThat(onsetAlarms).isBetween(1L, rawAlarms - 1);
        assertThat(onset.rows().get(400).risk()).isGreaterThanOrEqualTo(0.5);
    }

    @Test
    void theQuietEntityBonus_raisesTheReportedAlarms_butConfidenceStillReadsTheProbabilitysReliability() {
        int n = 600;
        Series s = stepSeries(n, 6);
        ModelMetadata m = metadata(MODEL_ORDER);
        // a reliability table whose upper bins are badly calibrated: a risk read in the wrong bin changes confidence
        List<CalibrationBin> bins = new ArrayList<>();
        for (int b = 0; b < 10; b++) {
            bins.add(new CalibrationBin(b / 10.0, (b + 1) / 10.0, 1_000, b / 10.0 + 0.05, b < 5 ? b / 10.0 + 0.05 : 1.0 - b / 10.0));
        }
        java.util.function.Function<io.commandcenter.models.calibration.OnsetCalibration, ModelMetadata> with = c -> new ModelMetadata(
                m.name(), m.version(), m.type(), m.features(), m.inputName(), m.outputName(), m.positiveIndex(), m.pipeline(),
                m.threshold(), m.reference(), bins, m.trainingWindow(), m.dataHash(), m.metrics(), m.codeVersion(), m.seed(),
                m.createdAt(), m.provenance(), c);
        BacktestResult plain = new Backtest(scorer(MODEL_ORDER), with.apply(new io.commandcenter.models.calibration.OnsetCalibration(100, 1.0, 0, 0.0))).run(s);
        BacktestResult bonus = new Backtest(scorer(MODEL_ORDER),
                with.apply(new io.commandcenter.models.calibration.OnsetCalibration(100, 1.0, 0, 0.0, 2.0, 5.0, 7.0))).run(s);
        int raised = 0;
        for (int i = 0; i < n; i++) {
            BacktestRow a = plain.rows().get(i);
            BacktestRow b = bonus.rows().get(i);
            assertThat(b.risk() >= 0.5).as("row %d: the same decision", i).isEqualTo(a.risk() >= 0.5);
            if (a.risk() >= 0.5) {
                assertThat(b.risk()).as("row %d", i).isGreaterThan(a.risk());
                raised++;
            } else {
                assertThat(b.risk()).as("row %d", i).isEqualTo(a.risk());
            }
            assertThat(b.confidence()).as("row %d", i).isEqualTo(a.confidence());
        }
        assertThat(raised).isPositive();
    }

    /** {@code n} noisy latency rows (seeded) on a step axis with a jump of {@code jump} over rows 400-419. */
    @Test
    void theNoveltyDiscount_readsThePipelinesPeakNovelty_andChangesNoDecision() {
        // ten days of 5-minute rows (step-indexed) with short bursts every 7 hours: after two days they stay inside the
        // range of the previous days, and the entity alarms often
        int n = 2880;
        Random rnd = new Random(5);
        long[] times = new long[n];
        double[] values = new double[n];
        List<String> stamps = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            times[i] = i;
            values[i] = 10 + rnd.nextGaussian() + (i % 84 < 2 && i > 100 ? 8 + rnd.nextGaussian() : 0);
            stamps.add(Long.toString(i));
        }
        Series s = new Series(List.of("latency"), TimeAxis.STEPS, stamps, times, values, null);
        ModelMetadata m = metadata(MODEL_ORDER);
        java.util.function.Function<io.commandcenter.models.calibration.OnsetCalibration, ModelMetadata> with = c -> new ModelMetadata(
                m.name(), m.version(), m.type(), m.features(), m.inputName(), m.outputName(), m.positiveIndex(), m.pipeline(),
                m.threshold(), m.reference(), m.calibration(), m.trainingWindow(), m.dataHash(), m.metrics(), m.codeVersion(), m.seed(),
                m.createdAt(), m.provenance(), c);
        io.commandcenter.models.calibration.OnsetCalibration bonusOnly = new io.commandcenter.models.calibration.OnsetCalibration(20, 1.0, 0, 0.0, 2.0, 5.0, 7.0);
        io.commandcenter.models.calibration.OnsetCalibration discount = new io.commandcenter.models.calibration.OnsetCalibration(20, 1.0, 0, 0.0, 2.0, 5.0, 7.0, 1.0, 5.0);
        double[] p = new double[n];
        List<BacktestRow> raw = new Backtest(scorer(MODEL_ORDER), with.apply(io.commandcenter.models.calibration.OnsetCalibration.NONE)).run(s).rows();
        for (int i = 0; i < n; i++) {
            p[i] = raw.get(i).risk();
        }
        List<BacktestRow> a = new Backtest(scorer(MODEL_ORDER), with.apply(bonusOnly)).run(s).rows();
        List<BacktestRow> b = new Backtest(scorer(MODEL_ORDER), with.apply(discount)).run(s).rows();
        // the backtest feeds the rule the pipeline's novelty of each row: what the rule gives with PeakNovelty over the values
        double[] expected = discount.apply(p, 0.5, times, TimeAxis.STEPS, io.commandcenter.models.calibration.PeakNovelty.of(times, values, 1, TimeAxis.STEPS));
        int lowered = 0;
        for (int i = 0; i < n; i++) {
            assertThat(b.get(i).risk()).as("row %d", i).isEqualTo(expected[i]);
            assertThat(b.get(i).risk() >= 0.5).as("row %d: the same decision", i).isEqualTo(a.get(i).risk() >= 0.5);
            assertThat(b.get(i).risk()).as("row %d", i).isLessThanOrEqualTo(a.get(i).risk());
            lowered += b.get(i).risk() < a.get(i).risk() ? 1 : 0;
        }
        assertThat(lowered).as("alarms reported lower").isGreaterThan(0);
    }

    @Test
    void aReplayCancelledWhileScoring_stopsAtTheNextCheck_withoutScoringTheRest() {
        int n = 3 * 2048 + 100; // four chunks of the occlusion explainer
        LinearScorer linear = scorer(MODEL_ORDER);
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        // not affine: F + 1 variants a row, one model call a chunk of rows (the costly path)
        io.commandcenter.models.scoring.BatchScorer counting = new io.commandcenter.models.scoring.BatchScorer() {
            @Override
            public int featureCount() {
                return linear.featureCount();
            }

            @Override
            public double[] score(float[] rows, int rowCount) {
                calls.incrementAndGet();
                return linear.score(rows, rowCount);
            }
        };
        Backtest backtest = new Backtest(counting, metadata(MODEL_ORDER));
        assertThat(backtest.run(stepSeries(n, 25)).rows()).hasSize(n);
        assertThat(calls.get()).isEqualTo(4);

        // the client goes away while the first chunk is scored
        calls.set(0);
        assertThatThrownBy(() -> backtest.run(stepSeries(n, 25), () -> calls.get() > 0))
                .isInstanceOf(java.util.concurrent.CancellationException.class)
                .hasMessageContaining("cancelled at row 0");
        assertThat(calls.get()).isEqualTo(1);

        // cancelled before the scoring: no model call at all
        calls.set(0);
        assertThatThrownBy(() -> backtest.run(stepSeries(n, 25), () -> true))
                .isInstanceOf(java.util.concurrent.CancellationException.class);
        assertThat(calls.get()).isZero();
    }

    private static Series stepSeries(int n, double jump) {
        Random rnd = new Random(4);
        long[] times = new long[n];
        double[] values = new double[n];
        List<String> stamps = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            times[i] = i;
            values[i] = 10 + rnd.nextGaussian() + (i >= 400 && i < 420 ? jump : 0);
            stamps.add(Long.toString(i));
        }
        return new Series(List.of("latency"), TimeAxis.STEPS, stamps, times, values, null);
    }
}
