package io.commandcenter.scheduler.task;

import java.util.Objects;

/**
 * The prediction that caused a task. A task with a cause is remediation work: its risk raises its
 * priority inside the project, and it may use capacity reserved ahead of predicted load.
 *
 * @param risk       in [0, 1]
 * @param confidence in [0, 1]
 */
public record PredictionCause(String predictionId, double risk, double confidence) {
    public PredictionCause {
        Objects.requireNonNull(predictionId, "predictionId");
    }
}
