package io.commandcenter.hub.remediate.sql;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

/** Row of {@code prediction_action}. */
@Entity
@Table(name = "prediction_action")
public class ActionEntity {
    @Id
    @Column(name = "action_id")
    String actionId;
    @Column(name = "project_id")
    String projectId;
    @Column(name = "prediction_id")
    String predictionId;
    @Column(name = "run_id")
    String runId;
    @Column(name = "decision")
    String decision;
    @Column(name = "decided_by")
    String decidedBy;
    @Column(name = "decided_at")
    OffsetDateTime decidedAt;
    @Column(name = "reason")
    String reason;
    @Column(name = "target_kind")
    String targetKind;
    @Column(name = "target_id")
    String targetId;
    @Column(name = "risk_before")
    Double riskBefore;
    @Column(name = "outcome")
    String outcome;
    @Column(name = "outcome_at")
    OffsetDateTime outcomeAt;
    @Column(name = "risk_after")
    Double riskAfter;
    @Column(name = "outcome_json")
    String outcomeJson;
}
