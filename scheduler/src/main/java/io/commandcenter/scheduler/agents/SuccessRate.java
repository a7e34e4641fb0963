package io.commandcenter.scheduler.agents;

/**
 * An agent's success rate for one action, decayed over time so old outcomes fade: both counts are
 * multiplied by {@code 0.5^(elapsed / halfLife)} before each new outcome, and the rate is smoothed
 * by a prior of {@value #PRIOR_MEAN} weighing as {@value #PRIOR_WEIGHT} outcomes:
 * {@code (successes + PRIOR_MEAN * PRIOR_WEIGHT) / (successes + failures + PRIOR_WEIGHT)}.
 * A new agent therefore starts at 0.75, one failure does not sink a long record, and an agent that
 * fails now is judged mostly by what it does now.
 *
 * @param successes decayed count at {@code atMillis}
 * @param failures  decayed count at {@code atMillis}
 */
public record SuccessRate(double successes, double failures, long atMillis) {
    public static final double PRIOR_MEAN = 0.75;
    public static final double PRIOR_WEIGHT = 2.0;
    public static final SuccessRate NONE = new SuccessRate(0, 0, 0);

    /** The rate as of {@code nowMillis}. */
    public double rate(long nowMillis, long halfLifeMillis) {
        if (successes == 0 && failures == 0) {
            return PRIOR_MEAN;
        }
        double f = decay(nowMillis, halfLifeMillis);
        double s = successes * f;
        double n = (successes + failures) * f;
        return (s + PRIOR_MEAN * PRIOR_WEIGHT) / (n + PRIOR_WEIGHT);
    }

    /** The record after one more outcome at {@code nowMillis}. */
    public SuccessRate record(boolean success, long nowMillis, long halfLifeMillis) {
        double f = decay(nowMillis, halfLifeMillis);
        return new SuccessRate(successes * f + (success ? 1 : 0), failures * f + (success ? 0 : 1),
                Math.max(nowMillis, atMillis));
    }

    private double decay(long nowMillis, long halfLifeMillis) {
        long elapsed = nowMillis - atMillis;
        if (elapsed <= 0 || halfLifeMillis <= 0) {
            return 1.0;
        }
        return Math.pow(0.5, (double) elapsed / halfLifeMillis);
    }
}
