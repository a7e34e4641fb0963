package io.commandcenter.hub.workflow;

import io.commandcenter.common.error.CommandCenterException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The dependency graph of a workflow's normal nodes (compensating nodes are outside it), computed
 * once; immutable and safe to share between threads.
 */
final class WorkflowGraph {
    private final Map<String, WorkflowNode> nodes = new LinkedHashMap<>();
    private final Map<String, List<String>> dependents = new HashMap<>();
    private final Map<String, Set<String>> ancestors = new HashMap<>();
    private final List<String> order;

    /** @throws IllegalArgumentException on duplicate ids, bad edges or a cycle (the parser refuses those first) */
    WorkflowGraph(List<WorkflowNode> all) {
        for (WorkflowNode node : all) {
            if (nodes.putIfAbsent(node.id(), node) != null) {
                throw new IllegalArgumentException("duplicate node id " + node.id());
            }
            dependents.put(node.id(), new ArrayList<>());
        }
        for (WorkflowNode node : all) {
            for (String dependency : node.dependsOn()) {
                WorkflowNode target = nodes.get(dependency);
                if (target == null || target.compensating() || node.compensating()) {
                    throw new IllegalArgumentException(node.id() + " cannot depend on " + dependency);
                }
                dependents.get(dependency).add(node.id());
            }
        }
        order = topologicalOrder();
        for (String id : order) {
            Set<String> out = new LinkedHashSet<>();
            for (String dependency : nodes.get(id).dependsOn()) {
                out.add(dependency);
                out.addAll(ancestors.get(dependency));
            }
            ancestors.put(id, Collections.unmodifiableSet(out));
        }
        for (WorkflowNode node : all) {
            ancestors.putIfAbsent(node.id(), Set.of());
        }
    }

    /** Kahn's algorithm, always taking the earliest-declared ready node, so the order is stable. */
    private List<String> topologicalOrder() {
        Map<String, Integer> waiting = new LinkedHashMap<>();
        for (WorkflowNode node : nodes.values()) {
            if (!node.compensating()) {
                waiting.put(node.id(), node.dependsOn().size());
            }
        }
        List<String> out = new ArrayList<>();
        while (!waiting.isEmpty()) {
            String next = waiting.entrySet().stream().filter(e -> e.getValue() == 0).map(Map.Entry::getKey)
                    .findFirst().orElseThrow(() -> new IllegalArgumentException("depends_on has a cycle"));
            waiting.remove(next);
            out.add(next);
            for (String dependent : dependents.get(next)) {
                waiting.merge(dependent, -1, Integer::sum);
            }
        }
        return List.copyOf(out);
    }

    WorkflowNode node(String id) {
        WorkflowNode node = nodes.get(id);
        if (node == null) {
            throw CommandCenterException.notFound("WORKFLOW_NODE_NOT_FOUND", "no node '" + id + "' in this workflow");
        }
        return node;
    }

    List<String> order() {
        return order;
    }

    List<String> dependents(String id) {
        node(id);
        return List.copyOf(dependents.get(id));
    }

    Set<String> ancestors(String id) {
        node(id);
        return ancestors.get(id);
    }
}
