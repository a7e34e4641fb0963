package io.commandcenter.hub.predict;

import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.models.confidence.Confidence;
import io.commandcenter.models.explain.Factor;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A prediction the hub raised: the one object that travels from the model to the workflow, the
 * approval, the action and the training row.
 *
 * @param type        {@code risk}, {@code compliance} or {@code failure}
 * @param observedAt  time of the latest sample behind it
 * @param createdAt   when the hub raised it
 * @param similar     up to three similar past incidents of the project, from memory (section 20)
 * @param recommendationNote why the recommended action differs from the model's, or rests on the
 *                    past ({@code ""} when memory had nothing to say)
 */
public record PredictionRecord(String id, ProjectId project, String targetKind, String targetId, String type,
                               double risk, Confidence confidence, String recommendedAction, List<Factor> factors,
                               String modelName, String modelVersion, double threshold, String traceId,
                               String modelRunId, Instant observedAt, Instant createdAt,
                               List<SimilarIncident> similar, String recommendationNote) {
    /** A prediction without memory's advice. */
    public PredictionRecord(String id, ProjectId project, String targetKind, String targetId, String type,
                            double risk, Confidence confidence, String recommendedAction, List<Factor> factors,
                            String modelName, String modelVersion, double threshold, String traceId,
                            String modelRunId, Instant observedAt, Instant createdAt) {
        this(id, project, targetKind, targetId, type, risk, confidence, recommendedAction, factors, modelName,
                modelVersion, threshold, traceId, modelRunId, observedAt, createdAt, List.of(), "");
    }

    public PredictionRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(targetKind, "targetKind");
        Objects.requireNonNull(targetId, "targetId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(confidence, "confidence");
        Objects.requireNonNull(recommendedAction, "recommendedAction");
        factors = List.copyOf(factors);
        Objects.requireNonNull(modelName, "modelName");
        Objects.requireNonNull(modelVersion, "modelVersion");
        Objects.requireNonNull(traceId, "traceId");
        Objects.requireNonNull(modelRunId, "modelRunId");
        Objects.requireNonNull(observedAt, "observedAt");
        Objects.requireNonNull(createdAt, "createdAt");
        similar = similar == null ? List.of() : List.copyOf(similar);
        recommendationNote = recommendationNote == null ? "" : recommendationNote;
    }

    /** The event subject it is published under. */
    public String subject() {
        return "prediction.created." + type;
    }
}
