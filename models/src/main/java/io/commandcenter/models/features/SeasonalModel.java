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
    // step mod period of the latest step seen, per candidate: the next step's phase is one more (no division)
    private final int[] phases;
    private long phaseStep = Long.MIN_VALUE;
    private boolean phased;
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
        this.phases = new int[periods.length];
    }

    /**
     * Moves the per-candidate phases to {@code step}: {@code floorMod(step, P)}, counted on from the previous
     * step when it is the next one (rows one step apart, the usual case) and divided out otherwise.
     */
    private void phaseTo(long step) {
        if (phased && step == phaseStep) {
            return;
        }
        if (phased && step > phaseStep && step - phaseStep == 1) {
            for (int i = 0; i < periods.length; i++) {
                int ph = phases[i] + 1;
                phases[i] = ph == periods[i] ? 0 : ph;
            }
        } else {
            for (int i = 0; i < periods.length; i++) {
                phases[i] = (int) Math.floorMod(step, (long) periods[i]);
            }
        }
        phaseStep = step;
        phased = true;
    }

    /** The seasonal offset expected at {@code step} from the active period, or 0 when none is active. */
    double offset(long step) {
        if (active < 0) {
            return 0.0;
        }
        phaseTo(step);
        int phase = phases[active];
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
        phaseTo(step);
        for (int i = 0; i < periods.length; i++) {
            int p = periods[i];
            int phase = phases[i];
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
