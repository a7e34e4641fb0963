package io.commandcenter.models.train.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import io.commandcenter.models.synthetic.SyntheticTelemetry;
import io.commandcenter.models.train.LogisticTrainer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceHealthTrainingTest {

    @Test
    void aSmallSyntheticCorpus_trainsAModelThatWarnsBetterThanSilence_onSeriesItNeverSaw() {
        SyntheticTelemetry gen = new SyntheticTelemetry(11);
        List<ServiceHealthTraining.Replayed> corpus = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String group = i < 20 ? "train" : "validation";
            corpus.add(ServiceHealthTraining.replay(new CorpusEntry("s" + i, group, null, gen.series("s" + i, 1500, 1 + i % 3, 2))));
        }
        ServiceHealthTraining.Outcome o = new ServiceHealthTraining(new LogisticTrainer(3, 0.05, 1)).train(corpus);
        SyntheticTelemetry unseen = new SyntheticTelemetry(99);
        double raw = 0;
        int windows = 0;
        for (int i = 0; i < 10; i++) {
            ServiceHealthTraining.Replayed r = ServiceHealthTraining.replay(new CorpusEntry("u" + i, "test", null, unseen.series("u" + i, 1500, 1, 2)));
            ServiceHealthTraining.SeriesReport rep = ServiceHealthTraining.evaluate(o.model(), r, o.threshold());
            raw += rep.rawEarlyWarning();
            windows += rep.incidents();
        }
        double score = io.commandcenter.models.eval.Evaluation.normalise(raw, windows,
                io.commandcenter.models.eval.EarlyWarningProfile.STANDARD);
        assertThat(score).isGreaterThan(20.0);
        assertThat(o.calibration()).hasSize(10);
        assertThat(o.threshold()).isBetween(0.05, 0.95);
    }

    @Test
    void theTrainingRows_andTheThresholdRule_areReachableForOtherModelFamilies_andAreExactlyWhatTheLogisticModelGot() {
        SyntheticTelemetry gen = new SyntheticTelemetry(12);
        List<ServiceHealthTraining.Replayed> corpus = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String group = i < 8 ? "train" : "validation";
            corpus.add(ServiceHealthTraining.replay(new CorpusEntry("s" + i, group, null, gen.series("s" + i, 1200, 1 + i % 3, 2))));
        }
        ServiceHealthTraining.Outcome o = new ServiceHealthTraining(new LogisticTrainer(2, 0.05, 5)).train(corpus);
        io.commandcenter.models.train.TrainingData d = ServiceHealthTraining.trainingData(
                io.commandcenter.models.features.TelemetryFeatures.SCHEMA, 5, corpus, r -> 1.0);
        assertThat(d.sha256()).isEqualTo(o.data().sha256());
        // another seed samples other negatives; a weight per entry scales its rows
        assertThat(ServiceHealthTraining.trainingData(io.commandcenter.models.features.TelemetryFeatures.SCHEMA, 6, corpus, r -> 1.0).sha256())
                .isNotEqualTo(d.sha256());
        io.commandcenter.models.train.TrainingData twice = ServiceHealthTraining.trainingData(
                io.commandcenter.models.features.TelemetryFeatures.SCHEMA, 5, corpus, r -> 2.0);
        assertThat(twice.rows()).isEqualTo(d.rows());
        assertThat(twice.weights()[0]).isEqualTo(2 * d.weights()[0]);
        List<ServiceHealthTraining.Replayed> val = corpus.stream().filter(r -> r.entry().group().equals("validation")).toList();
        List<double[]> probs = val.stream().map(r -> ServiceHealthTraining.probability(o.model(), r)).toList();
        assertThat(ServiceHealthTraining.chooseThreshold(val, probs)).isEqualTo(o.threshold());
    }

    @Test
    void theRowRule_keepsAnIncidentsFirstRowsByOnsetWeight_leavesOutLateIncidentRowsAndTheRowsRightAfterAnEnd_andDrawsOncePerCandidateNormal() {
        // 2 features a row; 10 history rows, then 5 normal, a 40-row incident, 30 normal
        int stride = 2;
        int n = 75;
        boolean[] labels = new boolean[n];
        float[] f = new float[n * stride];
        for (int i = 0; i < n; i++) {
            labels[i] = i >= 5 && i < 45;
            f[i * stride] = i;
        }
        float[] hist = new float[10 * stride];
        ServiceHealthTraining.Replayed r = new ServiceHealthTraining.Replayed(new CorpusEntry("x", "train", null, null), hist, 10, f, labels);
        List<Integer> incidentRows = new ArrayList<>();
        List<Double> incidentWeights = new ArrayList<>();
        List<Integer> normalRows = new ArrayList<>();
        int[] history = new int[1];
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(4);
        ServiceHealthTraining.trainingRows(r, stride, rnd, (features, offset, y, w) -> {
            if (features == hist) {
                assertThat(y).isFalse();
                assertThat(w).isEqualTo(100.0 / ServiceHealthTraining.NEGATIVE_KEEP_PERCENT);
                history[0]++;
            } else if (y) {
                incidentRows.add(offset / stride);
                incidentWeights.add(w);
            } else {
                normalRows.add(offset / stride);
                assertThat(w).isEqualTo(100.0 / ServiceHealthTraining.NEGATIVE_KEEP_PERCENT);
            }
        });
        // incident rows 5 … 40 (the first MAX_INCIDENT_ROWS = 36), weight min(1, 6 / rows since onset)
        assertThat(incidentRows).containsExactlyElementsOf(java.util.stream.IntStream.range(5, 41).boxed().toList());
        assertThat(incidentWeights.get(5)).isEqualTo(1.0);
        assertThat(incidentWeights.get(6)).isEqualTo(6 / 7.0);
        assertThat(incidentWeights.get(35)).isEqualTo(6 / 36.0);
        // no normal row of the 12 after the end (45 … 56)
        assertThat(normalRows).allMatch(i -> i < 5 || i >= 57);
        // exactly one draw per history row and per candidate normal row (5 before, 18 from row 57): same stream position
        java.util.SplittableRandom expected = new java.util.SplittableRandom(4);
        int kept = 0;
        for (int d = 0; d < 10 + 5 + 18; d++) {
            kept += expected.nextInt(100) < ServiceHealthTraining.NEGATIVE_KEEP_PERCENT ? 1 : 0;
        }
        assertThat(history[0] + normalRows.size()).isEqualTo(kept);
        assertThat(rnd.nextLong()).isEqualTo(expected.nextLong());
    }
}
