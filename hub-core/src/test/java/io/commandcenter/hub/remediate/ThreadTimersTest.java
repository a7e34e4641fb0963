package io.commandcenter.hub.remediate;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** The engine's timer thread lets go of cancelled work at once (a run's deadline is hours away). */
class ThreadTimersTest {
    @Test
    void aCancelledTimer_isNoLongerHeld_andNeverRuns() {
        Clock clock = Clock.systemUTC();
        AtomicBoolean ran = new AtomicBoolean();
        try (ThreadTimers timers = new ThreadTimers(clock, "cc-test-timer")) {
            Timers.Timer deadline = timers.at(clock.instant().plus(Duration.ofHours(2)), () -> ran.set(true));
            Timers.Timer other = timers.at(clock.instant().plus(Duration.ofHours(3)), () -> { });
            assertThat(timers.waiting()).isEqualTo(2);

            deadline.cancel();

            assertThat(timers.waiting()).as("only the one not cancelled").isEqualTo(1);
            other.cancel();
            assertThat(timers.waiting()).isZero();
        }
        assertThat(ran.get()).isFalse();
    }
}
