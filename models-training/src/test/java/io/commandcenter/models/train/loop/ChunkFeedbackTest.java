package io.commandcenter.models.train.loop;

import io.commandcenter.models.features.TelemetryFeatures;
import io.commandcenter.models.train.bootstrap.CorpusEntry;
import io.commandcenter.models.train.bootstrap.ServiceHealthTraining.Replayed;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Labels become feedback as the hub would take it, and a snapshot's hash names its data. */
class ChunkFeedbackTest {

    @Test
    void aCaughtIncidentIsConfirmed_aMissedOneDeclared_anAlarmOutsideMarkedFalse() {
        //                 0    1    2    3    4    5    6    7    8    9
        boolean[] truth = {false, true, true, false, false, false, true, true, false, false};
        double[] risk = {0.1, 0.9, 0.2, 0.1, 0.95, 0.1, 0.1, 0.2, 0.1, 0.1};

        ChunkFeedback all = ChunkFeedback.of(risk, 0.5, truth, 0, 10);
        ChunkFeedback tail = ChunkFeedback.of(risk, 0.5, truth, 5, 10);

        assertThat(all.confirmed()).isEqualTo(1);
        assertThat(all.declared()).isEqualTo(1);
        assertThat(all.falseAlarms()).isEqualTo(1);
        assertThat(all.labels()).containsExactly(truth);
        assertThat(all.feedbackRows()).isEqualTo(5); // four incident rows and the false alarm
        assertThat(tail.confirmed()).isZero();
        assertThat(tail.declared()).isEqualTo(1);
        assertThat(tail.falseAlarms()).isZero();
        assertThat(tail.labels()).containsExactly(false, true, true, false, false);
    }

    @Test
    void theSnapshotHash_changesWithOneLabel_andNotWithoutOne() {
        int nf = TelemetryFeatures.SCHEMA.size();
        float[] f = new float[4 * nf];
        f[3] = 1.5f;
        CorpusEntry e = new CorpusEntry("s", "project", null, null);
        DataSnapshot a = DataSnapshot.of(List.of(new Replayed(e, new float[0], 0, f, new boolean[]{false, true, true, false})), 2, "w");
        DataSnapshot same = DataSnapshot.of(List.of(new Replayed(e, new float[0], 0, f.clone(), new boolean[]{false, true, true, false})), 2, "w");
        DataSnapshot other = DataSnapshot.of(List.of(new Replayed(e, new float[0], 0, f, new boolean[]{false, true, false, false})), 2, "w");

        assertThat(a.sha256()).hasSize(64).isEqualTo(same.sha256()).isNotEqualTo(other.sha256());
        assertThat(a.incidents()).isEqualTo(1);
        assertThat(a.incidentRows()).isEqualTo(2);
        assertThat(a.rows()).isEqualTo(4);
    }
}
