package io.commandcenter.hub.remediate;

import io.commandcenter.hub.project.ProjectId;

import java.time.Instant;
import java.util.Objects;

/**
 * A {@code PredictionAction}: a decision taken on a prediction (or a manual run) and, later, what
 * came of it — one row of the feedback dataset.
 *
 * @param decision {@code automatic}, {@code approved}, {@code rejected}, {@code expired}, {@code manual}
 * @param outcome  {@code recovered}, {@code not_recovered}, {@code worse}, or empty until observed
 */
public record ActionRecord(String actionId, ProjectId project, String predictionId, String runId, String decision,
                           String decidedBy, Instant decidedAt, String reason, String targetKind, String targetId,
                           Double riskBefore, String outcome, Instant outcomeAt, Double riskAfter, String outcomeJson) {
    public ActionRecord {
        Objects.requireNonNull(actionId, "actionId");
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(decision, "decision");
        Objects.requireNonNull(decidedBy, "decidedBy");
        Objects.requireNonNull(decidedAt, "decidedAt");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(targetKind, "targetKind");
        Objects.requireNonNull(targetId, "targetId");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(outcomeJson, "outcomeJson");
    }

    public ActionRecord withOutcome(String result, Double after, String json, Instant at) {
        return new ActionRecord(actionId, project, predictionId, runId, decision, decidedBy, decidedAt, reason,
                targetKind, targetId, riskBefore, result, at, after, json);
    }
}
