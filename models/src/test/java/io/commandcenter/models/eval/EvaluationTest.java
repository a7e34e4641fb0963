package io.commandcenter.models.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class EvaluationTest {

    static boolean[] b(String s) {
        boolean[] out = new boolean[s.length()];
        for (int i = 0; i < s.length(); i++) {
            out[i] = s.charAt(i) == '1';
        }
        return out;
    }

    @Test
    void pointwise_countsAndDerivedMeasures() {
        BinaryMetrics m = Evaluation.pointwise(b("0110010"), b("0111000"));
        assertThat(m).isEqualTo(new BinaryMetrics(2, 1, 1, 3));
        assertThat(m.precision()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(m.recall()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(m.f1()).isCloseTo(2.0 / 3, within(1e-12));
    }

    @Test
    void perIncident_countsAWarningWithinTheHorizonAsDetection_andUnrelatedAlarmRunsAsFalsePositives() {
        //            0123456789012345
        boolean[] l = b("0000011100000110");
        boolean[] a = b("0001000001100000");
        List<Segment> inc = Segment.fromLabels(l);
        assertThat(inc).containsExactly(new Segment(5, 7), new Segment(13, 14));
        BinaryMetrics m = Evaluation.perIncident(a, inc, 2);
        assertThat(m).isEqualTo(new BinaryMetrics(1, 1, 1, 0));
        assertThat(Evaluation.leadTimes(a, inc, 2)).containsExactly(2.0);
        assertThat(Evaluation.meanLeadTime(a, inc, 0)).isNaN();
    }

    @Test
    void rocAuc_handlesTies_andPerfectRanking() {
        assertThat(Evaluation.rocAuc(new double[] {0.1, 0.4, 0.35, 0.8}, b("0101"))).isCloseTo(1.0, within(1e-12));
        assertThat(Evaluation.rocAuc(new double[] {0.5, 0.5, 0.5, 0.5}, b("0101"))).isCloseTo(0.5, within(1e-12));
        // one inversion among 2x2 pairs
        assertThat(Evaluation.rocAuc(new double[] {0.1, 0.3, 0.4, 0.8}, b("0101"))).isCloseTo(0.75, within(1e-12));
        assertThat(Evaluation.rocAuc(new double[] {0.1}, b("0"))).isNaN();
    }

    @Test
    void expectedCalibrationError_isTheWeightedGapPerBin() {
        // bin [0.1,0.2): p=0.15 twice, one positive → |0.15-0.5| = 0.35; bin [0.9,1]: p=0.95 twice, both positive → 0.05
        double ece = Evaluation.expectedCalibrationError(new double[] {0.15, 0.15, 0.95, 0.95}, b("1011"), 10);
        assertThat(ece).isCloseTo(0.5 * 0.35 + 0.5 * 0.05, within(1e-12));
    }

    @Test
    void earlyWarning_rewardsEarlyDetection_moreThanLate_andChargesFalseAlarms() {
        boolean[] labels = new boolean[100];
        for (int i = 50; i < 60; i++) {
            labels[i] = true;
        }
        List<Segment> inc = Segment.fromLabels(labels);
        boolean[] early = new boolean[100];
        early[40] = true;
        boolean[] late = new boolean[100];
        late[59] = true;
        boolean[] none = new boolean[100];
        boolean[] falseAlarm = new boolean[100];
        falseAlarm[40] = true;
        falseAlarm[10] = true;
        double sEarly = Evaluation.earlyWarningScore(early, inc, 10, EarlyWarningProfile.STANDARD);
        double sLate = Evaluation.earlyWarningScore(late, inc, 10, EarlyWarningProfile.STANDARD);
        assertThat(sEarly).isCloseTo(100.0 * (Evaluation.sigma(-1) + 1) / 2, within(1e-9));
        assertThat(sLate).isCloseTo(50.0, within(1e-9));
        assertThat(Evaluation.earlyWarningScore(none, inc, 10, EarlyWarningProfile.STANDARD)).isZero();
        assertThat(Evaluation.rawEarlyWarning(falseAlarm, inc, 10, EarlyWarningProfile.STANDARD))
                .isCloseTo(Evaluation.sigma(-1) - 0.11, within(1e-9));
        assertThat(sEarly).isGreaterThan(sLate);
    }
}
