package io.commandcenter.models.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class NabScorerTest {

    static final NabScorer.Profile STD = NabScorer.Profile.STANDARD;

    static double[] zeros(int n) {
        return new double[n];
    }

    @Test
    void probation_isFifteenPercentOfTheRows_atMost750() {
        assertThat(NabScorer.probationLength(100)).isEqualTo(15);
        assertThat(NabScorer.probationLength(1127)).isEqualTo(169);
        assertThat(NabScorer.probationLength(15902)).isEqualTo(750);
    }

    @Test
    void aDetectionAtAWindowsFirstRow_earnsTheFullTruePositiveWeight_andItsLastRowAlmostNothing() {
        double[] s = zeros(100);
        s[40] = 1;
        NabScorer.ScoredFile early = new NabScorer.ScoredFile("f", s, List.of(new Segment(40, 49)));
        assertThat(NabScorer.scoreAt(List.of(early), STD, 0.5).raw()).isCloseTo(1.0, within(1e-12));
        assertThat(NabScorer.scoreAt(List.of(early), STD, 0.5).normalised()).isCloseTo(100.0, within(1e-9));

        double[] late = zeros(100);
        late[49] = 1;
        double raw = NabScorer.scoreAt(List.of(new NabScorer.ScoredFile("f", late, List.of(new Segment(40, 49)))), STD, 0.5).raw();
        // sigma(-1/10) / sigma(-1): 2/(1+e^-0.5) - 1 over 2/(1+e^5) - 1 ... small but positive
        assertThat(raw).isCloseTo((2 / (1 + Math.exp(-0.5)) - 1) / (2 / (1 + Math.exp(-5.0)) - 1), within(1e-12));
    }

    @Test
    void aMissedWindowCostsOne_andSilenceScoresZero() {
        NabScorer.ScoredFile silent = new NabScorer.ScoredFile("f", zeros(100), List.of(new Segment(40, 49)));
        NabScorer.Score s = NabScorer.scoreAt(List.of(silent), STD, 0.5);
        assertThat(s.raw()).isEqualTo(-1.0);
        assertThat(s.normalised()).isEqualTo(0.0);
    }

    @Test
    void falsePositives_costTheFullWeightBeforeAnyWindow_andLittleJustAfterOne_andNothingInProbation() {
        double[] s = zeros(100);
        s[5] = 1;   // probation (15 rows): ignored
        s[20] = 1;  // before the window: -0.11
        s[50] = 1;  // right after the window (ends at 49, width 10): sigma(1/9) * 0.11
        NabScorer.ScoredFile f = new NabScorer.ScoredFile("f", s, List.of(new Segment(40, 49)));
        double expected = -0.11 - 1.0 + NabScorer.sigmoid(1.0 / 9.0) * 0.11;
        assertThat(NabScorer.scoreAt(List.of(f), STD, 0.5).raw()).isCloseTo(expected, within(1e-12));
        NabScorer.FileScore per = NabScorer.perFile(List.of(f), STD, 0.5).get(0);
        assertThat(per.falsePositiveRows()).isEqualTo(2);
        assertThat(per.detectedWindows()).isZero();
    }

    @Test
    void theSweep_findsTheBestThreshold_andPrefersTheHighestAmongEqualScores() {
        double[] s = zeros(100);
        Arrays.fill(s, 0.2);
        s[41] = 0.9;
        s[70] = 0.8;
        NabScorer.ScoredFile f = new NabScorer.ScoredFile("f", s, List.of(new Segment(40, 49)));
        NabScorer.Score best = NabScorer.sweep(List.of(f), STD);
        assertThat(best.threshold()).isEqualTo(0.9);
        assertThat(best.truePositiveRows()).isEqualTo(1);
        assertThat(best.falsePositiveRows()).isZero();
    }

    @Test
    void windowsWhollyInProbation_countInPerfectButNotInNull() {
        NabScorer.ScoredFile f = new NabScorer.ScoredFile("f", zeros(100), List.of(new Segment(2, 5), new Segment(40, 49)));
        NabScorer.Score s = NabScorer.scoreAt(List.of(f), STD, 0.5);
        assertThat(s.raw()).isEqualTo(-1.0);
        // null = -1 (one window scored), perfect = 2 (both windows)
        assertThat(s.normalised()).isCloseTo(0.0, within(1e-12));
        assertThat(NabScorer.normalise(2.0, 1, 2, STD)).isCloseTo(100.0, within(1e-12));
    }

    /**
     * Three files (a window, two windows, none) with scores {@code ((i·37 + f·11) mod 101) / 100}: the
     * expected figures were computed by {@code ../shared/tools/nab_score.py} (NAB's scorer) on the same
     * files (rows 5 minutes apart from 2020-01-01, windows as given).
     */
    @Test
    void matchesNabsScorer_onAFixedCorpus() {
        List<NabScorer.ScoredFile> corpus = List.of(
                file("catA/a.csv", 0, 100, List.of(new Segment(40, 49))),
                file("catA/b.csv", 1, 60, List.of(new Segment(20, 24), new Segment(40, 44))),
                file("catB/c.csv", 2, 50, List.of()));
        NabScorer.Score best = NabScorer.sweep(corpus, STD);
        assertThat(best.threshold()).isEqualTo(0.86);
        assertThat(best.raw()).isCloseTo(-0.6080231832902974, within(1e-12));
        assertThat(best.normalised()).isCloseTo(39.87, within(0.005));
        assertThat(best.truePositiveRows()).isEqualTo(4);
        assertThat(best.falsePositiveRows()).isEqualTo(24);
        assertThat(NabScorer.scoreAt(corpus, STD, 0.5).raw()).isCloseTo(-5.882702138475627, within(1e-12));
        assertThat(NabScorer.scoreAt(corpus, STD, 0.9).raw()).isCloseTo(-2.246189122775012, within(1e-12));
        NabScorer.Score lowFp = NabScorer.sweep(corpus, NabScorer.Profile.REWARD_LOW_FP);
        assertThat(lowFp.threshold()).isEqualTo(1.1);
        assertThat(lowFp.normalised()).isEqualTo(0.0);
        assertThat(NabScorer.sweep(corpus, NabScorer.Profile.REWARD_LOW_FN).normalised()).isCloseTo(59.91, within(0.005));
    }

    static NabScorer.ScoredFile file(String name, int f, int n, List<Segment> windows) {
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            s[i] = ((i * 37 + f * 11) % 101) / 100.0;
        }
        return new NabScorer.ScoredFile(name, s, windows);
    }

    @Test
    void windowsOutsideTheFileOrOverlapping_areRefused() {
        assertThatThrownBy(() -> new NabScorer.ScoredFile("f", zeros(10), List.of(new Segment(5, 12))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new NabScorer.ScoredFile("f", zeros(10), List.of(new Segment(2, 5), new Segment(5, 6))))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
