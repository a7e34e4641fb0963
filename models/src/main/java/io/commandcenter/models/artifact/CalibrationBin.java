package io.commandcenter.models.artifact;

/**
 * One bin of a reliability table measured on validation data: predictions in {@code [lower, upper)}
 * ({@code upper} inclusive for the last bin), how many, their mean, and the observed positive rate.
 */
public record CalibrationBin(double lower, double upper, long count, double meanPredicted, double observedRate) {

    public CalibrationBin {
        if (!(lower >= 0 && upper <= 1 && lower < upper) || count < 0) {
            throw new IllegalArgumentException("need 0 <= lower < upper <= 1 and count >= 0");
        }
    }
}
