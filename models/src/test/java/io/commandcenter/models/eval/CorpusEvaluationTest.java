package io.commandcenter.models.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CorpusEvaluationTest {

    static long[] minutes(int n) {
        long[] t = new long[n];
        for (int i = 0; i < n; i++) {
            t[i] = 1_600_000_000_000L + i * 60_000L;
        }
        return t;
    }

    @Test
    void perFileAndOverall_measuresAtTheModelThreshold_andTheNabSweep() {
        double[] a = new double[1440];
        a[400] = 0.9;          // early warning 5 rows before the incident at 405..410 (after NAB's probation)
        a[406] = 0.95;
        a[700] = 0.8;          // a false alarm
        a[701] = 0.8;          // ... the same one
        double[] b = new double[1440];
        b[1000] = 0.4;         // below the threshold: the incident at 1000 is missed at 0.5
        CorpusEvaluation.Run ra = new CorpusEvaluation.Run("c1/a.csv", "c1", minutes(1440), true, a, List.of(new Segment(405, 410)));
        CorpusEvaluation.Run rb = new CorpusEvaluation.Run("c2/b.csv", "c2", minutes(1440), true, b, List.of(new Segment(1000, 1004)));

        CorpusEvaluation.Report r = CorpusEvaluation.evaluate(List.of(ra, rb), 0.5, 12, null);

        CorpusEvaluation.Measures fa = r.files().get(0);
        assertThat(fa.incident()).isEqualTo(new BinaryMetrics(1, 1, 0, 0));
        assertThat(fa.point()).isEqualTo(new BinaryMetrics(1, 3, 5, 1431));
        assertThat(fa.meanLeadRows()).isEqualTo(5.0);
        assertThat(fa.meanLeadMinutes()).isEqualTo(5.0);
        assertThat(fa.days()).isCloseTo(1.0, within(1e-9));
        assertThat(fa.falseAlarmsPerDay()).isCloseTo(1.0, within(1e-9));
        CorpusEvaluation.Measures all = r.overall();
        assertThat(all.incident()).isEqualTo(new BinaryMetrics(1, 1, 1, 0));
        assertThat(all.files()).isEqualTo(2);
        assertThat(r.categories()).extracting(CorpusEvaluation.Measures::name).containsExactly("c1", "c2");
        // NAB: the sweep may go down to 0.4 and catch both
        assertThat(r.nab().threshold()).isEqualTo(0.4);
        assertThat(r.nab().normalised()).isGreaterThan(r.nabAtThreshold().normalised());
        assertThat(all.nabWindowsDetected()).isEqualTo(2);
        assertThat(all.rocAuc()).isBetween(0.5, 1.0);
    }

    @Test
    void stepIndexedFiles_knowTheirSpanOnlyWithAStepDuration() {
        long[] t = new long[288];
        for (int i = 0; i < t.length; i++) {
            t[i] = i;
        }
        CorpusEvaluation.Run r = new CorpusEvaluation.Run("s.csv", "", t, false, new double[288], List.of());
        assertThat(CorpusEvaluation.evaluate(List.of(r), 0.5, 12, null).overall().days()).isNaN();
        assertThat(CorpusEvaluation.evaluate(List.of(r), 0.5, 12, Duration.ofMinutes(5)).overall().days()).isCloseTo(1.0, within(1e-9));
    }
}
