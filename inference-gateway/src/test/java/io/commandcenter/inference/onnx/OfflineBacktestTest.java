package io.commandcenter.inference.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.commandcenter.inference.ChampionRouter;
import io.commandcenter.inference.ModelKey;
import io.commandcenter.inference.RiskPrediction;
import io.commandcenter.inference.RiskPredictor;
import io.commandcenter.models.artifact.ModelArtifact;
import io.commandcenter.models.backtest.BacktestResult;
import io.commandcenter.models.backtest.Series;
import io.commandcenter.models.bootstrap.BootstrapModels;
import io.commandcenter.models.calibration.OnsetCalibration;
import io.commandcenter.models.confidence.ConfidenceCalculator;
import io.commandcenter.models.features.TelemetryFeatureExtractor;
import io.commandcenter.models.features.TelemetrySample;
import io.commandcenter.models.features.TimeAxis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OfflineBacktestTest {

    static Series degrading(int rows, long seed) {
        Random rnd = new Random(seed);
        long start = 1_700_000_000_000L;
        long[] times = new long[rows];
        double[] values = new double[rows];
        boolean[] labels = new boolean[rows];
        List<String> stamps = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            times[i] = start + i * 60_000L;
            stamps.add(java.time.Instant.ofEpochMilli(times[i]).toString());
            double v = 120 + 15 * Math.sin(2 * Math.PI * i / 1440) + 3 * rnd.nextGaussian();
            int k = i % 5000;
            if (k >= 4000 && k < 4060) {
                v += (k - 4000) * 2.0; // latency creep: 2/3 of a noise sigma per minute
                labels[i] = true;
            }
            values[i] = v;
        }
        return new Series(List.of("latency_ms"), TimeAxis.EPOCH_MILLIS, stamps, times, values, labels);
    }

    @Test
    void offlineBacktest_givesTheSameRisksAsTheLivePath_rowByRow() {
        ModelArtifact sh = new BootstrapModels().load("service_health");
        Series s = degrading(4300, 1);
        BacktestResult offline = OfflineBacktest.run(sh, s);
        double threshold = sh.metadata().threshold();
        // the series must exercise the calibration: an alarm, then rows held just below the threshold
        assertThat(offline.rows()).anySatisfy(r -> assertThat(r.risk()).isGreaterThanOrEqualTo(threshold));
        assertThat(offline.rows()).anySatisfy(r -> assertThat(r.risk()).isEqualTo(OnsetCalibration.heldRisk(threshold)));
        try (OnnxBackend backend = new OnnxBackend()) {
            backend.load(sh);
            ChampionRouter router = new ChampionRouter(backend);
            router.promote(ModelKey.of(sh.metadata()));
            RiskPredictor live = new RiskPredictor(router, backend, new ConfidenceCalculator(), 3);
            TelemetryFeatureExtractor ex = new TelemetryFeatureExtractor(TimeAxis.EPOCH_MILLIS);
            // the entity's calibration state, fed row by row as the live engine feeds it
            OnsetCalibration.State state = sh.metadata().onset().newState(sh.metadata().threshold());
            for (int i = 0; i < s.rows(); i++) {
                long time = s.times()[i];
                ex.update(new TelemetrySample("api", time, Map.of("latency_ms", s.value(i, 0))));
                // as the live engine: the model's probability, the record's time and its peak novelty through the entity's state
                double novelty = ex.peakNovelty();
                RiskPrediction p = live.predict(ModelKey.of(sh.metadata()), ex.features(), ex.minMetricObservations(), Duration.ZERO, null,
                        q -> state.next(q, time, novelty));
                assertThat(p.risk()).as("row %d", i).isCloseTo(offline.rows().get(i).risk(), within(1e-6));
                assertThat(p.confidence().value()).isCloseTo(offline.rows().get(i).confidence(), within(1e-6));
                assertThat(p.factors().get(0).label()).isEqualTo(offline.rows().get(i).topFactor());
            }
        }
    }

    @Test
    void degenerateFiles_giveOneRowPerInputRow_withFiniteRisks() throws Exception {
        ModelArtifact sh = new BootstrapModels().load("service_health");
        StringBuilder constant = new StringBuilder("t,v\n");
        StringBuilder huge = new StringBuilder("t,v,w\n");
        for (int i = 0; i < 300; i++) {
            constant.append(i).append(",7\n");
            huge.append(i).append(',').append(1e30 * (1 + (i % 7))).append(",NaN\n");
        }
        String[] files = {"t,v\n", "t,v\n0,1\n", "t,v\n0,1\n1,2\n", constant.toString(), huge.toString(),
            "timestamp,v,label\n2024-01-01 00:00:00,-5e-30,0\n2024-01-01 00:00:00,3,1\n"};
        for (String f : files) {
            Series s = new io.commandcenter.models.backtest.SeriesCsv().read(new java.io.StringReader(f));
            BacktestResult r = OfflineBacktest.run(sh, s);
            assertThat(r.rows()).hasSize(s.rows());
            assertThat(r.rows()).allSatisfy(row -> {
                assertThat(row.risk()).isBetween(0.0, 1.0);
                assertThat(row.confidence()).isBetween(0.0, 1.0);
            });
        }
    }

    @Test
    void theCommandLine_namesAMissingValue_andRefusesAModelFileThatIsNotOnnx() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> OfflineBacktest.main(new String[] {"--output", "o.csv", "--input"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("--input needs a value");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> OfflineBacktest.main(new String[] {"--input", "i.csv",
                        "--output", "o.csv", "--model-file", "service_health.json"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("--model-file must name the .onnx file");
    }

    @Test
    void twentyThousandRowUnivariateFile_isScoredInWellUnderTheBudget_andWarnsOfTheCreep() {
        ModelArtifact sh = new BootstrapModels().load("service_health");
        OfflineBacktest.run(sh, degrading(5000, 3)); // warm the JIT
        Series s = degrading(20_000, 2);
        BacktestResult r = OfflineBacktest.run(sh, s);
        assertThat(r.rows()).hasSize(20_000);
        assertThat(r.featureNanos() + r.scoringNanos()).isLessThan(5_000_000_000L);
        System.out.printf("backtest 20k univariate rows: %.0f rows/s (features %.1f ms, scoring+explanations %.1f ms)%n",
                r.rowsPerSecond(), r.featureNanos() / 1e6, r.scoringNanos() / 1e6);
        assertThat(r.summary().orElseThrow().incident().recall()).isEqualTo(1.0);
        assertThat(r.summary().orElseThrow().earlyWarning()).isGreaterThan(50.0);
    }
}
