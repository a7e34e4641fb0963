package io.commandcenter.hub.telemetry;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/** A finished task: what it did, on what, how long it took and how it ended. */
public record TaskHistoryRecord(String recordId, String taskId, String name, EntityId target, String workflowRunId,
                                Status status, Instant startTime, Duration executionTime, String error,
                                String agent) implements TelemetryRecord {

    /** How a task ended. */
    public enum Status { SUCCEEDED, FAILED, CANCELLED, TIMED_OUT }

    public TaskHistoryRecord {
        Objects.requireNonNull(recordId, "recordId");
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(workflowRunId, "workflowRunId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(startTime, "startTime");
        Objects.requireNonNull(executionTime, "executionTime");
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(agent, "agent");
    }

    @Override
    public Instant time() {
        return startTime;
    }

    @Override
    public String subject() {
        return "task." + status.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public TaskHistoryRecord withRecordId(String newId) {
        return new TaskHistoryRecord(newId, taskId, name, target, workflowRunId, status, startTime, executionTime,
                error, agent);
    }
}
