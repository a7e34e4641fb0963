package io.commandcenter.models.features;

/**
 * The two-sided tail of the standard normal distribution in decades: {@code -log10 P(|Z| ≥ |z|)},
 * computed without underflow for large {@code |z|}. Pure, thread-safe.
 */
final class GaussianTail {

    private static final double LN10 = Math.log(10);
    private static final double SQRT2 = Math.sqrt(2);
    private static final double HALF_LN_2_OVER_PI = 0.5 * Math.log(2 / Math.PI);

    private GaussianTail() {
    }

    /** {@code -log10 P(|Z| ≥ |z|)}: 0 at z = 0, 1.3 at 1.96, 2 at 2.576, about 6.2 at 5. */
    static double surprisal(double z) {
        double a = Math.abs(z);
        if (a < 8) {
            return -Math.log10(erfc(a / SQRT2));
        }
        // asymptotic: P(|Z| ≥ a) ≈ sqrt(2/π) e^{-a²/2} / a · (1 - 1/a² + 3/a⁴)
        double lnP = HALF_LN_2_OVER_PI - a * a / 2 - Math.log(a) + Math.log1p(-1 / (a * a) + 3 / (a * a * a * a));
        return -lnP / LN10;
    }

    /** Complementary error function (Chebyshev fit, fractional error below 1.2e-7 everywhere). */
    static double erfc(double x) {
        double z = Math.abs(x);
        double t = 1 / (1 + 0.5 * z);
        double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2 - r;
    }
}
