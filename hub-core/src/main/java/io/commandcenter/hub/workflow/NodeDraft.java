package io.commandcenter.hub.workflow;

import org.snakeyaml.engine.v2.nodes.Node;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A node as read, with the YAML nodes to point at. A field that was missing or had a problem
 * (already recorded, so the workflow will be refused) is null or its default.
 *
 * @param declaresDependsOn whether {@code depends_on} is written, even empty
 */
record NodeDraft(int index, Node at, String id, Node idAt, String agent, String action,
                 Map<String, Template> inputs, Map<String, Node> inputAt, boolean declaresDependsOn,
                 List<String> dependsOn, List<Node> dependsOnAt, RetryPolicy retry, Duration timeout,
                 double cost, String onFailure, Node onFailureAt) {
    String path() {
        return "nodes[" + index + "]";
    }

    String path(String key) {
        return path() + "." + key;
    }
}
