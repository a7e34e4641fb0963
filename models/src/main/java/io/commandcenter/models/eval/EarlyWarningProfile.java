package io.commandcenter.models.eval;

/**
 * Weights of the NAB-style early-warning score: reward of a window detected at its very start
 * ({@code truePositive}), cost of a missed window ({@code falseNegative}, negative) and of one alarm
 * row outside every window ({@code falsePositive}, negative). {@link #STANDARD} is NAB's standard profile.
 */
public record EarlyWarningProfile(double truePositive, double falsePositive, double falseNegative) {

    public static final EarlyWarningProfile STANDARD = new EarlyWarningProfile(1.0, -0.11, -1.0);
    public static final EarlyWarningProfile LOW_FALSE_POSITIVES = new EarlyWarningProfile(1.0, -0.22, -1.0);

    public EarlyWarningProfile {
        if (truePositive <= 0 || falsePositive > 0 || falseNegative > 0) {
            throw new IllegalArgumentException("need truePositive > 0, falsePositive <= 0, falseNegative <= 0");
        }
    }
}
