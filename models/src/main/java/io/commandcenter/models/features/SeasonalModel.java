package io.commandcenter.models.features;

/**
 * Online seasonality detection and profile for one metric, O(number of candidate periods) per update.
 *
 * <p>For every candidate period {@code P} (in steps) it keeps a profile of the metric's offset from its
 * baseline at each phase ({@code step mod P}), updated by an EWMA on each visit of that phase, and
 * the EWMA of the squared residual with and without that profile. A candidate is <em>active</em> once
 * it has seen two full cycles and explains at least {@value #MIN_STRENGTH} of the variance around
 * the baseline; the strongest active candidate gives the seasonal offset, else the offset is zero.
 */
final class SeasonalModel {

    static final double MIN_STRENGTH = 0.3;
    private static final double PROFILE_RATE = 0.2;
    private static final double VAR_RATE = 0.01;

    private final int[] periods;
    private final double[][] profiles;
    private final boolean[][] seen;
    private final double[] residualVar;
    private double plainVar;
    private long firstStep = Long.MIN_VALUE;
    private int active = -1;
    private double strength;

    SeasonalModel(int[] periods) {
        this.periods = periods.clone();
        this.profiles = new double[periods.length][];
        this.seen = new boolean[periods.length][];
        for (int i = 0; i < periods.length; i++) {
            profiles[i] = new double[periods[i]];
            seen[i] = new boolean[periods[i]];
        }
        this.residualVar = new double[periods.length];
    }

    /** The seasonal offset expected at {@code step} from the active period, or 0 when none is active. */
    double offset(long step) {
        if (active < 0) {
            return 0.0;
        }
        int p = periods[active];
        int phase = (int) Math.floorMod(step, (long) p);
        return seen[active][phase] ? profiles[active][phase] : 0.0;
    }

    /** Fraction of variance around the baseline the active profile explains, 0 when none is active. */
    double strength() {
        return active < 0 ? 0.0 : strength;
    }

    /** Active period in steps, or 0. */
    int activePeriod() {
        return active < 0 ? 0 : periods[active];
    }

    /**
     * Learns from one deviation {@code d = x - baseline} at {@code step}; {@code clip} bounds the
     * influence of one point (an outlier moves a profile phase by at most {@code PROFILE_RATE * clip}).
     */
    void update(long step, double d, double clip) {
        if (firstStep == Long.MIN_VALUE) {
            firstStep = step;
        }
        double dc = d > clip ? clip : (d < -clip ? -clip : d);
        plainVar += VAR_RATE * (dc * dc - plainVar);
        int best = -1;
        double bestStrength = MIN_STRENGTH;
        for (int i = 0; i < periods.length; i++) {
            int p = periods[i];
            int phase = (int) Math.floorMod(step, (long) p);
            double[] prof = profiles[i];
            if (seen[i][phase]) {
                double e = dc - prof[phase];
                residualVar[i] += VAR_RATE * (e * e - residualVar[i]);
                prof[phase] += PROFILE_RATE * (dc - prof[phase]);
            } else {
                seen[i][phase] = true;
                prof[phase] = dc;
                residualVar[i] += VAR_RATE * (plainVar - residualVar[i]);
            }
            if (step - firstStep >= 2L * p && plainVar > 0) {
                double s = 1.0 - residualVar[i] / plainVar;
                if (s > bestStrength) {
                    bestStrength = s;
                    best = i;
                }
            }
        }
        active = best;
        strength = best < 0 ? 0.0 : bestStrength;
    }
}
