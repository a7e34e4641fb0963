package io.commandcenter.models.backtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.models.features.FeatureSchema;
import io.commandcenter.models.features.TelemetryFeatures;
import io.commandcenter.models.features.TimeAxis;
import java.util.List;
import org.junit.jupiter.api.Test;

class FeatureReplayTest {

    @Test
    void replayInAModelsColumnOrder_equalsTheProjectionOfThePipelinesMatrix() {
        Series s = BacktestPinTest.stepIndexed();
        FeatureSchema model = new FeatureSchema(BacktestPinTest.FEATURES);
        FeatureReplay.Result plain = FeatureReplay.replay(TimeAxis.STEPS, s.metrics(), s.times(), s.values(), true);
        FeatureReplay.Result direct = FeatureReplay.replay(new io.commandcenter.models.features.TelemetryFeatureExtractor(TimeAxis.STEPS),
                s.metrics(), s.times(), s.values(), true, model);
        assertThat(direct.features()).containsExactly(TelemetryFeatures.SCHEMA.project(plain.features(), s.rows(), model));
        assertThat(direct.observations()).containsExactly(plain.observations());
        assertThat(direct.sources()).isDeepEqualTo(plain.sources());
    }

    @Test
    void aFeatureThePipelineDoesNotProduce_isRefusedByName() {
        Series s = BacktestPinTest.stepIndexed();
        assertThatThrownBy(() -> FeatureReplay.replay(new io.commandcenter.models.features.TelemetryFeatureExtractor(TimeAxis.STEPS),
                s.metrics(), s.times(), s.values(), false, new FeatureSchema(List.of("res_max", "no_such_feature"))))
                .isInstanceOf(CommandCenterException.class).hasMessageContaining("no_such_feature");
    }
}
