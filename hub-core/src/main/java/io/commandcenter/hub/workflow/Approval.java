package io.commandcenter.hub.workflow;

import java.time.Duration;
import java.util.Objects;

/**
 * When a human must approve (seed 3.3): a prediction whose confidence is below
 * {@code minConfidence} waits for a decision, which expires (and so rejects) after
 * {@code expiresAfter}.
 *
 * @param minConfidenceWritten whether the document wrote {@code approval.min_confidence} (else the
 *                             default holds): only then does an event without a prediction count as
 *                             confidence 0 ({@code Decision})
 */
public record Approval(double minConfidence, Duration expiresAfter, boolean minConfidenceWritten) {
    public static final double DEFAULT_MIN_CONFIDENCE = 0.9;
    public static final Duration DEFAULT_EXPIRES_AFTER = Duration.ofMinutes(30);

    public Approval {
        Objects.requireNonNull(expiresAfter, "expiresAfter");
        if (!(minConfidence >= 0 && minConfidence <= 1) || expiresAfter.isNegative() || expiresAfter.isZero()) {
            throw new IllegalArgumentException("need minConfidence in [0, 1] and a positive expiry");
        }
    }

    /** An approval whose minimum was written. */
    public Approval(double minConfidence, Duration expiresAfter) {
        this(minConfidence, expiresAfter, true);
    }

    public static Approval defaults() {
        return new Approval(DEFAULT_MIN_CONFIDENCE, DEFAULT_EXPIRES_AFTER, false);
    }

    /** Whether a prediction of this confidence needs a human (strictly below the minimum). */
    public boolean needsHuman(double confidence) {
        return !(confidence >= minConfidence);
    }
}
