package io.commandcenter.models.train.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import io.commandcenter.models.calibration.PeakNovelty;
import io.commandcenter.models.features.HealthSample;
import io.commandcenter.models.features.TelemetryFeatureExtractor;
import io.commandcenter.models.features.TimeAxis;
import io.commandcenter.models.synthetic.LabelledSeries;
import io.commandcenter.models.synthetic.SyntheticHealth;
import io.commandcenter.models.train.loop.Retrainer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The peak novelty training hands the onset calibration is the replay's own ({@link ServiceHealthTraining#replay}: the
 * pipeline's {@link TelemetryFeatureExtractor#peakNovelty()}), the value the live engine reads.
 */
class ReplayedNoveltyTest {

    private static final int DAY = 288;

    /** Two metrics, step-indexed from {@code t0}: a daily wave, metric 1 spiking at row {@code spike} (or never: -1). */
    private static LabelledSeries series(String name, int rows, long t0, int spike) {
        long[] t = new long[rows];
        double[] v = new double[rows * 2];
        for (int i = 0; i < rows; i++) {
            t[i] = t0 + i;
            v[i * 2] = 5 + Math.sin(2 * Math.PI * i / DAY);
            v[i * 2 + 1] = i == spike ? 50 : 1 + (i % DAY < 100 ? 1 : 0);
        }
        return new LabelledSeries(name, List.of("a", "b"), TimeAxis.STEPS, t, v, new boolean[rows], List.of("gauge", "gauge"));
    }

    /** An ASD-style entry: 5 days of history, then scored rows that restart t at 0, the spike on their third day. */
    private static CorpusEntry asdStyle() {
        return new CorpusEntry("omi-x", "train", series("h", 5 * DAY, 0, -1), series("s", 3 * DAY, 0, 2 * DAY + 40));
    }

    @Test
    void theScoredRowsNovelty_isTheSeriesHelpers_overHistoryThenScoredRowsContinuingTheSteps() {
        CorpusEntry e = asdStyle();
        ServiceHealthTraining.Replayed r = ServiceHealthTraining.replay(e);
        int hn = e.history().rows();
        int n = e.scored().rows();
        long[] t = new long[hn + n];
        double[] v = new double[(hn + n) * 2];
        System.arraycopy(e.history().values(), 0, v, 0, hn * 2);
        System.arraycopy(e.scored().values(), 0, v, hn * 2, n * 2);
        for (int i = 0; i < t.length; i++) {
            t[i] = i; // the scored rows continue the history's steps
        }
        double[] whole = PeakNovelty.of(t, v, 2, TimeAxis.STEPS);

        assertThat(r.historyNovelty()).containsExactly(Arrays.copyOfRange(whole, 0, hn));
        assertThat(r.novelty()).containsExactly(Arrays.copyOfRange(whole, hn, hn + n));
        assertThat(r.novelty()[2 * DAY + 40]).isEqualTo(1.0);  // beyond every day of the week
        assertThat(r.novelty()[2 * DAY + 41]).isEqualTo(0.0);  // an ordinary row after it
    }

    @Test
    void aHealthStreamsNovelty_isTheExtractorsPerSample() {
        SyntheticHealth.Stream stream = new SyntheticHealth(3).stream("api", 4 * 1440); // a sample a minute: 4 days
        ServiceHealthTraining.Replayed r = ServiceHealthTraining.replay(CorpusEntry.health("api", "train", stream));
        TelemetryFeatureExtractor ex = new TelemetryFeatureExtractor(TimeAxis.EPOCH_MILLIS);
        double[] expected = new double[stream.labels().length];
        int i = 0;
        for (HealthSample s : stream.samples()) {
            ex.update(s);
            expected[i++] = ex.peakNovelty();
        }
        assertThat(r.novelty()).containsExactly(expected);
        assertThat(r.historyNovelty()).isEmpty();
        assertThat(Arrays.stream(r.novelty()).filter(x -> x < 1).count()).isPositive(); // not all "new"
    }

    @Test
    void calibrate_readsTheCarriedNovelty() {
        CorpusEntry e = asdStyle();
        ServiceHealthTraining.Replayed r = ServiceHealthTraining.replay(e);
        double[] p = new double[r.labels().length];
        for (int i = 0; i < p.length; i++) {
            p[i] = i % 100 < 3 ? 0.9 : 0.1; // an entity that alarms often: the novelty discount applies
        }
        double[] expected = ServiceHealthTraining.ONSET.apply(p, 0.41, e.scored().times(), e.scored().axis(), r.novelty());
        assertThat(ServiceHealthTraining.calibrate(p, r, 0.41)).containsExactly(expected);
        double[] allNew = new double[p.length];
        Arrays.fill(allNew, 1.0);
        ServiceHealthTraining.Replayed novel = new ServiceHealthTraining.Replayed(e, r.historyFeatures(), r.historyRows(),
                r.features(), r.labels(), r.historyNovelty(), allNew);
        assertThat(ServiceHealthTraining.calibrate(p, novel, 0.41)).isNotEqualTo(expected);
    }

    @Test
    void rowsNotReplayedHere_getThePipelinesNovelty_andASliceKeepsItsRowsWarmNovelty() {
        CorpusEntry e = asdStyle();
        ServiceHealthTraining.Replayed r = ServiceHealthTraining.replay(e);
        ServiceHealthTraining.Replayed stored = new ServiceHealthTraining.Replayed(e, r.historyFeatures(), r.historyRows(),
                r.features(), r.labels());
        assertThat(stored.novelty()).containsExactly(r.novelty());
        assertThat(stored.historyNovelty()).containsExactly(r.historyNovelty());
        ServiceHealthTraining.Replayed noSeries = new ServiceHealthTraining.Replayed(new CorpusEntry("x", "project", null, null),
                new float[0], 0, new float[0], new boolean[2]);
        assertThat(noSeries.novelty()).containsExactly(Double.NaN, Double.NaN);

        int from = 2 * DAY;
        ServiceHealthTraining.Replayed tail = Retrainer.slice(r, "holdout", from, r.labels().length, false);
        assertThat(tail.novelty()).containsExactly(Arrays.copyOfRange(r.novelty(), from, r.labels().length));
        assertThat(tail.novelty()[40]).isEqualTo(1.0);
    }
}
