package io.commandcenter.models.explain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.models.features.FeatureSchema;
import io.commandcenter.models.scoring.BatchScorer;
import io.commandcenter.models.scoring.LinearScorer;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OcclusionExplainerTest {

    static final FeatureSchema SCHEMA = FeatureSchema.of("a", "b", "c");
    static final LinearScorer MODEL = new LinearScorer(new double[] {2.0, -1.0, 0.5}, -1.0);

    @Test
    void contributions_ofALogisticModel_areExactlyWeightTimesDistanceToReference() {
        OcclusionExplainer e = new OcclusionExplainer(MODEL, SCHEMA, new float[] {0, 1, 0});
        OcclusionExplainer.Attribution a = e.attribute(new float[] {1, 3, 2}, 1);
        assertThat(a.contribution(0, 0)).isCloseTo(2.0, within(1e-9));
        assertThat(a.contribution(0, 1)).isCloseTo(-2.0, within(1e-9));
        assertThat(a.contribution(0, 2)).isCloseTo(1.0, within(1e-9));
        assertThat(a.risk()[0]).isCloseTo(1 / (1 + Math.exp(-(2 - 3 + 1 - 1))), within(1e-12));
    }

    @Test
    void factorOrder_isLargestContributionFirst_tiesByName_asTheComposedComparatorOrdersThem() {
        // the oracle: the order the explanations were sorted in before the dedicated comparator
        java.util.Comparator<Factor> oracle = java.util.Comparator.comparingDouble(Factor::contribution).reversed()
                .thenComparing(Factor::feature);
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        double[] pool = {-1.5, 0.0, -0.0, 0.25, 0.25, 2.0, Double.NaN, Double.NEGATIVE_INFINITY, 3.0};
        for (int round = 0; round < 500; round++) {
            java.util.List<Factor> factors = new java.util.ArrayList<>();
            int n = 1 + random.nextInt(12);
            for (int i = 0; i < n; i++) {
                factors.add(new Factor("f" + random.nextInt(6), "", 0, 0, pool[random.nextInt(pool.length)]));
            }
            java.util.List<Factor> expected = new java.util.ArrayList<>(factors);
            expected.sort(oracle);
            factors.sort(OcclusionExplainer.MOST_RAISING_FIRST);
            assertThat(factors).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void theFactorThatDrivesTheRisk_ranksFirst_withItsMetric() {
        OcclusionExplainer e = new OcclusionExplainer(MODEL, SCHEMA, new float[] {0, 0, 0});
        List<Explanation> out = e.explain(new float[] {0.1f, 0, 9, 4, 0, 0}, 2, new String[][] {{"m1", "m2", "disk"}, {"cpu", "", ""}}, 2);
        assertThat(out.get(0).top().feature()).isEqualTo("c");
        assertThat(out.get(0).top().label()).isEqualTo("c[disk]");
        assertThat(out.get(1).top().label()).isEqualTo("a[cpu]");
        assertThat(out.get(1).factors()).hasSize(2);
    }

    @Test
    void allVariants_goThroughOneScorerCallPerChunk() {
        AtomicInteger calls = new AtomicInteger();
        BatchScorer counting = new BatchScorer() {
            @Override
            public int featureCount() {
                return 3;
            }

            @Override
            public double[] score(float[] rows, int rowCount) {
                calls.incrementAndGet();
                return MODEL.score(rows, rowCount);
            }
        };
        new OcclusionExplainer(counting, SCHEMA, new float[3]).attribute(new float[3 * 100], 100);
        assertThat(calls.get()).isEqualTo(1);
    }

    @Test
    void aReferenceOfTheWrongLength_isRefused() {
        assertThatThrownBy(() -> new OcclusionExplainer(MODEL, SCHEMA, new float[2]))
                .isInstanceOfSatisfying(CommandCenterException.class, ex -> assertThat(ex.reason()).isEqualTo("EXPLAIN_REFERENCE_INVALID"));
    }
}
