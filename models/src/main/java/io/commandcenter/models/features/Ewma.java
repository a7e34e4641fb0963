package io.commandcenter.models.features;

/**
 * Exponentially weighted moving average with a bias-corrected start: the first {@code 1/alpha} updates
 * use rate {@code 1/n} (a plain mean), later ones {@code alpha}. Not thread-safe.
 */
public final class Ewma {

    private final double alpha;
    private double value;
    private long n;

    public Ewma(double alpha) {
        if (!(alpha > 0 && alpha <= 1)) {
            throw new IllegalArgumentException("alpha must be in (0, 1]");
        }
        this.alpha = alpha;
    }

    public void update(double x) {
        n++;
        double rate = Math.max(alpha, 1.0 / n);
        value += rate * (x - value);
    }

    /** Current average, {@code orElse} before the first update. */
    public double value(double orElse) {
        return n == 0 ? orElse : value;
    }

    public long count() {
        return n;
    }
}
