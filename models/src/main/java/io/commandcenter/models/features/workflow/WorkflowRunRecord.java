package io.commandcenter.models.features.workflow;

import java.util.Objects;

/**
 * One finished task or workflow run.
 *
 * @param workflow the task or workflow name (the entity)
 */
public record WorkflowRunRecord(String workflow, long timeMillis, boolean succeeded, long durationMillis, int retries, long queueWaitMillis) {

    public WorkflowRunRecord {
        Objects.requireNonNull(workflow, "workflow");
        if (durationMillis < 0 || retries < 0 || queueWaitMillis < 0) {
            throw new IllegalArgumentException("duration, retries and queue wait must be >= 0");
        }
    }
}
