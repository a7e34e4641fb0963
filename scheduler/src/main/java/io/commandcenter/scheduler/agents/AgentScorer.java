package io.commandcenter.scheduler.agents;

import java.util.Map;

/**
 * The agent score: how well an agent suits a task. Four terms, each in [0, 1]:
 *
 * <ul>
 *   <li><b>capability match</b>: 1 when the agent declared the task's exact action, 0.5 when it
 *       declared {@code *} (a generalist is kept free for work only it can do);</li>
 *   <li><b>headroom</b>: {@code min(free slots / capacity, 1 − cpu, 1 − memory)} from the scheduler's
 *       own lease count and the agent's last load report (the busier resource decides);</li>
 *   <li><b>success rate</b>: the agent's decayed success rate for the action ({@link SuccessRate});</li>
 *   <li><b>affinity</b>: the fraction matched of: the agent being connected to the hub the task was
 *       submitted on, and each of the task's affinity labels ({@code zone=eu-west-1}).</li>
 * </ul>
 *
 * {@code total = Σ weight × term} ({@link ScoreWeights}, default 0.15 / 0.35 / 0.30 / 0.20). The
 * highest total wins; ties go to the agent with more free slots, then the smaller id. Only agents
 * that can take the task at all are scored: connected, declaring the action, serving the project,
 * with a free slot, on an allowed hub, and not eating into reserved capacity.
 */
public final class AgentScorer {
    private AgentScorer() {
    }

    /**
     * Scores one agent for one task.
     *
     * @param match     the capability match (1 or 0.5)
     * @param free      free slots (>= 1)
     * @param capacity  slots (>= 1)
     * @param rate      the agent's record for the action
     * @param sameHub   whether the agent is connected to the task's origin hub
     * @param labels    the agent's labels
     * @param affinity  the task's preferred labels
     */
    public static Score score(double match, int free, int capacity, AgentLoad load, SuccessRate rate, long nowMillis,
                              long halfLifeMillis, boolean sameHub, Map<String, String> labels,
                              Map<String, String> affinity, ScoreWeights weights) {
        double headroom = headroom(free, capacity, load);
        double success = rate.rate(nowMillis, halfLifeMillis);
        double aff = affinity(sameHub, labels, affinity);
        return new Score(weights.total(match, headroom, success, aff), match, headroom, success, aff, weights);
    }

    /**
     * The same total as {@link #score}, without building the record: what a decision computes for
     * every candidate before it builds the winner's {@code Score}.
     */
    public static double total(double match, int free, int capacity, AgentLoad load, SuccessRate rate, long nowMillis,
                               long halfLifeMillis, boolean sameHub, Map<String, String> labels,
                               Map<String, String> affinity, ScoreWeights weights) {
        return weights.total(match, headroom(free, capacity, load), rate.rate(nowMillis, halfLifeMillis),
                affinity(sameHub, labels, affinity));
    }

    private static double headroom(int free, int capacity, AgentLoad load) {
        return Math.max(0, Math.min((double) free / capacity, Math.min(1 - load.cpu(), 1 - load.memory())));
    }

    private static double affinity(boolean sameHub, Map<String, String> labels, Map<String, String> affinity) {
        int matched = sameHub ? 1 : 0;
        for (Map.Entry<String, String> wanted : affinity.entrySet()) {
            if (wanted.getValue().equals(labels.get(wanted.getKey()))) {
                matched++;
            }
        }
        return (double) matched / (1 + affinity.size());
    }
}
