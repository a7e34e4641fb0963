package io.commandcenter.models.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import org.junit.jupiter.api.Test;

class FeatureSchemaTest {

    @Test
    void project_reordersRowsByName() {
        FeatureSchema pipeline = FeatureSchema.of("b", "c", "a");
        FeatureSchema model = FeatureSchema.of("a", "b");
        float[] out = pipeline.project(new float[] {1, 2, 3, 4, 5, 6}, 2, model);
        assertThat(out).containsExactly(3, 1, 6, 4);
    }

    @Test
    void projection_toAnUnknownFeature_failsWithFeaturesMissing() {
        assertThatThrownBy(() -> FeatureSchema.of("a").projectionTo(FeatureSchema.of("z")))
                .isInstanceOfSatisfying(CommandCenterException.class, e -> assertThat(e.reason()).isEqualTo("FEATURES_MISSING"));
    }

    @Test
    void duplicateNames_areRejected() {
        assertThatThrownBy(() -> FeatureSchema.of("a", "a")).isInstanceOf(CommandCenterException.class);
    }

    @Test
    void projection_toTheSameOrder_isTheIdentity_andAnotherOrderOfTheSameNamesIsNot() {
        FeatureSchema s = FeatureSchema.of("a", "b", "c");
        assertThat(s.projectionTo(s)).containsExactly(0, 1, 2);
        assertThat(s.projectionTo(FeatureSchema.of("a", "b", "c"))).containsExactly(0, 1, 2);
        assertThat(s.projectionTo(FeatureSchema.of("c", "a", "b"))).containsExactly(2, 0, 1);
        assertThat(s.projectionTo(FeatureSchema.of("a", "b"))).containsExactly(0, 1);
    }
}
