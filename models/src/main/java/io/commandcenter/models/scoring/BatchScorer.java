package io.commandcenter.models.scoring;

/**
 * Scores a batch of feature vectors with one fixed model: the seam between the pure libraries
 * (backtest, explanations, evaluation) and whatever runs the model (ONNX Runtime in the gateway, or
 * the plain-Java {@link LinearScorer} during training).
 *
 * <p>{@code rows} is row-major {@code rowCount × featureCount()} in the MODEL's feature order. Returns
 * the positive-class probability of each row. Implementations must be safe for concurrent calls if they
 * are shared; they fail with an unchecked exception (never a partial result).
 */
public interface BatchScorer {

    int featureCount();

    double[] score(float[] rows, int rowCount);

    /**
     * The model's log-odds as an affine function of its features, when known or verified (then
     * explanations need one model call per row, not {@code F + 1}); empty when not known.
     */
    default java.util.Optional<AffineLogOdds> affineLogOdds() {
        return java.util.Optional.empty();
    }
}
