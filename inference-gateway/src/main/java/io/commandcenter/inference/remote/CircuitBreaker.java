package io.commandcenter.inference.remote;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * A circuit breaker for one remote endpoint: after {@code failures} consecutive failed calls it opens
 * for {@code openFor} (calls are refused at once, without touching the network); then it lets one
 * trial call through (half-open): success closes it, failure opens it again. Thread-safe.
 */
public final class CircuitBreaker {

    /** Where the breaker stands. */
    public enum State { CLOSED, OPEN, HALF_OPEN }

    private final Clock clock;
    private final int failures;
    private final Duration openFor;
    private int consecutive;
    private Instant openedAt;
    private boolean trialInFlight;

    public CircuitBreaker(Clock clock, int failures, Duration openFor) {
        if (failures < 1) {
            throw new IllegalArgumentException("failures must be >= 1");
        }
        this.clock = clock;
        this.failures = failures;
        this.openFor = openFor;
    }

    /** Whether a call may go out now; in half-open state only one caller gets {@code true}. */
    public synchronized boolean allow() {
        if (openedAt == null) {
            return true;
        }
        if (clock.instant().isBefore(openedAt.plus(openFor)) || trialInFlight) {
            return false;
        }
        trialInFlight = true;
        return true;
    }

    public synchronized void onSuccess() {
        consecutive = 0;
        openedAt = null;
        trialInFlight = false;
    }

    public synchronized void onFailure() {
        consecutive++;
        if (trialInFlight || consecutive >= failures) {
            openedAt = clock.instant();
        }
        trialInFlight = false;
    }

    public synchronized State state() {
        if (openedAt == null) {
            return State.CLOSED;
        }
        return clock.instant().isBefore(openedAt.plus(openFor)) ? State.OPEN : State.HALF_OPEN;
    }

    /** When an open breaker lets a trial call through. */
    public synchronized Instant retryAt() {
        return openedAt == null ? clock.instant() : openedAt.plus(openFor);
    }
}
