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
}
