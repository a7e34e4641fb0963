package io.commandcenter.hub.predict;

import io.commandcenter.hub.project.ProjectId;

import java.time.Instant;
import java.util.Objects;

/**
 * A stored model run: one that raised a prediction, kept whole, or the aggregate of an entity's
 * other runs over one minute ({@code runs} of them), so storage grows with entities × minutes, not
 * with samples.
 *
 * @param confidence the run's confidence; {@code null} for aggregates (confidence is computed only
 *                   when a prediction is raised)
 */
public record ModelRun(String runId, ProjectId project, String modelId, String targetKind, String targetId, Kind kind,
                       int runs, String inputJson, String outputJson, Double confidence, Instant executedAt) {

    /** Whole run or aggregate. */
    public enum Kind { PREDICTION, AGGREGATE }

    public ModelRun {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(modelId, "modelId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(inputJson, "inputJson");
        Objects.requireNonNull(outputJson, "outputJson");
        Objects.requireNonNull(executedAt, "executedAt");
        if (runs < 1) {
            throw new IllegalArgumentException("runs must be >= 1");
        }
    }
}
