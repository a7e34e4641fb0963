package io.commandcenter.scheduler;

import io.commandcenter.scheduler.task.Task;

/** A submitted task, and whether this submission created it (false: an idempotency key found it). */
public record SubmitResult(Task task, boolean created) {
}
