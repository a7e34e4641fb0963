package io.commandcenter.models.synthetic;

import static org.assertj.core.api.Assertions.assertThat;

import io.commandcenter.models.train.TrainingData;
import org.junit.jupiter.api.Test;

class GeneratorsTest {

    @Test
    void telemetry_isReproducibleForASeed_andLabelsItsFaults() {
        LabelledSeries a = new SyntheticTelemetry(5).series("s", 2000, 4, 3);
        LabelledSeries b = new SyntheticTelemetry(5).series("s", 2000, 4, 3);
        assertThat(a.values()).containsExactly(b.values());
        assertThat(a.labels()).containsExactly(b.labels());
        assertThat(a.kinds()).isNotEmpty();
        int labelled = 0;
        for (boolean l : a.labels()) {
            labelled += l ? 1 : 0;
        }
        assertThat(labelled).isPositive();
        for (int i = 0; i < 200; i++) {
            assertThat(a.labels()[i]).as("no fault during warm-up").isFalse();
        }
    }

    @Test
    void healthStreams_carryFaultsInTheirSamples() {
        SyntheticHealth.Stream s = new SyntheticHealth(3).stream("api", 3000);
        assertThat(s.samples()).hasSize(3000);
        boolean anyLabel = false;
        for (boolean l : s.labels()) {
            anyLabel |= l;
        }
        assertThat(anyLabel).isTrue();
        assertThat(s.samples()).allSatisfy(h -> assertThat(h.errors()).isLessThanOrEqualTo(h.requests()));
    }

    @Test
    void complianceAndWorkflowDatasets_haveBothClasses_andAreReproducible() {
        TrainingData c1 = new SyntheticCompliance(1).dataset(5, 100);
        TrainingData c2 = new SyntheticCompliance(1).dataset(5, 100);
        assertThat(c1.sha256()).isEqualTo(c2.sha256());
        assertThat(c1.positives()).isPositive().isLessThan(c1.rows());
        TrainingData w = new SyntheticWorkflows(2).dataset(10, 300);
        assertThat(w.positives()).isPositive().isLessThan(w.rows());
    }
}
