package io.commandcenter.scheduler;

import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Logs a recurring failure once, then at most once per interval with how many occurrences were
 * suppressed — a hub whose cluster member is gone should not flood its log every sweep, nor a
 * broken event sink every delivery. The logged failure carries its stack trace.
 */
public final class QuietLog {
    private final System.Logger log;
    private final long intervalNanos;
    private final AtomicLong lastLogged = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong suppressed = new AtomicLong();

    public QuietLog(System.Logger log, java.time.Duration interval) {
        this.log = log;
        this.intervalNanos = interval.toNanos();
    }

    /** Logs "{@code what} failed" at WARNING, unless one was logged less than an interval ago. */
    public void warn(String what, Throwable e) {
        log(Level.WARNING, what + " failed", e);
    }

    /** Logs {@code message} at {@code level}, unless one was logged less than an interval ago. */
    public void log(Level level, String message, Throwable e) {
        long now = System.nanoTime();
        long last = lastLogged.get();
        if (last != Long.MIN_VALUE && now - last < intervalNanos || !lastLogged.compareAndSet(last, now)) {
            suppressed.incrementAndGet();
            return;
        }
        long skipped = suppressed.getAndSet(0);
        log.log(level, message + (skipped == 0 ? "" : " (" + skipped + " similar failures not logged)"), e);
    }
}
