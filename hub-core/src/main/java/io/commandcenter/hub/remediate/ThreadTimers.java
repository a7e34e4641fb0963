package io.commandcenter.hub.remediate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** {@link Timers} on one scheduled thread; a due time in the past runs at once. */
final class ThreadTimers implements Timers {
    private static final System.Logger LOG = System.getLogger(ThreadTimers.class.getName());
    private final Clock clock;
    private final ScheduledExecutorService thread;

    ThreadTimers(Clock clock, String threadName) {
        this.clock = clock;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
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

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
