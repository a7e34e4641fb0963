package io.commandcenter.hub.remediate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * When the engine's timed work happens: approval expiry sweeps, outcome windows, retry backoffs,
 * node timeouts, run deadlines and cron fires. Times are read on the engine's {@link Clock}, so the
 * tests drive all of them with a manual clock instead of waiting for real time to pass.
 */
public interface Timers extends AutoCloseable {

    /** Runs {@code work} once, when the clock reaches {@code when} (at once if it has). */
    Timer at(Instant when, Runnable work);

    /** Runs {@code work} every {@code period}, the first time one period from now. */
    Timer every(Duration period, Runnable work);

    /** Stops every timer; work not due yet never runs. */
    @Override
    void close();

    /** A planned piece of work. */
    @FunctionalInterface
    interface Timer {
        /** Work not started yet will not run. */
        void cancel();
    }

    /** Real timers on one daemon thread, delays measured on {@code clock}. */
    static Timers onThread(Clock clock, String threadName) {
        return new ThreadTimers(clock, threadName);
    }
}
