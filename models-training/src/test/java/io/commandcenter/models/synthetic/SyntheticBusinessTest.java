package io.commandcenter.models.synthetic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The NAB-like business series of the session-8 study (guide 12.12). */
class SyntheticBusinessTest {

    @Test
    void everyKind_isReproducibleForASeed_univariate_positive_andWarmedUp() {
        for (String kind : SyntheticBusiness.KINDS) {
            LabelledSeries a = new SyntheticBusiness(9).series("s", kind, 3000);
            LabelledSeries b = new SyntheticBusiness(9).series("s", kind, 3000);
            assertThat(a.values()).as(kind).containsExactly(b.values());
            assertThat(a.labels()).as(kind).containsExactly(b.labels());
            assertThat(a.metrics()).as(kind).hasSize(1);
            assertThat(Arrays.stream(a.values()).allMatch(v -> Double.isFinite(v) && v >= 0)).as(kind).isTrue();
            for (int i = 0; i < 150; i++) {
                assertThat(a.labels()[i]).as("%s: no anomaly in the first 5 %%", kind).isFalse();
            }
            long step = a.times()[1] - a.times()[0];
            assertThat(step).as(kind).isEqualTo(kind.equals("ratio") ? 3_600_000L : 300_000L);
        }
    }

    @Test
    void anomalies_areLabelled_andMoveTheValuesAwayFromTheirNormal() {
        int seriesWithAnomaly = 0;
        for (int seed = 0; seed < 30; seed++) {
            for (String kind : SyntheticBusiness.KINDS) {
                LabelledSeries s = new SyntheticBusiness(seed).series("s", kind, 2000);
                int labelled = 0;
                for (boolean l : s.labels()) {
                    labelled += l ? 1 : 0;
                }
                assertThat(s.kinds().isEmpty()).as("%s seed %d: kinds and labels agree", kind, seed).isEqualTo(labelled == 0);
                if (labelled == 0) {
                    continue;
                }
                seriesWithAnomaly++;
                if (s.kinds().size() != 1) {
                    continue;
                }
                double normalMedian = median(s.values(), s.labels(), false);
                double anomalyMedian = median(s.values(), s.labels(), true);
                String what = s.kinds().get(0);
                switch (what) {
                    case "level_fall", "congestion", "drop" ->
                            assertThat(anomalyMedian).as("%s %s seed %d", kind, what, seed).isLessThan(normalMedian);
                    case "level_rise", "spike", "surge" ->
                            assertThat(anomalyMedian).as("%s %s seed %d", kind, what, seed).isGreaterThan(normalMedian);
                    default -> assertThat(what).isEqualTo("stuck");
                }
            }
        }
        assertThat(seriesWithAnomaly).isGreaterThan(60);
    }

    private static double median(double[] v, boolean[] labels, boolean labelled) {
        double[] x = new double[v.length];
        int n = 0;
        for (int i = 0; i < v.length; i++) {
            if (labels[i] == labelled) {
                x[n++] = v[i];
            }
        }
        double[] y = Arrays.copyOf(x, n);
        Arrays.sort(y);
        return y[n / 2];
    }
}
