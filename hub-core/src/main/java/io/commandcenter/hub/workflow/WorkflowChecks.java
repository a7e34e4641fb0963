package io.commandcenter.hub.workflow;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The rules across nodes: unique ids; {@code depends_on} naming existing, other, normal nodes and
 * no cycle (the cycle is named); {@code on_failure} naming another existing node, which becomes a
 * compensating node (no {@code depends_on} or {@code on_failure} of its own, never a dependency);
 * the sequential rule ({@link Workflow}); and every template reference
 * ({@link References}), where a compensating node may read the outputs of the nodes every node it
 * compensates depends on.
 */
final class WorkflowChecks {
    private final Problems problems;
    private final List<NodeDraft> drafts;
    private final Map<String, NodeDraft> byId = new LinkedHashMap<>();
    private final Map<String, List<String>> compensates = new LinkedHashMap<>();
    private final Map<String, List<String>> deps = new LinkedHashMap<>();

    /** The checked nodes and whether the sequential rule applied. */
    record Checked(List<WorkflowNode> nodes, boolean sequential) {
    }

    WorkflowChecks(List<NodeDraft> drafts, Problems problems) {
        this.drafts = drafts;
        this.problems = problems;
    }

    /** The nodes, when these and all earlier checks found no problem. */
    Optional<Checked> check(boolean hasEvent) {
        ids();
        onFailure();
        boolean sequential = drafts.stream().noneMatch(NodeDraft::declaresDependsOn);
        dependencies(sequential);
        if (!cycles()) {
            references(hasEvent);
        }
        if (!problems.isEmpty()) {
            return Optional.empty();
        }
        List<WorkflowNode> nodes = new ArrayList<>();
        for (NodeDraft d : drafts) {
            nodes.add(new WorkflowNode(d.id(), d.agent(), d.action(), d.inputs(), deps.get(d.id()), d.retry(),
                    d.timeout(), d.cost(), Optional.ofNullable(d.onFailure()), compensates.containsKey(d.id())));
        }
        return Optional.of(new Checked(nodes, sequential));
    }

    private void ids() {
        for (NodeDraft d : drafts) {
            if (d.id() == null) {
                continue;
            }
            NodeDraft first = byId.putIfAbsent(d.id(), d);
            if (first != null) {
                problems.add(d.path("id"), d.idAt(), "duplicate node id '" + d.id() + "' (first at " + first.path()
                        + ", " + Problems.where(first.idAt()) + ")");
            }
        }
    }

    private void onFailure() {
        for (NodeDraft d : drafts) {
            if (d.onFailure() == null || d.id() == null) {
                continue;
            }
            if (d.onFailure().equals(d.id())) {
                problems.add(d.path("on_failure"), d.onFailureAt(), "on_failure cannot name the node itself");
            } else if (!byId.containsKey(d.onFailure())) {
                problems.add(d.path("on_failure"), d.onFailureAt(), "on_failure names unknown node '" + d.onFailure()
                        + "'" + Suggestions.didYouMean(d.onFailure(), byId.keySet()));
            } else {
                compensates.computeIfAbsent(d.onFailure(), k -> new ArrayList<>()).add(d.id());
            }
        }
        compensates.forEach((id, failing) -> {
            NodeDraft c = byId.get(id);
            String role = "'" + id + "' is the on_failure of '" + String.join("', '", failing)
                    + "' and runs only when that fails";
            if (c.declaresDependsOn()) {
                problems.add(c.path("depends_on"), c.dependsOnAt().isEmpty() ? c.at() : c.dependsOnAt().get(0),
                        role + "; it cannot have depends_on");
            }
            if (c.onFailure() != null) {
                problems.add(c.path("on_failure"), c.onFailureAt(), role + "; it cannot have its own on_failure");
            }
        });
    }

    private void dependencies(boolean sequential) {
        String previous = null;
        for (NodeDraft d : drafts) {
            if (d.id() == null || byId.get(d.id()) != d) {
                continue;
            }
            List<String> valid = new ArrayList<>();
            if (compensates.containsKey(d.id())) {
                deps.put(d.id(), valid);
                continue;
            }
            if (sequential) {
                if (previous != null) {
                    valid.add(previous);
                }
                previous = d.id();
            }
            for (int i = 0; d.dependsOn() != null && i < d.dependsOn().size(); i++) {
                String dep = d.dependsOn().get(i);
                String path = d.path("depends_on") + "[" + i + "]";
                if (dep.equals(d.id())) {
                    problems.add(path, d.dependsOnAt().get(i), "node '" + dep + "' cannot depend on itself");
                } else if (!byId.containsKey(dep)) {
                    problems.add(path, d.dependsOnAt().get(i), "depends_on names unknown node '" + dep + "'"
                            + Suggestions.didYouMean(dep, byId.keySet()));
                } else if (compensates.containsKey(dep)) {
                    problems.add(path, d.dependsOnAt().get(i), "'" + dep + "' is the on_failure of '"
                            + String.join("', '", compensates.get(dep)) + "' and runs only when that fails; "
                            + "it cannot be a dependency");
                } else {
                    valid.add(dep);
                }
            }
            deps.put(d.id(), valid);
        }
    }

    /** Reports every cycle found by a depth-first search in list order; whether there was one. */
    private boolean cycles() {
        Set<String> done = new HashSet<>();
        Set<String> reported = new HashSet<>();
        boolean found = false;
        for (String start : deps.keySet()) {
            Deque<String> stack = new ArrayDeque<>();
            found |= visit(start, stack, new HashSet<>(), done, reported);
        }
        return found;
    }

    private boolean visit(String id, Deque<String> stack, Set<String> onStack, Set<String> done, Set<String> reported) {
        if (done.contains(id)) {
            return false;
        }
        boolean found = false;
        stack.addLast(id);
        onStack.add(id);
        for (String dep : deps.get(id)) {
            if (onStack.contains(dep)) {
                List<String> cycle = new ArrayList<>(stack);
                cycle = new ArrayList<>(cycle.subList(cycle.indexOf(dep), cycle.size()));
                if (reported.add(String.join(",", new TreeSet<>(cycle)))) {
                    report(cycle);
                }
                found = true;
            } else {
                found |= visit(dep, stack, onStack, done, reported);
            }
        }
        stack.removeLast();
        onStack.remove(id);
        done.add(id);
        return found;
    }

    private void report(List<String> cycle) {
        // name it from the node written first, following "depends on" edges
        int first = 0;
        for (int i = 1; i < cycle.size(); i++) {
            if (byId.get(cycle.get(i)).index() < byId.get(cycle.get(first)).index()) {
                first = i;
            }
        }
        List<String> named = new ArrayList<>(cycle.subList(first, cycle.size()));
        named.addAll(cycle.subList(0, first));
        named.add(named.get(0));
        NodeDraft at = byId.get(named.get(0));
        int entry = at.dependsOn().indexOf(named.get(1));
        problems.add(at.path("depends_on") + "[" + entry + "]", at.dependsOnAt().get(entry),
                "depends_on forms a cycle: " + String.join(" -> ", named) + " (each depends on the next)");
    }

    private void references(boolean hasEvent) {
        Map<String, Set<String>> ancestors = new HashMap<>();
        for (NodeDraft d : drafts) {
            if (d.id() == null || byId.get(d.id()) != d || d.inputs() == null) {
                continue;
            }
            Set<String> readable;
            if (compensates.containsKey(d.id())) {
                readable = null;
                for (String failing : compensates.get(d.id())) {
                    Set<String> before = new HashSet<>(ancestors(failing, ancestors));
                    if (readable == null) {
                        readable = before;
                    } else {
                        readable.retainAll(before);
                    }
                }
            } else {
                readable = ancestors(d.id(), ancestors);
            }
            References.Scope scope = new References.Scope(hasEvent, d.id(), byId.keySet(), readable);
            d.inputs().forEach((key, template) -> {
                for (Template.Reference r : template.references()) {
                    References.problem(r, scope).ifPresent(p -> problems.add(d.path("inputs") + "." + key,
                            d.inputAt().get(key), "input '" + key + "': " + p));
                }
            });
        }
    }

    private Set<String> ancestors(String id, Map<String, Set<String>> memo) {
        Set<String> known = memo.get(id);
        if (known != null) {
            return known;
        }
        Set<String> out = new LinkedHashSet<>();
        for (String dep : deps.getOrDefault(id, List.of())) {
            out.add(dep);
            out.addAll(ancestors(dep, memo));
        }
        memo.put(id, out);
        return out;
    }
}
