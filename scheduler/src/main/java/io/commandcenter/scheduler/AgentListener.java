package io.commandcenter.scheduler;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.scheduler.leases.Revocation;
import io.commandcenter.scheduler.pool.Dispatched;

/**
 * What a connected agent hears from the scheduler: the in-process side of {@code ConnectAgent}.
 * Built-in agents implement it directly; the gRPC adapter implements it by writing to the agent's
 * stream. Called from the scheduler's threads: return quickly and never block (hand the work to
 * an executor of your own). An exception from {@link #onAssignment} counts as "not delivered": the
 * lease is returned and the task queued again.
 */
public interface AgentListener {

    /** A task leased to this agent: run it, heartbeat its lease, report its result with the token. */
    void onAssignment(Dispatched work);

    /** A lease ended without a result (cancelled, expired): stop working on the task. */
    void onRevoked(Revocation revocation);

    /**
     * The connection ended on the scheduler's side: {@code CONTENTION}/{@code SESSION_SUPERSEDED}
     * when the agent registered again elsewhere, {@code UNAVAILABLE}/{@code SHUTTING_DOWN} when the
     * hub stops. No further calls follow.
     */
    void onClosed(CommandCenterException reason);
}
