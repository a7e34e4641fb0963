package io.commandcenter.common.concurrent;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Stopping executors whose threads may be inside an embedded database call. H2 answers a thread
 * interrupted inside a file operation by closing its database (the next start recovers it, as after
 * a kill), so these threads are never interrupted: the executor stops taking work, what runs now is
 * waited for a bounded time, and what is still running after that is logged and left to end on its
 * own — the database close that follows makes its next call fail cleanly.
 */
public final class Shutdowns {
    private static final System.Logger LOG = System.getLogger(Shutdowns.class.getName());

    private Shutdowns() {
    }

    /**
     * Shuts {@code executor} down without interrupting it and waits up to {@code bound} for the work
     * under way and queued to finish. Past the bound: logs a warning naming {@code what}, leaves the
     * running work alone and returns. An interrupt of the caller ends the wait (the flag is kept).
     *
     * @return true when the executor terminated within the bound
     */
    public static boolean closeWithoutInterrupt(ExecutorService executor, Duration bound, String what) {
        executor.shutdown();
        try {
            if (executor.awaitTermination(bound.toNanos(), TimeUnit.NANOSECONDS)) {
                return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.log(Level.WARNING, "{0} did not end within {1} of close; left to end on its own (not interrupted)",
                what, bound);
        return false;
    }
}
