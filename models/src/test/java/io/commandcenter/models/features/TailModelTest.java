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

    @Test
    void lazyQ99_givesTheEagerTailsSurprisalsAndQuantiles_overLongRandomSeries() {
        // the tail as it was before q99 became lazy and q90's exp was skipped at its floor: both recomputed every update
        for (int seed = 0; seed < 4; seed++) {
            TailModel tail = new TailModel();
            EagerTail eager = new EagerTail();
            java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
            for (int i = 0; i < 200_000; i++) {
                // quiet stretches (q90 held at its floor), Gaussian noise, heavy tails and bursts far beyond 2·q99
                double a = switch ((i / 5000) % 4) {
                    case 0 -> 0.01 * rnd.nextDouble();
                    case 1 -> Math.abs(rnd.nextGaussian());
                    case 2 -> rnd.nextInt(10) == 0 ? 40 * rnd.nextDouble() : Math.abs(rnd.nextGaussian());
                    default -> Math.abs(rnd.nextGaussian()) / Math.max(1e-3, rnd.nextDouble());
                };
                assertThat(tail.surprisal(a)).isEqualTo(eager.surprisal(a));
                tail.update(a);
                eager.update(a);
                assertThat(tail.q90()).isEqualTo(eager.q90);
                assertThat(tail.q99()).isEqualTo(eager.q99);
            }
        }
    }

    /** The eager tail, written out as TailModel was before the session-10 speed-up. */
    private static final class EagerTail {
        double recentExtremes;
        double seen;
        double logQ90 = Math.log(1.645);
        double logQ99 = Math.log(2.576);
        double q90 = Math.exp(logQ90);
        double q99 = Math.exp(logQ99);

        double raw(double a) {
            return a <= q90 ? a / q90 : 1.0 + (a - q90) / (q99 - q90);
        }

        double surprisal(double a) {
            double s = raw(a);
            if (s >= TailModel.EXTREME && recentExtremes >= 0.5) {
                s = Math.min(s, -Math.log10(recentExtremes / (seen + 100.0)));
            }
            return s > TailModel.MAX_SURPRISAL ? TailModel.MAX_SURPRISAL : s;
        }

        void update(double a) {
            double raw = raw(a);
            recentExtremes = TailModel.DECAY * recentExtremes + (raw >= TailModel.EXTREME ? 1 : 0);
            seen = TailModel.DECAY * seen + 1;
            double step = a > 2.0 * q99 ? 0.05 * 0.1 : 0.05;
            logQ90 += a > q90 ? step * 0.90 : -step * 0.10;
            logQ99 += a > q99 ? step * 0.99 : -step * 0.01;
            if (logQ90 < Math.log(0.25)) {
                logQ90 = Math.log(0.25);
            }
            double minLogQ99 = logQ90 + Math.log(1.2);
            if (logQ99 < minLogQ99) {
                logQ99 = minLogQ99;
            }
            q90 = Math.exp(logQ90);
            q99 = Math.exp(logQ99);
        }
    }
}
