package io.commandcenter.hub.remediate;

import java.util.Set;

/**
 * How the engine treats the nodes of an agent.
 *
 * @param actsOnTarget whether the node changes the target entity: its task is exclusive on the
 *                     target in the scheduler (never beside another such task on the same entity)
 * @param blocking     whether a final failure of the node fails the run and stops its dependents;
 *                     a non-blocking node's failure is recorded and the run goes on
 * @param runsHub      whether the node's task goes only to the agents of the hub that runs the run
 *                     (placement ORIGIN_HUB): the learning loop's steps hand their products (snapshot,
 *                     trained challenger) to the next step inside that hub, so a step on another hub
 *                     would have to make them again
 */
public record AgentTraits(boolean actsOnTarget, boolean blocking, boolean runsHub) {
    /** Devops and every other agent: acts on the target, and its failure counts. */
    public static final AgentTraits ACTION = new AgentTraits(true, true, false);
    /** The notifier: a message about the target; a failed notification never blocks the remediation. */
    public static final AgentTraits NOTIFICATION = new AgentTraits(false, false, false);
    /** The learning loop's four built-in agents: their failure counts, and a run's steps stay on its hub. */
    public static final AgentTraits LEARNING = new AgentTraits(false, true, true);
    /** The agents of the seed's {@code retrain-predictive-models} (built into every hub). */
    public static final Set<String> LEARNING_AGENTS = Set.of("data-collector", "trainer", "evaluator", "registry");

    public AgentTraits(boolean actsOnTarget, boolean blocking) {
        this(actsOnTarget, blocking, false);
    }

    public static AgentTraits of(String agent) {
        return "notifier".equals(agent) ? NOTIFICATION : LEARNING_AGENTS.contains(agent) ? LEARNING : ACTION;
    }
}
