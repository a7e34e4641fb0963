package io.commandcenter.hub.learning;

import io.commandcenter.hub.learning.ShadowGates.Gate;
import io.commandcenter.hub.learning.ShadowGates.State;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.common.testing.ManualClock;
import io.commandcenter.hub.testing.ManualTimers;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A shadow wait is judged when its period ends, on the hub's clock, not at the next minute tick after it. */
class ShadowDeadlinesTest {
    static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");
    final ManualClock clock = new ManualClock(T0);
    final ManualTimers timers = new ManualTimers(clock);
    /** When the judgement ran, on the clock. */
    final List<Instant> judged = new ArrayList<>();

    static Gate wait(String project, String version, Instant start, Duration period) {
        return new Gate(ProjectId.of(project), "service_health", version, State.PENDING, start, start.plus(period),
                "holdout passed", "", null);
    }

    @Test
    void aWait_isJudgedAtTheEndOfItsPeriod_toTheSecond_andOnce() {
        ShadowDeadlines deadlines = new ShadowDeadlines(timers, () -> judged.add(clock.instant()));
        Gate g = wait("shop", "2.5.1", T0.plusSeconds(20), Duration.ofMinutes(30));
        deadlines.arm(g);
        deadlines.arm(g); // the minute tick sees it again: still one timer

        timers.advance(Duration.ofMinutes(30).plusSeconds(19));
        assertThat(judged).as("a second before the end: not yet").isEmpty();
        timers.advance(Duration.ofSeconds(1));
        assertThat(judged).containsExactly(g.end());
        timers.advance(Duration.ofMinutes(5));
        assertThat(judged).as("once").hasSize(1);
        assertThat(deadlines.armed()).isZero();
    }

    @Test
    void afterARestart_theStoredWaitsAreArmedFromTheirPeriod_andOneThatEndedMeanwhileIsJudgedAtOnce() {
        Gate ended = wait("shop", "2.5.1", T0.minus(Duration.ofHours(2)), Duration.ofHours(1));
        Gate pending = wait("ops", "2.5.2", T0.minus(Duration.ofMinutes(10)), Duration.ofMinutes(45));
        // a new hub (or this one restarted): nothing armed until its first tick sees the stored waits
        ShadowDeadlines deadlines = new ShadowDeadlines(timers, () -> judged.add(clock.instant()));
        deadlines.arm(ended);
        deadlines.arm(pending);

        timers.advance(Duration.ZERO);
        assertThat(judged).as("the period ended while no hub was up: judged at once").containsExactly(T0);
        timers.advance(Duration.ofMinutes(35));
        assertThat(judged).containsExactly(T0, pending.end());
    }

    @Test
    void aDecidedWait_isDisarmed() {
        ShadowDeadlines deadlines = new ShadowDeadlines(timers, () -> judged.add(clock.instant()));
        Gate older = wait("shop", "2.5.1", T0, Duration.ofMinutes(30));
        Gate newer = wait("shop", "2.5.2", T0.plusSeconds(60), Duration.ofMinutes(30));
        deadlines.arm(older);
        deadlines.arm(newer);
        deadlines.disarm(older); // replaced by the newer challenger

        timers.advance(Duration.ofHours(1));
        assertThat(judged).containsExactly(newer.end());
    }
}
