package io.commandcenter.hub.runtime;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MemorySettingsTest {

    private static MemorySettings mem0(Duration timeout, Duration budget) {
        return mem0(timeout, budget, Duration.ofSeconds(2));
    }

    private static MemorySettings mem0(Duration timeout, Duration budget, Duration advice) {
        return new MemorySettings("mem0", Path.of("memory"), 0.6, 10, Optional.of(URI.create("https://api.mem0.ai")),
                "k", timeout, budget, advice);
    }

    @Test
    void theDefaults_giveEachCallFiveSeconds_andAnOperationThirty() {
        MemorySettings d = MemorySettings.defaults(Path.of("data"));

        assertThat(d.mem0Timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(d.mem0Budget()).isEqualTo(Duration.ofSeconds(30));
        assertThat(d.adviceTimeout()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void aZeroAdviceTimeout_isRefused_namingTheSetting() {
        assertThatThrownBy(() -> mem0(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cc.memory.advice-timeout must be positive");
    }

    @Test
    void aBudgetShorterThanTheTimeout_isRefused_namingBothSettings() {
        assertThatThrownBy(() -> mem0(Duration.ofSeconds(5), Duration.ofSeconds(4)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cc.memory.mem0.search-budget").hasMessageContaining("cc.memory.mem0.timeout");
        assertThatThrownBy(() -> mem0(Duration.ZERO, Duration.ofSeconds(30)))
                .hasMessageContaining("cc.memory.mem0.timeout must be positive");

        assertThat(mem0(Duration.ofSeconds(5), Duration.ofSeconds(5)).mem0Budget()).isEqualTo(Duration.ofSeconds(5));
    }
}
