package io.commandcenter.hub.testing;

import io.commandcenter.common.testing.ManualClock;
import io.commandcenter.hub.remediate.Timers;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * {@link Timers} driven by a {@link ManualClock}: nothing runs until {@link #advance}, which moves
 * the clock to each due time in order and runs what is due there, on the caller's thread. Work due
 * when it is planned runs at the next advance (of any length, zero included). A periodic timer
 * runs once per advance that passes one or more of its periods (missed periods coalesce, as a
 * sweep would).
 */
public final class ManualTimers implements Timers {
    private final ManualClock clock;
    private final List<Planned> planned = new ArrayList<>();
    private long sequence;

    private final class Planned implements Timer {
        Instant due;
        final Duration period;
        final Runnable work;
        final long order = sequence++;
        boolean cancelled;

        Planned(Instant due, Duration period, Runnable work) {
            this.due = due;
            this.period = period;
            this.work = work;
        }

        @Override
        public void cancel() {
            synchronized (ManualTimers.this) {
                cancelled = true;
                planned.remove(this);
            }
        }
    }

    public ManualTimers(ManualClock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized Timer at(Instant when, Runnable work) {
        Planned p = new Planned(when, null, work);
        planned.add(p);
        return p;
    }

    @Override
    public synchronized Timer every(Duration period, Runnable work) {
        Planned p = new Planned(clock.instant().plus(period), period, work);
        planned.add(p);
        return p;
    }

    /** Moves the clock forward by {@code by}, running every piece of work due on the way, in time order. */
    public void advance(Duration by) {
        Instant target = clock.instant().plus(by);
        while (true) {
            Optional<Due> next = nextDue(target);
            if (next.isEmpty()) {
                break;
            }
            if (next.get().at().isAfter(clock.instant())) {
                clock.set(next.get().at());
            }
            next.get().work().run();
        }
        clock.set(target);
    }

    /** How many timers wait to run. */
    public synchronized int pending() {
        return planned.size();
    }

    /** One run of a timer: when, and what. */
    private record Due(Instant at, Runnable work) {
    }

    private synchronized Optional<Due> nextDue(Instant target) {
        Optional<Planned> next = planned.stream().filter(p -> !p.due.isAfter(target))
                .min(Comparator.comparing((Planned p) -> p.due).thenComparingLong(p -> p.order));
        if (next.isEmpty()) {
            return Optional.empty();
        }
        Planned p = next.get();
        Due due = new Due(p.due, p.work);
        if (p.period == null) {
            planned.remove(p);
        } else {
            // the next period after the target: missed periods coalesce into this run
            Instant again = p.due;
            while (!again.isAfter(target)) {
                again = again.plus(p.period);
            }
            p.due = again;
        }
        return Optional.of(due);
    }

    @Override
    public synchronized void close() {
        planned.clear();
    }
}
