package io.commandcenter.hub.workflow;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One step: ask {@code agent} to do {@code action} with the rendered {@code inputs}.
 *
 * @param dependsOn    the nodes that must succeed first, as the workflow means them: the written
 *                     {@code depends_on}, or, in a workflow where no node writes one, the previous
 *                     node of the list (see {@link Workflow#sequential()}); empty for roots and
 *                     compensating nodes
 * @param cost         what one attempt costs in the scheduler's fair queueing (default 1): a heavy
 *                     action (a scale-out) may say it weighs more than a notification
 * @param onFailure    the compensating node to run when this one fails for good
 * @param compensating whether this node is some node's {@code on_failure}: it is outside the
 *                     normal graph and runs only as a compensation
 */
public record WorkflowNode(String id, String agent, String action, Map<String, Template> inputs,
                           List<String> dependsOn, RetryPolicy retry, Duration timeout, double cost,
                           Optional<String> onFailure,
                           boolean compensating) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    public WorkflowNode {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(action, "action");
        inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
        dependsOn = List.copyOf(dependsOn);
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(timeout, "timeout");
        if (!(cost > 0 && cost <= WorkflowGrammar.MAX_COST)) {
            throw new IllegalArgumentException("cost must be > 0 and <= " + WorkflowGrammar.MAX_COST + ": " + cost);
        }
        Objects.requireNonNull(onFailure, "onFailure");
    }

    /**
     * The inputs rendered against a run's values, in the order written. The values are data for
     * the agent: nothing in them is evaluated or passed through a shell.
     *
     * @throws io.commandcenter.common.error.CommandCenterException INVALID ({@code TEMPLATE_UNRESOLVED}) naming
     *         the first path without a value
     */
    public Map<String, String> renderInputs(Bindings bindings) {
        Map<String, String> out = new LinkedHashMap<>();
        inputs.forEach((key, template) -> out.put(key, template.render(bindings)));
        return Collections.unmodifiableMap(out);
    }
}
