package io.commandcenter.hub.remediate;

import io.commandcenter.hub.project.ProjectId;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A remediation run as stored: pinned to a workflow revision, with the state of every node. State
 * changes return new values ({@link #withState}, {@link #withNode}).
 *
 * @param mode            how it started (a run waiting for a person is {@code APPROVAL} until approved)
 * @param triggerId       what {@code $trigger.id} reads: the prediction's id, the scheduled time, or
 *                        (a manual run) the run's own id
 * @param predictionId    the prediction behind it, or {@code null}
 * @param idempotencyKey  unique per project: the same trigger never runs a workflow twice
 * @param outcome         what came of it, {@code null} until judged
 */
public record RunRecord(String runId, ProjectId project, String workflow, int revision, RunState state, RunMode mode,
                        String triggerSubject, String triggerId, String predictionId, String targetKind,
                        String targetId, String idempotencyKey, String approvalId, String hubId, String error,
                        Outcome outcome, Instant createdAt, Instant startedAt, Instant finishedAt, Instant deadlineAt,
                        List<NodeRecord> nodes) {
    public RunRecord {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(workflow, "workflow");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(triggerSubject, "triggerSubject");
        Objects.requireNonNull(triggerId, "triggerId");
        Objects.requireNonNull(targetKind, "targetKind");
        Objects.requireNonNull(targetId, "targetId");
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
        Objects.requireNonNull(hubId, "hubId");
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(deadlineAt, "deadlineAt");
        nodes = List.copyOf(nodes);
    }

    /**
     * The run in another state.
     *
     * @throws IllegalStateException for a move {@link RunState} does not allow
     */
    public RunRecord withState(RunState next, String why, Instant at) {
        if (next == state) {
            return this;
        }
        if (!state.canMoveTo(next)) {
            throw new IllegalStateException("run " + runId + " cannot go from " + state + " to " + next);
        }
        return new RunRecord(runId, project, workflow, revision, next, mode, triggerSubject, triggerId,
                predictionId, targetKind, targetId, idempotencyKey, approvalId, hubId, why == null ? error : why,
                outcome, createdAt, next == RunState.RUNNING && startedAt == null ? at : startedAt,
                next.isFinished() ? at : finishedAt, deadlineAt, nodes);
    }
    public RunRecord withOutcome(Outcome newOutcome) {
        return new RunRecord(runId, project, workflow, revision, state, mode, triggerSubject, triggerId,
                predictionId, targetKind, targetId, idempotencyKey, approvalId, hubId, error, newOutcome, createdAt,
                startedAt, finishedAt, deadlineAt, nodes);
    }

    /** The run as an approval left it: driven by {@code hub}, in {@code newMode}, with a fresh deadline. */
    public RunRecord takenBy(String hub, RunMode newMode, Instant newDeadline) {
        return new RunRecord(runId, project, workflow, revision, state, newMode, triggerSubject, triggerId,
                predictionId, targetKind, targetId, idempotencyKey, approvalId, hub, "", outcome, createdAt,
                startedAt, finishedAt, newDeadline, nodes);
    }
    /** The run as another hub took it over: driven (or watched) by {@code hub}, everything else as it was. */
    public RunRecord ownedBy(String hub) {
        return new RunRecord(runId, project, workflow, revision, state, mode, triggerSubject, triggerId,
                predictionId, targetKind, targetId, idempotencyKey, approvalId, hub, error, outcome, createdAt,
                startedAt, finishedAt, deadlineAt, nodes);
    }

    /** The run with one node replaced (same id). */
    public RunRecord withNode(NodeRecord node) {
        List<NodeRecord> next = nodes.stream().map(n -> n.nodeId().equals(node.nodeId()) ? node : n).toList();
        return new RunRecord(runId, project, workflow, revision, state, mode, triggerSubject, triggerId,
                predictionId, targetKind, targetId, idempotencyKey, approvalId, hubId, error, outcome, createdAt,
                startedAt, finishedAt, deadlineAt, next);
    }

    public NodeRecord node(String nodeId) {
        return nodes.stream().filter(n -> n.nodeId().equals(nodeId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("run " + runId + " has no node " + nodeId));
    }
}
