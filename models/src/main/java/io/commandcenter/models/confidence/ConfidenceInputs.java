package io.commandcenter.models.confidence;

import io.commandcenter.models.artifact.CalibrationBin;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What confidence is computed from.
 *
 * @param risk             the model's probability, in [0, 1]
 * @param threshold        the model's decision threshold
 * @param calibration      the model's reliability table on validation data (may be empty)
 * @param observations     samples behind the vector (least-observed metric of the entity)
 * @param age              time since the latest sample (ZERO in backtests)
 * @param expectedInterval the entity's sampling interval, or null when unknown
 * @param contributions    the factors' log-odds contributions (may be empty)
 */
public record ConfidenceInputs(double risk, double threshold, List<CalibrationBin> calibration, long observations,
                               Duration age, Duration expectedInterval, double[] contributions) {

    public ConfidenceInputs {
        if (!(risk >= 0 && risk <= 1)) {
            throw new IllegalArgumentException("risk must be in [0, 1]: " + risk);
        }
        calibration = List.copyOf(calibration);
        Objects.requireNonNull(age, "age");
        contributions = contributions.clone();
        if (observations < 0 || age.isNegative()) {
            throw new IllegalArgumentException("observations and age must be >= 0");
        }
    }
}
