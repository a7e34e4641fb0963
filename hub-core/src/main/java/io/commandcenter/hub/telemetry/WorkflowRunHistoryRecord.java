package io.commandcenter.hub.telemetry;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/** A finished workflow run: the outcome of an automation. */
public record WorkflowRunHistoryRecord(String recordId, String runId, String workflow, EntityId target,
                                       Status status, Instant startTime, Instant endTime, String trigger,
                                       String error) implements TelemetryRecord {

    /** How a run ended. */
    public enum Status { SUCCEEDED, FAILED, CANCELLED, TIMED_OUT }

    public WorkflowRunHistoryRecord {
        Objects.requireNonNull(recordId, "recordId");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(workflow, "workflow");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(startTime, "startTime");
        Objects.requireNonNull(endTime, "endTime");
        Objects.requireNonNull(trigger, "trigger");
        Objects.requireNonNull(error, "error");
        if (endTime.isBefore(startTime)) {
            throw new IllegalArgumentException("endTime before startTime");
        }
    }

    @Override
    public Instant time() {
        return startTime;
    }

    @Override
    public String subject() {
        return "workflow.run." + status.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public WorkflowRunHistoryRecord withRecordId(String newId) {
        return new WorkflowRunHistoryRecord(newId, runId, workflow, target, status, startTime, endTime, trigger,
                error);
    }
}
