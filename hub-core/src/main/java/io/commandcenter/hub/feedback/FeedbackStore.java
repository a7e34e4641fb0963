package io.commandcenter.hub.feedback;

import io.commandcenter.hub.project.ProjectId;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Where labels are kept, and the reads the feedback dataset is made of: predictions with the run
 * that raised them, the decisions taken on them, and stored runs of an entity in a window.
 * Implementation: {@code JpaFeedbackStore}.
 */
public interface FeedbackStore {

    /** A raised prediction and the stored run that raised it (executed at {@code runAt}). */
    record ScoredPrediction(String predictionId, String targetKind, String targetId, String model, String version,
                            double risk, Instant observedAt, String runId, Instant runAt, String inputJson) {
    }

    /** Where a page read by time and run id ended: the next page starts after it (null: at the first row). */
    record After(Instant time, String runId) {
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
     * A page of the project's predictions (optionally of one model) observed from {@code from} to {@code to} (both
     * included; null: unbounded) with their runs, by observation time and run id: at most {@code limit} after
     * {@code after} (null: from the first).
     */
    List<ScoredPrediction> predictions(ProjectId project, String model, Instant from, Instant to, After after,
                                       int limit);

    /**
     * Of {@code runIds}, those that raised a prediction of the project (optionally of one model) observed from
     * {@code from} to {@code to} (both included; null: unbounded): run id to prediction id.
     */
    Map<String, String> predictionsOfRuns(ProjectId project, String model, Instant from, Instant to,
                                          Collection<String> runIds);

    /** Decisions on the project's predictions, oldest first. */
    List<Decision> decisions(ProjectId project);

    /** Stored runs of one entity from {@code from} to {@code to} (both included), optionally of one model. */
    default List<StoredRun> runs(ProjectId project, String targetKind, String targetId, Instant from, Instant to,
                                 String model) {
        return runs(project, targetKind, targetId, from, to, model, null, Integer.MAX_VALUE);
    }

    /**
     * A page of one entity's stored runs from {@code from} to {@code to} (both included), optionally of one model,
     * by time and run id: at most {@code limit} after {@code after} (null: from the first).
     */
    List<StoredRun> runs(ProjectId project, String targetKind, String targetId, Instant from, Instant to, String model,
                         After after, int limit);

    /**
     * Stored runs of every entity of one model from {@code from} to {@code to} (both included), by
     * entity and time: the project's telemetry as the model saw it (the learning loop's snapshot).
     */
    List<StoredRun> runs(ProjectId project, Instant from, Instant to, String model);
}
