package io.commandcenter.hub.remediate;

/**
 * How the engine treats the nodes of an agent.
 *
 * @param actsOnTarget whether the node changes the target entity: its task is exclusive on the
 *                     target in the scheduler (never beside another such task on the same entity)
 * @param blocking     whether a final failure of the node fails the run and stops its dependents;
 *                     a non-blocking node's failure is recorded and the run goes on
 */
public record AgentTraits(boolean actsOnTarget, boolean blocking) {
    /** Devops and every other agent: acts on the target, and its failure counts. */
    public static final AgentTraits ACTION = new AgentTraits(true, true);
    /** The notifier: a message about the target; a failed notification never blocks the remediation. */
    public static final AgentTraits NOTIFICATION = new AgentTraits(false, false);

    public static AgentTraits of(String agent) {
        return "notifier".equals(agent) ? NOTIFICATION : ACTION;
    }
}
