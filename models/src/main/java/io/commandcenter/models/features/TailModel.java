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
 * capped at {@link #MAX_SURPRISAL}. Extremes that recur are bounded by their own frequency: once a value
 * with {@code s ≥} {@value #EXTREME} was seen recently ({@code c ≥ 0.5}, where {@code c} counts such
 * values with decay {@value #DECAY} per update, ~500 values), a new extreme gets at most
 * {@code -log10(c / (n + 100))} ({@code n} = the decayed count of values): the first extreme of an
 * incident is fully surprising, the rows that follow it, a second burst soon after, or the routine
 * blips of a mostly flat metric are not "one in a billion" again. A series whose own history is spiky learns wide quantiles and
 * needs a larger deviation to surprise; a quiet series learns narrow ones. Values far beyond q99
 * (more than twice) move the quantiles ten times more slowly, so a sustained incident does not
 * immediately teach the model that the incident is normal.
 */
final class TailModel {

    static final double MAX_SURPRISAL = 30.0;
    private static final double STEP = 0.05;
    private static final double MIN_Q90 = 0.25;
    /** Tail surprisal counted as an extreme event. */
    static final double EXTREME = 5.0;
    static final double DECAY = 0.998;

    private double recentExtremes;
    private double seen;

    private static final double LOG_MIN_Q90 = Math.log(MIN_Q90);
    private static final double LOG_MIN_RATIO = Math.log(1.2);

    // Gaussian priors: |N(0,1)| has q90 = 1.645, q99 = 2.576
    private double logQ90 = Math.log(1.645);
    private double logQ99 = Math.log(2.576);
    // exp(logQ90), read for every value and changed only by update: kept, not recomputed
    private double q90 = Math.exp(logQ90);
    // exp(logQ99), or NaN until a value above q90 needs it: a value at or below q90 is at or below q99 too (logQ99 >
    // logQ90 always, and Math.exp is semi-monotonic), so nine values in ten are judged and learnt without it
    private double q99 = Math.exp(logQ99);
    // the latest value surprisal() judged and its raw surprisal
    private double lastA = Double.NaN;
    private double lastRaw;

    double q90() {
        return q90;
    }

    double q99() {
        double q = q99;
        if (q != q) {
            q = Math.exp(logQ99);
            q99 = q;
        }
        return q;
    }

    /** Surprisal of {@code a} under the current tail, in decades of improbability. */
    double surprisal(double a) {
        double s = rawSurprisal(a);
        lastA = a;
        lastRaw = s;
        if (s >= EXTREME && recentExtremes >= 0.5) {
            // an extreme that already happened recently is not "one in a billion" any more:
            // bound it by how often extremes occurred over the last ~500 values
            double bound = -Math.log10(recentExtremes / (seen + 100.0));
            s = Math.min(s, bound);
        }
        return s > MAX_SURPRISAL ? MAX_SURPRISAL : s;
    }

    private double rawSurprisal(double a) {
        return a <= q90 ? a / q90 : 1.0 + (a - q90) / (q99() - q90);
    }

    /** Learns from one observation; call after {@link #surprisal} so a point never dilutes its own surprise. */
    void update(double a) {
        // the value just judged by surprisal (the usual call order) is not divided again: the quantiles have not moved
        double raw = a == lastA ? lastRaw : rawSurprisal(a);
        lastA = Double.NaN;
        recentExtremes = DECAY * recentExtremes + (raw >= EXTREME ? 1 : 0);
        seen = DECAY * seen + 1;
        // at or below q90, a is at or below q99 (see the field): both comparisons with q99 are false without it
        boolean aboveQ90 = a > q90;
        double q99now = aboveQ90 ? q99() : Double.NaN;
        double step = aboveQ90 && a > 2.0 * q99now ? STEP * 0.1 : STEP;
        double newLogQ90 = logQ90 + (aboveQ90 ? step * 0.90 : -step * 0.10);
        logQ99 += aboveQ90 && a > q99now ? step * 0.99 : -step * 0.01;
        if (newLogQ90 < LOG_MIN_Q90) {
            newLogQ90 = LOG_MIN_Q90;
        }
        double minLogQ99 = newLogQ90 + LOG_MIN_RATIO;
        if (logQ99 < minLogQ99) {
            logQ99 = minLogQ99;
        }
        if (newLogQ90 != logQ90) {
            // held at its floor, logQ90 does not move and neither does its exp
            logQ90 = newLogQ90;
            q90 = Math.exp(newLogQ90);
        }
        q99 = Double.NaN;
    }
}
