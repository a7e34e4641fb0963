package io.commandcenter.scheduler.hazelcast;

import com.hazelcast.config.Config;
import com.hazelcast.spi.properties.ClusterProperty;
import com.hazelcast.spi.properties.HazelcastProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The member configuration's bound on a graceful shutdown: {@code cc.hazelcast.shutdown-wait}, or the JVM's -D. */
class ConfigsTest {
    @AfterEach
    void clearProperty() {
        System.clearProperty(Configs.GRACEFUL_SHUTDOWN_WAIT);
    }

    @Test
    void aMemberWaitsForTheHandOver_sixtySeconds_byDefault() throws Exception {
        HazelcastSettings defaults = HazelcastSettings.from("hub-a", name -> null);

        assertThat(defaults.shutdownWait()).isEqualTo(Duration.ofSeconds(60));
        assertThat(shutdownWaitSeconds(member(defaults))).as("not Hazelcast's 600 s").isEqualTo(60);
    }

    @Test
    void theSetting_reachesTheMembersConfig_roundedUpToWholeSeconds() throws Exception {
        HazelcastSettings s = HazelcastSettings.from("hub-a", Map.of("cc.hazelcast.shutdown-wait", "pt2m")::get);
        assertThat(s.shutdownWait()).isEqualTo(Duration.ofMinutes(2));
        assertThat(shutdownWaitSeconds(member(s))).isEqualTo(120);

        HazelcastSettings partSeconds = HazelcastSettings.embedded("hub-a", "127.0.0.1", 5701, List.of())
                .withShutdownWait(Duration.ofMillis(10_200));
        assertThat(shutdownWaitSeconds(member(partSeconds))).isEqualTo(11);
    }

    @Test
    void aDashDOnTheJvm_winsOverTheSetting() throws Exception {
        System.setProperty(Configs.GRACEFUL_SHUTDOWN_WAIT, "7");
        HazelcastSettings s = HazelcastSettings.from("hub-a", Map.of("cc.hazelcast.shutdown-wait", "PT120S")::get);

        Config config = member(s);

        assertThat(config.getProperties().getProperty(Configs.GRACEFUL_SHUTDOWN_WAIT))
                .as("a property in the config would win over the JVM's").isNull();
        assertThat(shutdownWaitSeconds(config)).isEqualTo(7);
        assertThat(Configs.gracefulShutdownWait(s)).as("what close's ERROR names").isEqualTo("7");
    }

    private static Config member(HazelcastSettings s) throws Exception {
        return Configs.member(s, InetAddress.getByName("127.0.0.1"));
    }

    /** What the member started from {@code config} uses (its config first, then the JVM's system properties). */
    private static int shutdownWaitSeconds(Config config) {
        return new HazelcastProperties(config).getSeconds(ClusterProperty.GRACEFUL_SHUTDOWN_MAX_WAIT);
    }
}
