package io.commandcenter.models.train.loop;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The promotion rule: only measurably better challengers replace the champion, and it says why not. */
class PromotionRuleTest {
    static final PromotionRule RULE = new PromotionRule(0.02, 0.02, 3);

    static Evaluator.Metrics m(double f1, double auc, double earlyWarning, int incidents) {
        return new Evaluator.Metrics(1000, incidents, f1, f1, f1, auc, earlyWarning, 0.01, 2);
    }

    static DataSnapshot snapshot(int incidents) {
        return new DataSnapshot(List.of(), 1000, incidents * 10L, incidents * 10L, incidents, "ab", "test");
    }

    @Test
    void aBetterChallenger_isPromoted_withTheFiguresAsItsReason() {
        var v = RULE.judge(snapshot(5), new PromotionRule.Comparison(m(0.40, 0.80, 50, 4), m(0.50, 0.81, 50, 4),
                m(0.3, 0.8, 60, 10), m(0.3, 0.8, 59, 10)), true);
        assertThat(v.promote()).isTrue();
        assertThat(v.reason()).contains("F1 0.500 vs 0.400");
    }

    @Test
    void aWorseOrNotBetterEnoughChallenger_isRefused_sayingWhy() {
        var worse = RULE.judge(snapshot(5), new PromotionRule.Comparison(m(0.50, 0.80, 50, 4), m(0.40, 0.90, 50, 4),
                m(0.3, 0.8, 60, 10), m(0.3, 0.8, 60, 10)), true);
        var barely = RULE.judge(snapshot(5), new PromotionRule.Comparison(m(0.50, 0.80, 50, 4), m(0.51, 0.80, 50, 4),
                m(0.3, 0.8, 60, 10), m(0.3, 0.8, 60, 10)), true);
        var aucDrop = RULE.judge(snapshot(5), new PromotionRule.Comparison(m(0.40, 0.80, 50, 4), m(0.50, 0.70, 50, 4),
                m(0.3, 0.8, 60, 10), m(0.3, 0.8, 60, 10)), true);
        var shippedWorse = RULE.judge(snapshot(5), new PromotionRule.Comparison(m(0.40, 0.80, 50, 4),
                m(0.50, 0.80, 50, 4), m(0.3, 0.8, 60, 10), m(0.3, 0.8, 50, 10)), true);
        var opaque = RULE.judge(snapshot(5), new PromotionRule.Comparison(m(0.40, 0.80, 50, 4), m(0.50, 0.81, 50, 4),
                m(0.3, 0.8, 60, 10), m(0.3, 0.8, 60, 10)), false);

        assertThat(List.of(worse, barely, aucDrop, shippedWorse, opaque)).noneMatch(PromotionRule.Verdict::promote);
        assertThat(worse.reason()).startsWith("not better by the margin").contains("F1 0.400 vs champion 0.500");
        assertThat(barely.reason()).startsWith("not better by the margin");
        assertThat(aucDrop.reason()).startsWith("ROC AUC worse");
        assertThat(shippedWorse.reason()).startsWith("worse on the shipped validation series");
        assertThat(opaque.reason()).contains("cannot be explained");
    }

    @Test
    void aFigureThatIsNotANumber_refuses_neverPromotes() {
        double nan = Double.NaN;
        var f1 = RULE.judge(snapshot(5), new PromotionRule.Comparison(m(0.40, 0.80, 50, 4), m(nan, 0.81, 50, 4),
                m(0.3, 0.8, 60, 10), m(0.3, 0.8, 60, 10)), true);
        var auc = RULE.judge(snapshot(5), new PromotionRule.Comparison(m(0.40, 0.80, 50, 4), m(0.50, nan, 50, 4),
                m(0.3, 0.8, 60, 10), m(0.3, 0.8, 60, 10)), true);
        var shipped = RULE.judge(snapshot(5), new PromotionRule.Comparison(m(0.40, 0.80, 50, 4), m(0.50, 0.81, 50, 4),
                m(0.3, 0.8, 60, 10), m(0.3, 0.8, nan, 10)), true);

        assertThat(List.of(f1, auc, shipped)).noneMatch(PromotionRule.Verdict::promote);
        assertThat(f1.reason()).startsWith("not better by the margin").contains("F1 NaN");
        assertThat(auc.reason()).startsWith("ROC AUC worse").contains("NaN");
        assertThat(shipped.reason()).startsWith("worse on the shipped validation series").contains("NaN");
    }

    @Test
    void tooLittleLabelledData_keepsTheChampion() {
        var v = RULE.judge(snapshot(2), new PromotionRule.Comparison(m(0.1, 0.5, 10, 1), m(0.9, 0.9, 90, 1),
                m(0.3, 0.8, 60, 10), m(0.9, 0.9, 90, 10)), true);
        var noHoldoutIncident = RULE.judge(snapshot(5), new PromotionRule.Comparison(m(0.1, 0.5, 10, 0),
                m(0.9, 0.9, 90, 0), m(0.3, 0.8, 60, 10), m(0.9, 0.9, 90, 10)), true);
        assertThat(v.promote()).isFalse();
        assertThat(v.reason()).isEqualTo("too little labelled data: 2 incident(s), 3 needed");
        assertThat(noHoldoutIncident.promote()).isFalse();
        assertThat(noHoldoutIncident.reason()).contains("no incident");
    }

    @Test
    void aThresholdOnlyChallenger_betterOnTheProject_isPromotedWithoutTheShippedGuard_andSaysSo() {
        // 10 early-warning points worse on the shipped validation series: far beyond the tolerance's 2
        var c = new PromotionRule.Comparison(m(0.40, 0.80, 50, 4), m(0.50, 0.80, 50, 4), m(0.3, 0.8, 60, 10),
                m(0.3, 0.8, 50, 10));
        var unchanged = RULE.judge(snapshot(5), c, true, true);
        var retrained = RULE.judge(snapshot(5), c, true, false);

        assertThat(unchanged.promote()).as(unchanged.reason()).isTrue();
        assertThat(unchanged.reason()).contains("F1 0.500 vs 0.400")
                .contains("weights unchanged: shipped validation guard not applicable")
                .contains("shipped early warning 50.000 vs 60.000");
        assertThat(retrained.promote()).as("the guard still holds for changed weights").isFalse();
        assertThat(retrained.reason()).startsWith("worse on the shipped validation series");
    }

    @Test
    void aThresholdOnlyChallenger_isStillJudgedOnTheProject_byTheMarginAndItsData() {
        var barely = RULE.judge(snapshot(5), new PromotionRule.Comparison(m(0.50, 0.80, 50, 4), m(0.51, 0.80, 50, 4),
                m(0.3, 0.8, 60, 10), m(0.3, 0.8, 90, 10)), true, true);
        var noIncident = RULE.judge(snapshot(5), new PromotionRule.Comparison(m(0.1, 0.8, 50, 0), m(0.9, 0.8, 50, 0),
                m(0.3, 0.8, 60, 10), m(0.3, 0.8, 60, 10)), true, true);
        var tooLittle = RULE.judge(snapshot(2), new PromotionRule.Comparison(m(0.1, 0.8, 50, 3), m(0.9, 0.8, 50, 3),
                m(0.3, 0.8, 60, 10), m(0.3, 0.8, 60, 10)), true, true);
        assertThat(List.of(barely, noIncident, tooLittle)).noneMatch(PromotionRule.Verdict::promote);
        assertThat(barely.reason()).startsWith("not better by the margin");
        assertThat(noIncident.reason()).contains("no incident");
        assertThat(tooLittle.reason()).startsWith("too little labelled data");
    }
}
