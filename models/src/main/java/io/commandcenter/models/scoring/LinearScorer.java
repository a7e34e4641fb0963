package io.commandcenter.models.scoring;

/**
 * A logistic model evaluated in plain Java: {@code p = 1 / (1 + e^{-(w·x + b)})}. Used by trainers to
 * evaluate candidates quickly and by tests as the oracle the ONNX Runtime scores must equal.
 * Immutable and thread-safe.
 */
public final class LinearScorer implements BatchScorer {

    private final double[] weights;
    private final double bias;

    public LinearScorer(double[] weights, double bias) {
        this.weights = weights.clone();
        this.bias = bias;
    }

    public double[] weights() {
        return weights.clone();
    }

    public double bias() {
        return bias;
    }

    @Override
    public int featureCount() {
        return weights.length;
    }

    public double logit(float[] rows, int row) {
        int f = weights.length;
        int o = row * f;
        double z = bias;
        for (int j = 0; j < f; j++) {
            z += weights[j] * rows[o + j];
        }
        return z;
    }

    @Override
    public java.util.Optional<AffineLogOdds> affineLogOdds() {
        return java.util.Optional.of(AffineLogOdds.of(weights));
    }

    @Override
    public double[] score(float[] rows, int rowCount) {
        if (rows.length < rowCount * weights.length) {
            throw new IllegalArgumentException("need " + rowCount * weights.length + " values, got " + rows.length);
        }
        double[] out = new double[rowCount];
        for (int r = 0; r < rowCount; r++) {
            out[r] = 1.0 / (1.0 + Math.exp(-logit(rows, r)));
        }
        return out;
    }
}
