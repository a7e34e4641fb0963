package io.commandcenter.models.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.commandcenter.models.eval.Evaluation;
import io.commandcenter.models.features.FeatureSchema;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GradientBoostingTrainerTest {

    static final FeatureSchema XY = FeatureSchema.of("a", "b");

    static GradientBoostingTrainer.Settings trees(int rounds, int depth) {
        return new GradientBoostingTrainer.Settings(GradientBoostingTrainer.Form.TREES, rounds, depth, 0.2, 5, 1, 64, 1);
    }

    static GradientBoostingTrainer.Settings additive(int rounds) {
        return new GradientBoostingTrainer.Settings(GradientBoostingTrainer.Form.ADDITIVE, rounds, 2, 0.2, 5, 1, 64, 1);
    }

    /** Two uniform features; label = XOR of their signs (with 5 % noise): no linear or additive model can rank it. */
    static TrainingData xor(long seed, int rows) {
        Random rnd = new Random(seed);
        float[] x = new float[rows * 2];
        boolean[] y = new boolean[rows];
        float[] w = new float[rows];
        for (int i = 0; i < rows; i++) {
            float a = (float) (rnd.nextDouble() * 2 - 1);
            float b = (float) (rnd.nextDouble() * 2 - 1);
            x[i * 2] = a;
            x[i * 2 + 1] = b;
            y[i] = (a > 0) != (b > 0) ^ rnd.nextDouble() < 0.05;
            w[i] = 1;
        }
        return new TrainingData(XY, x, y, w);
    }

    /** Label = |a| > 0.5 (with 5 % noise), b noise: non-monotone in one feature, no interaction. */
    static TrainingData band(long seed, int rows) {
        Random rnd = new Random(seed);
        float[] x = new float[rows * 2];
        boolean[] y = new boolean[rows];
        float[] w = new float[rows];
        for (int i = 0; i < rows; i++) {
            float a = (float) (rnd.nextDouble() * 2 - 1);
            x[i * 2] = a;
            x[i * 2 + 1] = (float) rnd.nextGaussian();
            y[i] = Math.abs(a) > 0.5 ^ rnd.nextDouble() < 0.05;
            w[i] = 1;
        }
        return new TrainingData(XY, x, y, w);
    }

    static double auc(BoostedTrees m, TrainingData d) {
        return Evaluation.rocAuc(m.score(d.x(), d.rows()), d.y());
    }

    static double auc(TrainedLogistic m, TrainingData d) {
        float[] proj = d.schema().project(d.x(), d.rows(), m.onnxSchema());
        return Evaluation.rocAuc(m.scorer().score(proj, d.rows()), d.y());
    }

    @Test
    void trees_learnAnXorInteraction_thatNeitherALinearNorAnAdditiveModelCan() {
        TrainingData train = xor(1, 4000);
        TrainingData test = xor(2, 4000);
        assertThat(auc(new GradientBoostingTrainer(trees(60, 2), 7).train(train), test)).isGreaterThan(0.9);
        assertThat(auc(new LogisticTrainer(5, 0.1, 7).train(train), test)).isBetween(0.4, 0.6);
        assertThat(auc(new GradientBoostingTrainer(additive(120), 7).train(train), test)).isBetween(0.4, 0.6);
    }

    @Test
    void additive_learnsANonMonotoneShape_thatALinearModelCannot() {
        TrainingData train = band(3, 4000);
        TrainingData test = band(4, 4000);
        BoostedTrees m = new GradientBoostingTrainer(additive(200), 7).train(train);
        assertThat(auc(m, test)).isGreaterThan(0.9);
        assertThat(auc(new LogisticTrainer(5, 0.1, 7).train(train), test)).isBetween(0.4, 0.6);
        // the shape of a: high at both ends, low in the middle; b's shape is nearly flat
        assertThat(m.shape(0, -0.9f)).isGreaterThan(m.shape(0, 0f) + 2);
        assertThat(m.shape(0, 0.9f)).isGreaterThan(m.shape(0, 0f) + 2);
        assertThat(Math.abs(m.shape(1, 2f) - m.shape(1, -2f))).isLessThan(0.5);
    }

    @Test
    void additive_everyTreeSplitsOnOneFeature_andContributionsAddUpToTheLogOddsExactly() {
        TrainingData d = band(5, 2000);
        BoostedTrees m = new GradientBoostingTrainer(additive(100), 7).train(d).withPlatt(new PlattScaling(0.8, -0.3));
        int[] perFeature = new int[2];
        for (BoostedTrees.Tree t : m.trees()) {
            int f = t.onlyFeature();
            if (f >= 0) {
                perFeature[f]++;
            }
        }
        assertThat(perFeature[0]).isPositive();
        assertThat(perFeature[1]).isPositive();
        float[] ref = {0.1f, 0.3f};
        for (int i = 0; i < 200; i++) {
            float[] row = {d.x()[i * 2], d.x()[i * 2 + 1]};
            double[] c = m.contributions(row, ref);
            assertThat(m.logit(ref, 0) + c[0] + c[1]).isCloseTo(m.logit(row, 0), within(1e-9));
            assertThat(c[0]).isCloseTo(m.shape(0, row[0]) - m.shape(0, ref[0]), within(1e-12));
        }
    }

    @Test
    void trees_haveNoExactPerFeatureExplanation() {
        BoostedTrees m = new GradientBoostingTrainer(trees(10, 2), 7).train(xor(1, 1000));
        assertThatThrownBy(() -> m.contributions(new float[2], new float[2])).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theSameSeed_givesTheSameModel_anotherSeedAnotherOne_whenRowsAreSubsampled() {
        GradientBoostingTrainer.Settings s = new GradientBoostingTrainer.Settings(GradientBoostingTrainer.Form.TREES, 30, 3, 0.2, 5, 1, 64, 0.5);
        TrainingData d = xor(6, 2000);
        BoostedTrees a = new GradientBoostingTrainer(s, 11).train(d);
        BoostedTrees b = new GradientBoostingTrainer(s, 11).train(d);
        BoostedTrees c = new GradientBoostingTrainer(s, 12).train(d);
        boolean differs = false;
        for (int i = 0; i < d.rows(); i++) {
            assertThat(b.logit(d.x(), i)).isEqualTo(a.logit(d.x(), i));
            differs |= c.logit(d.x(), i) != a.logit(d.x(), i);
        }
        assertThat(differs).isTrue();
    }

    @Test
    void weights_areRespected_aRowOfWeightTwoIsTwoRows() {
        TrainingData d = xor(8, 1500);
        int n = d.rows();
        // the first 500 rows twice, the rest once ...
        float[] x2 = new float[(n + 500) * 2];
        boolean[] y2 = new boolean[n + 500];
        float[] w2 = new float[n + 500];
        System.arraycopy(d.x(), 0, x2, 0, n * 2);
        System.arraycopy(d.x(), 0, x2, n * 2, 500 * 2);
        System.arraycopy(d.y(), 0, y2, 0, n);
        System.arraycopy(d.y(), 0, y2, n, 500);
        java.util.Arrays.fill(w2, 1f);
        // ... against the first 500 rows once with weight 2
        float[] w = d.weights().clone();
        java.util.Arrays.fill(w, 0, 500, 2f);
        BoostedTrees dup = new GradientBoostingTrainer(trees(20, 2), 1).train(new TrainingData(XY, x2, y2, w2));
        BoostedTrees weighted = new GradientBoostingTrainer(trees(20, 2), 1).train(new TrainingData(XY, d.x(), d.y(), w));
        BoostedTrees plain = new GradientBoostingTrainer(trees(20, 2), 1).train(d);
        boolean differsFromPlain = false;
        for (int i = 0; i < n; i++) {
            assertThat(weighted.logit(d.x(), i)).isCloseTo(dup.logit(d.x(), i), within(1e-6));
            differsFromPlain |= Math.abs(plain.logit(d.x(), i) - weighted.logit(d.x(), i)) > 1e-3;
        }
        assertThat(differsFromPlain).isTrue();
    }

    @Test
    void weights_moveTheProbability_positivesThreeTimesHeavierGiveThreeToOne() {
        // one value of the features, half the rows positive: the probability is the weighted share
        int n = 400;
        float[] x = new float[n * 2];
        boolean[] y = new boolean[n];
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            x[i * 2] = i < n / 2 ? 1f : 2f;
            y[i] = i % 2 == 0;
            w[i] = y[i] && i < n / 2 ? 3f : 1f;
        }
        BoostedTrees m = new GradientBoostingTrainer(new GradientBoostingTrainer.Settings(GradientBoostingTrainer.Form.TREES, 200, 1, 0.3, 1, 0, 16, 1), 1)
                .train(new TrainingData(XY, x, y, w));
        assertThat(m.score(new float[] {1f, 0f}, 1)[0]).isCloseTo(0.75, within(0.01));
        assertThat(m.score(new float[] {2f, 0f}, 1)[0]).isCloseTo(0.5, within(0.01));
    }

    @Test
    void minLeafWeight_forbidsSplitsThatIsolateLightRows() {
        // ten positive rows at the top of a's range: a leaf of them alone needs minLeafWeight <= 10
        int n = 1000;
        float[] x = new float[n * 2];
        boolean[] y = new boolean[n];
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            x[i * 2] = i;
            y[i] = i >= n - 10 || i % 2 == 0 && i < 100;
            w[i] = 1;
        }
        TrainingData d = new TrainingData(XY, x, y, w);
        BoostedTrees loose = new GradientBoostingTrainer(new GradientBoostingTrainer.Settings(GradientBoostingTrainer.Form.TREES, 50, 3, 0.3, 0, 0, 256, 1), 1).train(d);
        BoostedTrees strict = new GradientBoostingTrainer(new GradientBoostingTrainer.Settings(GradientBoostingTrainer.Form.TREES, 50, 3, 0.3, 50, 0, 256, 1), 1).train(d);
        assertThat(loose.score(new float[] {n - 1, 0}, 1)[0]).isGreaterThan(0.5);
        assertThat(strict.score(new float[] {n - 1, 0}, 1)[0]).isLessThan(0.3);
    }

    @Test
    void floatThresholds_agreeWithTheTrainingBins_onEveryTrainingRow() {
        TrainingData d = xor(9, 3000);
        // both forms, and more bins than a byte holds
        for (GradientBoostingTrainer.Settings s : java.util.List.of(trees(20, 3), additive(40),
                new GradientBoostingTrainer.Settings(GradientBoostingTrainer.Form.TREES, 20, 3, 0.2, 5, 1, 1000, 1))) {
            short[][] bins = new short[2][d.rows()];
            for (int f = 0; f < 2; f++) {
                float[] e = GradientBoostingTrainer.edges(d.x(), d.weights(), d.rows(), 2, f, s.bins());
                assertThat(e.length).isBetween(s.bins() * 3 / 4, s.bins() - 1);
                for (int i = 0; i < d.rows(); i++) {
                    float v = d.x()[i * 2 + f];
                    int b = GradientBoostingTrainer.binOf(e, v);
                    assertThat(b >= e.length || v <= e[b]).isTrue();
                    assertThat(b == 0 || v > e[b - 1]).isTrue();
                    bins[f][i] = (short) b;
                }
                assertThat(GradientBoostingTrainer.binOf(e, Float.NaN)).isEqualTo(e.length);
            }
            // what training added to each row's log-odds (from its bins) is what the float comparisons give
            BoostedTrees m = new GradientBoostingTrainer(s, 1).train(d);
            for (int i = 0; i < d.rows(); i++) {
                double z = m.base();
                for (BoostedTrees.Tree t : m.trees()) {
                    z += t.valueOfBins(bins, i);
                }
                assertThat(m.logit(d.x(), i)).isEqualTo(z);
            }
            assertThat(m.nodes()).isGreaterThan(20 * 3);
        }
    }

    @Test
    void badSettings_andOneLabelData_fail() {
        assertThatThrownBy(() -> new GradientBoostingTrainer.Settings(null, 1, 1, 0.1, 1, 1, 16, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new GradientBoostingTrainer.Settings(GradientBoostingTrainer.Form.TREES, 0, 1, 0.1, 1, 1, 16, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new GradientBoostingTrainer.Settings(GradientBoostingTrainer.Form.TREES, 1, 1, 0, 1, 1, 16, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new GradientBoostingTrainer.Settings(GradientBoostingTrainer.Form.TREES, 1, 1, 0.1, 1, 1, 5000, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new GradientBoostingTrainer.Settings(GradientBoostingTrainer.Form.TREES, 1, 1, 0.1, 1, 1, 16, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new GradientBoostingTrainer.Settings(GradientBoostingTrainer.Form.TREES, 1, 1, 0.1, -1, 1, 16, 1)).isInstanceOf(IllegalArgumentException.class);
        TrainingData allNeg = new TrainingData(XY, new float[4], new boolean[2], new float[] {1, 1});
        assertThatThrownBy(() -> new GradientBoostingTrainer(trees(1, 1), 1).train(allNeg)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void boostingFromAMargin_fitsWhatTheMarginLeaves_andFromThePriorIsPlainBoosting() {
        TrainingData d = xor(10, 2000);
        // leaves of at least 100 rows: small leaves would chase the 5 % label noise whatever the margin
        GradientBoostingTrainer t = new GradientBoostingTrainer(
                new GradientBoostingTrainer.Settings(GradientBoostingTrainer.Form.TREES, 20, 2, 0.2, 100, 1, 64, 1), 3);
        BoostedTrees plain = t.train(d);
        double[] prior = new double[d.rows()];
        java.util.Arrays.fill(prior, plain.base());
        BoostedTrees fromPrior = t.train(d, prior);
        assertThat(fromPrior.base()).isZero();
        for (int i = 0; i < d.rows(); i++) {
            assertThat(plain.base() + fromPrior.logit(d.x(), i)).isCloseTo(plain.logit(d.x(), i), within(1e-9));
        }
        // a margin that already holds the XOR signal leaves the trees little to add
        double[] truth = new double[d.rows()];
        for (int i = 0; i < d.rows(); i++) {
            truth[i] = (d.x()[i * 2] > 0) != (d.x()[i * 2 + 1] > 0) ? Math.log(0.95 / 0.05) : Math.log(0.05 / 0.95);
        }
        BoostedTrees rest = t.train(d, truth);
        double moved = 0;
        double learnt = 0;
        for (int i = 0; i < d.rows(); i++) {
            moved += Math.abs(rest.logit(d.x(), i));
            learnt += Math.abs(plain.logit(d.x(), i) - plain.base());
        }
        assertThat(moved).isLessThan(0.2 * learnt);
        assertThatThrownBy(() -> t.train(d, new double[3])).isInstanceOf(IllegalArgumentException.class);
        double[] nan = prior.clone();
        nan[5] = Double.NaN;
        assertThatThrownBy(() -> t.train(d, nan)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void monotoneAdditiveShapes_neverDecrease_evenWhereTheDataDip() {
        // the label rises with a but dips in the middle band: an unconstrained shape follows the dip, a monotone one cannot
        Random rnd = new Random(21);
        int n = 4000;
        float[] x = new float[n * 2];
        boolean[] y = new boolean[n];
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            float a = (float) rnd.nextDouble();
            x[i * 2] = a;
            x[i * 2 + 1] = (float) rnd.nextGaussian();
            double p = a > 0.4 && a < 0.6 ? 0.05 : a;
            y[i] = rnd.nextDouble() < p;
            w[i] = 1;
        }
        TrainingData d = new TrainingData(XY, x, y, w);
        GradientBoostingTrainer.Settings free = additive(300);
        GradientBoostingTrainer.Settings mono = new GradientBoostingTrainer.Settings(GradientBoostingTrainer.Form.ADDITIVE, 300, 2, 0.2, 5, 1, 64, 1, true);
        BoostedTrees f = new GradientBoostingTrainer(free, 1).train(d);
        BoostedTrees m = new GradientBoostingTrainer(mono, 1).train(d);
        assertThat(f.shape(0, 0.5f)).isLessThan(f.shape(0, 0.35f) - 0.5);
        double prev = Double.NEGATIVE_INFINITY;
        for (int k = 0; k <= 100; k++) {
            double v = m.shape(0, k / 100f);
            assertThat(v).isGreaterThanOrEqualTo(prev - 1e-12);
            prev = v;
        }
        assertThat(m.shape(0, 0.95f)).isGreaterThan(m.shape(0, 0.05f) + 1);
        assertThatThrownBy(() -> new GradientBoostingTrainer.Settings(GradientBoostingTrainer.Form.TREES, 1, 1, 0.1, 1, 1, 16, 1, true))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
