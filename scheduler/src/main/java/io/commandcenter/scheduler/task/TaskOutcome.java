package io.commandcenter.scheduler.task;

/** How an agent says a task ended. */
public enum TaskOutcome {
    SUCCEEDED,
    FAILED
}
