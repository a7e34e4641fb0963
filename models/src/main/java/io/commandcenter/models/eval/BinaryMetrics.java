package io.commandcenter.models.eval;

/**
 * Counts of a binary decision and the derived precision, recall and F1 (0 when undefined, e.g. no
 * positive prediction).
 */
public record BinaryMetrics(long truePositives, long falsePositives, long falseNegatives, long trueNegatives) {

    public BinaryMetrics {
        if (truePositives < 0 || falsePositives < 0 || falseNegatives < 0 || trueNegatives < 0) {
            throw new IllegalArgumentException("counts must be >= 0");
        }
    }

    public double precision() {
        long d = truePositives + falsePositives;
        return d == 0 ? 0.0 : (double) truePositives / d;
    }

    public double recall() {
        long d = truePositives + falseNegatives;
        return d == 0 ? 0.0 : (double) truePositives / d;
    }

    public double f1() {
        double p = precision();
        double r = recall();
        return p + r == 0 ? 0.0 : 2 * p * r / (p + r);
    }

    public BinaryMetrics plus(BinaryMetrics o) {
        return new BinaryMetrics(truePositives + o.truePositives, falsePositives + o.falsePositives,
                falseNegatives + o.falseNegatives, trueNegatives + o.trueNegatives);
    }
}
