package io.commandcenter.scheduler.capacity;

import io.commandcenter.scheduler.wire.WireIn;
import io.commandcenter.scheduler.wire.WireOut;

/**
 * The parameters of the spike-anticipation rule (see {@link SpikeAnticipator}).
 *
 * @param maxReservedFraction at most this fraction of an action's capacity is ever held back, in [0, 1]
 * @param trendHorizonMillis  how far ahead the arrival trend is extrapolated
 * @param shortHalfLifeMillis half-life of the fast arrival-rate average
 * @param longHalfLifeMillis  half-life of the slow (baseline) arrival-rate average; > the fast one
 */
public record AnticipationRule(double maxReservedFraction, long trendHorizonMillis, long shortHalfLifeMillis,
                               long longHalfLifeMillis) {
    /** Up to half the capacity; trend over the next minute, from a 1-minute against a 15-minute average. */
    public static final AnticipationRule DEFAULT = new AnticipationRule(0.5, 60_000, 60_000, 900_000);
    /** Never reserves. */
    public static final AnticipationRule OFF = new AnticipationRule(0, 60_000, 60_000, 900_000);

    public AnticipationRule {
        if (!(maxReservedFraction >= 0 && maxReservedFraction <= 1)) {
            throw new IllegalArgumentException("maxReservedFraction must be in [0, 1]");
        }
        if (trendHorizonMillis < 0 || shortHalfLifeMillis <= 0 || longHalfLifeMillis <= shortHalfLifeMillis) {
            throw new IllegalArgumentException("need horizon >= 0 and 0 < short half-life < long half-life");
        }
    }

    public static void write(WireOut out, AnticipationRule r) {
        out.f64(r.maxReservedFraction).i64(r.trendHorizonMillis).i64(r.shortHalfLifeMillis).i64(r.longHalfLifeMillis);
    }

    public static AnticipationRule read(WireIn in) {
        return new AnticipationRule(in.f64(), in.i64(), in.i64(), in.i64());
    }
}
