package io.commandcenter.hub.security;

/**
 * What a call needs. Every RPC and REST endpoint requires exactly one (the hub's access table,
 * printed in the guide); {@link Role} says which roles hold which.
 */
public enum Permission {
    /** Health and reflection: anyone who can reach the port (they reveal no project's data). */
    PUBLIC,
    /** Read the project's data: telemetry, predictions, models, workflows, runs, approvals, events, tasks. */
    READ,
    /** Send telemetry. */
    INGEST,
    /** Act on what the engine proposes: approve or reject, cancel runs, pause or resume the project's autonomy, trigger a workflow, submit or cancel a task. */
    DECIDE,
    /** Change what the hub does: workflows, models, API keys, the kill switch of every project. */
    ADMINISTER,
    /** Serve as an agent: connect, take tasks, report their results. */
    RUN_AGENT
}
