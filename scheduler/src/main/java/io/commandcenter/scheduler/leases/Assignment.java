package io.commandcenter.scheduler.leases;

import io.commandcenter.scheduler.agents.Score;
import io.commandcenter.scheduler.wire.WireIn;
import io.commandcenter.scheduler.wire.WireOut;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One assignment decision: a task leased to an agent, the lease's fencing token and expiry, and
 * the score that chose the agent. What {@code mesh.schedule.assignment} events carry and
 * {@code ListAssignments} lists.
 *
 * @param fencingToken larger than every token issued before in the agent type's pool
 * @param attempt      1 for the task's first assignment
 * @param queueDelay   how long the task waited in the queue before this assignment
 * @param candidates   how many agents could have taken the task
 * @param virtualFinish the task's virtual finish tag in the fair queue (0 under round-robin)
 * @param usedReserve  whether the task took a slot held back for remediation work
 */
public record Assignment(String taskId, String project, String capability, String workflow, String agentType,
                         String agentId, String agentHub, String decidedByHub, String originHub, long fencingToken,
                         int attempt, Instant assignedAt, Instant leaseExpiresAt, Duration queueDelay, Score score,
                         int candidates, double virtualFinish, boolean usedReserve) {
    public Assignment {
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(assignedAt, "assignedAt");
        Objects.requireNonNull(score, "score");
    }

    /** The lease this assignment created. */
    public LeaseRef lease() {
        return new LeaseRef(taskId, fencingToken);
    }

    /** The same decision with another lease expiry (after heartbeats). */
    public Assignment withLeaseExpiry(Instant expiry) {
        return new Assignment(taskId, project, capability, workflow, agentType, agentId, agentHub, decidedByHub,
                originHub, fencingToken, attempt, assignedAt, expiry, queueDelay, score, candidates, virtualFinish,
                usedReserve);
    }

    public static void write(WireOut out, Assignment a) {
        out.str(a.taskId).str(a.project).str(a.capability).str(a.workflow).str(a.agentType).str(a.agentId)
                .str(a.agentHub).str(a.decidedByHub).str(a.originHub).i64(a.fencingToken).i32(a.attempt)
                .i64(a.assignedAt.toEpochMilli()).i64(a.leaseExpiresAt.toEpochMilli()).i64(a.queueDelay.toMillis());
        Score.write(out, a.score);
        out.i32(a.candidates).f64(a.virtualFinish).bool(a.usedReserve);
    }

    public static Assignment read(WireIn in) {
        return new Assignment(in.str(), in.str(), in.str(), in.str(), in.str(), in.str(), in.str(), in.str(), in.str(),
                in.i64(), in.i32(), Instant.ofEpochMilli(in.i64()), Instant.ofEpochMilli(in.i64()),
                Duration.ofMillis(in.i64()), Score.read(in), in.i32(), in.f64(), in.bool());
    }
}
