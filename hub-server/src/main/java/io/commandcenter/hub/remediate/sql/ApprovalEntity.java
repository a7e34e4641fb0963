package io.commandcenter.hub.remediate.sql;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

/** Row of {@code approval}. */
@Entity
@Table(name = "approval")
public class ApprovalEntity {
    @Id
    @Column(name = "approval_id")
    String approvalId;
    @Column(name = "project_id")
    String projectId;
    @Column(name = "run_id")
    String runId;
    @Column(name = "prediction_id")
    String predictionId;
    @Column(name = "workflow")
    String workflow;
    @Column(name = "revision")
    int revision;
    @Column(name = "state")
    String state;
    @Column(name = "reason_requested")
    String reasonRequested;
    @Column(name = "min_confidence")
    double minConfidence;
    @Column(name = "blast_per_hour")
    int blastPerHour;
    @Column(name = "blast_used")
    int blastUsed;
    @Column(name = "requested_at")
    OffsetDateTime requestedAt;
    @Column(name = "expires_at")
    OffsetDateTime expiresAt;
    @Column(name = "decided_at")
    OffsetDateTime decidedAt;
    @Column(name = "decided_by")
    String decidedBy;
    @Column(name = "reason")
    String reason;
}
