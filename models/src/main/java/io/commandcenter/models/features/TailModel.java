package io.commandcenter.models.features;

/**
 * Online, scale-free tail model of one evidence stream (absolute standardized deviations {@code a ≥ 0}).
 *
 * <p>Tracks the 90th and 99th percentiles of {@code a} with a stochastic-approximation quantile
 * estimator in log space (O(1) per update, converges geometrically whatever the series' scale), and
 * turns a new value into a <em>surprisal</em>, {@code s = -log10 p}, of an exponential tail fitted
 * through those two quantiles (the peaks-over-threshold idea with a GPD shape of zero):
 * <pre>
 *   s(a) = a / q90                                   a ≤ q90           (s = 1 at q90)
 *   s(a) = 1 + (a - q90) / (q99 - q90)               a &gt; q90           (s = 2 at q99, one decade per (q99 - q90))
 * </pre>
 * capped at {@link #MAX_SURPRISAL}. A series whose own history is spiky learns wide quantiles and
 * needs a larger deviation to surprise; a quiet series learns narrow ones. Values far beyond q99
 * (more than twice) move the quantiles ten times more slowly, so a sustained incident does not
 * immediately teach the model that the incident is normal.
 */
final class TailModel {

    static final double MAX_SURPRISAL = 30.0;
    private static final double STEP = 0.05;
    private static final double MIN_Q90 = 0.25;

    // Gaussian priors: |N(0,1)| has q90 = 1.645, q99 = 2.576
    private double logQ90 = Math.log(1.645);
    private double logQ99 = Math.log(2.576);

    double q90() {
        return Math.exp(logQ90);
    }

    double q99() {
        return Math.exp(logQ99);
    }

    /** Surprisal of {@code a} under the current tail, in decades of improbability. */
    double surprisal(double a) {
        double q90 = q90();
        double q99 = q99();
        double s = a <= q90 ? a / q90 : 1.0 + (a - q90) / (q99 - q90);
        return s > MAX_SURPRISAL ? MAX_SURPRISAL : s;
    }

    /** Learns from one observation; call after {@link #surprisal} so a point never dilutes its own surprise. */
    void update(double a) {
        double q99 = q99();
        double step = a > 2.0 * q99 ? STEP * 0.1 : STEP;
        logQ90 += a > q90() ? step * 0.90 : -step * 0.10;
        logQ99 += a > q99 ? step * 0.99 : -step * 0.01;
        if (logQ90 < Math.log(MIN_Q90)) {
            logQ90 = Math.log(MIN_Q90);
        }
        double minLogQ99 = logQ90 + Math.log(1.2);
        if (logQ99 < minLogQ99) {
            logQ99 = minLogQ99;
        }
    }
}
