package io.commandcenter.hub.remediate;

import io.commandcenter.hub.predict.PredictionRecord;
import io.commandcenter.hub.project.ProjectId;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * A {@code PredictionAction}: a decision taken on a prediction (or a manual run) and, later, what
 * came of it — one row of the feedback dataset.
 *
 * @param riskBefore the prediction's risk, {@code null} without a prediction
 * @param outcome    what came of it, {@code null} until judged
 */
public record ActionRecord(String actionId, ProjectId project, String predictionId, String runId,
                           ActionDecision decision, String decidedBy, Instant decidedAt, String reason,
                           String targetKind, String targetId, Double riskBefore, Outcome outcome, Instant outcomeAt,
                           Double riskAfter, String outcomeJson) {
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
        Objects.requireNonNull(outcomeJson, "outcomeJson");
    }

    /** A new decision on a run, not judged yet. */
    public static ActionRecord of(RunRecord run, Optional<PredictionRecord> prediction, ActionDecision decision,
                                  String by, String reason, Instant at) {
        return of("pa-" + UUID.randomUUID(), run, prediction, decision, by, reason, at);
    }

    /**
     * A decision on a run under an id that names it (a second insert of it, by another hub, stores
     * nothing twice), not judged yet.
     */
    public static ActionRecord of(String actionId, RunRecord run, Optional<PredictionRecord> prediction,
                                  ActionDecision decision, String by, String reason, Instant at) {
        return new ActionRecord(actionId, run.project(), run.predictionId(), run.runId(), decision,
                by, at, reason == null ? "" : reason, run.targetKind(), run.targetId(),
                prediction.map(PredictionRecord::risk).orElse(null), null, null, null, "{}");
    }

    /** Whether its outcome was judged. */
    public boolean isJudged() {
        return outcome != null;
    }

    public ActionRecord withOutcome(Outcome result, Double after, String json, Instant at) {
        return new ActionRecord(actionId, project, predictionId, runId, decision, decidedBy, decidedAt, reason,
                targetKind, targetId, riskBefore, result, at, after, json);
    }
}
