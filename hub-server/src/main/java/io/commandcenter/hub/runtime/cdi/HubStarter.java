package io.commandcenter.hub.runtime.cdi;

import io.commandcenter.hub.persistence.Database;
import io.commandcenter.hub.runtime.Hub;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Starts the hub, and starts it again while its database cannot be reached. The first attempt runs on
 * the caller's thread. When it fails because the database is unreachable ({@link Database#isUnreachable}:
 * refused, timed out, starting up), the next attempts run on a daemon thread after a wait that starts at
 * {@code firstWait} and doubles up to {@code mostWait} (1 s to 30 s in the server), each failure logged at
 * WARNING with its cause; they go on until one succeeds or the starter is closed. Any other failure (an
 * invalid setting, wrong credentials, a port in use, a migration that fails) ends the starting for good:
 * restarting the same configuration would fail the same way.
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

    private final Supplier<Hub> start;
    private final Duration firstWait;
    private final Duration mostWait;
    private final Object lock = new Object();
    // guarded by lock
    private Hub hub;
    private String failure;
    private String lastCause;
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
        RuntimeException unreachable = attempt();
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

    private void retry(RuntimeException first) {
        RuntimeException unreachable = first;
        Duration wait = firstWait;
        while (unreachable != null) {
            LOG.log(Level.WARNING, "the hub cannot reach its database (attempt {0}): {1}; trying again in {2,number,#} ms",
                    attempts(), unreachable.getMessage(), wait.toMillis());
            if (!await(wait)) {
                return;
            }
            wait = wait.multipliedBy(2).compareTo(mostWait) > 0 ? mostWait : wait.multipliedBy(2);
            unreachable = attempt();
        }
    }

    /**
     * One attempt to start the hub.
     *
     * @return the failure when the database was unreachable (worth another attempt); {@code null} when there is
     *         nothing more to do: the hub started, failed for good, or the starter was closed
     */
    private RuntimeException attempt() {
        synchronized (lock) {
            if (stopped) {
                return null;
            }
            attempts++;
        }
        Hub started;
        try {
            started = start.get();
        } catch (RuntimeException e) {
            synchronized (lock) {
                lastCause = e.getMessage();
                if (Database.isUnreachable(e)) {
                    return e;
                }
                failure = e.getMessage();
            }
            LOG.log(Level.ERROR, "the hub could not start: " + e.getMessage(), e);
            return null;
        }
        synchronized (lock) {
            if (!stopped) {
                hub = started;
                return null;
            }
        }
        started.close(); // closed while this attempt ran
        return null;
    }

    /** Waits {@code wait} unless closed first; {@code false} when closed. */
    private boolean await(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        synchronized (lock) {
            try {
                for (long left = wait.toNanos(); !stopped && left > 0; left = deadline - System.nanoTime()) {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            return !stopped;
        }
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

    /** The last attempt's failure; {@code null} when none failed. */
    String lastCause() {
        synchronized (lock) {
            return lastCause;
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
