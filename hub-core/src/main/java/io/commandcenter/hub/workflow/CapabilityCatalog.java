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
     * The agents built into every hub: {@code devops} (restart, scale, rollback) and
     * {@code notifier} (sendSlack, webhook). The agents of the seed's nightly retraining workflow
     * ({@code data-collector}, {@code trainer}, {@code evaluator}, {@code registry}) are the
     * learning loop's, built into the hub-server (its own catalog), and agents connected to the
     * scheduler are read as a further catalog.
     */
    static CapabilityCatalog builtIn() {
        return of(Map.of(
                "devops", Set.of("restart", "scale", "rollback"),
                "notifier", Set.of("sendSlack", "webhook")));
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
