package io.commandcenter.common.concurrent;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A circuit breaker for one remote service: after {@code failures} consecutive failed calls it opens
 * for {@code openFor} (calls are refused at once, without touching the network); then it lets one
 * trial call through (half-open): success closes it, failure opens it again. Thread-safe.
 *
 * <p>A call holds a {@link Permit} in try-with-resources and marks it {@link Permit#succeeded()} when the
 * service did its part; a permit closed without that — an error, any exception, an early return —
 * counts as a failed call, so a trial that ends in an unexpected exception still frees the trial slot; a
 * call the caller gave up on itself (interrupted) is {@link Permit#abandon() abandoned}, counted neither way:
 * <pre>{@code
 * try (CircuitBreaker.Permit call = breaker.tryAcquire().orElseThrow(() -> suspended())) {
 *     T answer = remote.call();
 *     call.succeeded();
 *     return answer;
 * }
 * }</pre>
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

    /**
     * A permit for one call now, or empty while the circuit is open (and while another caller holds the
     * half-open trial).
     */
    public synchronized Optional<Permit> tryAcquire() {
        if (openedAt == null) {
            return Optional.of(new Permit(false));
        }
        if (clock.instant().isBefore(openedAt.plus(openFor)) || trialInFlight) {
            return Optional.empty();
        }
        trialInFlight = true;
        return Optional.of(new Permit(true));
    }

    private synchronized void settle(boolean trial, Outcome outcome) {
        if (trial) {
            trialInFlight = false;
        }
        if (outcome == Outcome.ABANDONED) {
            return; // the caller gave up (interrupted, out of its own budget): the service is not judged
        }
        if (outcome == Outcome.SUCCEEDED) {
            consecutive = 0;
            openedAt = null;
            return;
        }
        consecutive++;
        if (trial || consecutive >= failures) {
            openedAt = clock.instant();
        }
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

    private enum Outcome { FAILED, SUCCEEDED, ABANDONED }

    /**
     * Leave to make one call; closing it settles the call: a success if marked so, neither success nor
     * failure if {@link #abandon abandoned}, else a failure.
     */
    public final class Permit implements AutoCloseable {
        private final boolean trial;
        private Outcome outcome = Outcome.FAILED;
        private boolean closed;

        private Permit(boolean trial) {
            this.trial = trial;
        }

        /** The service answered as it should (an answer refusing the caller's input counts too). */
        public void succeeded() {
            outcome = Outcome.SUCCEEDED;
        }

        /**
         * The call ended for a reason of the caller's, not the service's — the caller's thread was
         * interrupted (a shutdown), or the caller's own budget ran out while the service kept answering —
         * so closing the permit counts neither a failure nor a success; a half-open trial slot is freed (the
         * next caller gets the trial).
         */
        public void abandon() {
            outcome = Outcome.ABANDONED;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                settle(trial, outcome);
            }
        }
    }
}
