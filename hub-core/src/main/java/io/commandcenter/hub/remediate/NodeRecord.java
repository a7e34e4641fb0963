package io.commandcenter.hub.remediate;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One node of a run as stored.
 *
 * @param order        position in the workflow's execution order
 * @param taskId       the scheduler task of the latest attempt, empty before the first
 * @param compensation whether it runs only because another node failed
 */
public record NodeRecord(String nodeId, int order, String agent, String action, NodeState state, int attempts,
                         String taskId, Map<String, String> inputs, String outputJson, String error,
                         boolean compensation, Instant startedAt, Instant finishedAt, Instant nextAttemptAt) {
    public NodeRecord {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(taskId, "taskId");
        inputs = Map.copyOf(inputs);
        Objects.requireNonNull(outputJson, "outputJson");
        Objects.requireNonNull(error, "error");
    }

    public static NodeRecord pending(String nodeId, int order, String agent, String action, boolean compensation) {
        return new NodeRecord(nodeId, order, agent, action, NodeState.PENDING, 0, "", Map.of(), "{}", "", compensation,
                null, null, null);
    }

    /** Handed to the scheduler as task {@code task}, attempt {@code attempt}. */
    public NodeRecord queued(String task, int attempt, Map<String, String> sentInputs, Instant at) {
        return new NodeRecord(nodeId, order, agent, action, NodeState.QUEUED, attempt, task, sentInputs, outputJson,
                error, compensation, at, null, null);
    }

    public NodeRecord running() {
        return new NodeRecord(nodeId, order, agent, action, NodeState.RUNNING, attempts, taskId, inputs, outputJson,
                error, compensation, startedAt, null, null);
    }

    public NodeRecord retryAt(Instant when, String why) {
        return new NodeRecord(nodeId, order, agent, action, NodeState.RETRY_WAIT, attempts, taskId, inputs, outputJson,
                why, compensation, startedAt, null, when);
    }

    public NodeRecord finished(NodeState finalState, String output, String why, Instant at) {
        return new NodeRecord(nodeId, order, agent, action, finalState, attempts, taskId, inputs,
                output == null ? outputJson : output, why == null ? error : why, compensation, startedAt, at, null);
    }
}
