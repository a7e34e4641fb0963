package io.commandcenter.models.train.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import io.commandcenter.models.calibration.PeakNovelty;
import io.commandcenter.models.features.TimeAxis;
import io.commandcenter.models.features.TelemetryFeatures;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The research columns of {@link FeatureStudy} (guide 12.12): what they measure, causally. */
class FeatureStudyTest {

    /** A daily square wave (high 08:00–20:00, step-indexed, 288 rows a day) over {@code days} days. */
    private static double[] squareWave(int days) {
        double[] v = new double[days * 288];
        for (int i = 0; i < v.length; i++) {
            int slot = i % 288;
            v[i] = slot >= 96 && slot < 240 ? 10 : 1;
        }
        return v;
    }

    private static long[] steps(int n) {
        long[] t = new long[n];
        for (int i = 0; i < n; i++) {
            t[i] = i;
        }
        return t;
    }

    @Test
    void phaseNovelty_seesAHighValueAtNight_whichThePeakNoveltyCallsOrdinary() {
        double[] v = squareWave(10);
        int night = 9 * 288 + 20; // 01:40 on day 10: normally 1
        v[night] = 10;
        long[] t = steps(v.length);
        double[] phase = FeatureStudy.phase(t, v, 1, TimeAxis.STEPS);
        double[] peak = PeakNovelty.of(t, v, 1, TimeAxis.STEPS);

        assertThat(peak[night]).isEqualTo(0.0);        // inside every day's range
        assertThat(phase[night]).isEqualTo(1.0);       // outside every day's 01:10–02:10
        assertThat(phase[night - 1]).isEqualTo(0.0);   // the ordinary night before it
        assertThat(phase[9 * 288 + 150]).isEqualTo(0.0); // an ordinary day value
        assertThat(phase[10]).isEqualTo(1.0);          // nothing known yet: new
    }

    @Test
    void phaseNovelty_isCausal_aLaterValueChangesNoEarlierRow() {
        double[] v = squareWave(5);
        long[] t = steps(v.length);
        double[] before = FeatureStudy.phase(t, v, 1, TimeAxis.STEPS);
        v[v.length - 1] = 1000;
        double[] after = FeatureStudy.phase(t, v, 1, TimeAxis.STEPS);
        for (int i = 0; i < v.length - 1; i++) {
            assertThat(after[i]).as("row %d", i).isEqualTo(before[i]);
        }
        assertThat(after[v.length - 1]).isEqualTo(1.0);
    }

    @Test
    void evidenceExcess_isTheEvidenceAboveTheLastWeeksLargest_andZeroOnTheFirstDay() {
        double[] ev = new double[3 * 288];
        ev[100] = 2.0;       // day 1: not judged
        ev[400] = 1.5;       // day 2: below day 1's 2.0
        ev[700] = 3.0;       // day 3: 1.0 above
        double[] x = FeatureStudy.evidenceExcess(ev, steps(ev.length), TimeAxis.STEPS);
        assertThat(x[100]).isEqualTo(0.0);
        assertThat(x[400]).isEqualTo(-0.5);
        assertThat(x[700]).isEqualTo(1.0);
        assertThat(x[701]).isEqualTo(-3.0);
    }

    @Test
    void evidenceZ_isZeroWhileWarmingUp_andLargeForAJumpAboveTheEntitysOwnLevel() {
        double[] ev = new double[500];
        for (int i = 0; i < ev.length; i++) {
            ev[i] = 0.5 + 0.1 * Math.sin(i);
        }
        ev[30] = 5;
        ev[400] = 5;
        double[] z = FeatureStudy.evidenceZ(ev);
        assertThat(z[30]).isEqualTo(0.0);
        assertThat(z[400]).isGreaterThan(5.0);
        assertThat(z[401]).isLessThan(2.0);
    }

    @Test
    void widen_appendsTheCandidateColumnsAfterThePipelinesOwn() {
        int nf = TelemetryFeatures.SCHEMA.size();
        float[] f = new float[2 * nf];
        f[TelemetryFeatures.SCHEMA.indexOf("evidence")] = 2f;
        f[nf + TelemetryFeatures.SCHEMA.indexOf("evidence")] = -1f;
        double[][] extra = {{0.1, 0.2, 0.3}, {0.4, 0.5, 0.6}};
        float[] w = FeatureStudy.widen(f, 2, extra, 1, List.of("novelty", "phase_x_evidence"));
        assertThat(w).hasSize(2 * (nf + 2));
        assertThat(w[nf]).isEqualTo(0.2f);
        assertThat(w[nf + 1]).isEqualTo((float) (0.5 * 2));
        assertThat(w[(nf + 2) + nf]).isEqualTo(0.3f);
        assertThat(w[(nf + 2) + nf + 1]).isEqualTo(0f); // negative evidence counts as none
    }

    @Test
    void shiftRank_isTheBlockMeansRankTail_smallInsideTheRecentRange_largestBeyondIt_zeroWhileWarmingUp() {
        int n = 800;
        double[] v = new double[n];
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(5);
        for (int i = 0; i < n; i++) {
            v[i] = 10 + rnd.nextDouble();
        }
        for (int i = 700; i < n; i++) {
            v[i] = 20;   // a level shift beyond every earlier block
        }
        double[] r = FeatureStudy.shiftRank(v, 1);
        assertThat(r[50]).isEqualTo(0.0);                                  // fewer than 16 blocks known
        assertThat(r[705]).isEqualTo(-Math.log10(1.0 / 97));               // above all 96 blocks: 1.99 decades
        double inside = 0;
        for (int i = 200; i < 690; i++) {
            inside += r[i];
        }
        assertThat(inside / 490).isLessThan(1.0);                          // ordinary rows rank inside the range
        double[] later = v.clone();
        later[n - 1] = -1000;
        double[] r2 = FeatureStudy.shiftRank(later, 1);
        for (int i = 0; i < n - 1; i++) {
            assertThat(r2[i]).as("row %d", i).isEqualTo(r[i]);             // causal
        }
    }

    @Test
    void businessCandidates_addTrainingSeriesOnly_theKindsInTurn_andNoColumn() {
        assertThat(FeatureStudy.businessSeries("biz60")).isEqualTo(60);
        assertThat(FeatureStudy.businessSeries("phase")).isZero();
        assertThat(FeatureStudy.businessSeries("biz120w25")).isEqualTo(120);
        assertThat(FeatureStudy.businessWeight("biz120w25")).isEqualTo(0.25);
        assertThat(FeatureStudy.businessWeight("biz120")).isEqualTo(1.0);
        assertThat(FeatureStudy.columns("biz60")).isEmpty();
        List<CorpusEntry> biz = FeatureStudy.business(BootstrapModelsMain.SEED, 6);
        assertThat(biz).hasSize(6).allSatisfy(e -> {
            assertThat(e.group()).isEqualTo("train");
            assertThat(e.scored().metrics()).hasSize(1);
            assertThat(e.history()).isNull();
        });
        assertThat(biz).extracting(CorpusEntry::name)
                .containsExactly("biz-ratio-0", "biz-speed-1", "biz-count-2", "biz-ratio-3", "biz-speed-4", "biz-count-5");
        // a prefix of a larger set is the smaller set: biz60 and biz120 share their first 60 series
        List<CorpusEntry> more = FeatureStudy.business(BootstrapModelsMain.SEED, 9);
        for (int i = 0; i < 6; i++) {
            assertThat(more.get(i).scored().values()).containsExactly(biz.get(i).scored().values());
        }
    }

    @Test
    void shiftRankTail_isCalibratedPerMetric_aShiftStandsOut_aMetricThatShiftsOftenDoesNot() {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(4);
        int n = 3000;
        int m = 2;
        double[] v = new double[n * m];
        for (int i = 0; i < n; i++) {
            v[i * m] = rnd.nextGaussian();                                   // quiet noise, one shift at row 2500
            v[i * m + 1] = (i / 30) % 2 == 0 ? rnd.nextGaussian() : 8 + rnd.nextGaussian(); // a square wave: shifts all the time
        }
        for (int i = 2500; i < 2560; i++) {
            v[i * m] += 6;
        }
        double[] raw0 = FeatureStudy.shiftRankOf(v, m, 0);
        double[] raw1 = FeatureStudy.shiftRankOf(v, m, 1);
        double[][] tail = FeatureStudy.shiftRankTail(v, m);
        assertThat(raw0[10]).as("nothing known yet").isNaN();
        assertThat(tail[0][10]).isZero();
        // the raw rank scores of the square wave reach the quiet metric's shift: as raw scores they are alike
        double maxRaw1 = 0;
        for (int i = 1000; i < 2400; i++) {
            maxRaw1 = Math.max(maxRaw1, raw1[i]);
        }
        assertThat(maxRaw1).isGreaterThanOrEqualTo(raw0[2510] - 0.3);
        // through each metric's own tail the square wave's routine shifts stay small and the new one stands out
        double ordinary = 0;
        for (int i = 1000; i < 2400; i++) {
            ordinary = Math.max(ordinary, tail[0][i]);
        }
        double atShift = 0;
        for (int i = 2500; i < 2520; i++) {
            atShift = Math.max(atShift, tail[0][i]);
        }
        assertThat(atShift).isGreaterThan(ordinary + 0.5);
        // causal: a later value changes no earlier row
        double[] w = v.clone();
        w[(n - 1) * m] = 1e6;
        double[][] later = FeatureStudy.shiftRankTail(w, m);
        for (int i = 0; i < n - 1; i++) {
            assertThat(later[0][i]).as("row %d", i).isEqualTo(tail[0][i]);
            assertThat(later[1][i]).as("row %d", i).isEqualTo(tail[1][i]);
        }
    }

    @Test
    void modelFamilies_parseWithDefaults_andOverrides_andRejectUnknownSettings() {
        io.commandcenter.models.train.GradientBoostingTrainer.Settings ebm = FeatureStudy.family("ebm").settings();
        assertThat(FeatureStudy.family("ebm").linearMargin()).isFalse();
        assertThat(FeatureStudy.family("lin+ebm").linearMargin()).isTrue();
        assertThat(ebm.form()).isEqualTo(io.commandcenter.models.train.GradientBoostingTrainer.Form.ADDITIVE);
        assertThat(ebm.rounds()).isEqualTo(3000);
        io.commandcenter.models.train.GradientBoostingTrainer.Settings gbt = FeatureStudy.family("gbt/r150/lr0.2/d2/l20/lam3/b32/s0.8").settings();
        assertThat(gbt.form()).isEqualTo(io.commandcenter.models.train.GradientBoostingTrainer.Form.TREES);
        assertThat(List.of(gbt.rounds(), gbt.depth(), gbt.bins())).containsExactly(150, 2, 32);
        assertThat(List.of(gbt.learningRate(), gbt.minLeafWeight(), gbt.l2(), gbt.subsample())).containsExactly(0.2, 20.0, 3.0, 0.8);
        assertThat(FeatureStudy.family("ebm/mono").settings().monotone()).isTrue();
        assertThat(gbt.monotone()).isFalse();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> FeatureStudy.family("gbt/mono")).isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> FeatureStudy.family("forest")).isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> FeatureStudy.family("gbt/x3")).isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> FeatureStudy.family("gbt/d0")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyBoostedFamily_givesAProbabilityPerRow_whosePlattScalingMatchesTheValidationRate() {
        io.commandcenter.models.synthetic.SyntheticTelemetry gen = new io.commandcenter.models.synthetic.SyntheticTelemetry(13);
        List<ServiceHealthTraining.Replayed> corpus = new java.util.ArrayList<>();
        for (int i = 0; i < 14; i++) {
            String group = i < 9 ? "train" : "validation";
            corpus.add(ServiceHealthTraining.replay(new CorpusEntry("s" + i, group, null, gen.series("s" + i, 1200, 1 + i % 3, 2))));
        }
        for (String spec : List.of("gbt/r40/d2", "lin+gbt/r20/d2", "ebm/r100")) {
            checkBoosted(corpus, FeatureStudy.boosted(spec, FeatureStudy.family(spec), TelemetryFeatures.SCHEMA, 3, corpus, r -> 1.0));
        }
    }

    private static void checkBoosted(List<ServiceHealthTraining.Replayed> corpus, List<double[]> probs) {
        assertThat(probs).hasSize(corpus.size());
        double sum = 0;
        int rows = 0;
        int positives = 0;
        for (int k = 0; k < corpus.size(); k++) {
            assertThat(probs.get(k)).hasSize(corpus.get(k).labels().length);
            for (double p : probs.get(k)) {
                assertThat(p).isBetween(0.0, 1.0);
            }
            if (corpus.get(k).entry().group().equals("validation")) {
                for (int i = 0; i < probs.get(k).length; i++) {
                    sum += probs.get(k)[i];
                    positives += corpus.get(k).labels()[i] ? 1 : 0;
                    rows++;
                }
            }
        }
        // Platt's fit on the validation rows makes the mean probability their positive rate
        assertThat(sum / rows).isCloseTo(positives / (double) rows, org.assertj.core.api.Assertions.within(0.01));
        assertThat(positives).isPositive();
    }
}
