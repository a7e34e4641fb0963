package io.commandcenter.models.train;

/**
 * Platt scaling: {@code p = 1 / (1 + e^{-(a·z + b)})} fitted to labels by Newton's method on the
 * log-loss with Platt's smoothed targets ({@code (N+ + 1)/(N+ + 2)} and {@code 1/(N- + 2)}), which keeps
 * the fit finite on separable data.
 */
public record PlattScaling(double a, double b) {

    public static final PlattScaling IDENTITY = new PlattScaling(1.0, 0.0);

    public double apply(double logit) {
        return 1.0 / (1.0 + Math.exp(-(a * logit + b)));
    }

    private static double sigmoid(double v) {
        return 1.0 / (1.0 + Math.exp(-v));
    }

    private static double loss(double[] z, boolean[] y, float[] w, double a, double b, double hi, double lo) {
        double l = 0;
        for (int i = 0; i < z.length; i++) {
            double t = y[i] ? hi : lo;
            double v = a * z[i] + b;
            // log(1 + e^v) - t v, computed stably
            double softplus = v > 0 ? v + Math.log1p(Math.exp(-v)) : Math.log1p(Math.exp(v));
            l += w[i] * (softplus - t * v);
        }
        return l;
    }

    /** Fits on logits {@code z} with labels {@code y} (and per-row weights). */
    public static PlattScaling fit(double[] z, boolean[] y, float[] w) {
        double pos = 0;
        double neg = 0;
        for (int i = 0; i < y.length; i++) {
            if (y[i]) {
                pos += w[i];
            } else {
                neg += w[i];
            }
        }
        double hi = (pos + 1) / (pos + 2);
        double lo = 1 / (neg + 2);
        double a = 1.0;
        double b = 0.0;
        double loss = loss(z, y, w, a, b, hi, lo);
        for (int it = 0; it < 100; it++) {
            double g1 = 0, g2 = 0, h11 = 1e-12, h22 = 1e-12, h12 = 0;
            for (int i = 0; i < z.length; i++) {
                double t = y[i] ? hi : lo;
                double p = sigmoid(a * z[i] + b);
                double d = (p - t) * w[i];
                double s = p * (1 - p) * w[i];
                g1 += d * z[i];
                g2 += d;
                h11 += s * z[i] * z[i];
                h22 += s;
                h12 += s * z[i];
            }
            double det = h11 * h22 - h12 * h12;
            if (!(Math.abs(det) > 1e-18)) {
                break;
            }
            double da = (h22 * g1 - h12 * g2) / det;
            double db = (h11 * g2 - h12 * g1) / det;
            // backtracking line search: Newton alone diverges when many logits saturate
            double step = 1.0;
            double next = loss;
            while (step > 1e-10) {
                next = loss(z, y, w, a - step * da, b - step * db, hi, lo);
                if (next <= loss + 1e-4 * step * (g1 * da + g2 * db) * -1 + 1e-12) {
                    break;
                }
                step /= 2;
            }
            if (step <= 1e-10) {
                break;
            }
            a -= step * da;
            b -= step * db;
            boolean converged = Math.abs(loss - next) < 1e-12 * Math.max(1.0, Math.abs(loss));
            loss = next;
            if (converged) {
                break;
            }
        }
        return new PlattScaling(a, b);
    }
}
