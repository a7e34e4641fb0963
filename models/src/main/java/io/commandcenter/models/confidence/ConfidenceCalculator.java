package io.commandcenter.models.confidence;

import io.commandcenter.models.artifact.CalibrationBin;

/**
 * How far a risk estimate can be trusted, in [0, 1]: the product of four terms.
 *
 * <pre>
 * confidence = C_cal · C_amount · C_fresh · C_agree
 *
 * C_cal    = s · (1 - min(1, 2 · |observed_b - predicted_b|)) + (1 - s) · 0.5,   s = n_b / (n_b + 50)
 *            b = the validation reliability bin holding the risk: n_b validation rows, predicted_b their
 *            mean risk, observed_b their rate of incidents. A well-calibrated, well-supported bin gives
 *            ≈ 1; an unsupported one 0.5; no table at all 0.5.
 * C_amount = min(1, observations / 64)            (64 rows = the pipeline's warm-up)
 * C_fresh  = exp(-max(0, age - 2Δ) / (10Δ))       Δ = sampling interval; 1 when Δ is unknown
 * C_agree  = 0.5 + 0.5 · A,  A = Σ max(0, d · c_i) / Σ |c_i|
 *            c_i = factor log-odds contributions, d = +1 if risk ≥ threshold else -1: the share of the
 *            evidence that points the way of the decision; A = 1 when Σ |c_i| &lt; 1e-6.
 * </pre>
 * Pure and stateless.
 */
public final class ConfidenceCalculator {

    static final double SUPPORT_HALF = 50.0;
    static final double FULL_OBSERVATIONS = 64.0;

    public Confidence compute(ConfidenceInputs in) {
        double cal = calibrationTerm(in);
        double amount = Math.min(1.0, in.observations() / FULL_OBSERVATIONS);
        double fresh = 1.0;
        if (in.expectedInterval() != null && !in.expectedInterval().isZero() && !in.expectedInterval().isNegative()) {
            double d = in.expectedInterval().toMillis();
            double over = Math.max(0.0, in.age().toMillis() - 2 * d);
            fresh = Math.exp(-over / (10 * d));
        }
        double agree = 0.5 + 0.5 * agreement(in.contributions(), in.risk() >= in.threshold() ? 1 : -1);
        double value = cal * amount * fresh * agree;
        return new Confidence(clamp(value), cal, amount, fresh, agree);
    }

    static double calibrationTerm(ConfidenceInputs in) {
        CalibrationBin bin = null;
        for (CalibrationBin b : in.calibration()) {
            if (in.risk() >= b.lower() && (in.risk() < b.upper() || b.upper() >= 1.0 && in.risk() <= 1.0)) {
                bin = b;
                break;
            }
        }
        if (bin == null) {
            return 0.5;
        }
        double s = bin.count() / (bin.count() + SUPPORT_HALF);
        double gap = Math.abs(bin.observedRate() - bin.meanPredicted());
        return s * (1 - Math.min(1.0, 2 * gap)) + (1 - s) * 0.5;
    }

    static double agreement(double[] c, int direction) {
        double total = 0;
        double with = 0;
        for (double v : c) {
            total += Math.abs(v);
            with += Math.max(0, direction * v);
        }
        return total < 1e-6 ? 1.0 : with / total;
    }

    private static double clamp(double v) {
        return v < 0 ? 0 : (v > 1 ? 1 : v);
    }
}
