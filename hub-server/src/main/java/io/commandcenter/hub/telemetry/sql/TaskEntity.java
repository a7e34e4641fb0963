package io.commandcenter.hub.telemetry.sql;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

/** Row of {@code task}: a finished task. */
@Entity
@Table(name = "task")
@IdClass(RecordKey.class)
public class TaskEntity {
    @Id
    @Column(name = "project_id")
    private String projectId;
    @Id
    @Column(name = "record_id")
    private String recordId;
    @Column(name = "task_id")
    private String taskId;
    @Column(name = "name")
    private String name;
    @Column(name = "target_kind")
    private String targetKind;
    @Column(name = "target_id")
    private String targetId;
    @Column(name = "workflow_run_id")
    private String workflowRunId;
    @Column(name = "status")
    private String status;
    @Column(name = "start_time")
    private OffsetDateTime startTime;
    @Column(name = "execution_time_us")
    private long executionTimeMicros;
    @Column(name = "error")
    private String error;
    @Column(name = "agent")
    private String agent;
    @Column(name = "received_at")
    private OffsetDateTime receivedAt;

    protected TaskEntity() {
    }

    public String getProjectId() {
        return projectId;
    }

    public String getRecordId() {
        return recordId;
    }

    public String getTaskId() {
        return taskId;
    }

    public String getName() {
        return name;
    }

    public String getTargetKind() {
        return targetKind;
    }

    public String getTargetId() {
        return targetId;
    }

    public String getWorkflowRunId() {
        return workflowRunId;
    }

    public String getStatus() {
        return status;
    }

    public OffsetDateTime getStartTime() {
        return startTime;
    }

    public long getExecutionTimeMicros() {
        return executionTimeMicros;
    }

    public String getError() {
        return error;
    }

    public String getAgent() {
        return agent;
    }

    public OffsetDateTime getReceivedAt() {
        return receivedAt;
    }
}
