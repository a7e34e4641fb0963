package io.commandcenter.hub.remediate;

import io.commandcenter.common.concurrent.Shutdowns;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** {@link Timers} on one scheduled thread; a due time in the past runs at once. */
final class ThreadTimers implements Timers {
    private static final System.Logger LOG = System.getLogger(ThreadTimers.class.getName());
    private final Clock clock;
    private final ScheduledThreadPoolExecutor thread;

    ThreadTimers(Clock clock, String threadName) {
        this.clock = clock;
        this.thread = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        // a cancelled timer leaves the queue at once: a run's deadline and timeouts would otherwise keep the
        // run (and what it holds) reachable until they were due, long after it ended or was given up
        thread.setRemoveOnCancelPolicy(true);
        // at close, work not due yet never runs
        thread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        thread.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
    }

    @Override
    public Timer at(Instant when, Runnable work) {
        long delay = Math.max(0, Duration.between(clock.instant(), when).toMillis());
        ScheduledFuture<?> f = thread.schedule(guarded(work), delay, TimeUnit.MILLISECONDS);
        return () -> f.cancel(false);
    }

    @Override
    public Timer every(Duration period, Runnable work) {
        long millis = Math.max(1, period.toMillis());
        ScheduledFuture<?> f = thread.scheduleWithFixedDelay(guarded(work), millis, millis, TimeUnit.MILLISECONDS);
        return () -> f.cancel(false);
    }

    /** Timers set and neither due nor cancelled yet (tests). */
    int waiting() {
        return thread.getQueue().size();
    }

    /** A failing piece of work is logged and never stops the thread (nor a periodic timer). */
    private static Runnable guarded(Runnable work) {
        return () -> {
            try {
                work.run();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "timed remediation work failed", e);
            }
        };
    }

    /** Work under way is let finish (no interrupt: H2 closes its file on one), waited for up to 10 s. */
    @Override
    public void close() {
        stop(thread);
    }

    /**
     * Shuts a scheduled thread down without interrupting it: what runs now finishes (an interrupt
     * inside an H2 write closes the database file), waited for up to 10 s; nothing else starts.
     */
    static void stop(ScheduledExecutorService thread) {
        Shutdowns.closeWithoutInterrupt(thread, Duration.ofSeconds(10), "timed remediation work");
    }
}
