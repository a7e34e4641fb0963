package io.commandcenter.hub.workflow;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The agents a workflow may name and the actions each offers; the parser refuses anything else.
 * Implementations need only {@link #actionsOf}; {@link #agents} feeds "did you mean".
 */
public interface CapabilityCatalog {
    /** The actions of an agent, empty when the agent is unknown. */
    Set<String> actionsOf(String agent);

    /** Whether the agent offers the action. */
    default boolean knows(String agent, String action) {
        return actionsOf(agent).contains(action);
    }

    /** The agents known, for suggestions; empty when the catalog cannot list them. */
    default Set<String> agents() {
        return Set.of();
    }

    /** A catalog knowing what this one or the other knows (actions of an agent in both are merged). */
    default CapabilityCatalog and(CapabilityCatalog other) {
        return combine(List.of(this, other));
    }

    /** A fixed catalog: agent → actions. */
    static CapabilityCatalog of(Map<String, Set<String>> actionsByAgent) {
        Map<String, Set<String>> copy = new LinkedHashMap<>();
        actionsByAgent.forEach((agent, actions) -> copy.put(agent, Set.copyOf(actions)));
        Map<String, Set<String>> fixed = Map.copyOf(copy);
        return new CapabilityCatalog() {
            @Override
            public Set<String> actionsOf(String agent) {
                return fixed.getOrDefault(agent, Set.of());
            }

            @Override
            public Set<String> agents() {
                return fixed.keySet();
            }
        };
    }

    /**
     * The agents built into CommandCenter: {@code devops} (restart, scale, rollback),
     * {@code notifier} (sendSlack, webhook), and those of the nightly retraining workflow (seed
     * 5.3): {@code data-collector} (snapshotMetrics), {@code trainer} (trainModel),
     * {@code evaluator} (validate), {@code registry} (updateModelRegistry).
     */
    static CapabilityCatalog builtIn() {
        return of(Map.of(
                "devops", Set.of("restart", "scale", "rollback"),
                "notifier", Set.of("sendSlack", "webhook"),
                "data-collector", Set.of("snapshotMetrics"),
                "trainer", Set.of("trainModel"),
                "evaluator", Set.of("validate"),
                "registry", Set.of("updateModelRegistry")));
    }

    /** A catalog knowing what any of the given ones knows, read live from them. */
    static CapabilityCatalog combine(List<CapabilityCatalog> catalogs) {
        List<CapabilityCatalog> all = List.copyOf(catalogs);
        return new CapabilityCatalog() {
            @Override
            public Set<String> actionsOf(String agent) {
                Set<String> out = new TreeSet<>();
                all.forEach(c -> out.addAll(c.actionsOf(agent)));
                return Set.copyOf(out);
            }

            @Override
            public boolean knows(String agent, String action) {
                return all.stream().anyMatch(c -> c.knows(agent, action));
            }

            @Override
            public Set<String> agents() {
                Set<String> out = new TreeSet<>();
                all.forEach(c -> out.addAll(c.agents()));
                return Set.copyOf(out);
            }
        };
    }
}
