package io.commandcenter.models.train.loop;

import io.commandcenter.models.artifact.ModelArtifact;
import io.commandcenter.models.artifact.ModelMetadata;
import io.commandcenter.models.bootstrap.BootstrapModels;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Of a retraining's two challengers, the better one that passes is promoted; the other's verdict is kept. */
class RetrainingPathChooseTest {
    static final ModelArtifact SHIPPED = new BootstrapModels().load("service_health");

    static RetrainingPath.Candidate candidate(String kind, String version, double championF1, double challengerF1,
                                              boolean passes) {
        ModelMetadata m = SHIPPED.metadata();
        ModelArtifact a = new ModelArtifact(new ModelMetadata(m.name(), version, m.type(), m.features(), m.inputName(),
                m.outputName(), m.positiveIndex(), m.pipeline(), m.threshold(), m.reference(), m.calibration(),
                m.trainingWindow(), m.dataHash(), m.metrics(), m.codeVersion(), m.seed(), m.createdAt(),
                m.provenance(), m.onset()), SHIPPED.onnx());
        Evaluator.Metrics champion = new Evaluator.Metrics(100, 3, championF1, championF1, championF1, 0.8, 50, 0, 1);
        Evaluator.Metrics challenger = new Evaluator.Metrics(100, 3, challengerF1, challengerF1, challengerF1, 0.8, 50,
                0, 1);
        return new RetrainingPath.Candidate(kind, new Retrainer.Challenger(a, null, null),
                new PromotionRule.Comparison(champion, challenger, champion, challenger),
                new PromotionRule.Verdict(passes, kind + " verdict"));
    }

    @Test
    void bothPass_theLargerGainOnItsOwnHoldoutIsPromoted_andTheOtherIsNamed() {
        var retrained = candidate("retrained", "2.4.1", 0.40, 0.50, true);
        var threshold = candidate("threshold-only", "2.4.1t", 0.30, 0.60, true);

        RetrainingPath.Result r = RetrainingPath.choose(List.of(retrained, threshold));
        RetrainingPath.Result reverse = RetrainingPath.choose(List.of(
                candidate("retrained", "2.4.1", 0.30, 0.70, true), threshold));

        assertThat(r.verdict().promote()).isTrue();
        assertThat(r.chosen().version()).isEqualTo("2.4.1t");
        assertThat(r.verdict().reason()).startsWith("threshold-only 2.4.1t: threshold-only verdict")
                .contains("| retrained 2.4.1: passed, smaller gain: retrained verdict");
        assertThat(reverse.chosen().version()).isEqualTo("2.4.1");
        assertThat(reverse.candidates()).hasSize(2);
    }

    @Test
    void bothPass_theHigherF1OnTheRowsBothWereJudgedOnWins_notTheLargerGainOnItsOwnHoldout() {
        // the threshold-only one gained more on its own holdout, but on the rows both were judged on the retrained
        // one is better: gains on different rows do not compare
        var retrained = candidate("retrained", "2.4.1", 0.40, 0.45, true).withCommonF1(0.55);
        var threshold = candidate("threshold-only", "2.4.1t", 0.30, 0.60, true).withCommonF1(0.50);

        RetrainingPath.Result r = RetrainingPath.choose(List.of(retrained, threshold));
        RetrainingPath.Result flipped = RetrainingPath.choose(List.of(retrained.withCommonF1(0.45), threshold));

        assertThat(r.verdict().promote()).isTrue();
        assertThat(r.chosen().kind()).isEqualTo("retrained");
        assertThat(r.verdict().reason()).contains("threshold-only 2.4.1t: passed, lower F1 on the rows both were "
                + "judged on (0.500 vs 0.550)");
        assertThat(flipped.chosen().kind()).isEqualTo("threshold-only");
    }

    @Test
    void bothPassWithEqualGains_theRetrainedOne_whichPassedEveryCheck_isPromoted() {
        RetrainingPath.Result r = RetrainingPath.choose(List.of(candidate("retrained", "2.4.5", 0.5, 0.6, true),
                candidate("threshold-only", "2.4.5t", 0.4, 0.5, true)));
        assertThat(r.chosen().version()).isEqualTo("2.4.5");
        assertThat(r.verdict().reason()).contains("| threshold-only 2.4.5t: passed, smaller gain");
    }

    @Test
    void onlyOnePasses_itIsPromoted_evenWithTheSmallerGain() {
        var retrained = candidate("retrained", "2.4.2", 0.30, 0.90, false);
        var threshold = candidate("threshold-only", "2.4.2t", 0.40, 0.45, true);

        RetrainingPath.Result r = RetrainingPath.choose(List.of(retrained, threshold));

        assertThat(r.verdict().promote()).isTrue();
        assertThat(r.challenger()).isSameAs(threshold.challenger());
        assertThat(r.comparison()).isSameAs(threshold.comparison());
        assertThat(r.verdict().reason()).contains("| retrained 2.4.2: not promoted: retrained verdict");
    }

    @Test
    void nonePasses_theRetrainedOneIsTheChosen_notPromoted_withBothReasons() {
        RetrainingPath.Result r = RetrainingPath.choose(List.of(candidate("retrained", "2.4.3", 0.5, 0.4, false),
                candidate("threshold-only", "2.4.3t", 0.5, 0.5, false)));

        assertThat(r.verdict().promote()).isFalse();
        assertThat(r.chosen().version()).isEqualTo("2.4.3");
        assertThat(r.verdict().reason()).isEqualTo("retrained 2.4.3: retrained verdict | threshold-only 2.4.3t: "
                + "not promoted: threshold-only verdict");
    }

    @Test
    void aSingleChallenger_keepsItsVerdictAsItIs() {
        RetrainingPath.Result r = RetrainingPath.choose(List.of(candidate("retrained", "2.4.4", 0.5, 0.4, false)));
        assertThat(r.verdict().reason()).isEqualTo("retrained verdict");
    }

    static ModelMetadata withPlatt(Double a) {
        ModelMetadata m = SHIPPED.metadata();
        java.util.Map<String, Double> metrics = new java.util.LinkedHashMap<>(m.metrics());
        metrics.remove("platt_a");
        if (a != null) {
            metrics.put("platt_a", a);
        }
        return new ModelMetadata(m.name(), "2.5.3", m.type(), m.features(), m.inputName(), m.outputName(),
                m.positiveIndex(), m.pipeline(), m.threshold(), m.reference(), m.calibration(), m.trainingWindow(),
                m.dataHash(), metrics, m.codeVersion(), m.seed(), m.createdAt(), m.provenance(), m.onset());
    }

    @Test
    void aRetrainedChallengerWithANegativePlattSlope_isRefusedEvenWhenTheRulePassedIt_namingTheSlope() {
        PromotionRule.Verdict passed = new PromotionRule.Verdict(true, "better on the project holdout");

        PromotionRule.Verdict v = RetrainingPath.slopeChecked(withPlatt(-0.22), false, passed);

        assertThat(v.promote()).isFalse();
        assertThat(v.reason()).contains("Platt slope is -0.22").contains("the rule alone: better on the project holdout");
        assertThat(RetrainingPath.slopeChecked(withPlatt(0.0), false, passed).promote()).isFalse();
    }

    @Test
    void aPositiveSlope_aThresholdOnlyChallenger_orNoSlope_leaveTheVerdictAsItIs() {
        PromotionRule.Verdict passed = new PromotionRule.Verdict(true, "better");
        PromotionRule.Verdict refused = new PromotionRule.Verdict(false, "not better by the margin");

        assertThat(RetrainingPath.slopeChecked(withPlatt(1.43), false, passed)).isSameAs(passed);
        assertThat(RetrainingPath.slopeChecked(withPlatt(1.43), false, refused)).isSameAs(refused);
        assertThat(RetrainingPath.slopeChecked(withPlatt(-0.5), true, passed)).isSameAs(passed);
        assertThat(RetrainingPath.slopeChecked(withPlatt(null), false, passed)).isSameAs(passed);
    }
}
