package io.commandcenter.hub.workflow;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a template may reference: {@code entity.(id|kind)}, {@code prediction.<field>}
 * ({@link PredictionFields}), {@code trigger.(id|subject|time)}, {@code run.id},
 * {@code workflow.(name|revision)} and {@code nodes.<nodeId>.output.<key>}, the last only for nodes
 * the reading node depends on, directly or through others.
 */
final class References {
    static final Map<String, List<String>> FIELDS = Map.of(
            "entity", List.of("id", "kind"),
            "prediction", PredictionFields.NAMES,
            "trigger", List.of("id", "subject", "time"),
            "run", List.of("id"),
            "workflow", List.of("name", "revision"));
    static final Set<String> ROOTS = Set.of("entity", "prediction", "trigger", "run", "workflow", "nodes");

    /**
     * Where a template sits.
     *
     * @param hasEvent    whether events trigger the workflow (else there is no entity or prediction)
     * @param reader      the node whose input it is, or null for the idempotency key
     * @param nodeIds     every node id of the workflow
     * @param readable    the nodes whose outputs exist when the template is rendered
     */
    record Scope(boolean hasEvent, String reader, Set<String> nodeIds, Set<String> readable) {
    }

    private References() {
    }

    /** The problem with a reference in a scope, if any. */
    static Optional<String> problem(Template.Reference reference, Scope scope) {
        List<String> path = reference.path();
        String root = path.get(0);
        if (!ROOTS.contains(root)) {
            return Optional.of("unknown reference " + reference + Suggestions.didYouMean(root, ROOTS)
                    + "; references start with " + String.join(", ", List.of("$entity", "$prediction", "$trigger",
                    "$run", "$workflow", "$nodes")));
        }
        if (!scope.hasEvent() && (root.equals("entity") || root.equals("prediction"))) {
            return Optional.of(reference + ": this workflow has no event trigger (trigger.on), so there is no $" + root);
        }
        if (scope.reader() == null && root.equals("run")) {
            return Optional.of(reference + " is new for every run, so an idempotency key with it would never "
                    + "recognise a repeated trigger");
        }
        if (root.equals("nodes")) {
            return nodeOutput(reference, scope);
        }
        List<String> fields = FIELDS.get(root);
        if (path.size() != 2 || !fields.contains(path.get(1))) {
            String field = path.size() > 1 ? path.get(1) : "";
            return Optional.of("unknown reference " + reference + Suggestions.didYouMean(field, fields) + "; $" + root
                    + " has " + String.join(", ", fields));
        }
        return Optional.empty();
    }

    private static Optional<String> nodeOutput(Template.Reference reference, Scope scope) {
        List<String> path = reference.path();
        if (path.size() != 4 || !path.get(2).equals("output")) {
            return Optional.of(reference + " is not a node output; write $nodes.<nodeId>.output.<key>, "
                    + "or ${nodes.<nodeId>.output.<key>} when the id contains '-'");
        }
        String node = path.get(1);
        if (scope.reader() == null) {
            return Optional.of(reference + ": the idempotency key is rendered before any node runs");
        }
        if (!scope.nodeIds().contains(node)) {
            return Optional.of(reference + " names unknown node '" + node + "'"
                    + Suggestions.didYouMean(node, scope.nodeIds()));
        }
        if (!scope.readable().contains(node)) {
            return Optional.of("node '" + scope.reader() + "' reads " + reference + " but does not depend on '"
                    + node + "' (directly or through others), so that output may not exist yet; add it to depends_on");
        }
        return Optional.empty();
    }
}
