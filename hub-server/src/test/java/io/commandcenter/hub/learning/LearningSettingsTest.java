package io.commandcenter.hub.learning;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code cc.learning.shadow-gate}: a shadow period per project, {@code *} for the others. */
class LearningSettingsTest {

    @Test
    void shadowGate_namesAPeriodPerProject_andStarForTheOthers_emptyIsNoGate() {
        LearningSettings s = LearningSettings.defaults().withShadowGate(
                LearningSettings.parseShadowGate(" shop = P2D , *=PT6H,lab=PT0S"));
        assertThat(s.shadowPeriod("shop")).isEqualTo(Duration.ofDays(2));
        assertThat(s.shadowPeriod("other")).isEqualTo(Duration.ofHours(6));
        assertThat(s.shadowPeriod("lab")).as("zero: no gate for it").isZero();
        assertThat(LearningSettings.defaults().shadowPeriod("shop")).as("off by default").isZero();
        assertThat(LearningSettings.parseShadowGate("")).isEmpty();
    }

    @Test
    void aBadShadowGate_isRefusedNamingThePair() {
        assertThatThrownBy(() -> LearningSettings.parseShadowGate("shop")).hasMessageContaining("'shop' is not project=duration");
        assertThatThrownBy(() -> LearningSettings.parseShadowGate("shop=2 days"))
                .hasMessageContaining("'2 days' is not an ISO-8601 duration");
        assertThatThrownBy(() -> LearningSettings.defaults().withShadowGate(Map.of("shop", Duration.ofHours(-1))))
                .hasMessageContaining("shadow-gate: the period of shop must not be negative");
    }

    @Test
    void stopWait_is30SecondsByDefault_zeroIsAllowed_andANegativeOneIsRefusedNamingTheProperty() {
        assertThat(LearningSettings.defaults().stopWait()).isEqualTo(Duration.ofSeconds(30));
        assertThat(LearningSettings.defaults().withStopWait(Duration.ZERO).stopWait()).isZero();
        assertThat(LearningSettings.defaults().withStopWait(Duration.ofSeconds(5)).withCorpus(2, 3).stopWait())
                .as("kept by the other withers").isEqualTo(Duration.ofSeconds(5));
        assertThatThrownBy(() -> LearningSettings.defaults().withStopWait(Duration.ofSeconds(-1)))
                .hasMessageContaining("cc.learning.stop-wait must not be negative");
    }
}
