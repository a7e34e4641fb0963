package io.commandcenter.hub.remediate;

import io.commandcenter.hub.workflow.Workflow;
import io.commandcenter.hub.workflow.WorkflowNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The graph rules of a run, as pure functions of the workflow and the run's node states (no
 * clock, no I/O), so the engine, a restart and the tests all read the same rules:
 * <ul>
 *   <li>a dependency is met when it {@code SUCCEEDED}, or when it {@code FAILED} and its agent is
 *       not {@link AgentTraits#blocking() blocking} (a failed notification);</li>
 *   <li>a pending node whose dependencies are all met is {@linkplain #ready ready};</li>
 *   <li>a pending node with a dependency that can no longer be met is {@code SKIPPED};</li>
 *   <li>a compensating node ({@code on_failure}) becomes ready once a node naming it has failed
 *       for good, and runs once however many do;</li>
 *   <li>a run is {@linkplain #finalState finished} when nothing is in flight or ready: it
 *       {@code FAILED} if a blocking node failed (or its outcome is unknown), else it
 *       {@code SUCCEEDED}.</li>
 * </ul>
 */
public final class RunPlan {
    private RunPlan() {
    }

    /** Marks every pending node that can no longer run as SKIPPED, naming the dependency at fault. */
    public static RunRecord skipUnreachable(Workflow workflow, RunRecord run, Instant now) {
        RunRecord current = run;
        boolean changed = true;
        while (changed) {
            changed = false;
            for (NodeRecord node : current.nodes()) {
                if (node.state() != NodeState.PENDING || node.compensation()) {
                    continue;
                }
                Optional<NodeRecord> blocker = workflow.dependenciesOf(node.nodeId()).stream().map(current::node)
                        .filter(RunPlan::blocks).findFirst();
                if (blocker.isPresent()) {
                    current = current.withNode(node.finished(NodeState.SKIPPED, null, "not run: "
                            + blocker.get().nodeId() + " " + blocker.get().state().name().toLowerCase(), now));
                    changed = true;
                }
            }
        }
        return current;
    }

    /** Nodes to hand to agents now, in the workflow's order: ready nodes, then due compensations. */
    public static List<String> ready(Workflow workflow, RunRecord run) {
        Set<String> out = new LinkedHashSet<>();
        for (String id : workflow.order()) {
            NodeRecord node = run.node(id);
            if (node.state() == NodeState.PENDING && !node.compensation()
                    && workflow.dependenciesOf(id).stream().map(run::node).allMatch(RunPlan::met)) {
                out.add(id);
            }
        }
        for (NodeRecord node : run.nodes()) {
            if (node.state() == NodeState.FAILED && !node.compensation()) {
                workflow.compensationFor(node.nodeId()).map(WorkflowNode::id).map(run::node)
                        .filter(c -> c.state() == NodeState.PENDING).ifPresent(c -> out.add(c.nodeId()));
            }
        }
        return List.copyOf(out);
    }

    /** Whether any node is with the scheduler or waiting to be retried. */
    public static boolean inFlight(RunRecord run) {
        return run.nodes().stream().anyMatch(n -> n.state().isInFlight() || n.state() == NodeState.RETRY_WAIT);
    }

    /**
     * The state a run ends in, once nothing is in flight or ready; empty while it goes on. Callers
     * mark the nodes still pending (unused compensations) SKIPPED with {@link #closePending}.
     */
    public static Optional<RunState> finalState(Workflow workflow, RunRecord run) {
        if (inFlight(run) || !ready(workflow, run).isEmpty()) {
            return Optional.empty();
        }
        boolean failed = run.nodes().stream().anyMatch(n -> !n.compensation() && isFailure(n));
        return Optional.of(failed ? RunState.FAILED : RunState.SUCCEEDED);
    }

    /** Every node not finished, closed in {@code state} with {@code why} (end of a run, cancel, deadline). */
    public static RunRecord closePending(RunRecord run, NodeState state, String why, Instant now) {
        RunRecord current = run;
        for (NodeRecord node : run.nodes()) {
            if (!node.state().isFinished()) {
                current = current.withNode(node.finished(state, null, why, now));
            }
        }
        return current;
    }

    /** The first failure that decided a failed run, for its error line. */
    public static String failureSummary(RunRecord run) {
        List<String> parts = new ArrayList<>();
        for (NodeRecord n : run.nodes()) {
            if (!n.compensation() && isFailure(n)) {
                parts.add(n.nodeId() + ": " + n.error());
            }
        }
        return String.join("; ", parts);
    }

    private static boolean isFailure(NodeRecord n) {
        return (n.state() == NodeState.FAILED || n.state() == NodeState.UNKNOWN)
                && AgentTraits.of(n.agent()).blocking();
    }

    private static boolean met(NodeRecord dependency) {
        return dependency.state() == NodeState.SUCCEEDED
                || dependency.state() == NodeState.FAILED && !AgentTraits.of(dependency.agent()).blocking();
    }

    private static boolean blocks(NodeRecord dependency) {
        return dependency.state().isFinished() && !met(dependency);
    }
}
