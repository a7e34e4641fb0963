package io.commandcenter.models.calibration;

import static org.assertj.core.api.Assertions.assertThat;

import io.commandcenter.models.features.TimeAxis;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Pins the onset calibration's risks and the peak novelty bit for bit over long seeded series: rows a minute apart,
 * irregular gaps with repeated instants and outages, step-indexed rows, several metrics with missing values and bursts,
 * under the shipped service_health calibration (quiet bonus, novelty discount, daily recurrence) and variants. The
 * digests were taken on the code before the session-10 speed-ups (the decay factor kept per gap, the slot kept while
 * rows stay in it, the novelty's short cut for values inside every day's range); a speed-up must leave them unchanged.
 */
class CalibrationPinTest {

    static final OnsetCalibration SHIPPED = new OnsetCalibration(50, 2.5, 6, 0.3, 2.0, 5.0, 7.0, 0.75, 10.0);

    @Test
    void onsetRisks_overLongRandomSeries_areUnchanged() throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        int alarms = 0;
        int held = 0;
        OnsetCalibration[] variants = {SHIPPED, new OnsetCalibration(50, 2.5, 6, 0.3, 2.0, 5.0, 7.0),
            new OnsetCalibration(20, 1.0, 3, 0.0, 0.0, 0.0, 3.0, 1.5, 4.0), new OnsetCalibration(50, 2.5, 6, 0.3)};
        for (OnsetCalibration c : variants) {
            for (TimeAxis axis : TimeAxis.values()) {
                for (int shape = 0; shape < 3; shape++) {
                    SplittableRandom rnd = new SplittableRandom(31 * shape + axis.ordinal());
                    OnsetCalibration.State st = c.newState(0.41, axis);
                    long t = axis == TimeAxis.STEPS ? 0 : 1_700_000_000_000L;
                    for (int i = 0; i < 40_000; i++) {
                        t += gap(rnd, shape, axis);
                        // mostly quiet probabilities, daily bursts, and runs of alarms
                        double p = (i % 1440 > 600 && i % 1440 < 620) || rnd.nextInt(400) == 0
                                ? 0.3 + 0.7 * rnd.nextDouble() : 0.2 * rnd.nextDouble() * rnd.nextDouble();
                        double novelty = rnd.nextInt(5) == 0 ? Double.NaN : rnd.nextInt(3) == 0 ? 1.0 : rnd.nextDouble();
                        double risk = i % 997 == 0 ? st.next(p) : st.next(p, t, novelty);
                        put(md, Double.doubleToRawLongBits(risk));
                        alarms += risk >= 0.41 ? 1 : 0;
                        held += p >= 0.41 && risk < 0.41 ? 1 : 0;
                        put(md, st.refractory() ? 1 : 0);
                    }
                }
            }
        }
        // the series reach every rule: alarms, held rows, the quiet bonus and the novelty discount above the threshold
        assertThat(alarms).isGreaterThan(1000);
        assertThat(held).isGreaterThan(1000);
        assertThat(HexFormat.of().formatHex(md.digest())).isEqualTo("5b2bf12d02ed84b83635b78a16fa37df6e0c5ee32b5e7a66cca1ef2f46fc7519");
    }

    @Test
    void peakNovelty_overLongRandomSeries_isUnchanged() throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        int inside = 0;
        int partly = 0;
        for (TimeAxis axis : TimeAxis.values()) {
            for (int shape = 0; shape < 3; shape++) {
                SplittableRandom rnd = new SplittableRandom(17 * shape + axis.ordinal());
                int rows = 30_000;
                int metrics = 3;
                long[] times = new long[rows];
                double[] values = new double[rows * metrics];
                long t = axis == TimeAxis.STEPS ? 0 : 1_700_000_000_000L;
                for (int i = 0; i < rows; i++) {
                    t += gap(rnd, shape, axis);
                    times[i] = t;
                    double daily = Math.sin(2 * Math.PI * i / 1440);
                    values[i * metrics] = 100 + 10 * daily + rnd.nextGaussian() + (rnd.nextInt(2000) == 0 ? 40 : 0);
                    values[i * metrics + 1] = rnd.nextInt(50) == 0 ? Double.NaN : Math.floor(5 * rnd.nextDouble());
                    values[i * metrics + 2] = i > 20_000 && i < 20_300 ? 500 + rnd.nextGaussian() : -3 + 0.5 * daily + 0.1 * rnd.nextGaussian();
                }
                for (double n : PeakNovelty.of(times, values, metrics, axis)) {
                    put(md, Double.doubleToRawLongBits(n));
                    inside += n == 0 ? 1 : 0;
                    partly += n > 0 && n < 1 ? 1 : 0;
                }
            }
        }
        assertThat(inside).isGreaterThan(10_000);
        assertThat(partly).isGreaterThan(1000);
        assertThat(HexFormat.of().formatHex(md.digest())).isEqualTo("3621a9bce07ad28751df67d3a9db48d05ef722796e2956f1dcb542278cb5e697");
    }

    /** Shape 0: one row per minute (or step); 1: jittered, with repeated instants and outages; 2: mostly regular, with bursts of fast rows. */
    private static long gap(SplittableRandom rnd, int shape, TimeAxis axis) {
        long unit = axis == TimeAxis.STEPS ? 1 : 60_000L;
        return switch (shape) {
            case 0 -> unit;
            case 1 -> rnd.nextInt(20) == 0 ? 0 : rnd.nextInt(500) == 0 ? unit * (60 + rnd.nextInt(3000)) : unit + (axis == TimeAxis.STEPS ? 0 : rnd.nextInt(5000));
            default -> rnd.nextInt(10) == 0 ? (axis == TimeAxis.STEPS ? 1 : 1 + rnd.nextInt(1000)) : 5 * unit;
        };
    }

    private static void put(MessageDigest md, long v) {
        for (int i = 0; i < 8; i++) {
            md.update((byte) (v >>> (8 * i)));
        }
    }
}
