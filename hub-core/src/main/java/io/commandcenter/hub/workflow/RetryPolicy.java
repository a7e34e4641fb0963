package io.commandcenter.hub.workflow;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * How a failed node is tried again: at most {@code maxAttempts} attempts in all (1 = no retry),
 * waiting {@code backoff × multiplier^(attempt-1)}, spread by ± {@code jitter} (a fraction) and
 * never longer than {@code maxBackoff}. A failure whose reason is in {@code nonRetryable} is final.
 *
 * @throws IllegalArgumentException from the constructor when a value is out of range (the parser
 *         reports those as field violations first)
 */
public record RetryPolicy(int maxAttempts, Duration backoff, Duration maxBackoff, double multiplier, double jitter,
                          Set<String> nonRetryable) {
    public static final int DEFAULT_MAX_ATTEMPTS = 1;
    public static final Duration DEFAULT_BACKOFF = Duration.ofSeconds(1);
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);
    public static final double DEFAULT_MULTIPLIER = 2.0;
    public static final double DEFAULT_JITTER = 0.2;

    public RetryPolicy {
        Objects.requireNonNull(backoff, "backoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        nonRetryable = Set.copyOf(nonRetryable);
        if (maxAttempts < 1 || maxAttempts > 100) {
            throw new IllegalArgumentException("maxAttempts must be in [1, 100]: " + maxAttempts);
        }
        if (backoff.isNegative() || backoff.isZero() || maxBackoff.compareTo(backoff) < 0) {
            throw new IllegalArgumentException("need 0 < backoff <= maxBackoff: " + backoff + ", " + maxBackoff);
        }
        if (!(multiplier >= 1 && multiplier <= 10)) {
            throw new IllegalArgumentException("multiplier must be in [1, 10]: " + multiplier);
        }
        if (!(jitter >= 0 && jitter <= 1)) {
            throw new IllegalArgumentException("jitter must be in [0, 1]: " + jitter);
        }
    }

    /** One attempt, no retry. */
    public static RetryPolicy defaults() {
        return new RetryPolicy(DEFAULT_MAX_ATTEMPTS, DEFAULT_BACKOFF, DEFAULT_MAX_BACKOFF, DEFAULT_MULTIPLIER,
                DEFAULT_JITTER, Set.of());
    }

    /** Whether a node whose attempt number {@code attempt} (1-based) failed with {@code reason} runs again. */
    public boolean retries(int attempt, String reason) {
        return attempt < maxAttempts && !nonRetryable.contains(reason);
    }

    /**
     * The wait after attempt number {@code attempt} (1-based) failed, before the next one: the
     * exponential delay capped at {@code maxBackoff}, times a uniform factor in
     * [1 - jitter, 1 + jitter], capped again. Always in [0, maxBackoff].
     *
     * @throws IllegalArgumentException when attempt is below 1
     */
    public Duration delay(int attempt, RandomGenerator random) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt is 1-based: " + attempt);
        }
        double cap = maxBackoff.toNanos();
        double base = Math.min(cap, backoff.toNanos() * Math.pow(multiplier, attempt - 1.0));
        double factor = jitter == 0 ? 1 : 1 + jitter * (2 * random.nextDouble() - 1);
        return Duration.ofNanos((long) Math.min(cap, Math.max(0, base * factor)));
    }
}
