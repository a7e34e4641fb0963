package io.commandcenter.hub.feedback;

import io.commandcenter.hub.project.ProjectId;

import java.time.Instant;
import java.util.List;

/**
 * Where labels are kept, and the reads the feedback dataset is made of: predictions with the run
 * that raised them, the decisions taken on them, and stored runs of an entity in a window.
 * Implementation: {@code JpaFeedbackStore}.
 */
public interface FeedbackStore {

    /** A raised prediction and the stored run that raised it. */
    record ScoredPrediction(String predictionId, String targetKind, String targetId, String model, String version,
                            double risk, Instant observedAt, String runId, String inputJson) {
    }

    /** A decision taken on a prediction's remediation ({@code prediction_action}), and its outcome. */
    record Decision(String predictionId, String decision, String outcome, String reason, Instant decidedAt) {
    }

    /** A stored model run (whole, or a minute's aggregate with its last input). */
    record StoredRun(String runId, String targetKind, String targetId, String model, String version,
                     Instant executedAt, String inputJson, String outputJson) {
    }

    void saveLabel(FeedbackLabel label);

    /** Every label of a project, oldest first. */
    List<FeedbackLabel> labels(ProjectId project);

    /**
     * The project's predictions (optionally of one model) observed from {@code from} to {@code to} (both included;
     * null: unbounded) with their runs, oldest first.
     */
    List<ScoredPrediction> predictions(ProjectId project, String model, Instant from, Instant to);

    /** Decisions on the project's predictions, oldest first. */
    List<Decision> decisions(ProjectId project);

    /** Stored runs of one entity from {@code from} to {@code to} (both included), optionally of one model. */
    List<StoredRun> runs(ProjectId project, String targetKind, String targetId, Instant from, Instant to, String model);

    /**
     * Stored runs of every entity of one model from {@code from} to {@code to} (both included), by
     * entity and time: the project's telemetry as the model saw it (the learning loop's snapshot).
     */
    List<StoredRun> runs(ProjectId project, Instant from, Instant to, String model);
}
