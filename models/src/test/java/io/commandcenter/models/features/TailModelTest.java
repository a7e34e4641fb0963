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
}
