package io.commandcenter.models.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class TailModelTest {

    @Test
    void surprisal_atGaussianPriors_isOneDecadeAtQ90_andTwoAtQ99() {
        TailModel t = new TailModel();
        assertThat(t.surprisal(0)).isZero();
        assertThat(t.surprisal(0.8225)).isCloseTo(0.5, within(1e-9));
        assertThat(t.surprisal(1.645)).isCloseTo(1.0, within(1e-9));
        assertThat(t.surprisal(2.576)).isCloseTo(2.0, within(1e-9));
        assertThat(t.surprisal(2.576 + 0.931)).isCloseTo(3.0, within(1e-9));
        assertThat(t.surprisal(1e9)).isEqualTo(TailModel.MAX_SURPRISAL);
    }

    @Test
    void quantiles_convergeToTheSeriesOwnTail_whateverItsScale() {
        TailModel t = new TailModel();
        Random rnd = new Random(1);
        for (int i = 0; i < 200_000; i++) {
            t.update(Math.abs(40 * rnd.nextGaussian()));
        }
        assertThat(t.q90()).isCloseTo(40 * 1.645, within(40 * 0.2));
        assertThat(t.q99()).isCloseTo(40 * 2.576, within(40 * 0.5));
    }

    @Test
    void learning_isTheSameWhetherOrNotTheValueWasJudgedFirst_inAnyCallOrder() {
        TailModel judged = new TailModel();
        TailModel plain = new TailModel();
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(3);
        for (int i = 0; i < 5000; i++) {
            double a = rnd.nextInt(10) == 0 ? 40 * rnd.nextDouble() : Math.abs(rnd.nextGaussian());
            if (i % 3 == 0) {
                judged.surprisal(a);
            }
            judged.update(a);
            if (i % 7 == 0) {
                judged.update(a); // the same value learnt twice: the second time against the moved quantiles
                plain.update(a);
            }
            plain.update(a);
            assertThat(judged.q90()).isEqualTo(plain.q90());
            assertThat(judged.q99()).isEqualTo(plain.q99());
            assertThat(judged.surprisal(a)).isEqualTo(plain.surprisal(a));
        }
    }
}
