package io.commandcenter.models.scoring;

import java.util.Optional;
import java.util.SplittableRandom;

/**
 * A model whose log-odds are affine in its features: {@code logit p(x) = b + Σ w_j x_j}. For such a
 * model the occlusion contribution of feature {@code j} against the reference {@code r} is exactly
 * {@code w_j (x_j − r_j)}, so {@link io.commandcenter.models.explain.OcclusionExplainer} needs one model call per row instead of
 * {@code F + 1}. Logistic regressions (the shipped bootstrap models, Platt scaling folded in) are such
 * models; trees, factorization machines and networks are not.
 *
 * <p>{@link #probe} finds out from the scores alone, as the explainer is model-agnostic: it estimates
 * the weights by finite differences around the reference, then checks {@value #CHECKS} seeded probes
 * spread across directions and log-odds from {@value #LOW_LOGIT} to {@value #HIGH_LOGIT}; one probe off
 * the affine prediction by more than {@value #TOLERANCE} log-odds (or too few usable probes) and the
 * model is explained by occlusion as before. Scores are float32 in ONNX Runtime, so probes are kept
 * where the log-odds can be read back to about 10⁻⁵.
 */
public final class AffineLogOdds {

    static final int CHECKS = 48;
    static final double TOLERANCE = 2e-3;
    static final double LOW_LOGIT = -9;
    static final double HIGH_LOGIT = 4;
    private static final double STEP = 0.5;
    private static final long SEED = 0x5eed_a11e_10ddL;

    private final double[] weights;

    private AffineLogOdds(double[] weights) {
        this.weights = weights;
    }

    /** A known affine form (a logistic model evaluated in Java knows its own weights). */
    public static AffineLogOdds of(double[] weights) {
        return new AffineLogOdds(weights.clone());
    }

    /** The weight of feature {@code j} (model order): log-odds per unit of the feature. */
    public double weight(int j) {
        return weights[j];
    }

    public int features() {
        return weights.length;
    }

    /**
     * Probes {@code scorer} around {@code reference} ({@code 2F + 49} rows in two calls). Empty when the
     * model's log-odds are not affine within the tolerance, or when the scores saturate so the test
     * cannot be read (the explainer then falls back to occlusion, which is always right).
     */
    public static Optional<AffineLogOdds> probe(BatchScorer scorer, float[] reference) {
        int f = reference.length;
        if (scorer.featureCount() != f || f == 0) {
            return Optional.empty();
        }
        // 1. base and one forward step per feature (a smaller one where the step saturates)
        float[] grid = new float[(1 + 2 * f) * f];
        System.arraycopy(reference, 0, grid, 0, f);
        for (int j = 0; j < f; j++) {
            System.arraycopy(reference, 0, grid, (1 + j) * f, f);
            grid[(1 + j) * f + j] = (float) (reference[j] + STEP);
            System.arraycopy(reference, 0, grid, (1 + f + j) * f, f);
            grid[(1 + f + j) * f + j] = (float) (reference[j] + STEP / 8);
        }
        double[] p = scorer.score(grid, 1 + 2 * f);
        double b = readable(p[0]);
        if (Double.isNaN(b)) {
            return Optional.empty();
        }
        double[] w = new double[f];
        boolean any = false;
        for (int j = 0; j < f; j++) {
            double big = readable(p[1 + j]);
            float dx = (float) (reference[j] + STEP) - reference[j];
            if (!Double.isNaN(big)) {
                w[j] = (big - b) / dx;
            } else {
                double small = readable(p[1 + f + j]);
                if (Double.isNaN(small)) {
                    return Optional.empty();
                }
                w[j] = (small - b) / ((float) (reference[j] + STEP / 8) - reference[j]);
            }
            any |= w[j] != 0;
        }
        if (!any) {
            return Optional.empty();
        }
        // 2. seeded probes in random directions, scaled to a spread of predicted log-odds
        SplittableRandom rnd = new SplittableRandom(SEED);
        float[] probes = new float[CHECKS * f];
        double[] predicted = new double[CHECKS];
        for (int k = 0; k < CHECKS; k++) {
            double[] u = new double[f];
            double slope = 0;
            for (int j = 0; j < f; j++) {
                // sparse and dense directions alike: half the probes move a few features only
                u[j] = (k % 2 == 0 || rnd.nextInt(4) == 0) ? rnd.nextDouble(-1, 1) * (1 + Math.abs(reference[j])) : 0;
                slope += w[j] * u[j];
            }
            double target = LOW_LOGIT + (HIGH_LOGIT - LOW_LOGIT) * rnd.nextDouble();
            double s = Math.abs(slope) < 1e-9 ? 2 : (target - b) / slope;
            s = Math.max(-20, Math.min(20, s));
            double z = b;
            for (int j = 0; j < f; j++) {
                float x = (float) (reference[j] + s * u[j]);
                probes[k * f + j] = x;
                z += w[j] * (x - reference[j]);
            }
            predicted[k] = z;
        }
        double[] q = scorer.score(probes, CHECKS);
        int usable = 0;
        for (int k = 0; k < CHECKS; k++) {
            double z = readable(q[k]);
            if (Double.isNaN(z) || predicted[k] < LOW_LOGIT - 1 || predicted[k] > HIGH_LOGIT + 1) {
                continue;
            }
            if (Math.abs(z - predicted[k]) > TOLERANCE) {
                return Optional.empty();
            }
            usable++;
        }
        return usable >= CHECKS / 2 ? Optional.of(new AffineLogOdds(w)) : Optional.empty();
    }

    /** The log-odds of {@code p}, or NaN where a float32 probability cannot give them to ~10⁻⁵. */
    private static double readable(double p) {
        if (!(p > 1e-5) || !(p < 0.99)) {
            return Double.NaN;
        }
        return Math.log(p / (1 - p));
    }
}
