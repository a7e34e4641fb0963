package io.commandcenter.scheduler;

import io.commandcenter.scheduler.hazelcast.HazelcastSettings;
import io.commandcenter.scheduler.task.Placement;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SchedulerSettingsTest {
    @Test
    void noPropertiesAtAll_giveTheDefaults() {
        SchedulerSettings s = SchedulerSettings.from("hub-a", name -> null);

        assertThat(s).isEqualTo(SchedulerSettings.defaults("hub-a"));
    }

    @Test
    void properties_overrideTheDefaults() {
        Map<String, String> p = Map.of("cc.scheduler.placement", "origin-hub", "cc.scheduler.lease", "45",
                "cc.scheduler.project-weights", "payments=5, batch=1", "cc.scheduler.meta-hub", "true",
                "cc.scheduler.delegation", "true", "cc.scheduler.saturation-wait", "PT10S",
                "cc.scheduler.score-weights", "headroom=0.5,success=0.15", "cc.scheduler.reserve-fraction", "0",
                "cc.scheduler.anticipation-horizon", "PT2M");

        SchedulerSettings s = SchedulerSettings.from("hub-a", p::get);

        assertThat(s.placement()).isEqualTo(Placement.ORIGIN_HUB);
        assertThat(s.lease()).isEqualTo(Duration.ofSeconds(45));
        assertThat(s.weightOf("payments")).isEqualTo(5);
        assertThat(s.metaHub()).isTrue();
        assertThat(s.delegation()).isTrue();
        assertThat(s.saturationWait()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.scoreWeights().headroom()).isEqualTo(0.5);
        assertThat(s.anticipation().maxReservedFraction()).isZero();
        assertThat(s.anticipationHorizon()).isEqualTo(Duration.ofMinutes(2));
        assertThat(SchedulerSettings.defaults("hub-a").anticipationHorizon()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void aBadProperty_isNamedInTheError() {
        assertThatThrownBy(() -> SchedulerSettings.from("hub", Map.of("cc.scheduler.lease", "soon")::get))
                .hasMessageContaining("cc.scheduler.lease");
        assertThatThrownBy(() -> SchedulerSettings.from("hub", Map.of("cc.scheduler.placement", "moon")::get))
                .hasMessageContaining("cc.scheduler.placement");
        assertThatThrownBy(() -> SchedulerSettings.from("hub", Map.of("cc.scheduler.score-weights", "headroom=0.9")::get))
                .hasMessageContaining("sum to 1");
        assertThatThrownBy(() -> SchedulerSettings.from("hub", Map.of("cc.scheduler.anticipation-horizon", "0")::get))
                .hasMessageContaining("cc.scheduler.anticipation-horizon");
    }

    @Test
    void hazelcastSettings_comeFromTheSameKindOfProperties_membersListedOneByOne() {
        HazelcastSettings h = HazelcastSettings.from("hub-a", Map.of("cc.hazelcast.members",
                "10.0.0.1:5701, 10.0.0.2:5701", "cc.hazelcast.port", "5702", "cc.hazelcast.cluster", "prod")::get);

        assertThat(h.mode()).isEqualTo(HazelcastSettings.Mode.EMBEDDED);
        assertThat(h.members()).containsExactly("10.0.0.1:5701", "10.0.0.2:5701");
        assertThat(h.port()).isEqualTo(5702);
        assertThat(h.clusterName()).isEqualTo("prod");
        assertThat(h.backupCount()).isEqualTo(1);
        assertThatThrownBy(() -> HazelcastSettings.from("hub", Map.of("cc.hazelcast.members", "10.0.0.1:5701-5703")::get))
                .hasMessageContaining("cc.hazelcast");
        assertThatThrownBy(() -> HazelcastSettings.from("hub", Map.of("cc.hazelcast.backups", "0")::get))
                .hasMessageContaining("backup");
        assertThatThrownBy(() -> HazelcastSettings.from("hub", Map.of("cc.hazelcast.mode", "client")::get))
                .hasMessageContaining("member");
    }
}
