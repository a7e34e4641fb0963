package io.commandcenter.models.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OnsetCalibrationTest {

    static final OnsetCalibration C = new OnsetCalibration(3, 1.0);
    static final double BELOW = OnsetCalibration.heldRisk(0.5);

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
    void aHeldRow_staysBelowTheThreshold_onceWrittenWithSixDecimals() {
        // the output CSVs of cc backtest / cc eval carry six decimals, and evaluations read them back: a row held
        // at nextDown(θ) would be written as θ itself and count as an alarm
        for (double th : new double[] {0.41, 0.5, 0.123456, 0.9999995, 0.0000015}) {
            double held = OnsetCalibration.heldRisk(th);
            assertThat(held).isLessThan(th).isGreaterThanOrEqualTo(th - 1.0000001e-6);
            double written = Double.parseDouble(String.format(java.util.Locale.ROOT, "%.6f", held));
            assertThat(written).as("threshold %s", th).isLessThan(th);
        }
        OnsetCalibration.State s = new OnsetCalibration(5, 1.0).newState(0.41);
        s.next(0.6);
        assertThat(String.format(java.util.Locale.ROOT, "%.6f", s.next(0.55))).isEqualTo("0.409999");
    }

    static final long DAY = 86_400_000L;
    static final long FIVE_MINUTES = 300_000L;

    /** Three days of 5-minute rows at p = 0.05, with {@code peak} at 10:00 on each day listed. */
    static double[] risksOfDays(OnsetCalibration c, double[] peakPerDay) {
        OnsetCalibration.State s = c.newState(0.5, io.commandcenter.models.features.TimeAxis.EPOCH_MILLIS);
        double[] atTen = new double[peakPerDay.length];
        for (int d = 0; d < peakPerDay.length; d++) {
            for (long t = 0; t < DAY; t += FIVE_MINUTES) {
                boolean ten = t == 10 * 3_600_000L;
                double r = s.next(ten ? peakPerDay[d] : 0.05, 1_700_006_400_000L + d * DAY + t);
                if (ten) {
                    atTen[d] = r;
                } else {
                    assertThat(r).isEqualTo(0.05);
                }
            }
        }
        return atTen;
    }

    @Test
    void dailyRecurrence_aPeakAtTheSameHourOnTheTwoPreviousDays_isHeldOnTheThird_unlessStronger() {
        OnsetCalibration c = new OnsetCalibration(3, 1.0, 6);
        // day 1: an alarm; day 2: the same hour again — an incident that recurs the next day still alarms;
        // day 3: seen on each of the two previous days, it is this entity's daily pattern
        assertThat(risksOfDays(c, new double[] {0.9, 0.9, 0.9, 0.9})).containsExactly(0.9, 0.9, BELOW, BELOW);
        // stronger than anything at that hour before: a new alarm
        assertThat(risksOfDays(c, new double[] {0.9, 0.9, 0.99})).containsExactly(0.9, 0.9, 0.99);
        // a day without the peak breaks the pattern: the two previous days must both have had it
        assertThat(risksOfDays(c, new double[] {0.9, 0.05, 0.9})).containsExactly(0.9, 0.05, 0.9);
    }

    @Test
    void dailyRecurrence_withAMargin_holdsAPatternThatComesBackALittleStronger_notOneClearlyStronger() {
        // logit 0.91 - logit 0.90 = 0.117 log-odds; logit 0.93 - logit 0.90 = 0.390
        OnsetCalibration exact = new OnsetCalibration(3, 1.0, 6);
        OnsetCalibration margin = new OnsetCalibration(3, 1.0, 6, 0.2);
        assertThat(risksOfDays(exact, new double[] {0.9, 0.9, 0.91})).containsExactly(0.9, 0.9, 0.91);
        assertThat(risksOfDays(margin, new double[] {0.9, 0.9, 0.91})).containsExactly(0.9, 0.9, BELOW);
        assertThat(risksOfDays(margin, new double[] {0.9, 0.9, 0.93})).containsExactly(0.9, 0.9, 0.93);
        // the margin changes nothing before the pattern is learnt, nor without times
        assertThat(risksOfDays(margin, new double[] {0.9, 0.91})).containsExactly(0.9, 0.91);
        double[] p = {0.1, 0.7, 0.8, 0.6, 0.2, 0.7, 0.7, 0.95, 0.1};
        assertThat(margin.apply(p, 0.5)).containsExactly(exact.apply(p, 0.5));
    }

    @Test
    void quietBonus_ranksTheAlarmOfAnEntityThatHardlyAlarms_aboveOneThatAlarmsOften() {
        // no refractory window, no recurrence: only the bonus; kappa 1 log-odds, gone at 2 alarms, decay 7 days
        OnsetCalibration q = new OnsetCalibration(0, 1.0, 0, 0.0, 1.0, 2.0, 7.0);
        OnsetCalibration.State s = q.newState(0.5, io.commandcenter.models.features.TimeAxis.EPOCH_MILLIS);
        long t0 = 1_700_006_400_000L;
        double first = s.next(0.7, t0);
        // logit 0.7 = 0.847; + 1 (no alarm yet) = 1.847 -> 0.8638
        assertThat(first).isCloseTo(1 / (1 + Math.exp(-(Math.log(0.7 / 0.3) + 1.0))), org.assertj.core.data.Offset.offset(1e-12));
        // one alarm a minute ago: half the bonus
        double second = s.next(0.7, t0 + 60_000L);
        assertThat(logit(second) - logit(0.7)).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-4));
        // two alarms: no bonus left; a row below the threshold is never changed, whatever the count
        assertThat(s.next(0.7, t0 + 120_000L)).isCloseTo(0.7, org.assertj.core.data.Offset.offset(1e-4));
        assertThat(s.next(0.45, t0 + 180_000L)).isEqualTo(0.45);
        // four weeks later (four time constants) the count has decayed to 3 e^-4 = 0.055: nearly the whole bonus again
        double later = s.next(0.7, t0 + 28 * DAY);
        assertThat(logit(later) - logit(0.7)).isCloseTo(1.0 - 3 * Math.exp(-4) / 2, org.assertj.core.data.Offset.offset(1e-3));
        // without times, and with a bonus of 0, the rule is the one before it
        assertThat(q.apply(new double[] {0.7, 0.7}, 0.5)).containsExactly(0.7, 0.7);
        double[] p = {0.1, 0.7, 0.8, 0.6, 0.2, 0.7, 0.7, 0.95, 0.1};
        long[] t = new long[p.length];
        for (int i = 0; i < t.length; i++) {
            t[i] = t0 + i * FIVE_MINUTES;
        }
        OnsetCalibration without = new OnsetCalibration(3, 1.0, 6, 0.3);
        assertThat(new OnsetCalibration(3, 1.0, 6, 0.3, 0.0, 0.0, 0.0).apply(p, 0.5, t, io.commandcenter.models.features.TimeAxis.EPOCH_MILLIS))
                .containsExactly(without.apply(p, 0.5, t, io.commandcenter.models.features.TimeAxis.EPOCH_MILLIS));
        // every decision at the threshold is the same with the bonus: only rows already above it move up
        double[] with = new OnsetCalibration(3, 1.0, 6, 0.3, 1.0, 2.0, 7.0).apply(p, 0.5, t, io.commandcenter.models.features.TimeAxis.EPOCH_MILLIS);
        double[] base = without.apply(p, 0.5, t, io.commandcenter.models.features.TimeAxis.EPOCH_MILLIS);
        for (int i = 0; i < p.length; i++) {
            assertThat(with[i] >= 0.5).as("row %d", i).isEqualTo(base[i] >= 0.5);
            assertThat(with[i]).isGreaterThanOrEqualTo(base[i]);
        }
    }

    @Test
    void noveltyDiscount_lowersTheOrdinaryAlarmsOfAnEntityThatAlarmsOften_neverBelowTheThreshold() {
        // no refractory window, no recurrence, no bonus: only the discount; kappa 1 log-odds, full at 2 alarms, decay 7 days
        OnsetCalibration d = new OnsetCalibration(0, 1.0, 0, 0.0, 0.0, 0.0, 7.0, 1.0, 2.0);
        OnsetCalibration.State s = d.newState(0.5, io.commandcenter.models.features.TimeAxis.EPOCH_MILLIS);
        long t0 = 1_700_006_400_000L;
        // the first alarm: no alarm counted yet, nothing discounted whatever the novelty
        assertThat(s.next(0.9, t0, 0.0)).isCloseTo(0.9, org.assertj.core.data.Offset.offset(1e-12));
        // one alarm counted (half the discount), a value inside every previous day's range (novelty 0): 0.5 log-odds less
        double second = s.next(0.9, t0 + 60_000L, 0.0);
        assertThat(logit(0.9) - logit(second)).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-4));
        // two alarms: the whole discount on an ordinary value, a quarter of it when the value passes 3 of 4 previous days,
        // none on a new extreme (novelty 1) or without a novelty (NaN)
        assertThat(logit(0.9) - logit(s.next(0.9, t0 + 120_000L, 0.0))).isCloseTo(1.0, org.assertj.core.data.Offset.offset(2e-3));
        assertThat(logit(0.9) - logit(s.next(0.9, t0 + 180_000L, 0.75))).isCloseTo(0.25, org.assertj.core.data.Offset.offset(2e-3));
        assertThat(s.next(0.9, t0 + 240_000L, 1.0)).isCloseTo(0.9, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(s.next(0.9, t0 + 300_000L, Double.NaN)).isCloseTo(0.9, org.assertj.core.data.Offset.offset(1e-12));
        // an alarm just above the threshold stays an alarm (floored at it); rows below it are never changed
        assertThat(s.next(0.55, t0 + 360_000L, 0.0)).isEqualTo(0.5);
        assertThat(s.next(0.45, t0 + 420_000L, 0.0)).isEqualTo(0.45);
        // with the whole rule and the bonus: every decision at the threshold is the one without the discount, and no row
        // is reported higher
        double[] p = {0.1, 0.7, 0.8, 0.6, 0.2, 0.7, 0.7, 0.95, 0.1, 0.97, 0.6, 0.99};
        double[] nov = {1, 1, 0, 0, 0, 0, 0.5, 0, 1, 0, 0, 0.2};
        long[] t = new long[p.length];
        for (int i = 0; i < t.length; i++) {
            t[i] = t0 + i * FIVE_MINUTES;
        }
        OnsetCalibration bonus = new OnsetCalibration(3, 1.0, 6, 0.3, 1.0, 2.0, 7.0);
        OnsetCalibration both = new OnsetCalibration(3, 1.0, 6, 0.3, 1.0, 2.0, 7.0, 2.0, 2.0);
        double[] base = bonus.apply(p, 0.5, t, io.commandcenter.models.features.TimeAxis.EPOCH_MILLIS);
        double[] with = both.apply(p, 0.5, t, io.commandcenter.models.features.TimeAxis.EPOCH_MILLIS, nov);
        boolean lowered = false;
        for (int i = 0; i < p.length; i++) {
            assertThat(with[i] >= 0.5).as("row %d", i).isEqualTo(base[i] >= 0.5);
            assertThat(with[i]).as("row %d", i).isLessThanOrEqualTo(base[i]);
            lowered |= with[i] < base[i];
        }
        assertThat(lowered).isTrue();
        // without novelties (NaN) or with a discount of 0 the rule is 2.3.0's to the bit
        double[] unknown = new double[p.length];
        java.util.Arrays.fill(unknown, Double.NaN);
        assertThat(both.apply(p, 0.5, t, io.commandcenter.models.features.TimeAxis.EPOCH_MILLIS, unknown)).containsExactly(base);
        assertThat(bonus.apply(p, 0.5, t, io.commandcenter.models.features.TimeAxis.EPOCH_MILLIS, nov)).containsExactly(base);
        assertThat(new OnsetCalibration(0, 0.0, 0, 0.0, 0.0, 0.0, 7.0, 1.0, 2.0).isNone()).isFalse();
    }

    @Test
    void oneBurstOneAlarm_anAlarmOnTheRowRightAfterAnAlarmRow_isReportedAtTheThreshold_theDecisionsUnchanged() {
        // margin 1 log-odds: 0.6 (logit 0.41) then 0.9 (logit 2.20) alarms twice under the onset rule alone
        OnsetCalibration rule = new OnsetCalibration(3, 1.0);
        OnsetCalibration burst = new OnsetCalibration(3, 1.0, 0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1);
        assertThat(burst.isNone()).isFalse();
        double[] p = {0.1, 0.6, 0.9, 0.99, 0.2, 0.1, 0.1, 0.1, 0.7, 0.2, 0.97, 0.1};
        double[] base = rule.apply(p, 0.5);
        double[] r = burst.apply(p, 0.5);
        assertThat(base[2]).isEqualTo(0.9);
        assertThat(base[3]).isEqualTo(0.99);
        // the escalation on the next row, and the one after it (a chain of alarm rows is one burst), at the threshold
        assertThat(r[1]).isEqualTo(0.6);
        assertThat(r[2]).isEqualTo(0.5);
        assertThat(r[3]).isEqualTo(0.5);
        // an alarm two rows after the last alarm row is not the same burst: reported as it is
        assertThat(base[8]).isEqualTo(0.7);
        assertThat(r[8]).isEqualTo(0.7);
        assertThat(base[10]).isEqualTo(0.97);
        assertThat(r[10]).isEqualTo(0.97);
        for (int i = 0; i < p.length; i++) {
            assertThat(r[i] >= 0.5).as("row %d", i).isEqualTo(base[i] >= 0.5);
            assertThat(r[i]).as("row %d", i).isLessThanOrEqualTo(base[i]);
        }
        // two rows: the alarm at row 10 follows row 8's alarm by two rows and joins its burst
        double[] two = new OnsetCalibration(3, 1.0, 0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 2).apply(p, 0.5);
        assertThat(two[10]).isEqualTo(0.5);
        // a held row between alarms counts as a row without an alarm
        OnsetCalibration.State s = burst.newState(0.5);
        assertThat(s.next(0.6)).isEqualTo(0.6);
        assertThat(s.next(0.65)).isEqualTo(BELOW);
        assertThat(s.next(0.95)).isEqualTo(0.95);
        // with 0 rows the rule is 2.4.0's to the bit
        assertThat(new OnsetCalibration(3, 1.0, 0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0).apply(p, 0.5)).containsExactly(base);
        assertThatThrownBy(() -> new OnsetCalibration(3, 1.0, 0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void oneBurstOneAlarm_comesAfterTheBonusAndTheDiscount_andTheAlarmStillCounts() {
        long t0 = 1_700_006_400_000L;
        double[] p = {0.1, 0.6, 0.95, 0.1, 0.1, 0.1, 0.1, 0.1, 0.9};
        double[] nov = {0, 0, 0, 0, 0, 0, 0, 0, 0};
        long[] t = new long[p.length];
        for (int i = 0; i < t.length; i++) {
            t[i] = t0 + i * FIVE_MINUTES;
        }
        OnsetCalibration shipped = new OnsetCalibration(3, 1.0, 6, 0.3, 2.0, 5.0, 7.0, 0.75, 10.0);
        OnsetCalibration burst = new OnsetCalibration(3, 1.0, 6, 0.3, 2.0, 5.0, 7.0, 0.75, 10.0, 1);
        double[] base = shipped.apply(p, 0.5, t, io.commandcenter.models.features.TimeAxis.EPOCH_MILLIS, nov);
        double[] r = burst.apply(p, 0.5, t, io.commandcenter.models.features.TimeAxis.EPOCH_MILLIS, nov);
        // the bonus lifted the escalation above its probability; the burst rule reports it at the threshold
        assertThat(base[2]).isGreaterThan(0.95);
        assertThat(r[2]).isEqualTo(0.5);
        // the floored row still counted as an alarm for the bonus: the next alarm gets the same bonus as without the rule
        assertThat(r[8]).isEqualTo(base[8]);
        assertThat(r[1]).isEqualTo(base[1]);
    }

    static double logit(double p) {
        return Math.log(p / (1 - p));
    }

    @Test
    void dailyRecurrence_isOff_withoutTimes_andWithoutTheParameter() {
        OnsetCalibration onsetOnly = new OnsetCalibration(3, 1.0);
        assertThat(risksOfDays(onsetOnly, new double[] {0.9, 0.9, 0.9})).containsExactly(0.9, 0.9, 0.9);
        double[] p = {0.1, 0.7, 0.8, 0.6, 0.2, 0.7, 0.7, 0.95, 0.1};
        assertThat(new OnsetCalibration(3, 1.0, 6).apply(p, 0.5)).containsExactly(onsetOnly.apply(p, 0.5));
        assertThat(new OnsetCalibration(0, 0.0, 6).isNone()).isFalse();
    }

    @Test
    void dailyRecurrence_onStepIndexedRows_takes288RowsForADay() {
        OnsetCalibration c = new OnsetCalibration(3, 1.0, 6);
        double[] p = new double[3 * 288];
        long[] t = new long[p.length];
        java.util.Arrays.fill(p, 0.05);
        for (int i = 0; i < p.length; i++) {
            t[i] = i;
        }
        for (int d = 0; d < 3; d++) {
            p[d * 288 + 100 + d] = 0.9; // the same time of day within a row or two
        }
        double[] r = c.apply(p, 0.5, t, io.commandcenter.models.features.TimeAxis.STEPS);
        assertThat(r[100]).isEqualTo(0.9);
        assertThat(r[288 + 101]).isEqualTo(0.9);
        assertThat(r[576 + 102]).isEqualTo(BELOW);
    }

    @Test
    void badParameters_areRefused() {
        assertThatThrownBy(() -> new OnsetCalibration(-1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OnsetCalibration(10, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OnsetCalibration(10, Double.POSITIVE_INFINITY)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> C.newState(1.0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OnsetCalibration(10, 1, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OnsetCalibration(10, 1, 73)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OnsetCalibration(10, 1, 6, -0.1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OnsetCalibration(10, 1, 6, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OnsetCalibration(10, 1, 6, Double.POSITIVE_INFINITY)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OnsetCalibration(10, 1, 6, 0.3, -1, 2, 7)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OnsetCalibration(10, 1, 6, 0.3, Double.NaN, 2, 7)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OnsetCalibration(10, 1, 6, 0.3, 1, 0, 7)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OnsetCalibration(10, 1, 6, 0.3, 1, 2, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OnsetCalibration(10, 1, 6, 0.3, 1, 2, Double.POSITIVE_INFINITY)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OnsetCalibration(10, 1, 6, 0.3, 1, 2, 7, -1, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OnsetCalibration(10, 1, 6, 0.3, 1, 2, 7, Double.NaN, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OnsetCalibration(10, 1, 6, 0.3, 1, 2, 7, 1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OnsetCalibration(10, 1, 6, 0.3, 0, 0, 0, 1, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new OnsetCalibration(0, 0, 0, 0, 1, 2, 7).isNone()).isFalse();
    }
}
