package io.commandcenter.hub.security;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** A token bucket per credential, on a clock the test moves. */
class CallRateTest {
    final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    final CallRate rate = new CallRate(10, 3, nanos::get);

    CommandCenterException refused(String caller) {
        return catchThrowableOfType(CommandCenterException.class, () -> rate.acquire(caller));
    }

    @Test
    void aBurstPasses_theNextCallIsRefused_withTheWaitUntilItWouldPass() {
        for (int i = 0; i < 3; i++) {
            rate.acquire("k1");
        }

        CommandCenterException e = refused("k1");

        assertThat(e.kind()).isEqualTo(ErrorKind.EXHAUSTED);
        assertThat(e.reason()).isEqualTo("RATE_LIMITED");
        assertThat(e.metadata()).containsEntry(CommandCenterException.RETRY_AFTER_MS, "100");
        assertThat(e.getMessage()).contains("10 calls a second").doesNotContain("k1");
    }

    @Test
    void theAllowanceRefillsAtTheRate_andNeverAboveTheBurst() {
        for (int i = 0; i < 3; i++) {
            rate.acquire("k1");
        }
        nanos.addAndGet(99_000_000L);
        assertThat(refused("k1")).as("99 ms: not yet a whole call").isNotNull();

        nanos.addAndGet(1_000_000L);
        rate.acquire("k1");
        assertThat(refused("k1")).isNotNull();

        nanos.addAndGet(60_000_000_000L);
        for (int i = 0; i < 3; i++) {
            rate.acquire("k1");
        }
        assertThat(refused("k1")).as("a minute idle banks no more than the burst").isNotNull();
    }

    @Test
    void oneCallersFlood_doesNotSlowAnother() {
        for (int i = 0; i < 3; i++) {
            rate.acquire("flood");
        }
        assertThat(refused("flood")).isNotNull();

        for (int i = 0; i < 3; i++) {
            rate.acquire("calm");
        }
    }
}
