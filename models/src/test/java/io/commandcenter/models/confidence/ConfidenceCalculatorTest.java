package io.commandcenter.models.confidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.commandcenter.models.artifact.CalibrationBin;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfidenceCalculatorTest {

    static final List<CalibrationBin> TABLE = List.of(
            new CalibrationBin(0.0, 0.5, 1000, 0.1, 0.1),
            new CalibrationBin(0.5, 1.0, 150, 0.9, 0.8));

    private final ConfidenceCalculator calc = new ConfidenceCalculator();

    @Test
    void formula_matchesHandComputedTerms() {
        // bin 2: s = 150/200 = 0.75, gap 0.1 → 0.75*(1-0.2) + 0.25*0.5 = 0.725
        // amount 32/64 = 0.5; age 5Δ → exp(-3Δ/10Δ) = 0.7408; contributions (2, -1, 1), d=+1 → A = 3/4 → 0.875
        Confidence c = calc.compute(new ConfidenceInputs(0.9, 0.8, TABLE, 32, Duration.ofMinutes(25), Duration.ofMinutes(5),
                new double[] {2, -1, 1}));
        assertThat(c.calibration()).isCloseTo(0.725, within(1e-12));
        assertThat(c.amount()).isCloseTo(0.5, within(1e-12));
        assertThat(c.freshness()).isCloseTo(Math.exp(-0.3), within(1e-12));
        assertThat(c.agreement()).isCloseTo(0.875, within(1e-12));
        assertThat(c.value()).isCloseTo(0.725 * 0.5 * Math.exp(-0.3) * 0.875, within(1e-12));
    }

    @Test
    void wellCalibratedFreshAndUnanimous_isHighlyConfident() {
        List<CalibrationBin> table = List.of(new CalibrationBin(0.9, 1.0, 100_000, 0.95, 0.95));
        Confidence c = calc.compute(new ConfidenceInputs(0.95, 0.8, table, 500, Duration.ZERO, null, new double[] {3, 1, 0}));
        assertThat(c.value()).isGreaterThan(0.99);
    }

    @Test
    void noTable_noData_andDisagreement_lowerIt() {
        Confidence c = calc.compute(new ConfidenceInputs(0.2, 0.8, List.of(), 0, Duration.ZERO, null, new double[] {1, -1}));
        assertThat(c.calibration()).isEqualTo(0.5);
        assertThat(c.value()).isZero();
        assertThat(ConfidenceCalculator.agreement(new double[] {1, -1}, -1)).isEqualTo(0.5);
        assertThat(ConfidenceCalculator.agreement(new double[] {}, 1)).isEqualTo(1.0);
    }

    @Test
    void backtestValue_fromAgreementSums_isExactlyTheComputedValue_atAgeZero() {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(9);
        for (int k = 0; k < 10_000; k++) {
            double[] matrix = new double[3 * 5];
            for (int j = 0; j < matrix.length; j++) {
                matrix[j] = rnd.nextInt(8) == 0 ? 0.0 : rnd.nextGaussian() * 3;
            }
            int row = rnd.nextInt(3);
            double risk = rnd.nextInt(20) == 0 ? 1.0 : rnd.nextDouble();
            long observations = rnd.nextInt(100);
            // bins that cover [0, 1], and bins with gaps (a risk in no bin gets 0.5)
            List<CalibrationBin> table = k % 2 == 0 ? TABLE
                    : List.of(new CalibrationBin(0.1, 0.3, 40, 0.2, 0.35), new CalibrationBin(0.6, 0.9, 700, 0.7, 0.66));
            double expected = calc.compute(new ConfidenceInputs(risk, 0.41, table, observations, Duration.ZERO, null,
                    java.util.Arrays.copyOfRange(matrix, row * 5, row * 5 + 5))).value();
            double[] sums = new double[4];
            ConfidenceCalculator.agreementSums(matrix, row * 5, 5, sums, 1);
            assertThat(calc.backtestValue(risk, 0.41, ConfidenceCalculator.table(table), observations, sums, 1))
                    .isEqualTo(expected);
        }
    }

    @Test
    void backtestValue_refusesWhatTheInputsRefuse() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> calc.backtestValue(Double.NaN, 0.5, ConfidenceCalculator.table(TABLE), 1, new double[3], 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("risk");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> calc.backtestValue(0.5, 0.5, ConfidenceCalculator.table(TABLE), -1, new double[3], 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("observations");
    }
}
