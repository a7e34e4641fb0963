package io.commandcenter.models.calibration;

/**
 * Turns a model's per-row probability into the risk of a new incident for one entity, given what that
 * entity's risk already did: the stateful layer between the model (ONNX, stateless, one row at a time) and
 * everything that acts on the risk. The ONE implementation used by backtests, {@code cc eval} and the hub's
 * live engine.
 *
 * <p>Rule (per entity, rows in time order; {@code θ} = the model's threshold, {@code z = logit p}):
 * <ul>
 *   <li>a row whose risk reaches {@code θ} is an <b>alarm</b>;</li>
 *   <li>for {@code refractoryRows} rows after an alarm, a row whose {@code z} is below the alarm's
 *       {@code z + marginLogOdds} tells nothing new about <em>this</em> incident: its risk is held just below
 *       the threshold, {@code min(p, θ⁻)} (not a new alarm, still ranked above the entity's quiet rows);</li>
 *   <li>a row clearly stronger than the alarm ({@code z ≥ z_alarm + marginLogOdds}) is reported as it is, and
 *       if it reaches {@code θ} it is the new alarm (the window restarts from it);</li>
 *   <li>outside the window the risk is the model's probability.</li>
 * </ul>
 * So an incident raises the risk once, at its onset, instead of for as long as its evidence lasts: what
 * NAB's detectors learnt to do (CAD-OSE's rest period, KNN-CAD's and ARTime's masking after a detection),
 * and what an operator wants — one alarm per incident, the next one only for something new or worse.
 * With {@link #NONE} the risk is the model's probability unchanged.
 *
 * @param refractoryRows rows after an alarm during which weaker rows cannot alarm again (0 = never)
 * @param marginLogOdds  how much stronger (log-odds) than the alarm a row must be to count as new evidence
 */
public record OnsetCalibration(int refractoryRows, double marginLogOdds) {

    /** No calibration: the risk is the model's probability. */
    public static final OnsetCalibration NONE = new OnsetCalibration(0, 0.0);

    public OnsetCalibration {
        if (refractoryRows < 0 || !(marginLogOdds >= 0) || Double.isInfinite(marginLogOdds)) {
            throw new IllegalArgumentException("refractoryRows >= 0, marginLogOdds >= 0 and finite");
        }
    }

    public boolean isNone() {
        return refractoryRows == 0;
    }

    /** A fresh state for one entity scored against {@code threshold}. */
    public State newState(double threshold) {
        return new State(this, threshold);
    }

    /** Applies the rule to a whole series in row order (a backtest of one entity from a cold start). */
    public double[] apply(double[] probabilities, double threshold) {
        State s = newState(threshold);
        double[] out = new double[probabilities.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = s.next(probabilities[i]);
        }
        return out;
    }

    /** One entity's calibration state. Not thread-safe: the owner feeds its rows in time order. */
    public static final class State {
        private final OnsetCalibration calibration;
        private final double threshold;
        private final double belowThreshold;
        private long sinceAlarm = Long.MAX_VALUE;
        private double alarmLogOdds;

        State(OnsetCalibration calibration, double threshold) {
            if (!(threshold > 0 && threshold < 1)) {
                throw new IllegalArgumentException("threshold must be in (0, 1)");
            }
            this.calibration = calibration;
            this.threshold = threshold;
            this.belowThreshold = Math.nextDown(threshold);
        }

        /** The risk of the next row, whose model probability is {@code p}; advances the state. */
        public double next(double p) {
            if (calibration.isNone() || Double.isNaN(p)) {
                return p;
            }
            double z = logOdds(p);
            if (sinceAlarm < calibration.refractoryRows && z < alarmLogOdds + calibration.marginLogOdds) {
                sinceAlarm++;
                return Math.min(p, belowThreshold);
            }
            if (p >= threshold) {
                sinceAlarm = 0;
                alarmLogOdds = z;
            } else if (sinceAlarm != Long.MAX_VALUE) {
                sinceAlarm++;
            }
            return p;
        }

        /** Whether the entity is inside the window after an alarm. */
        public boolean refractory() {
            return sinceAlarm < calibration.refractoryRows;
        }

        private static double logOdds(double p) {
            double q = Math.min(1 - 1e-12, Math.max(1e-12, p));
            return Math.log(q / (1 - q));
        }
    }
}
