package io.commandcenter.models.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.commandcenter.models.features.TelemetryFeatureExtractor;
import io.commandcenter.models.features.TimeAxis;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PeakNoveltyTest {

    static final long DAY = 86_400_000L;
    static final long HOUR = 3_600_000L;

    @Test
    void aValueCountsAsNewUntilTwoDaysAreKnown_thenByTheShareOfPreviousDaysWhoseExtremeItPasses() {
        PeakNovelty n = new PeakNovelty(TimeAxis.EPOCH_MILLIS);
        long t0 = 1_700_000_000_000L;
        // day 0: range [0, 10]; day 1: [0, 20]
        assertThat(observe(n, t0, 0)).isEqualTo(1.0);
        assertThat(observe(n, t0 + HOUR, 10)).isEqualTo(1.0);
        assertThat(observe(n, t0 + DAY, 0)).isEqualTo(1.0);   // one day known: still new
        assertThat(observe(n, t0 + DAY + HOUR, 20)).isEqualTo(1.0);
        // day 2: two days known
        assertThat(observe(n, t0 + 2 * DAY, 5)).isEqualTo(0.0);     // inside both days
        assertThat(observe(n, t0 + 2 * DAY + 1, 15)).isEqualTo(0.5); // above day 0's max only
        assertThat(observe(n, t0 + 2 * DAY + 2, 25)).isEqualTo(1.0); // above both
        assertThat(observe(n, t0 + 2 * DAY + 3, -1)).isEqualTo(1.0); // below both minima: a fall counts as a rise does
        // non-finite values are skipped and leave the row without a novelty
        n.startRow();
        assertThat(n.observe(0, t0 + 2 * DAY + 4, Double.NaN)).isNaN();
        assertThat(n.observe(0, t0 + 2 * DAY + 4, Double.POSITIVE_INFINITY)).isNaN();
        assertThat(n.row()).isNaN();
    }

    @Test
    void onlyTheLastSevenDaysCount_andARowTakesTheLargestOfItsMetrics() {
        PeakNovelty n = new PeakNovelty(TimeAxis.EPOCH_MILLIS);
        long t0 = 1_700_000_000_000L;
        // day 0 peaks at 100, days 1..7 at 10: on day 8, day 0 is out of the window
        observe(n, t0, 100);
        for (int d = 1; d <= 7; d++) {
            observe(n, t0 + d * DAY, 10);
        }
        assertThat(observe(n, t0 + 8 * DAY, 50)).isEqualTo(1.0);
        // two metrics: the row's novelty is the larger
        n.startRow();
        n.observe(1, t0 + 8 * DAY + 1, 3);
        assertThat(n.row()).isEqualTo(1.0); // metric 1 has no two days yet
        n.startRow();
        n.observe(0, t0 + 8 * DAY + 2, 10);
        assertThat(n.row()).isEqualTo(0.0);
    }

    @Test
    void stepIndexedSeries_countA288RowDay() {
        PeakNovelty n = new PeakNovelty(TimeAxis.STEPS);
        for (int t = 0; t < 2 * 288; t++) {
            observe(n, t, t % 288 == 100 ? 10 : 0);
        }
        assertThat(observe(n, 576, 5)).isEqualTo(0.0);
        assertThat(observe(n, 577, 11)).isEqualTo(1.0);
        assertThatThrownBy(() -> new PeakNovelty(0, 7)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void thePipelineReportsTheSameNovelty_asTheSeriesHelper() {
        SplittableRandom r = new SplittableRandom(7);
        int rows = 4000;
        int metrics = 3;
        long[] t = new long[rows];
        double[] v = new double[rows * metrics];
        String[] names = {"a", "b", "c"};
        TelemetryFeatureExtractor ex = new TelemetryFeatureExtractor(TimeAxis.EPOCH_MILLIS);
        double[] fromPipeline = new double[rows];
        for (int i = 0; i < rows; i++) {
            t[i] = 1_700_000_000_000L + i * 300_000L;
            double[] row = new double[metrics];
            for (int m = 0; m < metrics; m++) {
                row[m] = m == 2 && i % 50 == 0 ? Double.NaN : 10 * Math.sin(i / 40.0 + m) + r.nextGaussian() + (i == 3000 ? 40 : 0);
                v[i * metrics + m] = row[m];
            }
            ex.update(t[i], names, row);
            fromPipeline[i] = ex.peakNovelty();
        }
        double[] helper = PeakNovelty.of(t, v, metrics, TimeAxis.EPOCH_MILLIS);
        assertThat(fromPipeline).containsExactly(helper);
        assertThat(helper[3000]).isEqualTo(1.0);   // the spike passes every previous day
        assertThat(helper[3100]).isLessThan(1.0);
    }

    private static double observe(PeakNovelty n, long t, double x) {
        n.startRow();
        n.observe(0, t, x);
        return n.row();
    }
}
