package io.commandcenter.inference.remote;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class RemoteBackendWaitTest {

    @Test
    void theWaitDoublesFromTheBackoff_andNeverExceedsOneSecond() {
        Duration backoff = Duration.ofMillis(50);
        assertThat(RemoteBackend.wait(backoff, 1)).isEqualTo(Duration.ofMillis(50));
        assertThat(RemoteBackend.wait(backoff, 2)).isEqualTo(Duration.ofMillis(100));
        assertThat(RemoteBackend.wait(backoff, 5)).isEqualTo(Duration.ofMillis(800));
        assertThat(RemoteBackend.wait(backoff, 6)).isEqualTo(RemoteBackend.MAX_WAIT);
        assertThat(RemoteBackend.wait(backoff, 9)).isEqualTo(RemoteBackend.MAX_WAIT);
        // the largest backoff allowed, at the last of 10 attempts: once a shift of 1000 ms by 8 (256 s)
        assertThat(RemoteBackend.wait(RemoteBackend.MAX_WAIT, 9)).isEqualTo(RemoteBackend.MAX_WAIT);
        // no overflow however many doublings are asked for
        assertThat(RemoteBackend.wait(Duration.ofMillis(1), 200)).isEqualTo(RemoteBackend.MAX_WAIT);
    }
}
