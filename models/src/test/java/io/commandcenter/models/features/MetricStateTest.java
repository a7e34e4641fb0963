package io.commandcenter.models.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class MetricStateTest {

    @Test
    void thirdUpdate_matchesHandComputedResidualLevelTrendAndRateOfChange() {
        // x = 10, 12, 11. After 12 (rates 1/n = 0.5 while n is small): level 10.6, trend 0.03, resAbs 1.0,
        // base 11, devAbs 1.0, fast 10 + 0.5*2 = 11, mid 10.1, rocAbs 1.0
        // x = 11: forecast 10.6 + 0.8*0.03 = 10.624, r = 0.376, σr = 1.2533 → zRes = 0.3000
        // fast' = 11 + 0.5*(11 - 11) = 11, σd = 1.2533 → zLevel = (11 - 11)/1.2533 = 0
        // mid' = 10.1 + 0.05*0.9 = 10.145 → zTrend = (11 - 10.145)/1.2533 = 0.6822
        // d = -1, σΔ = 1.2533 → zRoc = -0.7979
        MetricState s = new MetricState(new int[0]);
        s.update(10, 0);
        s.update(12, 1);
        s.update(11, 2);
        assertThat(s.zRes).isCloseTo(0.3000, within(1e-3));
        assertThat(s.zLevel).isCloseTo(0.0, within(1e-3));
        assertThat(s.zTrend).isCloseTo(0.6822, within(1e-3));
        assertThat(s.zRoc).isCloseTo(-0.7979, within(1e-3));
        assertThat(s.baseline()).isCloseTo(11.0 + 0.3333 * 0.0, within(0.34));
    }

    @Test
    void surprisal_isZeroDuringWarmup_andFullAfterIt() {
        assertThat(MetricState.warmupWeight(3)).isZero();
        assertThat(MetricState.warmupWeight(36)).isCloseTo(0.5, within(1e-9));
        assertThat(MetricState.warmupWeight(64)).isEqualTo(1.0);
        assertThat(MetricState.warmupWeight(1000)).isEqualTo(1.0);
    }

    @Test
    void spikeAfterQuietHistory_isHighlySurprising_andNormalNoiseIsNot() {
        MetricState s = new MetricState(new int[0]);
        Random rnd = new Random(3);
        double maxNormal = 0;
        for (int i = 0; i < 2000; i++) {
            s.update(500 + 5 * rnd.nextGaussian(), i);
            if (i > 100) {
                maxNormal = Math.max(maxNormal, s.sRes);
            }
        }
        s.update(500 + 5 * 12, 2000);
        assertThat(s.sRes).isGreaterThan(6);
        assertThat(maxNormal).isLessThan(6);
    }

    @Test
    void scaleFree_theSameShapeAtAnyScaleGivesTheSameSurprisals() {
        MetricState small = new MetricState(new int[0]);
        MetricState large = new MetricState(new int[0]);
        Random rnd = new Random(5);
        for (int i = 0; i < 600; i++) {
            double v = rnd.nextGaussian() + (i == 550 ? 8 : 0);
            small.update(0.001 * v + 0.01, i);
            large.update(1e6 * v + 1e7, i);
            assertThat(small.sRes).isCloseTo(large.sRes, within(1e-6));
            assertThat(small.sLevel).isCloseTo(large.sLevel, within(1e-6));
        }
    }

    @Test
    void constantSeries_thenAChange_givesFiniteCappedEvidence() {
        MetricState s = new MetricState(new int[0]);
        for (int i = 0; i < 200; i++) {
            s.update(0.0, i);
        }
        s.update(1.0, 200);
        assertThat(s.zRes).isEqualTo(MetricState.Z_CAP);
        assertThat(s.sRes).isFinite().isLessThanOrEqualTo(TailModel.MAX_SURPRISAL);
    }
}
