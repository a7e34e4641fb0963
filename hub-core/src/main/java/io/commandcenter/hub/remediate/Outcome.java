package io.commandcenter.hub.remediate;

import java.util.Locale;
import java.util.Optional;

/**
 * What came of a decision, judged a window after its run ended ({@link OutcomeWatcher}): the label
 * the learning loop trains on.
 */
public enum Outcome {
    /** The target's risk is now below the prediction's threshold. */
    RECOVERED,
    /** The risk stayed at or above the threshold, or the target stopped reporting. */
    NOT_RECOVERED,
    /** The risk rose by at least the margin over the risk that was predicted. */
    WORSE;

    /**
     * The outcome of a risk that was {@code before} and is {@code after} now (empty: the target has
     * no live telemetry).
     */
    public static Outcome judge(double before, Optional<Double> after, double threshold, double worseMargin) {
        if (after.isEmpty()) {
            return NOT_RECOVERED;
        }
        if (after.get() < threshold) {
            return RECOVERED;
        }
        // "by at least the margin", the margin itself included (0.93 + 0.05 is 0.9800000000000001 in doubles)
        return after.get() - before >= worseMargin - 1e-9 ? WORSE : NOT_RECOVERED;
    }

    /** Lower case, as the API, events and the database spell it ({@code not_recovered}). */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The outcome a stored name stands for; empty for the empty name (not judged yet). */
    public static Optional<Outcome> of(String wireName) {
        return wireName == null || wireName.isEmpty() ? Optional.empty()
                : Optional.of(valueOf(wireName.toUpperCase(Locale.ROOT)));
    }
}
