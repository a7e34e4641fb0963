package io.commandcenter.hub.remediate;

import io.commandcenter.hub.project.ProjectId;

import java.time.Instant;
import java.util.Objects;

/**
 * A request for a person to decide whether a run starts.
 *
 * @param state where it stands; a decided approval never changes again
 */
public record ApprovalRecord(String approvalId, ProjectId project, String runId, String predictionId, String workflow,
                             int revision, ApprovalState state, String reasonRequested, double minConfidence,
                             int blastPerHour, int blastUsed, Instant requestedAt, Instant expiresAt,
                             Instant decidedAt, String decidedBy, String reason) {
    public ApprovalRecord {
        Objects.requireNonNull(approvalId, "approvalId");
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(workflow, "workflow");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(reasonRequested, "reasonRequested");
        Objects.requireNonNull(requestedAt, "requestedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(decidedBy, "decidedBy");
        Objects.requireNonNull(reason, "reason");
    }

    public boolean isPending() {
        return state == ApprovalState.PENDING;
    }

    /**
     * The approval once decided.
     *
     * @throws IllegalStateException when it was decided already
     */
    public ApprovalRecord decided(ApprovalState newState, String by, String why, Instant at) {
        if (!state.canMoveTo(newState)) {
            throw new IllegalStateException("approval " + approvalId + " cannot go from " + state + " to " + newState);
        }
        return new ApprovalRecord(approvalId, project, runId, predictionId, workflow, revision, newState,
                reasonRequested, minConfidence, blastPerHour, blastUsed, requestedAt, expiresAt, at, by, why);
    }
}
