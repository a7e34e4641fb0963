package io.commandcenter.hub.remediate;

import java.util.List;
import java.util.Map;

/**
 * What a workflow would do now: whether its trigger matches (and why not), the decision, and every
 * node as its agent would get it.
 */
public record DryRun(boolean matches, String matchReason, Decision decision, List<Node> nodes) {
    public DryRun {
        nodes = List.copyOf(nodes);
    }

    /** One node as it would be handed to its agent; {@code error} says why its inputs cannot be rendered yet. */
    public record Node(String id, String agent, String action, Map<String, String> inputs, List<String> dependsOn,
                       boolean compensation, String error) {
    }
}
