package io.commandcenter.models.train.loop;

import io.commandcenter.models.artifact.ModelMetadata;
import io.commandcenter.models.bootstrap.BootstrapModels;
import io.commandcenter.models.calibration.OnsetCalibration;
import io.commandcenter.models.features.TelemetryFeatures;
import io.commandcenter.models.features.TimeAxis;
import io.commandcenter.models.synthetic.LabelledSeries;
import io.commandcenter.models.train.bootstrap.CorpusEntry;
import io.commandcenter.models.train.bootstrap.ServiceHealthTraining.Replayed;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The refit objective decides which thresholds may be chosen: plain best F1 trades a caught incident for fewer false
 * alarms, the recall floor may not, the warning floor may not alarm later either (guide 18.10).
 */
class ThresholdRefitObjectiveTest {
    static final int N = 400;

    /** The shipped model at 0.41 with no onset rule, so the risk is the probability below. */
    static ModelMetadata champion() {
        ModelMetadata m = new BootstrapModels().load("service_health").metadata();
        return new ModelMetadata(m.name(), m.version(), m.type(), m.features(), m.inputName(), m.outputName(),
                m.positiveIndex(), m.pipeline(), 0.41, m.reference(), m.calibration(), m.trainingWindow(),
                m.dataHash(), m.metrics(), m.codeVersion(), m.seed(), m.createdAt(), m.provenance(),
                OnsetCalibration.NONE);
    }

    /**
     * Incident A (rows 100-109) at 0.975; incident B (rows 250-259) warned at 0.50 from row 238 (the start of its
     * 12-row horizon) and above 0.70 only from row 255; three false-alarm blips at 0.725 and two at 0.555. Per
     * threshold: up to 0.50 both caught, B at the earliest, 5 false alarms (F1 0.444); 0.51-0.55 B late; 0.56-0.70
     * both caught, B late, 3 false alarms (F1 0.571); 0.73-0.97 only A, none (F1 0.667).
     */
    static double[] probabilities() {
        double[] p = new double[N];
        Arrays.fill(p, 0.1);
        for (int i = 100; i < 110; i++) {
            p[i] = 0.975;
        }
        for (int i = 238; i < 255; i++) {
            p[i] = 0.50;
        }
        for (int i = 255; i < 260; i++) {
            p[i] = 0.705;
        }
        for (int i : new int[] {30, 170, 330}) {
            p[i] = 0.725;
        }
        for (int i : new int[] {60, 200}) {
            p[i] = 0.555;
        }
        return p;
    }

    static Replayed series() {
        boolean[] labels = new boolean[N];
        Arrays.fill(labels, 100, 110, true);
        Arrays.fill(labels, 250, 260, true);
        long[] times = LongStream.range(0, N).map(i -> 1_700_000_000_000L + i * 60_000).toArray();
        LabelledSeries shape = new LabelledSeries("s", List.of("health"), TimeAxis.EPOCH_MILLIS, times, probabilities(),
                labels, List.of());
        return new Replayed(new CorpusEntry("s", "project", null, shape), new float[0], 0,
                new float[N * TelemetryFeatures.SCHEMA.size()], labels);
    }

    static double fit(ThresholdRefit.Objective objective) {
        return ThresholdRefit.threshold(champion(), List.of(probabilities()), List.of(series()), objective);
    }

    static Evaluator.Metrics at(double threshold) {
        double[] p = probabilities();
        return Evaluator.measure(List.of(p), List.of(p), List.of(series().labels()), threshold);
    }

    @Test
    void plainF1_tradesTheSecondIncidentForFewerFalseAlarms() {
        double t = fit(ThresholdRefit.Objective.F1);

        assertThat(t).isEqualTo(0.73);
        assertThat(at(t).recall()).isEqualTo(0.5);
        assertThat(at(t).f1()).isGreaterThan(at(0.56).f1());
    }

    @Test
    void theRecallFloor_keepsEveryIncidentTheChampionCaught_andStillCutsFalseAlarms() {
        double t = fit(ThresholdRefit.Objective.RECALL_FLOOR);

        assertThat(t).isEqualTo(0.56);
        assertThat(at(t).recall()).isEqualTo(at(0.41).recall()).isEqualTo(1.0);
        assertThat(at(t).falseAlarms()).isEqualTo(3).isLessThan(at(0.41).falseAlarms());
        assertThat(at(t).f1()).isGreaterThan(at(0.41).f1());
    }

    @Test
    void theWarningFloor_mayNotAlarmLaterThanTheChampion_soHereItKeepsTheChampionsThreshold() {
        assertThat(at(0.56).earlyWarning()).as("at 0.56 incident B is caught only after its onset")
                .isLessThan(at(0.41).earlyWarning());

        double t = fit(ThresholdRefit.Objective.WARNING_FLOOR);

        assertThat(t).isEqualTo(0.41);
        assertThat(at(t).earlyWarning()).isEqualTo(at(0.41).earlyWarning());
    }

    @Test
    void theWeightsRecallFloor_isMeasuredAtTheWeightsTrainedThreshold_soAStrictChampionDoesNotLowerIt() {
        ModelMetadata m = champion();
        java.util.Map<String, Double> metrics = new java.util.LinkedHashMap<>(m.metrics());
        metrics.put(ThresholdRefit.WEIGHTS_THRESHOLD, 0.41);
        ModelMetadata strict = new ModelMetadata(m.name(), "2.5.1t", m.type(), m.features(), m.inputName(),
                m.outputName(), m.positiveIndex(), m.pipeline(), 0.98, m.reference(), m.calibration(),
                m.trainingWindow(), m.dataHash(), metrics, m.codeVersion(), m.seed(), m.createdAt(), m.provenance(),
                OnsetCalibration.NONE);
        assertThat(at(0.98).recall()).as("the strict champion catches nothing").isZero();

        double champions = ThresholdRefit.threshold(strict, List.of(probabilities()), List.of(series()),
                ThresholdRefit.Objective.RECALL_FLOOR);
        double weights = ThresholdRefit.threshold(strict, List.of(probabilities()), List.of(series()),
                ThresholdRefit.Objective.WEIGHTS_RECALL_FLOOR);

        assertThat(champions).as("a floor at the champion's recall 0 allows every threshold: of the best, the nearest 0.98")
                .isEqualTo(0.95);
        assertThat(weights).as("the best F1 with both incidents, of those the nearest 0.98").isEqualTo(0.70);
        assertThat(at(weights).recall()).isEqualTo(at(0.41).recall());
    }

    /** The champion's weights trained at 0.41, refitted to {@code threshold}. */
    static ModelMetadata refitted(double threshold) {
        ModelMetadata m = champion();
        java.util.Map<String, Double> metrics = new java.util.LinkedHashMap<>(m.metrics());
        metrics.put(ThresholdRefit.WEIGHTS_THRESHOLD, 0.41);
        return new ModelMetadata(m.name(), "2.5.1t", m.type(), m.features(), m.inputName(),
                m.outputName(), m.positiveIndex(), m.pipeline(), threshold, m.reference(), m.calibration(),
                m.trainingWindow(), m.dataHash(), metrics, m.codeVersion(), m.seed(), m.createdAt(), m.provenance(),
                OnsetCalibration.NONE);
    }

    @Test
    void theWeightsRecallFloor_movesAStrictChampionBackDown_evenWhenItsOwnThresholdHasTheBestF1() {
        // the champion at 0.73 has the best F1 on the fit rows (0.667: incident A only, no false alarm), but catches half
        // of the incidents its weights caught at 0.41: the floor rules its own threshold out
        assertThat(at(0.73).f1()).isGreaterThan(at(0.70).f1());
        assertThat(at(0.73).recall()).isLessThan(at(0.41).recall());

        double weights = ThresholdRefit.threshold(refitted(0.73), List.of(probabilities()), List.of(series()),
                ThresholdRefit.Objective.WEIGHTS_RECALL_FLOOR);
        double champions = ThresholdRefit.threshold(refitted(0.73), List.of(probabilities()), List.of(series()),
                ThresholdRefit.Objective.RECALL_FLOOR);

        assertThat(weights).as("the best F1 with both incidents (0.56-0.70), of those the nearest 0.73").isEqualTo(0.70);
        assertThat(at(weights).recall()).isEqualTo(1.0);
        assertThat(champions).as("the champion's own floor keeps its threshold").isEqualTo(0.73);
    }

    @Test
    void theWeightsRecallFloor_keepsAChampionThatMeetsIt() {
        // at 0.56 both incidents are caught, as at 0.41: the champion's threshold qualifies and nothing allowed beats it
        assertThat(ThresholdRefit.threshold(refitted(0.56), List.of(probabilities()), List.of(series()),
                ThresholdRefit.Objective.WEIGHTS_RECALL_FLOOR)).isEqualTo(0.56);
    }

    @Test
    void allowed_comparesWithTheChampionOnTheFitRows() {
        Evaluator.Metrics champion = new Evaluator.Metrics(100, 4, 0.5, 0.75, 0.6, 0.8, 40, 0, 3);
        Evaluator.Metrics lessRecall = new Evaluator.Metrics(100, 4, 1.0, 0.5, 0.667, 0.8, 45, 0, 0);
        Evaluator.Metrics laterWarning = new Evaluator.Metrics(100, 4, 0.75, 0.75, 0.75, 0.8, 30, 0, 1);

        assertThat(ThresholdRefit.allowed(ThresholdRefit.Objective.F1, lessRecall, champion)).isTrue();
        assertThat(ThresholdRefit.allowed(ThresholdRefit.Objective.RECALL_FLOOR, lessRecall, champion)).isFalse();
        assertThat(ThresholdRefit.allowed(ThresholdRefit.Objective.RECALL_FLOOR, laterWarning, champion)).isTrue();
        assertThat(ThresholdRefit.allowed(ThresholdRefit.Objective.WARNING_FLOOR, laterWarning, champion)).isFalse();
        assertThat(ThresholdRefit.allowed(ThresholdRefit.Objective.WARNING_FLOOR, champion, champion)).isTrue();
    }

    @Test
    void f1Ew_withLambdaZero_choosesWhatPlainF1Chooses_forEveryChampion() {
        for (double champion : new double[] {0.41, 0.56, 0.73, 0.98}) {
            ModelMetadata m = refitted(champion);
            double plain = ThresholdRefit.threshold(m, List.of(probabilities()), List.of(series()),
                    ThresholdRefit.Objective.F1);
            assertThat(ThresholdRefit.threshold(m, List.of(probabilities()), List.of(series()), 0.0))
                    .as("champion at %.2f", champion).isEqualTo(plain);
        }
    }

    @Test
    void f1Ew_withALargeLambda_choosesAThresholdWithTheBestEarlyWarningOfTheGrid() {
        double bestEw = Double.NEGATIVE_INFINITY;
        for (int t = 30; t <= 95; t++) {
            bestEw = Math.max(bestEw, at(t / 100.0).earlyWarning());
        }
        assertThat(at(0.73).earlyWarning()).as("plain F1's choice warns later than the best").isLessThan(bestEw);

        double t = ThresholdRefit.threshold(champion(), List.of(probabilities()), List.of(series()), 1000.0);

        assertThat(at(t).earlyWarning()).isEqualTo(bestEw);
        assertThat(t).as("B warned from its horizon's start only up to 0.50").isLessThanOrEqualTo(0.50);
    }

    @Test
    void f1Ew_inBetween_tradesF1ForEarlyWarningByTheStatedSum() {
        // the chosen threshold's F1 + λ·EW/100 is the grid's best, and no threshold of the grid beats it
        for (double lambda : new double[] {0.1, 0.5, 2.0}) {
            double t = ThresholdRefit.threshold(champion(), List.of(probabilities()), List.of(series()), lambda);
            double chosen = at(t).f1() + lambda * at(t).earlyWarning() / 100;
            for (int g = 30; g <= 95; g++) {
                Evaluator.Metrics other = at(g / 100.0);
                assertThat(other.f1() + lambda * other.earlyWarning() / 100).as("λ %.1f at %.2f", lambda, g / 100.0)
                        .isLessThanOrEqualTo(chosen + 1e-9);
            }
        }
        assertThatThrownBy(() -> ThresholdRefit.threshold(champion(), List.of(probabilities()), List.of(series()), -0.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lambda");
        assertThatThrownBy(() -> ThresholdRefit.threshold(champion(), List.of(probabilities()), List.of(series()),
                Double.NaN)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lambda");
    }

    @Test
    void f1Ew_isAnOption_andItsLineageNamesLambda() {
        assertThat(ThresholdRefit.Objective.ofOption("f1-ew")).isSameAs(ThresholdRefit.Objective.F1_EW);
        assertThat(ThresholdRefit.Objective.F1_EW.says())
                .isEqualTo(String.format(java.util.Locale.ROOT, "best F1 per incident + %.2f·early warning/100",
                        ThresholdRefit.F1_EW_LAMBDA))
                .contains("·early warning/100");
        assertThat(ThresholdRefit.Objective.options()).contains("f1-ew");
        assertThat(ThresholdRefit.allowed(ThresholdRefit.Objective.F1_EW,
                new Evaluator.Metrics(100, 4, 1.0, 0.25, 0.4, 0.8, 5, 0, 0),
                new Evaluator.Metrics(100, 4, 0.5, 0.75, 0.6, 0.8, 40, 0, 3))).as("no floor").isTrue();
    }

    @Test
    void theLoopsDefaultObjective_isF1Ew_andAPlainRefitStaysF1() {
        assertThat(ThresholdRefit.DEFAULT_OBJECTIVE).as("ADR 0022").isSameAs(ThresholdRefit.Objective.F1_EW);
        RetrainingPath hubs = new RetrainingPath(new Retrainer(), PromotionRule.DEFAULT, List.of(), List.of(),
                a -> null, a -> true, RetrainingPath.Challengers.BOTH, RetrainingPath.DEFAULT_THRESHOLD_HOLDOUT);
        assertThat(hubs.objective()).as("the constructor the hub's loop uses").isSameAs(ThresholdRefit.Objective.F1_EW);
        assertThat(new RetrainingPath(new Retrainer(), PromotionRule.DEFAULT, List.of(), List.of(), a -> null,
                a -> true, true).objective()).isSameAs(ThresholdRefit.Objective.F1_EW);
        assertThat(new RetrainingPath(new Retrainer(), PromotionRule.DEFAULT, List.of(), List.of(), a -> null,
                a -> true, RetrainingPath.Challengers.BOTH, 0.3, ThresholdRefit.Objective.F1).objective())
                .as("f1 stays available").isSameAs(ThresholdRefit.Objective.F1);
        // on this series the two objectives choose differently, so the default is not plain F1 in disguise
        assertThat(fit(ThresholdRefit.DEFAULT_OBJECTIVE)).isNotEqualTo(fit(ThresholdRefit.Objective.F1));
    }

    @Test
    void options_nameEachObjective_andABadOneIsRefusedNamingTheChoices() {
        for (ThresholdRefit.Objective o : ThresholdRefit.Objective.values()) {
            assertThat(ThresholdRefit.Objective.ofOption(o.option())).isSameAs(o);
        }
        assertThat(ThresholdRefit.Objective.RECALL_FLOOR.option()).isEqualTo("recall-floor");
        assertThat(ThresholdRefit.Objective.WEIGHTS_RECALL_FLOOR.option()).isEqualTo("weights-recall-floor");
        assertThatThrownBy(() -> ThresholdRefit.Objective.ofOption("recall"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("recall-floor");
    }
}
