package io.commandcenter.models.train.loop;

import io.commandcenter.models.features.TelemetryFeatures;
import io.commandcenter.models.features.TimeAxis;
import io.commandcenter.models.synthetic.LabelledSeries;
import io.commandcenter.models.train.bootstrap.CorpusEntry;
import io.commandcenter.models.train.bootstrap.ServiceHealthTraining.Replayed;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/** A slice keeps each row's own time: the onset calibration reads the times beside the features. */
class RetrainerSliceTest {

    @Test
    void aSlice_cutsTheScoredSeriesToTheSameRows_soEveryRowKeepsItsTime() {
        int n = 50;
        int nf = TelemetryFeatures.SCHEMA.size();
        long[] times = LongStream.range(0, n).map(i -> 1_700_000_000_000L + i * 60_000).toArray();
        boolean[] labels = new boolean[n];
        labels[45] = true;
        float[] features = new float[n * nf];
        for (int i = 0; i < n; i++) {
            features[i * nf] = i;
        }
        LabelledSeries shape = new LabelledSeries("s", List.of("health"), TimeAxis.EPOCH_MILLIS, times, new double[n],
                labels, List.of());
        Replayed r = new Replayed(new CorpusEntry("s", "project", null, shape), new float[0], 0, features, labels);

        Retrainer.Split split = new Retrainer().split(DataSnapshot.of(List.of(r), 0, "test"));

        Replayed holdout = split.holdout().get(0);
        assertThat(holdout.labels()).hasSize(10);
        assertThat(holdout.entry().scored().times()).containsExactly(LongStream.range(40, 50)
                .map(i -> times[(int) i]).toArray());
        assertThat(holdout.entry().scored().labels()).containsExactly(holdout.labels());
        assertThat(holdout.features()[0]).as("row 40's features beside row 40's time").isEqualTo(40f);
        assertThat(split.validation().get(0).entry().scored().times()[0]).isEqualTo(times[30]);
    }

    @Test
    void perBlock_theHoldoutIsTheLastPartOfEveryBlock_andEveryRowIsInExactlyOnePart() {
        int n = 100;
        int nf = TelemetryFeatures.SCHEMA.size();
        long[] times = LongStream.range(0, n).map(i -> 1_700_000_000_000L + i * 60_000).toArray();
        boolean[] labels = new boolean[n];
        labels[45] = true; // in the first half's last fifth: a whole-window holdout (rows 80-99) misses it
        float[] features = new float[n * nf];
        for (int i = 0; i < n; i++) {
            features[i * nf] = i;
        }
        LabelledSeries shape = new LabelledSeries("s", List.of("health"), TimeAxis.EPOCH_MILLIS, times, new double[n],
                labels, List.of());
        Replayed r = new Replayed(new CorpusEntry("s", "project", null, shape), new float[] {7f}, 1, features, labels);
        DataSnapshot snapshot = DataSnapshot.of(List.of(r), 0, "test");

        Retrainer.Split whole = new Retrainer().split(snapshot);
        Retrainer.Split blocks = new Retrainer().withBlocks(2).split(snapshot);

        assertThat(whole.holdout().get(0).labels()).doesNotContain(true);
        assertThat(blocks.holdout()).hasSize(2);
        assertThat(blocks.holdout().stream().map(h -> (int) h.features()[0]).toList())
                .as("each holdout starts at its block's last fifth").containsExactly(40, 90);
        assertThat(blocks.holdout().get(0).labels()).as("the first block's holdout holds the incident").contains(true);
        assertThat(blocks.train().stream().map(t -> (int) t.features()[0]).toList()).containsExactly(0, 50);
        assertThat(blocks.validation().stream().map(v -> (int) v.features()[0]).toList()).containsExactly(30, 80);
        assertThat(blocks.train().get(0).historyRows()).as("the normal history once, with the first block").isEqualTo(1);
        assertThat(blocks.train().get(1).historyRows()).isZero();
        boolean[] seen = new boolean[n];
        for (List<Replayed> part : List.of(blocks.train(), blocks.validation(), blocks.holdout())) {
            for (Replayed p : part) {
                long[] t = p.entry().scored().times();
                for (int i = 0; i < p.labels().length; i++) {
                    int row = (int) p.features()[i * nf];
                    assertThat(seen[row]).as("row %d in one part only", row).isFalse();
                    seen[row] = true;
                    assertThat(t[i]).as("row %d keeps its time", row).isEqualTo(times[row]);
                }
            }
        }
        assertThat(seen).doesNotContain(false);
    }

    @Test
    void perBlock_aShortSeriesStaysOneBlock_andBlocksBelowOneAreRefused() {
        int n = 30;
        int nf = TelemetryFeatures.SCHEMA.size();
        long[] times = LongStream.range(0, n).map(i -> 1_700_000_000_000L + i * 60_000).toArray();
        LabelledSeries shape = new LabelledSeries("s", List.of("health"), TimeAxis.EPOCH_MILLIS, times, new double[n],
                new boolean[n], List.of());
        Replayed r = new Replayed(new CorpusEntry("s", "project", null, shape), new float[0], 0, new float[n * nf],
                new boolean[n]);

        Retrainer.Split split = new Retrainer().withBlocks(5).split(DataSnapshot.of(List.of(r), 0, "test"));

        assertThat(split.holdout()).hasSize(1);
        assertThat(split.holdout().get(0).labels()).hasSize(6);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Retrainer().withBlocks(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blocks");
    }

    @Test
    void forwardSplit_fitsOnEveryRowBeforeTheHoldout_andJudgesOnTheMostRecentRows() {
        int n = 100;
        int nf = TelemetryFeatures.SCHEMA.size();
        long[] times = LongStream.range(0, n).map(i -> 1_700_000_000_000L + i * 60_000).toArray();
        float[] features = new float[n * nf];
        for (int i = 0; i < n; i++) {
            features[i * nf] = i;
        }
        LabelledSeries shape = new LabelledSeries("s", List.of("health"), TimeAxis.EPOCH_MILLIS, times, new double[n],
                new boolean[n], List.of());
        Replayed r = new Replayed(new CorpusEntry("s", "project", null, shape), new float[] {7f}, 1, features,
                new boolean[n]);
        Replayed one = new Replayed(new CorpusEntry("one", "project", null, null), new float[0], 0, new float[nf],
                new boolean[1]);

        Retrainer.Split split = Retrainer.forwardSplit(DataSnapshot.of(List.of(r, one), 0, "test"), 0.25);

        assertThat(split.validation()).isEmpty();
        Replayed fit = split.train().get(0);
        Replayed holdout = split.holdout().get(0);
        assertThat(fit.labels()).as("rows 0-74: every row before the holdout").hasSize(75);
        assertThat(holdout.labels()).as("rows 75-99: the most recent quarter").hasSize(25);
        assertThat(fit.features()[0]).isZero();
        assertThat(fit.features()[74 * nf]).isEqualTo(74f);
        assertThat(holdout.features()[0]).isEqualTo(75f);
        assertThat(holdout.entry().scored().times()[0]).as("holdout rows keep their times").isEqualTo(times[75]);
        assertThat(fit.historyRows()).as("the history goes with the fit").isEqualTo(1);
        assertThat(holdout.historyRows()).isZero();
        assertThat(split.train().get(1).labels()).as("a one-row series is all holdout").isEmpty();
        assertThat(split.holdout().get(1).labels()).hasSize(1);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Retrainer.forwardSplit(DataSnapshot.of(List.of(r), 0,
                "test"), 1.0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("holdoutFraction");
    }

    @Test
    void theTails_areExactlyTheLastHoldoutSliceOfEachSplit_soTheirMinimumIsInBothHoldouts() {
        int nf = TelemetryFeatures.SCHEMA.size();
        for (int n : new int[] {2, 7, 50, 99, 100, 1001, 2880}) {
            long[] times = LongStream.range(0, n).map(i -> 1_700_000_000_000L + i * 60_000).toArray();
            boolean[] labels = new boolean[n];
            LabelledSeries shape = new LabelledSeries("s", List.of("health"), TimeAxis.EPOCH_MILLIS, times,
                    new double[n], labels, List.of());
            Replayed r = new Replayed(new CorpusEntry("s", "project", null, shape), new float[0], 0,
                    new float[n * nf], labels);
            DataSnapshot snapshot = DataSnapshot.of(List.of(r), 0, "test");
            for (int blocks : new int[] {1, 3, 5}) {
                Retrainer retrainer = new Retrainer().withBlocks(blocks);
                List<Replayed> holdout = retrainer.split(snapshot).holdout();
                Replayed last = holdout.get(holdout.size() - 1);
                assertThat(retrainer.holdoutTail(n)).as("n %d, %d blocks", n, blocks).isEqualTo(last.labels().length);
                if (last.labels().length > 0) {
                    assertThat(last.entry().scored().times()[last.labels().length - 1]).isEqualTo(times[n - 1]);
                }
            }
            for (double f : new double[] {0.1, 0.3, 0.5}) {
                assertThat(Retrainer.forwardTail(n, f)).as("n %d, forward %.1f", n, f)
                        .isEqualTo(Retrainer.forwardSplit(snapshot, f).holdout().get(0).labels().length);
            }
        }
    }
}
