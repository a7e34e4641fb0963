package io.commandcenter.scheduler.task;

/** Which hubs' agents may run a task. */
public enum Placement {
    /** The scheduler's configured default. */
    DEFAULT,
    /** Any hub of the cluster; the agent score prefers the submitting hub. */
    CLUSTER,
    /** Only agents of the submitting hub, and of hubs the meta hub delegated the task to. */
    ORIGIN_HUB
}
