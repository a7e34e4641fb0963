package io.commandcenter.hub.runtime;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code cc.ingest.max-in-flight}: its default, and a bound that would stop every stream is refused by name. */
class StreamLimitsTest {
    @Test
    void theInFlightBound_defaultsTo4096_andMustBeAtLeastOne() {
        assertThat(StreamLimits.defaults().ingestInFlight()).isEqualTo(4096);
        assertThat(new StreamLimits(64, 16, Duration.ofSeconds(60), Duration.ofSeconds(1)).ingestInFlight())
                .isEqualTo(StreamLimits.DEFAULT_INGEST_IN_FLIGHT);
        assertThat(new StreamLimits(64, 16, Duration.ofSeconds(60), Duration.ofSeconds(1), 1).ingestInFlight())
                .isEqualTo(1);
        assertThatThrownBy(() -> new StreamLimits(64, 16, Duration.ofSeconds(60), Duration.ofSeconds(1), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cc.ingest.max-in-flight");
    }
}
