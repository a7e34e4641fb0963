package io.commandcenter.hub.telemetry.sql;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

/** Row of {@code workflow_run}: the outcome of an automation. */
@Entity
@Table(name = "workflow_run")
@IdClass(RecordKey.class)
public class WorkflowRunEntity {
    @Id
    @Column(name = "project_id")
    private String projectId;
    @Id
    @Column(name = "record_id")
    private String recordId;
    @Column(name = "run_id")
    private String runId;
    @Column(name = "workflow")
    private String workflow;
    @Column(name = "target_kind")
    private String targetKind;
    @Column(name = "target_id")
    private String targetId;
    @Column(name = "status")
    private String status;
    @Column(name = "start_time")
    private OffsetDateTime startTime;
    @Column(name = "end_time")
    private OffsetDateTime endTime;
    @Column(name = "trigger_source")
    private String trigger;
    @Column(name = "error")
    private String error;
    @Column(name = "received_at")
    private OffsetDateTime receivedAt;

    protected WorkflowRunEntity() {
    }

    public String getProjectId() {
        return projectId;
    }

    public String getRecordId() {
        return recordId;
    }

    public String getRunId() {
        return runId;
    }

    public String getWorkflow() {
        return workflow;
    }

    public String getTargetKind() {
        return targetKind;
    }

    public String getTargetId() {
        return targetId;
    }

    public String getStatus() {
        return status;
    }

    public OffsetDateTime getStartTime() {
        return startTime;
    }

    public OffsetDateTime getEndTime() {
        return endTime;
    }

    public String getTrigger() {
        return trigger;
    }

    public String getError() {
        return error;
    }

    public OffsetDateTime getReceivedAt() {
        return receivedAt;
    }
}
