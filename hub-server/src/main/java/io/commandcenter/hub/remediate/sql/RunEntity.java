package io.commandcenter.hub.remediate.sql;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

/** Row of {@code remediation_run}. */
@Entity
@Table(name = "remediation_run")
public class RunEntity {
    @Id
    @Column(name = "run_id")
    String runId;
    @Column(name = "project_id")
    String projectId;
    @Column(name = "workflow")
    String workflow;
    @Column(name = "revision")
    int revision;
    @Column(name = "state")
    String state;
    @Column(name = "mode")
    String mode;
    @Column(name = "trigger_subject")
    String triggerSubject;
    @Column(name = "trigger_event_id")
    String triggerEventId;
    @Column(name = "prediction_id")
    String predictionId;
    @Column(name = "target_kind")
    String targetKind;
    @Column(name = "target_id")
    String targetId;
    @Column(name = "idempotency_key")
    String idempotencyKey;
    @Column(name = "approval_id")
    String approvalId;
    @Column(name = "hub_id")
    String hubId;
    @Column(name = "error")
    String error;
    @Column(name = "outcome")
    String outcome;
    @Column(name = "created_at")
    OffsetDateTime createdAt;
    @Column(name = "started_at")
    OffsetDateTime startedAt;
    @Column(name = "finished_at")
    OffsetDateTime finishedAt;
    @Column(name = "deadline_at")
    OffsetDateTime deadlineAt;
}
