package io.commandcenter.hub.remediate;

import io.commandcenter.hub.project.ProjectId;

import java.time.Instant;
import java.util.Objects;

/**
 * A request for a person to decide whether a run starts.
 *
 * @param state {@code PENDING}, {@code APPROVED}, {@code REJECTED} or {@code EXPIRED}
 */
public record ApprovalRecord(String approvalId, ProjectId project, String runId, String predictionId, String workflow,
                             int revision, String state, String reasonRequested, double minConfidence,
                             int blastPerHour, int blastUsed, Instant requestedAt, Instant expiresAt,
                             Instant decidedAt, String decidedBy, String reason) {
    public static final String PENDING = "PENDING";
    public static final String APPROVED = "APPROVED";
    public static final String REJECTED = "REJECTED";
    public static final String EXPIRED = "EXPIRED";

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
        return PENDING.equals(state);
    }

    public ApprovalRecord decided(String newState, String by, String why, Instant at) {
        return new ApprovalRecord(approvalId, project, runId, predictionId, workflow, revision, newState,
                reasonRequested, minConfidence, blastPerHour, blastUsed, requestedAt, expiresAt, at, by, why);
    }
}
