package io.commandcenter.hub.runtime.cdi;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.hub.persistence.Database;
import io.commandcenter.hub.runtime.Hub;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Starts the hub, and starts it again while its database cannot be reached. The first attempt runs on
 * the caller's thread. When it fails because the database is unreachable (the failure is the database's
 * opening, UNAVAILABLE {@link Database#UNREACHABLE}: refused, timed out, starting up), the next attempts run on
 * a daemon thread after a wait that starts at {@code firstWait} and doubles up to {@code mostWait} (1 s to 30 s
 * in the server), each failure logged at WARNING with its cause, the {@value #ERROR_AFTER}th also at ERROR
 * once; they go on until one succeeds or the starter is closed. Any other failure, an {@link Error} included
 * (an invalid setting, wrong credentials, SSL, a port in use, a migration that fails, a class that does not
 * load), ends the starting for good: restarting the same configuration would fail the same way. So does an
 * interrupt of the waiting thread.
 *
 * <p>{@link #close} ends a wait at once and stops a hub that started; an attempt already under way is
 * waited for (up to {@link #STOP_WAIT}), and a hub it starts after the close is closed again.
 */
final class HubStarter implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(HubStarter.class.getName());
    static final Duration FIRST_WAIT = Duration.ofSeconds(1);
    static final Duration MOST_WAIT = Duration.ofSeconds(30);
    /** How long {@link #close} waits for an attempt under way (a database connection that hangs). */
    static final Duration STOP_WAIT = Duration.ofSeconds(30);
    /** After this many failed attempts the wait is logged at ERROR, once (about 2.5 min of waits in the server). */
    static final int ERROR_AFTER = 10;

    private final Supplier<Hub> start;
    private final Duration firstWait;
    private final Duration mostWait;
    private final Object lock = new Object();
    // guarded by lock
    private Hub hub;
    private String failure;
    private String lastCause;
    private int lastFailed;
    private int attempts;
    private boolean stopped;
    private Thread retrying;

    HubStarter(Supplier<Hub> start) {
        this(start, FIRST_WAIT, MOST_WAIT);
    }

    HubStarter(Supplier<Hub> start, Duration firstWait, Duration mostWait) {
        this.start = start;
        this.firstWait = firstWait;
        this.mostWait = mostWait;
    }

    /** Makes the first attempt here; when the database was unreachable, goes on trying on a daemon thread. */
    void begin() {
        Throwable unreachable = attempt();
        if (unreachable == null) {
            return;
        }
        Thread thread = new Thread(() -> retry(unreachable), "cc-hub-start");
        thread.setDaemon(true);
        synchronized (lock) {
            if (stopped) {
                return;
            }
            retrying = thread;
        }
        thread.start();
    }

    private void retry(Throwable first) {
        Throwable unreachable = first;
        Duration wait = firstWait;
        while (unreachable != null) {
            int failed = attempts();
            LOG.log(Level.WARNING, "the hub cannot reach its database (attempt {0}): {1}; trying again in {2,number,#} ms",
                    failed, unreachable.getMessage(), wait.toMillis());
            if (failed == ERROR_AFTER) {
                LOG.log(Level.ERROR, "the hub has not reached its database in {0} attempts; it goes on trying every "
                        + "{1,number,#} ms at most: {2}", failed, mostWait.toMillis(), unreachable.getMessage());
            }
            if (!await(wait)) {
                return;
            }
            wait = wait.multipliedBy(2).compareTo(mostWait) > 0 ? mostWait : wait.multipliedBy(2);
            unreachable = attempt();
        }
    }

    /** Whether the start failed in opening its database, which could not be reached for now. */
    static boolean isUnreachable(Throwable failure) {
        return failure instanceof CommandCenterException c && Database.UNREACHABLE.equals(c.reason());
    }

    /**
     * One attempt to start the hub.
     *
     * @return the failure when the database was unreachable (worth another attempt); {@code null} when there is
     *         nothing more to do: the hub started, failed for good, or the starter was closed
     */
    private Throwable attempt() {
        int attempt;
        synchronized (lock) {
            if (stopped) {
                return null;
            }
            attempt = ++attempts;
        }
        Hub started;
        try {
            started = start.get();
        } catch (Throwable e) { // an Error too: the start failed, say so rather than end the thread silently
            String cause = e.getMessage() == null ? e.toString() : e.getMessage();
            synchronized (lock) {
                lastCause = cause;
                lastFailed = attempt;
                if (isUnreachable(e)) {
                    return e;
                }
                failure = cause;
            }
            LOG.log(Level.ERROR, "the hub could not start: " + cause, e);
            return null;
        }
        synchronized (lock) {
            if (!stopped) {
                hub = started;
                lastCause = null;
                return null;
            }
        }
        started.close(); // closed while this attempt ran
        return null;
    }

    /** Waits {@code wait} unless closed first; {@code false} when closed or interrupted (which ends the start). */
    private boolean await(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        String interrupted;
        synchronized (lock) {
            try {
                for (long left = wait.toNanos(); !stopped && left > 0; left = deadline - System.nanoTime()) {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                }
                return !stopped;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                if (stopped) {
                    return false;
                }
                failure = "the start was interrupted while waiting for the database (last failure: " + lastCause + ")";
                interrupted = failure;
            }
        }
        LOG.log(Level.ERROR, "the hub will not start: " + interrupted);
        return false;
    }

    /** The running hub; {@code null} before it started, when it failed, and after close. */
    Hub hub() {
        synchronized (lock) {
            return hub;
        }
    }

    /** Why the start failed for good; {@code null} while starting, running or closed without failure. */
    String failure() {
        synchronized (lock) {
            return failure;
        }
    }

    /** Attempts made so far (the one under way included). */
    int attempts() {
        synchronized (lock) {
            return attempts;
        }
    }

    /** The last failed attempt's cause; {@code null} when none failed, and once the hub started. */
    String lastCause() {
        synchronized (lock) {
            return lastCause;
        }
    }

    /** The number of the attempt {@link #lastCause} is the failure of (0: none failed). */
    int lastFailed() {
        synchronized (lock) {
            return lastFailed;
        }
    }

    /** Whether {@link #close} was called. */
    boolean isStopped() {
        synchronized (lock) {
            return stopped;
        }
    }

    /** Whether it is between attempts or in one after the first, waiting for the database. */
    boolean isRetrying() {
        Thread thread;
        synchronized (lock) {
            thread = retrying;
        }
        return thread != null && thread.isAlive();
    }

    /** The thread making the attempts after the first; {@code null} when there was none. */
    Thread retryingThread() {
        synchronized (lock) {
            return retrying;
        }
    }

    /** Ends a wait at once, stops the hub if it runs; an attempt under way is waited for up to {@link #STOP_WAIT}. */
    @Override
    public void close() {
        Hub running;
        Thread thread;
        synchronized (lock) {
            stopped = true;
            lock.notifyAll();
            running = hub;
            hub = null;
            thread = retrying;
        }
        if (thread != null && thread != Thread.currentThread()) {
            try {
                thread.join(STOP_WAIT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                LOG.log(Level.WARNING, "an attempt to start the hub did not end within {0} s; it closes what it "
                        + "starts when it ends", STOP_WAIT.toSeconds());
            }
        }
        if (running != null) {
            running.close();
        }
    }
}
