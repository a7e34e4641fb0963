package io.commandcenter.hub.learning;

import io.commandcenter.models.features.TimeAxis;
import io.commandcenter.models.synthetic.LabelledSeries;
import io.commandcenter.models.train.bootstrap.CorpusEntry;
import io.commandcenter.models.train.bootstrap.ServiceHealthTraining.Replayed;
import io.commandcenter.models.train.loop.DataSnapshot;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The shadow's would-be predictions against the champion's real ones, judged on the period's labels. */
class ShadowVerdictTest {
    static final Instant T0 = Instant.parse("2026-12-06T00:00:00Z");

    /** One service, one row a minute for {@code rows} minutes, incident rows [from, to). */
    static DataSnapshot period(int rows, int[]... incidents) {
        long[] times = new long[rows];
        boolean[] labels = new boolean[rows];
        for (int i = 0; i < rows; i++) {
            times[i] = T0.plusSeconds(60L * i).toEpochMilli();
            for (int[] inc : incidents) {
                labels[i] |= i >= inc[0] && i < inc[1];
            }
        }
        LabelledSeries shape = new LabelledSeries("service:a", List.of("health"), TimeAxis.EPOCH_MILLIS, times,
                new double[rows], labels, List.of());
        return DataSnapshot.of(List.of(new Replayed(new CorpusEntry("service:a", "project", null, shape), new float[0],
                0, new float[rows * 0], labels)), 0, "test");
    }

    static ShadowVerdict.Alarm at(int minute) {
        return new ShadowVerdict.Alarm("service:a", T0.plusSeconds(60L * minute));
    }

    @Test
    void aShadowThatMissesWhatTheChampionCaught_disagrees_andSaysWhy() {
        DataSnapshot p = period(120, new int[]{30, 50}, new int[]{80, 100});
        // the champion caught both (one 5 rows early: inside the 12-row horizon); the shadow one, plus a false alarm
        ShadowVerdict.Result r = ShadowVerdict.judge(p, List.of(at(25), at(85)), List.of(at(40), at(110)), 0.02);
        assertThat(r.champion().caught()).isEqualTo(2);
        assertThat(r.champion().f1()).isEqualTo(1.0);
        assertThat(r.shadow().caught()).isEqualTo(1);
        assertThat(r.shadow().falseAlarms()).isEqualTo(1);
        assertThat(r.agree()).isFalse();
        assertThat(r.reason()).startsWith("shadow worse over the period").contains("1 of 2 incidents caught")
                .contains("2 of 2 incidents caught");
    }

    @Test
    void aShadowAsGoodOrBetter_agrees_andAnAlarmTooEarlyIsFalse() {
        DataSnapshot p = period(120, new int[]{30, 50});
        ShadowVerdict.Result r = ShadowVerdict.judge(p, List.of(at(10), at(45)), List.of(at(20)), 0.02);
        assertThat(r.champion().falseAlarms()).as("20 rows before the incident: outside the horizon").isEqualTo(1);
        assertThat(r.shadow().caught()).as("10 rows before the incident: inside the horizon").isEqualTo(1);
        assertThat(r.shadow().f1()).isGreaterThan(r.champion().f1());
        assertThat(r.agree()).isTrue();
    }

    @Test
    void withoutIncidents_theShadowMayNotRaiseMoreFalseAlarms() {
        DataSnapshot quiet = period(60);
        assertThat(ShadowVerdict.judge(quiet, List.of(), List.of(), 0.02).agree()).isTrue();
        assertThat(ShadowVerdict.judge(quiet, List.of(at(5)), List.of(at(7)), 0.02).agree()).isTrue();
        ShadowVerdict.Result r = ShadowVerdict.judge(quiet, List.of(), List.of(at(7)), 0.02);
        assertThat(r.agree()).isFalse();
        assertThat(r.reason()).startsWith("no incident in the period and more false alarms in shadow");
    }

    @Test
    void copiesOfOneAlarm_fromHubsThatScoredTheSameSample_countOnce() {
        DataSnapshot p = period(120, new int[]{30, 50});
        // two hubs each stored the shadow's catch at minute 40 and its false alarm at minute 100
        ShadowVerdict.Tally twice = ShadowVerdict.tally(p, List.of(at(40), at(40), at(100), at(100)));
        assertThat(twice.alarms()).isEqualTo(2);
        assertThat(twice.falseAlarms()).isEqualTo(1);
        assertThat(twice.caught()).isEqualTo(1);
        assertThat(twice).isEqualTo(ShadowVerdict.tally(p, List.of(at(40), at(100))));
        // with no incident, the champion's one false alarm against the shadow's one (stored by two hubs): as many
        DataSnapshot quiet = period(60);
        ShadowVerdict.Result r = ShadowVerdict.judge(quiet, List.of(at(5)), List.of(at(7), at(7)), 0.02);
        assertThat(r.shadow().falseAlarms()).isEqualTo(1);
        assertThat(r.agree()).isTrue();
        // an alarm of another entity, or at another time, is another alarm
        assertThat(ShadowVerdict.tally(quiet, List.of(at(7), at(8), new ShadowVerdict.Alarm("service:b",
                at(7).at()))).alarms()).isEqualTo(3);
    }
}
