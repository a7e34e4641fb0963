package io.commandcenter.hub.workflow;

/** At most {@code perTarget} runs of the workflow at once on one target entity (default 1). */
public record Concurrency(int perTarget) {
    public static final int DEFAULT_PER_TARGET = 1;

    public Concurrency {
        if (perTarget < 1) {
            throw new IllegalArgumentException("perTarget must be at least 1: " + perTarget);
        }
    }

    public static Concurrency defaults() {
        return new Concurrency(DEFAULT_PER_TARGET);
    }
}
