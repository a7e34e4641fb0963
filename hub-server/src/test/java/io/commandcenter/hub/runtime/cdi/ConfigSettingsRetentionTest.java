package io.commandcenter.hub.runtime.cdi;

import io.commandcenter.hub.persistence.RetentionSettings;
import org.eclipse.microprofile.config.Config;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code cc.retention.*} as the server reads them: defaults, 0 for keep forever, bad values refused by name. */
class ConfigSettingsRetentionTest {

    /** A configuration of these properties alone (ConfigSettings reads each with getOptionalValue). */
    static Config config(Map<String, String> properties) {
        return (Config) Proxy.newProxyInstance(Config.class.getClassLoader(), new Class<?>[] {Config.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getOptionalValue")) {
                        return Optional.ofNullable(properties.get((String) args[0]));
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void unset_givesTheDefaults_andZeroKeepsAFamilyForever() {
        assertThat(ConfigSettings.read(config(Map.of())).retention()).isEqualTo(RetentionSettings.defaults());
        RetentionSettings read = ConfigSettings.read(config(Map.of("cc.retention.predictions", "0",
                "cc.retention.model-runs", "P0D", "cc.retention.telemetry", "p45d", "cc.retention.batch", "200",
                "cc.retention.interval", "PT1M"))).retention();
        assertThat(read).isEqualTo(new RetentionSettings(Duration.ofDays(45), Duration.ZERO, Duration.ZERO,
                Duration.ofDays(90), Duration.ofMinutes(1), 200));
        assertThat(ConfigSettings.read(config(Map.of("cc.retention.telemetry", "0", "cc.retention.model-runs", "0",
                "cc.retention.predictions", "0", "cc.retention.runs", "0"))).retention().enabled()).isFalse();
    }

    @Test
    void badValues_refuseTheStart_namingTheSetting() {
        assertThatThrownBy(() -> ConfigSettings.read(config(Map.of("cc.retention.batch", "lots"))))
                .hasMessageContaining("cc.retention.batch must be an integer, got 'lots'");
        assertThatThrownBy(() -> ConfigSettings.read(config(Map.of("cc.retention.batch", "50000"))))
                .hasMessageContaining("cc.retention.batch must be in [1, 10000], got 50000");
        assertThatThrownBy(() -> ConfigSettings.read(config(Map.of("cc.retention.interval", "10m"))))
                .hasMessageContaining("cc.retention.interval must be an ISO-8601 duration");
        assertThatThrownBy(() -> ConfigSettings.read(config(Map.of("cc.retention.runs", "-P1D"))))
                .hasMessageContaining("cc.retention.runs must not be negative");
        assertThatThrownBy(() -> ConfigSettings.read(config(Map.of("cc.retention.model-runs", "two weeks"))))
                .hasMessageContaining("cc.retention.model-runs must be an ISO-8601 duration");
        assertThatThrownBy(() -> ConfigSettings.read(config(Map.of("cc.retention.telemetry", "P3D"))))
                .hasMessageContaining("cc.retention.telemetry (PT72H) must be 0 (keep forever) or at least"
                        + " cc.learning.window (PT168H)");
        assertThatThrownBy(() -> ConfigSettings.read(config(Map.of("cc.retention.telemetry", "P10D",
                "cc.learning.window", "P14D")))).hasMessageContaining("cc.learning.window (PT336H)");
    }
}
