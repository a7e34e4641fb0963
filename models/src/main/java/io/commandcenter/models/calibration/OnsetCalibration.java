package io.commandcenter.models.calibration;

import io.commandcenter.models.features.TimeAxis;
import java.util.Arrays;

/**
 * Turns a model's per-row probability into the risk of a new incident for one entity, given what that
 * entity's risk already did: the stateful layer between the model (ONNX, stateless, one row at a time) and
 * everything that acts on the risk. The ONE implementation used by backtests, {@code cc eval} and the hub's
 * live engine.
 *
 * <p>Rule (per entity, rows in time order; {@code θ} = the model's threshold, {@code z = logit p}):
 * <ul>
 *   <li>a row whose risk reaches {@code θ} is an <b>alarm</b>;</li>
 *   <li>for {@code refractoryRows} rows after an alarm, a row whose {@code z} is below the alarm's
 *       {@code z + marginLogOdds} tells nothing new about <em>this</em> incident: its risk is held just below
 *       the threshold, {@code min(p, θ − 1e-6)} (not a new alarm, still ranked above the entity's quiet rows);</li>
 *   <li>a row clearly stronger than the alarm ({@code z ≥ z_alarm + marginLogOdds}) is reported as it is, and
 *       if it reaches {@code θ} it is the new alarm (the window restarts from it);</li>
 *   <li>outside the window the risk is the model's probability;</li>
 *   <li><b>daily recurrence</b> (when {@code recurrenceRows > 0} and the rows carry times): a row whose {@code z}
 *       is not above (by more than {@code recurrenceMarginLogOdds}) the strongest {@code z} this entity had within {@code ± recurrenceRows} sampling intervals
 *       of the same time one day earlier is held as well: a pattern the entity shows every day (a nightly
 *       batch, the edges of a daily square wave) is its normal, not an incident. Yesterday is remembered as
 *       the maximum {@code z} of each 5-minute slot of the day ({@value #SLOTS_PER_DAY} slots, a fixed
 *       ~4.6 KB per entity, whatever the sampling rate); an entity without a yesterday is never held by it.</li>
 *   <li><b>quiet-entity bonus</b> (when {@code quietBonusLogOdds > 0} and the rows carry times): a row reported at or
 *       above {@code θ} is reported with {@code quietBonusLogOdds · max(0, 1 − c / quietAlarms)} more log-odds,
 *       {@code c} the entity's count of rows reported at or above {@code θ}, each decayed by {@code exp(−age / quietDays)}:
 *       an alarm from an entity that has hardly alarmed lately ranks above one from an entity that alarms every day.
 *       The bonus is added to what the rules above report, after they decided on the probability itself: no decision at
 *       {@code θ} changes, only the order of alarms across entities above it (a stricter threshold keeps the rare alarms
 *       of quiet entities longer).</li>
 *   <li><b>novelty discount</b> (when {@code noveltyLogOdds > 0}, the rows carry times and a peak novelty, {@link PeakNovelty}):
 *       after the bonus, a row reported at or above {@code θ} is reported with
 *       {@code noveltyLogOdds · (1 − novelty) · min(1, c / noveltyAlarms)} fewer log-odds, never below {@code θ}: an entity
 *       that alarms often, on values inside the range of its last days, is ordinary for itself. No decision at {@code θ}
 *       changes either.</li>
 *   <li><b>one burst, one alarm</b> (when {@code burstRows > 0}): after the bonus and the discount, an alarm on one of the
 *       {@code burstRows} rows right after a row reported at or above {@code θ} is reported at {@code θ} itself. The
 *       onset rule lets a row clearly stronger than the alarm alarm again at once; on the very next row that is almost
 *       always the same event seen whole (an event that begins inside one sampling interval shows partly in that row and
 *       fully in the next), so at a stricter threshold the burst counts once, ranked by its first row, instead of twice.
 *       It stays an alarm at {@code θ}: no decision at {@code θ} changes.</li>
 * </ul>
 * So an incident raises the risk once, at its onset, instead of for as long as its evidence lasts: what
 * NAB's detectors learnt to do (CAD-OSE's rest period, KNN-CAD's and ARTime's masking after a detection),
 * and what an operator wants — one alarm per incident, the next one only for something new or worse.
 * With {@link #NONE} the risk is the model's probability unchanged.
 *
 * @param refractoryRows rows after an alarm during which weaker rows cannot alarm again (0 = never)
 * @param marginLogOdds  how much stronger (log-odds) than the alarm a row must be to count as new evidence
 * @param recurrenceRows half-width, in sampling intervals, of the window one day earlier a row is compared with
 *                       (0 = no daily-recurrence rule)
 * @param recurrenceMarginLogOdds how much stronger (log-odds) than what the entity did at that time of day a row must
 *                       be not to count as the daily pattern (0 = any stronger row; since service_health 2.2.0: 0.3,
 *                       a pattern that comes back a little stronger, by up to about 35 % in the odds, is still the pattern)
 * @param quietBonusLogOdds log-odds added to rows above the threshold of an entity that has not alarmed lately (0 = no
 *                       quiet-entity bonus; since service_health 2.3.0: 2)
 * @param quietAlarms    the decayed alarm count at which the bonus has fallen to 0 (since 2.3.0: 5)
 * @param quietDays      time constant, in days, of the alarm count's decay (since 2.3.0: 7; the novelty discount's count too)
 * @param noveltyLogOdds log-odds taken from rows above the threshold of an entity that alarms often, on values that pass none
 *                       of its last days' extremes (0 = no novelty discount; since service_health 2.4.0: 0.75)
 * @param noveltyAlarms  the decayed alarm count at which the discount is whole (since 2.4.0: 10)
 * @param burstRows      rows right after an alarm row whose own alarms are reported at the threshold, the burst ranked by
 *                       its first row (0 = none; since service_health 2.5.0: 1)
 */
public record OnsetCalibration(int refractoryRows, double marginLogOdds, int recurrenceRows, double recurrenceMarginLogOdds,
                               double quietBonusLogOdds, double quietAlarms, double quietDays,
                               double noveltyLogOdds, double noveltyAlarms, int burstRows) {

    /** No calibration: the risk is the model's probability. */
    public static final OnsetCalibration NONE = new OnsetCalibration(0, 0.0, 0, 0.0);

    /** Slots of the day in which the daily-recurrence rule remembers yesterday's strongest log-odds. */
    public static final int SLOTS_PER_DAY = 288;
    /** Length of a day in each time axis: milliseconds, or rows for step-indexed series (taken as 5-minute rows). */
    static final long DAY_MILLIS = 86_400_000L;
    static final long DAY_STEPS = SLOTS_PER_DAY;

    public OnsetCalibration {
        if (refractoryRows < 0 || !(marginLogOdds >= 0) || Double.isInfinite(marginLogOdds) || recurrenceRows < 0
                || recurrenceRows > SLOTS_PER_DAY / 4 || !(recurrenceMarginLogOdds >= 0) || Double.isInfinite(recurrenceMarginLogOdds)) {
            throw new IllegalArgumentException("refractoryRows >= 0, marginLogOdds >= 0 and finite, 0 <= recurrenceRows <= "
                    + SLOTS_PER_DAY / 4 + ", recurrenceMarginLogOdds >= 0 and finite");
        }
        if (!(quietBonusLogOdds >= 0) || Double.isInfinite(quietBonusLogOdds)
                || quietBonusLogOdds > 0 && (!(quietAlarms > 0) || Double.isInfinite(quietAlarms) || !(quietDays > 0) || Double.isInfinite(quietDays))) {
            throw new IllegalArgumentException("quietBonusLogOdds >= 0 and finite; with a bonus, quietAlarms > 0 and quietDays > 0, both finite");
        }
        if (!(noveltyLogOdds >= 0) || Double.isInfinite(noveltyLogOdds)
                || noveltyLogOdds > 0 && (!(noveltyAlarms > 0) || Double.isInfinite(noveltyAlarms) || !(quietDays > 0) || Double.isInfinite(quietDays))) {
            throw new IllegalArgumentException("noveltyLogOdds >= 0 and finite; with a novelty discount, noveltyAlarms > 0 and quietDays > 0, both finite");
        }
        if (burstRows < 0) {
            throw new IllegalArgumentException("burstRows >= 0");
        }
    }

    /** The onset rule, the daily-recurrence rule, the quiet-entity bonus and the novelty discount (service_health 2.4.0). */
    public OnsetCalibration(int refractoryRows, double marginLogOdds, int recurrenceRows, double recurrenceMarginLogOdds,
                            double quietBonusLogOdds, double quietAlarms, double quietDays, double noveltyLogOdds, double noveltyAlarms) {
        this(refractoryRows, marginLogOdds, recurrenceRows, recurrenceMarginLogOdds, quietBonusLogOdds, quietAlarms, quietDays,
                noveltyLogOdds, noveltyAlarms, 0);
    }

    /** The onset rule, the daily-recurrence rule and the quiet-entity bonus, without the novelty discount (service_health 2.3.0). */
    public OnsetCalibration(int refractoryRows, double marginLogOdds, int recurrenceRows, double recurrenceMarginLogOdds,
                            double quietBonusLogOdds, double quietAlarms, double quietDays) {
        this(refractoryRows, marginLogOdds, recurrenceRows, recurrenceMarginLogOdds, quietBonusLogOdds, quietAlarms, quietDays, 0.0, 0.0);
    }

    /** The onset rule with the daily-recurrence rule and its margin, without the quiet-entity bonus (service_health 2.2.0). */
    public OnsetCalibration(int refractoryRows, double marginLogOdds, int recurrenceRows, double recurrenceMarginLogOdds) {
        this(refractoryRows, marginLogOdds, recurrenceRows, recurrenceMarginLogOdds, 0.0, 0.0, 0.0, 0.0, 0.0);
    }

    /** The onset rule with the daily-recurrence rule comparing exactly (no margin), as service_health 2.1.0. */
    public OnsetCalibration(int refractoryRows, double marginLogOdds, int recurrenceRows) {
        this(refractoryRows, marginLogOdds, recurrenceRows, 0.0);
    }

    /** The onset rule alone (no daily-recurrence rule). */
    public OnsetCalibration(int refractoryRows, double marginLogOdds) {
        this(refractoryRows, marginLogOdds, 0, 0.0);
    }

    public boolean isNone() {
        return refractoryRows == 0 && recurrenceRows == 0 && quietBonusLogOdds == 0 && noveltyLogOdds == 0 && burstRows == 0;
    }

    /** A fresh state for one entity scored against {@code threshold}, its rows timed in epoch milliseconds (live). */
    public State newState(double threshold) {
        return new State(this, threshold, DAY_MILLIS);
    }

    /** A fresh state for one entity scored against {@code threshold}, its rows timed on {@code axis}. */
    public State newState(double threshold, TimeAxis axis) {
        return new State(this, threshold, axis == TimeAxis.STEPS ? DAY_STEPS : DAY_MILLIS);
    }

    /** Applies the onset rule to a whole series in row order, without times (so without the daily-recurrence rule). */
    public double[] apply(double[] probabilities, double threshold) {
        State s = newState(threshold);
        double[] out = new double[probabilities.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = s.next(probabilities[i]);
        }
        return out;
    }

    /** Applies the rule to a whole series in row order with its times (a backtest of one entity from a cold start). */
    public double[] apply(double[] probabilities, double threshold, long[] times, TimeAxis axis) {
        State s = newState(threshold, axis);
        double[] out = new double[probabilities.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = s.next(probabilities[i], times[i]);
        }
        return out;
    }

    /**
     * Applies the rule to a whole series in row order with its times and each row's peak novelty ({@link PeakNovelty}, NaN =
     * unknown): what a backtest of one entity does.
     */
    public double[] apply(double[] probabilities, double threshold, long[] times, TimeAxis axis, double[] novelty) {
        State s = newState(threshold, axis);
        double[] out = new double[probabilities.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = s.next(probabilities[i], times[i], novelty[i]);
        }
        return out;
    }

    /**
     * The risk a held row is reported with: just below {@code threshold} and still below it once written with
     * six decimals ({@code cc backtest} / {@code cc eval} output, which evaluations and users read back), i.e.
     * {@code threshold - 1e-6}; {@code nextDown(threshold)} would be written as the threshold itself and read
     * back as an alarm.
     */
    public static double heldRisk(double threshold) {
        return Math.max(0.0, threshold - HELD_BELOW);
    }

    /** How far below the threshold held rows are reported: one unit of the six-decimal written risk. */
    public static final double HELD_BELOW = 1e-6;

    /** One entity's calibration state. Not thread-safe: the owner feeds its rows in time order. */
    public static final class State {
        private final OnsetCalibration calibration;
        private final double threshold;
        private final double belowThreshold;
        private long sinceAlarm = Long.MAX_VALUE;
        // rows since the latest row reported at or above the threshold (one burst, one alarm)
        private long sinceReported = Long.MAX_VALUE;
        private double alarmLogOdds;
        // daily recurrence: the strongest log-odds of each slot, over the last two days (ring keyed by slot number)
        private final long slotLength;
        private long[] slotIds;
        private float[] allMax;
        private float[] quietMax;
        private long lastTime = Long.MIN_VALUE;
        private double interval = Double.NaN;
        // quiet-entity bonus: rows reported at or above the threshold, decayed with time
        private final double dayLength;
        private double alarmCount;
        private long countTime = Long.MIN_VALUE;
        // the latest gap the alarm count decayed over and its factor
        private long decayGap;
        private double decayFactor = 1.0;
        // the slot of the latest time (not negative) that slotOf divided out, and that slot's first instant and end:
        // rows of one slot (a few at one-minute steps) need no division
        private long lastSlot;
        private long lastSlotStart;
        private long lastSlotEnd = Long.MIN_VALUE;
        // the slot remember() wrote last and its index in slotIds (-1 before the first)
        private long keptSlot;
        private int keptIndex = -1;

        State(OnsetCalibration calibration, double threshold, long dayLength) {
            if (!(threshold > 0 && threshold < 1)) {
                throw new IllegalArgumentException("threshold must be in (0, 1)");
            }
            this.calibration = calibration;
            this.threshold = threshold;
            this.belowThreshold = heldRisk(threshold);
            this.slotLength = dayLength / SLOTS_PER_DAY;
            this.dayLength = dayLength;
        }

        /**
         * The risk of the next row, whose model probability is {@code p}, without its time (the daily-recurrence
         * rule does not apply to it); advances the state.
         */
        public double next(double p) {
            return next(p, Long.MIN_VALUE);
        }

        /**
         * The risk of the next row, whose model probability is {@code p} and time {@code time} (on the state's time
         * axis, not before the previous row's; {@code Long.MIN_VALUE} = unknown); advances the state.
         */
        public double next(double p, long time) {
            return next(p, time, Double.NaN);
        }

        /**
         * The risk of the next row, whose model probability is {@code p}, time {@code time} and peak novelty {@code novelty}
         * (in [0, 1], {@link PeakNovelty}; NaN = unknown, no novelty discount); advances the state.
         */
        public double next(double p, long time, double novelty) {
            if (calibration.isNone() || Double.isNaN(p)) {
                return p;
            }
            boolean quiet = (calibration.quietBonusLogOdds > 0 || calibration.noveltyLogOdds > 0) && time != Long.MIN_VALUE;
            if (quiet) {
                if (countTime != Long.MIN_VALUE && time > countTime && alarmCount != 0) {
                    // the decay factor depends on the gap alone: rows at a steady interval reuse it (and a count of
                    // zero stays zero without it)
                    long gap = time - countTime;
                    if (gap != decayGap) {
                        decayFactor = Math.exp(-gap / (calibration.quietDays * dayLength));
                        decayGap = gap;
                    }
                    alarmCount *= decayFactor;
                }
                countTime = Math.max(countTime, time);
            }
            double raw = logOdds(p);
            double z = raw;
            boolean recurring = false;
            boolean timed = calibration.recurrenceRows > 0 && time != Long.MIN_VALUE;
            if (timed && p > belowThreshold) {
                // only a row above the held level can be changed by the rule: skip the look-up for the others
                recurring = recurs(time, raw);
            }
            if (recurring) {
                // what this entity did at this time of day before: its normal, not a new incident
                p = Math.min(p, belowThreshold);
                z = logOdds(p);
            }
            double out = p;
            if (sinceAlarm < calibration.refractoryRows && z < alarmLogOdds + calibration.marginLogOdds) {
                sinceAlarm++;
                out = Math.min(p, belowThreshold);
            } else if (p >= threshold) {
                sinceAlarm = 0;
                alarmLogOdds = z;
            } else if (sinceAlarm != Long.MAX_VALUE) {
                sinceAlarm++;
            }
            if (timed) {
                remember(time, raw, sinceAlarm < calibration.refractoryRows);
            }
            if (quiet && out >= threshold) {
                // an alarm of an entity that has hardly alarmed lately is reported higher; the rule above decided on
                // the probability itself, so the bonus changes no decision at the threshold
                double bonus = calibration.quietBonusLogOdds > 0
                        ? calibration.quietBonusLogOdds * Math.max(0.0, 1.0 - alarmCount / calibration.quietAlarms) : 0.0;
                if (calibration.noveltyLogOdds > 0 && novelty >= 0 && novelty < 1) {
                    // an alarm of an entity that alarms often, on values inside the range of its recent days, is ordinary
                    // for it: reported lower, but never below the threshold (the decision stays)
                    double discount = calibration.noveltyLogOdds * (1.0 - novelty) * Math.min(1.0, alarmCount / calibration.noveltyAlarms);
                    out = Math.max(threshold, 1.0 / (1.0 + Math.exp(-(logOdds(out) + bonus - discount))));
                } else {
                    out = 1.0 / (1.0 + Math.exp(-(logOdds(out) + bonus)));
                }
                alarmCount += 1;
            }
            if (out >= threshold) {
                if (sinceReported < calibration.burstRows) {
                    // the same burst as the alarm just before: still an alarm, ranked as that alarm's burst, not again
                    out = threshold;
                }
                sinceReported = 0;
            } else if (sinceReported != Long.MAX_VALUE) {
                sinceReported++;
            }
            return out;
        }

        /**
         * Whether {@code z} is no stronger than what the entity did within {@code ± recurrenceRows} sampling
         * intervals (at least one slot) of the same time of day: on the previous day outside any alarm, or on each
         * of the two previous days counting alarms (a daily pattern is learnt from its third day even if it alarmed
         * on the first two; an incident that recurs the next day at the same hour still alarms).
         */
        private boolean recurs(long time, double z) {
            if (slotIds == null) {
                return false;
            }
            long slot = slotOf(time);
            double width = Double.isNaN(interval) ? slotLength : interval;
            long half = Math.min(SLOTS_PER_DAY / 4, Math.max(1, (long) Math.ceil(calibration.recurrenceRows * width / slotLength)));
            double quiet1 = Double.NEGATIVE_INFINITY;
            double all1 = Double.NEGATIVE_INFINITY;
            double all2 = Double.NEGATIVE_INFINITY;
            for (long d = -half; d <= half; d++) {
                long s1 = slot - SLOTS_PER_DAY + d;
                int k1 = (int) Math.floorMod(s1, (long) slotIds.length);
                if (slotIds[k1] == s1) {
                    quiet1 = Math.max(quiet1, quietMax[k1]);
                    all1 = Math.max(all1, allMax[k1]);
                }
                long s2 = slot - 2 * SLOTS_PER_DAY + d;
                int k2 = (int) Math.floorMod(s2, (long) slotIds.length);
                if (slotIds[k2] == s2) {
                    all2 = Math.max(all2, allMax[k2]);
                }
            }
            // the memory is kept in floats (1e-6); a row must be clearly above what the entity did to be new
            double tolerance = 1e-6 + calibration.recurrenceMarginLogOdds;
            return z <= quiet1 + tolerance || z <= Math.min(all1, all2) + tolerance;
        }

        private void remember(long time, double z, boolean alarmed) {
            if (slotIds == null) {
                slotIds = new long[3 * SLOTS_PER_DAY];
                allMax = new float[3 * SLOTS_PER_DAY];
                quietMax = new float[3 * SLOTS_PER_DAY];
                Arrays.fill(slotIds, Long.MIN_VALUE);
            }
            if (lastTime != Long.MIN_VALUE && time > lastTime) {
                // the entity's sampling interval: EWMA of the gaps between rows, a gap counting at most twice the
                // current estimate (an outage of hours does not widen the window to half a day)
                double gap = time - lastTime;
                interval = Double.isNaN(interval) ? gap : 0.9 * interval + 0.1 * Math.min(gap, 2 * interval);
            }
            lastTime = Math.max(lastTime, time);
            long slot = slotOf(time);
            if (slot != keptSlot || keptIndex < 0) {
                keptSlot = slot;
                keptIndex = (int) Math.floorMod(slot, (long) slotIds.length);
            }
            int k = keptIndex;
            if (slotIds[k] != slot) {
                slotIds[k] = slot;
                allMax[k] = Float.NEGATIVE_INFINITY;
                quietMax[k] = Float.NEGATIVE_INFINITY;
            }
            allMax[k] = Math.max(allMax[k], (float) z);
            if (!alarmed) {
                quietMax[k] = Math.max(quietMax[k], (float) z);
            }
        }

        /** {@code Math.floorDiv(time, slotLength)}, without the division while {@code time} stays in the latest slot. */
        private long slotOf(long time) {
            if (time >= lastSlotStart && time < lastSlotEnd) {
                return lastSlot;
            }
            long slot = Math.floorDiv(time, slotLength);
            if (time >= 0 && time <= Long.MAX_VALUE - slotLength) {
                lastSlot = slot;
                lastSlotStart = slot * slotLength;
                lastSlotEnd = lastSlotStart + slotLength;
            }
            return slot;
        }

        /** Whether the entity is inside the window after an alarm. */
        public boolean refractory() {
            return sinceAlarm < calibration.refractoryRows;
        }

        private static double logOdds(double p) {
            double q = Math.min(1 - 1e-12, Math.max(1e-12, p));
            return Math.log(q / (1 - q));
        }
    }
}
