package io.commandcenter.models.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.commandcenter.models.explain.OcclusionExplainer;
import io.commandcenter.models.features.FeatureSchema;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

class AffineLogOddsTest {

    private static final double[] W = {1.7, -0.8, 0.0, 2.4, 0.35};
    private static final double B = -4.2;
    private static final float[] REF = {0.5f, 0.2f, 0f, 0.3f, 1.0f};
    private static final FeatureSchema SCHEMA = new FeatureSchema(List.of("a", "b", "c", "d", "e"));

    /** A scorer that hides its form and answers float32 probabilities, as ONNX Runtime does. */
    private static BatchScorer opaque(ToDoubleFunction<float[]> logit) {
        return new BatchScorer() {
            @Override
            public int featureCount() {
                return REF.length;
            }

            @Override
            public double[] score(float[] rows, int rowCount) {
                double[] p = new double[rowCount];
                for (int r = 0; r < rowCount; r++) {
                    float[] x = java.util.Arrays.copyOfRange(rows, r * REF.length, (r + 1) * REF.length);
                    p[r] = (float) (1 / (1 + Math.exp(-logit.applyAsDouble(x))));
                }
                return p;
            }
        };
    }

    private static double linear(float[] x) {
        double z = B;
        for (int j = 0; j < W.length; j++) {
            z += W[j] * x[j];
        }
        return z;
    }

    @Test
    void aLogisticModelIsRecognisedFromItsScoresAlone_withItsWeights() {
        Optional<AffineLogOdds> form = AffineLogOdds.probe(opaque(AffineLogOddsTest::linear), REF);
        assertThat(form).isPresent();
        for (int j = 0; j < W.length; j++) {
            assertThat(form.get().weight(j)).as("weight %d", j).isCloseTo(W[j], within(1e-4));
        }
    }

    @Test
    void anInteraction_aCurve_orASteppedModel_isNotTakenForAffine() {
        // a factorization-machine-like interaction, a quadratic term, a tree-like step, a constant
        assertThat(AffineLogOdds.probe(opaque(x -> linear(x) + 0.3 * x[0] * x[3]), REF)).isEmpty();
        assertThat(AffineLogOdds.probe(opaque(x -> linear(x) + 0.05 * x[1] * x[1]), REF)).isEmpty();
        assertThat(AffineLogOdds.probe(opaque(x -> linear(x) + (x[4] > 2.5 ? 1.5 : 0)), REF)).isEmpty();
        assertThat(AffineLogOdds.probe(opaque(x -> -2.0), REF)).isEmpty();
        // saturated everywhere near the reference: cannot be read, so not claimed
        assertThat(AffineLogOdds.probe(opaque(x -> 40 + linear(x)), REF)).isEmpty();
    }

    @Test
    void theClosedFormGivesTheOcclusionAttribution_rowForRow() {
        SplittableRandom rnd = new SplittableRandom(7);
        int n = 500;
        float[] rows = new float[n * REF.length];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = (float) rnd.nextDouble(-1, 3);
        }
        BatchScorer hidden = opaque(AffineLogOddsTest::linear);
        BatchScorer known = new LinearScorer(W, B);
        OcclusionExplainer.Attribution byVariants = new OcclusionExplainer(hidden, SCHEMA, REF).attribute(rows, n);
        OcclusionExplainer.Attribution closed = new OcclusionExplainer(known, SCHEMA, REF).attribute(rows, n);
        int compared = 0;
        for (int r = 0; r < n; r++) {
            assertThat(closed.risk()[r]).isCloseTo(1 / (1 + Math.exp(-linear(java.util.Arrays.copyOfRange(rows, r * 5, r * 5 + 5)))), within(1e-12));
            if (byVariants.risk()[r] > 1e-4 && byVariants.risk()[r] < 0.99) {
                for (int j = 0; j < REF.length; j++) {
                    assertThat(closed.contribution(r, j)).isCloseTo(byVariants.contribution(r, j), within(2e-3));
                }
                compared++;
            }
        }
        assertThat(compared).isGreaterThan(100);
    }

    @Test
    void aScorerThatKnowsNothing_isExplainedByVariants() {
        int[] calls = {0};
        BatchScorer counting = new BatchScorer() {
            @Override
            public int featureCount() {
                return 5;
            }

            @Override
            public double[] score(float[] rows, int rowCount) {
                calls[0] += rowCount;
                return new LinearScorer(W, B).score(rows, rowCount);
            }
        };
        new OcclusionExplainer(counting, SCHEMA, REF).attribute(new float[10 * 5], 10);
        assertThat(calls[0]).isEqualTo(10 * 6);
        calls[0] = 0;
        BatchScorer countingAffine = new BatchScorer() {
            @Override
            public int featureCount() {
                return 5;
            }

            @Override
            public double[] score(float[] rows, int rowCount) {
                calls[0] += rowCount;
                return new LinearScorer(W, B).score(rows, rowCount);
            }

            @Override
            public Optional<AffineLogOdds> affineLogOdds() {
                return Optional.of(AffineLogOdds.of(W));
            }
        };
        new OcclusionExplainer(countingAffine, SCHEMA, REF).attribute(new float[10 * 5], 10);
        assertThat(calls[0]).isEqualTo(10);
    }
}
