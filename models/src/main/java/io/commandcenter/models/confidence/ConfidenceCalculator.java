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
        double amount = amountTerm(in.observations());
        double fresh = 1.0;
        if (in.expectedInterval() != null && !in.expectedInterval().isZero() && !in.expectedInterval().isNegative()) {
            double d = in.expectedInterval().toMillis();
            double over = Math.max(0.0, in.age().toMillis() - 2 * d);
            fresh = Math.exp(-over / (10 * d));
        }
        double agree = agreementTerm(in.contributions(), 0, in.contributions().length, in.risk(), in.threshold());
        double value = cal * amount * fresh * agree;
        return new Confidence(clamp(value), cal, amount, fresh, agree);
    }

    /**
     * The value {@link #compute} gives for a row replayed in a backtest (age zero, sampling interval unknown,
     * so {@code C_fresh = 1}), from the row's {@link #agreementSums} at {@code sums[offset]}: the same terms in
     * the same order, without the per-row objects (and without keeping the contributions until the risk is known).
     *
     * @throws IllegalArgumentException as {@link ConfidenceInputs} does for a risk outside [0, 1] or negative observations
     */
    public double backtestValue(double risk, double threshold, Table calibration, long observations, double[] sums, int offset) {
        if (!(risk >= 0 && risk <= 1)) {
            throw new IllegalArgumentException("risk must be in [0, 1]: " + risk);
        }
        if (observations < 0) {
            throw new IllegalArgumentException("observations and age must be >= 0");
        }
        double cal = calibrationTerm(risk, calibration);
        double amount = amountTerm(observations);
        double fresh = 1.0;
        double total = sums[offset];
        double with = risk >= threshold ? sums[offset + 1] : sums[offset + 2];
        double agree = 0.5 + 0.5 * (total < 1e-6 ? 1.0 : with / total);
        return clamp(cal * amount * fresh * agree);
    }

    /**
     * The sums {@code C_agree} is made of, for either decision, of the contributions {@code c[offset .. offset +
     * length)}: {@code out[o] = Σ |c_i|}, {@code out[o + 1] = Σ max(0, c_i)} (risk at or above the threshold),
     * {@code out[o + 2] = Σ max(0, −c_i)} (below), each summed in the order {@link #compute} sums them.
     */
    public static void agreementSums(double[] c, int offset, int length, double[] out, int o) {
        double total = 0;
        double up = 0;
        double down = 0;
        for (int i = offset; i < offset + length; i++) {
            double v = c[i];
            total += Math.abs(v);
            up += Math.max(0, v);
            down += Math.max(0, -v);
        }
        out[o] = total;
        out[o + 1] = up;
        out[o + 2] = down;
    }

    private static double amountTerm(long observations) {
        return Math.min(1.0, observations / FULL_OBSERVATIONS);
    }

    private static double agreementTerm(double[] c, int offset, int length, double risk, double threshold) {
        return 0.5 + 0.5 * agreement(c, offset, length, risk >= threshold ? 1 : -1);
    }

    static double calibrationTerm(ConfidenceInputs in) {
        return calibrationTerm(in.risk(), in.calibration());
    }

    private static double calibrationTerm(double risk, java.util.List<CalibrationBin> calibration) {
        for (int i = 0, n = calibration.size(); i < n; i++) {
            CalibrationBin b = calibration.get(i);
            if (holds(b.lower(), b.upper(), risk)) {
                return binTerm(b);
            }
        }
        return 0.5;
    }

    private static double calibrationTerm(double risk, Table table) {
        for (int i = 0; i < table.term.length; i++) {
            if (holds(table.lower[i], table.upper[i], risk)) {
                return table.term[i];
            }
        }
        return 0.5;
    }

    /** Whether a bin [lower, upper) holds {@code risk} (the last bin, reaching 1, holds 1 too). */
    private static boolean holds(double lower, double upper, double risk) {
        return risk >= lower && (risk < upper || upper >= 1.0 && risk <= 1.0);
    }

    /** {@code C_cal} of a risk in {@code bin}. */
    private static double binTerm(CalibrationBin bin) {
        double s = bin.count() / (bin.count() + SUPPORT_HALF);
        double gap = Math.abs(bin.observedRate() - bin.meanPredicted());
        return s * (1 - Math.min(1.0, 2 * gap)) + (1 - s) * 0.5;
    }

    /** A reliability table with each bin's {@code C_cal} computed once, for scoring many rows against one model. */
    public static Table table(java.util.List<CalibrationBin> calibration) {
        return new Table(calibration);
    }

    /** See {@link #table}. Immutable. */
    public static final class Table {
        private final double[] lower;
        private final double[] upper;
        private final double[] term;

        private Table(java.util.List<CalibrationBin> calibration) {
            int n = calibration.size();
            lower = new double[n];
            upper = new double[n];
            term = new double[n];
            for (int i = 0; i < n; i++) {
                CalibrationBin b = calibration.get(i);
                lower[i] = b.lower();
                upper[i] = b.upper();
                term[i] = binTerm(b);
            }
        }
    }

    static double agreement(double[] c, int direction) {
        return agreement(c, 0, c.length, direction);
    }

    private static double agreement(double[] c, int offset, int length, int direction) {
        double total = 0;
        double with = 0;
        for (int i = offset; i < offset + length; i++) {
            double v = c[i];
            total += Math.abs(v);
            with += Math.max(0, direction * v);
        }
        return total < 1e-6 ? 1.0 : with / total;
    }

    private static double clamp(double v) {
        return v < 0 ? 0 : (v > 1 ? 1 : v);
    }
}
