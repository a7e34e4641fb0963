package io.commandcenter.models.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class GaussianTailTest {

    @Test
    void surprisal_isTheTwoSidedNormalTailInDecades() {
        assertThat(GaussianTail.surprisal(0)).isCloseTo(0.0, within(1e-6));
        assertThat(GaussianTail.surprisal(1.959964)).isCloseTo(-Math.log10(0.05), within(1e-5));
        assertThat(GaussianTail.surprisal(-2.575829)).isCloseTo(2.0, within(1e-5));
        // P(|Z| >= 5) = 5.733e-7
        assertThat(GaussianTail.surprisal(5)).isCloseTo(-Math.log10(5.733031e-7), within(1e-4));
    }

    @Test
    void surprisal_isContinuousAndIncreasingAcrossTheAsymptoticBranch_andFiniteFarOut() {
        assertThat(GaussianTail.surprisal(8.0)).isCloseTo(GaussianTail.surprisal(Math.nextDown(8.0)), within(1e-3));
        double previous = 0;
        for (double z = 0.5; z < 60; z += 0.5) {
            double s = GaussianTail.surprisal(z);
            assertThat(s).isGreaterThan(previous).isFinite();
            previous = s;
        }
    }
}
