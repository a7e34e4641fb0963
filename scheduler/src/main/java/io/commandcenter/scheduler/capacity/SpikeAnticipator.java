package io.commandcenter.scheduler.capacity;

import io.commandcenter.scheduler.wire.WireIn;
import io.commandcenter.scheduler.wire.WireOut;

import java.util.TreeMap;

/**
 * Reserves capacity for remediation work ahead of a predicted load spike (seed 4.1), per action of
 * one pool. The rule:
 *
 * <pre>
 * expected(a) = Σ risk × confidence   over live predictions announcing action a
 * trend(a)    = max(0, fastRate(a) − slowRate(a)) × horizon
 *               (remediation arrivals of a per ms: decayed averages with a short and a long half-life)
 * reserve(a)  = min(⌈expected(a) + trend(a) − 0.05⌉, ⌊maxReservedFraction × capacity(a)⌋)
 * </pre>
 *
 * {@code capacity(a)} counts the slots of connected agents that run {@code a}. A task that is not
 * remediation (has no prediction cause) may take a free slot of an agent only while, for every
 * action {@code a} that agent runs, the free slots able to run {@code a} stay at least
 * {@code reserve(a)} after the assignment. Remediation tasks may take any free slot. A prediction
 * stops counting when its horizon ends or when a task it caused arrives (the reservation has then
 * done its job: the task is queued and takes the slot). The 0.05 keeps a single weak prediction
 * (risk × confidence ≤ 0.05) from holding a slot.
 *
 * <p>Deterministic in its inputs (times are passed in), not thread-safe.
 */
public final class SpikeAnticipator {
    private final TreeMap<String, LoadSignal> signals = new TreeMap<>();
    private final TreeMap<String, Rates> rates = new TreeMap<>();

    /** Decayed arrival counts of one action. */
    private static final class Rates {
        double fast;
        double slow;
        long atMillis;
    }

    /** Records a prediction (replacing an earlier signal of the same prediction). */
    public void signal(LoadSignal signal) {
        signals.put(signal.predictionId(), signal);
    }

    /**
     * Records the arrival of a task of {@code action}; a remediation task ({@code predictionId}
     * not null) consumes its prediction's signal and feeds the arrival trend.
     */
    public void arrival(String action, String predictionId, long nowMillis, AnticipationRule rule) {
        if (predictionId == null) {
            return;
        }
        signals.remove(predictionId);
        Rates r = rates.computeIfAbsent(action, a -> new Rates());
        decay(r, nowMillis, rule);
        r.fast += 1;
        r.slow += 1;
    }

    /** Slots of {@code action} to hold back at {@code nowMillis}, given the capacity able to run it. */
    public int reserve(String action, long nowMillis, int capacity, AnticipationRule rule) {
        if (rule.maxReservedFraction() == 0 || capacity == 0) {
            return 0;
        }
        double expected = 0;
        for (LoadSignal s : signals.values()) {
            if (s.action().equals(action) && s.expiresAtMillis() > nowMillis) {
                expected += s.expectedTasks();
            }
        }
        double trend = 0;
        Rates r = rates.get(action);
        if (r != null) {
            double fast = rateAt(r.fast, r.atMillis, nowMillis, rule.shortHalfLifeMillis());
            double slow = rateAt(r.slow, r.atMillis, nowMillis, rule.longHalfLifeMillis());
            trend = Math.max(0, fast - slow) * rule.trendHorizonMillis();
        }
        int wanted = (int) Math.ceil(expected + trend - 0.05);
        int cap = (int) Math.floor(rule.maxReservedFraction() * capacity);
        return Math.max(0, Math.min(wanted, cap));
    }

    /** Whether any live signal or trend exists (a fast path for the dispatcher). */
    public boolean isIdle() {
        return signals.isEmpty() && rates.isEmpty();
    }

    /** Forgets expired signals and rates that have decayed to nothing. */
    public void expire(long nowMillis, AnticipationRule rule) {
        signals.values().removeIf(s -> s.expiresAtMillis() <= nowMillis);
        rates.values().removeIf(r -> {
            decay(r, nowMillis, rule);
            return r.slow < 1e-3;
        });
    }

    /** Actions with a live signal or an arrival record: the only ones that may have a reservation. */
    public java.util.SortedSet<String> actions() {
        java.util.TreeSet<String> actions = new java.util.TreeSet<>(rates.keySet());
        signals.values().forEach(s -> actions.add(s.action()));
        return actions;
    }

    /** Live signals, by prediction id. */
    public java.util.List<LoadSignal> signals() {
        return java.util.List.copyOf(signals.values());
    }

    /** An exponentially decayed count turned into events per millisecond. */
    private static double rateAt(double count, long atMillis, long nowMillis, long halfLife) {
        double decayed = count * Math.pow(0.5, Math.max(0, nowMillis - atMillis) / (double) halfLife);
        return decayed * Math.log(2) / halfLife;
    }

    private static void decay(Rates r, long nowMillis, AnticipationRule rule) {
        long elapsed = nowMillis - r.atMillis;
        if (elapsed > 0) {
            r.fast *= Math.pow(0.5, elapsed / (double) rule.shortHalfLifeMillis());
            r.slow *= Math.pow(0.5, elapsed / (double) rule.longHalfLifeMillis());
            r.atMillis = nowMillis;
        }
    }

    public void write(WireOut out) {
        out.list(signals.values(), LoadSignal::write);
        out.i32(rates.size());
        rates.forEach((action, r) -> out.str(action).f64(r.fast).f64(r.slow).i64(r.atMillis));
    }

    public static SpikeAnticipator read(WireIn in) {
        SpikeAnticipator a = new SpikeAnticipator();
        for (LoadSignal s : in.list(LoadSignal::read)) {
            a.signals.put(s.predictionId(), s);
        }
        int n = in.length();
        for (int i = 0; i < n; i++) {
            Rates r = new Rates();
            String action = in.str();
            r.fast = in.f64();
            r.slow = in.f64();
            r.atMillis = in.i64();
            a.rates.put(action, r);
        }
        return a;
    }
}
