package io.commandcenter.hub.workflow;

/**
 * At most {@code maxPerHour} automated runs per target entity in any hour (default 3); beyond it
 * a run asks a human. Zero means every run asks.
 */
public record BlastRadius(int maxPerHour) {
    public static final int DEFAULT_MAX_PER_HOUR = 3;

    public BlastRadius {
        if (maxPerHour < 0) {
            throw new IllegalArgumentException("maxPerHour must not be negative: " + maxPerHour);
        }
    }

    public static BlastRadius defaults() {
        return new BlastRadius(DEFAULT_MAX_PER_HOUR);
    }
}
