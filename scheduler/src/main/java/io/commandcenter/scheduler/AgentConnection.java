package io.commandcenter.scheduler;

import io.commandcenter.scheduler.agents.AgentLoad;
import io.commandcenter.scheduler.agents.AgentRegistration;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.Violations;
import io.commandcenter.scheduler.events.SchedulerEvent;
import io.commandcenter.scheduler.leases.LeaseRef;
import io.commandcenter.scheduler.leases.Revocation;
import io.commandcenter.scheduler.pool.Dispatched;
import io.commandcenter.scheduler.pool.PoolOps;
import io.commandcenter.scheduler.pool.Settled;
import io.commandcenter.scheduler.task.Forms;
import io.commandcenter.scheduler.task.Task;
import io.commandcenter.scheduler.task.TaskOutcome;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One agent's session on this hub: what an agent (built in, or remote through
 * {@code ConnectAgent}) calls to report load, extend leases and report progress and results.
 * Assignments and revocations arrive at its {@link AgentListener}. Thread-safe.
 *
 * <p>Errors name fields as the {@code ConnectAgentRequest} does ({@code result.fencing_token}):
 * <ul>
 *   <li>INVALID: a malformed message ({@code REQUIRED}, {@code OUT_OF_RANGE}, {@code TOO_LONG},
 *       {@code PAYLOAD_TOO_LARGE});</li>
 *   <li>NOT_FOUND {@code TASK_NOT_FOUND}: no such task in the agent's pool;</li>
 *   <li>PRECONDITION {@code LEASE_NOT_HELD}, {@code LEASE_EXPIRED}, {@code TASK_CANCELLED}: the
 *       agent does not hold the task's current lease (fencing) — nothing was recorded;</li>
 *   <li>UNAVAILABLE: the shared state failed or the session is closed.</li>
 * </ul>
 * None of them ends the session.
 */
public final class AgentConnection implements AutoCloseable {
    private final Scheduler scheduler;
    private final AgentRegistration registration;
    private final String sessionId;
    private final AgentListener listener;
    private final List<LeaseRef> heldAtRegistration;
    private final Set<LeaseRef> leases = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    AgentConnection(Scheduler scheduler, AgentRegistration registration, String sessionId, AgentListener listener,
                    List<LeaseRef> heldAtRegistration) {
        this.scheduler = scheduler;
        this.registration = registration;
        this.sessionId = sessionId;
        this.listener = listener;
        this.heldAtRegistration = List.copyOf(heldAtRegistration);
        leases.addAll(heldAtRegistration);
    }

    public String agentId() {
        return registration.agentId();
    }

    public String agentType() {
        return registration.agentType();
    }

    public AgentRegistration registration() {
        return registration;
    }

    public String sessionId() {
        return sessionId;
    }

    public String hubId() {
        return scheduler.hubId();
    }

    /** Leases the agent held from an earlier session when it registered. */
    public List<LeaseRef> heldAtRegistration() {
        return heldAtRegistration;
    }

    /** Leases delivered to (or held by) this session and not yet settled. */
    public List<LeaseRef> leases() {
        return List.copyOf(leases);
    }

    public Duration leaseDuration() {
        return scheduler.settings().lease();
    }

    /** How often to heartbeat: a third of the lease. */
    public Duration heartbeatInterval() {
        return scheduler.settings().lease().dividedBy(3);
    }

    public boolean isClosed() {
        return closed;
    }

    /** Records the agent's load (cpu, memory, running tasks, capacity); may let it take more work. */
    public void reportHealth(AgentLoad load) {
        checkOpen();
        scheduler.state().pool(agentType(), scheduler.config(), new PoolOps.ReportLoad(agentId(), load,
                scheduler.now()));
        scheduler.signal(agentType());
    }

    /**
     * Extends the named leases.
     *
     * @return the leases the agent no longer holds (stop working on those); each is also removed
     *         from {@link #leases()}
     */
    public List<Revocation> heartbeat(List<LeaseRef> refs) {
        checkOpen();
        if (refs.size() > 10_000) {
            throw CommandCenterException.invalid("TOO_MANY", "heartbeat.leases", "heartbeat.leases: at most 10000 leases per heartbeat");
        }
        List<Revocation> revoked = scheduler.state().pool(agentType(), scheduler.config(),
                new PoolOps.Heartbeat(agentId(), refs, scheduler.now()));
        for (Revocation r : revoked) {
            leases.remove(r.lease());
        }
        return revoked;
    }

    /** Extends every lease this session holds. */
    public List<Revocation> heartbeat() {
        return heartbeat(new ArrayList<>(leases));
    }

    /** Records progress of a held task and extends its lease. */
    public Task progress(String taskId, long token, double fraction, String message) {
        checkOpen();
        Violations v = new Violations();
        if (taskId == null || taskId.isEmpty()) {
            v.add("progress.task_id", "REQUIRED", "progress.task_id is required");
        }
        Forms.fraction(v, "progress.fraction", fraction);
        Forms.maxLength(v, "progress.message", message, 1024);
        v.throwIfAnyWithSharedReason("INVALID_PROGRESS", "invalid progress");
        Settled settled = scheduler.state().pool(agentType(), scheduler.config(),
                new PoolOps.Progress(agentId(), taskId, token, fraction, message == null ? "" : message,
                        scheduler.now()));
        return accepted(settled, "progress", new LeaseRef(taskId, token));
    }

    /**
     * Records the result of a held task. A resend of a result already accepted is accepted again
     * without effect.
     *
     * @return the task as it is now (SUCCEEDED, FAILED, or QUEUED after a retryable failure)
     */
    public Task complete(String taskId, long token, TaskOutcome outcome, String outputJson, String error,
                         boolean retryable) {
        checkOpen();
        Violations v = new Violations();
        if (taskId == null || taskId.isEmpty()) {
            v.add("result.task_id", "REQUIRED", "result.task_id is required");
        }
        if (outcome == null) {
            v.add("result.outcome", "REQUIRED", "result.outcome must be SUCCEEDED or FAILED");
        }
        int size = outputJson == null ? 0 : outputJson.getBytes(StandardCharsets.UTF_8).length;
        if (size > scheduler.settings().maxPayloadBytes()) {
            v.add("result.output", "PAYLOAD_TOO_LARGE", "result.output is " + size + " bytes, at most "
                    + scheduler.settings().maxPayloadBytes());
        }
        Forms.maxLength(v, "result.error", error, 4096);
        v.throwIfAnyWithSharedReason("INVALID_RESULT", "invalid result");
        Settled settled = scheduler.state().pool(agentType(), scheduler.config(), new PoolOps.Complete(agentId(),
                taskId, token, outcome, outputJson == null ? "" : outputJson, error == null ? "" : error, retryable,
                scheduler.now()));
        Task task = accepted(settled, "result", new LeaseRef(taskId, token));
        leases.remove(new LeaseRef(taskId, token));
        if (settled.status() == Settled.Status.ACCEPTED) {
            scheduler.publish(List.of(new SchedulerEvent.TaskChanged(task, SchedulerEvent.TaskChanged.changeOf(task),
                    scheduler.hubId(), scheduler.clock().instant())));
            if (settled.release() != null) {
                scheduler.releaseTarget(agentType(), settled.release());
            }
        }
        scheduler.signal(agentType());
        return task;
    }

    private Task accepted(Settled settled, String message, LeaseRef ref) {
        if (settled.status() != Settled.Status.REJECTED) {
            return settled.task();
        }
        leases.remove(ref);
        if (settled.revocation() != null) {
            // the lease had run out: its task is queued again
            scheduler.publish(List.of(new SchedulerEvent.TaskChanged(settled.task(),
                    SchedulerEvent.TaskChanged.changeOf(settled.task()), scheduler.hubId(),
                    scheduler.clock().instant())));
            scheduler.signal(agentType());
        }
        String reason = settled.reason();
        if (reason.equals("TASK_NOT_FOUND")) {
            throw new CommandCenterException(ErrorKind.NOT_FOUND, reason, "no task " + ref.taskId() + " in the "
                    + agentType() + " pool", Map.of("task_id", ref.taskId()),
                    List.of(new io.commandcenter.common.error.FieldViolation(message + ".task_id", reason,
                            "no such task")), null);
        }
        String why = switch (reason) {
            case "LEASE_EXPIRED" -> "the lease expired before this " + message + "; the task went back to the queue";
            case "TASK_CANCELLED" -> "the task was cancelled";
            default -> "agent " + agentId() + " does not hold task " + ref.taskId() + " with fencing token "
                    + ref.fencingToken();
        };
        throw new CommandCenterException(ErrorKind.PRECONDITION, reason, why,
                Map.of("task_id", ref.taskId(), "fencing_token", Long.toString(ref.fencingToken())),
                List.of(new io.commandcenter.common.error.FieldViolation(message + ".fencing_token", reason, why)),
                null);
    }

    /** Ends the session: the agent is marked disconnected; its leases run until they expire. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        scheduler.agents().remove(this);
        disconnect();
    }

    /**
     * Marks this session's agent disconnected in the pool (a later session of the agent is left alone), so
     * no hub chooses it any more; its leases run on.
     */
    void disconnect() {
        // a pool that cannot be told now is told by the next sweep (or delivery to this session); when the state is
        // gone (hub stopping), the agent falls silent and is disconnected by the survivors
        scheduler.agents().disconnect(new LocalAgents.Ended(agentType(), agentId(), sessionId));
    }

    /**
     * The agent stopped working on a lease without a result that was recorded (its action ended
     * without one, or reporting it failed): {@link #heartbeat()} no longer extends it, so it
     * expires and its task is queued again (or fails, out of attempts).
     */
    void abandon(LeaseRef lease) {
        leases.remove(lease);
    }

    /** Called by the scheduler: delivers one assignment; false when the session is closed. */
    boolean deliver(Dispatched work) {
        if (closed) {
            return false;
        }
        leases.add(work.assignment().lease());
        try {
            listener.onAssignment(work);
            return true;
        } catch (RuntimeException e) {
            leases.remove(work.assignment().lease());
            throw e;
        }
    }

    void revoked(Revocation revocation) {
        leases.remove(revocation.lease());
        if (!closed) {
            listener.onRevoked(revocation);
        }
    }

    /** Ends the session from the scheduler's side (the pool is not told: see {@link #disconnect()}). */
    void closeBy(CommandCenterException reason) {
        if (closed) {
            return;
        }
        closed = true;
        scheduler.agents().remove(this);
        listener.onClosed(reason);
    }

    private void checkOpen() {
        if (closed) {
            throw CommandCenterException.unavailable("SESSION_CLOSED", "this agent session is closed; connect again",
                    null);
        }
    }
}
