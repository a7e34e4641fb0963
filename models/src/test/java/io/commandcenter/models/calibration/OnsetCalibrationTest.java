package io.commandcenter.models.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OnsetCalibrationTest {

    static final OnsetCalibration C = new OnsetCalibration(3, 1.0);
    static final double BELOW = Math.nextDown(0.5);

    @Test
    void anAlarm_isReportedOnce_andTheRowsAfterItAreHeldJustBelowTheThreshold() {
        double[] p = {0.1, 0.7, 0.8, 0.6, 0.2, 0.7, 0.7};
        double[] r = C.apply(p, 0.5);
        assertThat(r[0]).isEqualTo(0.1);
        assertThat(r[1]).isEqualTo(0.7);    // the alarm
        assertThat(r[2]).isEqualTo(BELOW);  // 0.8 is not 1 log-odds above 0.7
        assertThat(r[3]).isEqualTo(BELOW);
        assertThat(r[4]).isEqualTo(0.2);    // third and last row of the window: below the threshold anyway
        assertThat(r[5]).isEqualTo(0.7);    // window over: a new alarm
        assertThat(r[6]).isEqualTo(BELOW);
    }

    @Test
    void aRowClearlyStrongerThanTheAlarm_isNewEvidence_andRestartsTheWindow() {
        OnsetCalibration.State s = C.newState(0.5);
        assertThat(s.next(0.6)).isEqualTo(0.6);
        assertThat(s.refractory()).isTrue();
        // logit(0.6) = 0.405; 0.85 has logit 1.73 > 0.405 + 1
        assertThat(s.next(0.85)).isEqualTo(0.85);
        assertThat(s.next(0.9)).isEqualTo(BELOW);  // logit 2.20 < 1.73 + 1
        assertThat(s.next(0.3)).isEqualTo(0.3);
        assertThat(s.next(0.6)).isEqualTo(BELOW);
        assertThat(s.refractory()).isFalse();
        assertThat(s.next(0.6)).isEqualTo(0.6);
    }

    @Test
    void withoutAnAlarm_andWithNone_theRiskIsTheProbability() {
        double[] p = {0.1, 0.2, 0.49, 0.3};
        assertThat(C.apply(p, 0.5)).containsExactly(p);
        double[] high = {0.9, 0.95, 0.2};
        assertThat(OnsetCalibration.NONE.apply(high, 0.5)).containsExactly(high);
        assertThat(OnsetCalibration.NONE.isNone()).isTrue();
    }

    @Test
    void badParameters_areRefused() {
        assertThatThrownBy(() -> new OnsetCalibration(-1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OnsetCalibration(10, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OnsetCalibration(10, Double.POSITIVE_INFINITY)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> C.newState(1.0)).isInstanceOf(IllegalArgumentException.class);
    }
}
