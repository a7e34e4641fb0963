package io.commandcenter.common.concurrent;

import io.commandcenter.common.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CircuitBreakerTest {
    private final ManualClock clock = new ManualClock(Instant.parse("2026-12-07T15:00:00Z"));
    private final CircuitBreaker breaker = new CircuitBreaker(clock, 2, Duration.ofSeconds(30));

    private void fail() {
        try (CircuitBreaker.Permit ignored = breaker.tryAcquire().orElseThrow()) {
            // closed without succeeded(): a failed call
        }
    }

    private void succeed() {
        try (CircuitBreaker.Permit call = breaker.tryAcquire().orElseThrow()) {
            call.succeeded();
        }
    }

    @Test
    void opensAfterTheConsecutiveFailures_refusesWhileOpen_thenLetsOneTrialThrough() {
        fail();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        fail();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(breaker.tryAcquire()).isEmpty();

        clock.advance(Duration.ofSeconds(30));
        CircuitBreaker.Permit trial = breaker.tryAcquire().orElseThrow();
        assertThat(breaker.tryAcquire()).as("one trial at a time").isEmpty();
        trial.succeeded();
        trial.close();

        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        succeed();
    }

    @Test
    void aTrialThatEndsInAnException_freesTheTrial_andOpensTheCircuitAgain() {
        fail();
        fail();
        clock.advance(Duration.ofSeconds(31));

        assertThatThrownBy(() -> {
            try (CircuitBreaker.Permit ignored = breaker.tryAcquire().orElseThrow()) {
                throw new IllegalStateException("token file unreadable");
            }
        }).isInstanceOf(IllegalStateException.class);

        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(breaker.tryAcquire()).isEmpty();
        clock.advance(Duration.ofSeconds(30));
        assertThat(breaker.tryAcquire()).as("the next trial after openFor").isPresent();
    }

    @Test
    void aSuccessBetweenFailures_startsTheCountAgain() {
        fail();
        succeed();
        fail();

        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    private void abandon() {
        try (CircuitBreaker.Permit call = breaker.tryAcquire().orElseThrow()) {
            call.abandon();
        }
    }

    @Test
    void abandonedCalls_countNeitherAsFailures_norAsSuccesses() {
        fail();
        abandon();
        abandon();
        assertThat(breaker.state()).as("abandoned calls are not failures").isEqualTo(CircuitBreaker.State.CLOSED);

        fail();
        assertThat(breaker.state()).as("nor successes: the earlier failure still counts").isEqualTo(CircuitBreaker.State.OPEN);
    }

    @Test
    void anAbandonedTrial_freesTheTrial_andLeavesTheCircuitAsItWas() {
        fail();
        fail();
        clock.advance(Duration.ofSeconds(30));

        abandon();

        assertThat(breaker.state()).as("neither closed by it nor opened again").isEqualTo(CircuitBreaker.State.HALF_OPEN);
        CircuitBreaker.Permit next = breaker.tryAcquire().orElseThrow(() -> new AssertionError("the trial slot is free"));
        next.succeeded();
        next.close();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    }
}
