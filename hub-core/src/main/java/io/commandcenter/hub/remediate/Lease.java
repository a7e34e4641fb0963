package io.commandcenter.hub.remediate;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * This hub's lease in the store (ADR 0028), renewed every sixth of the TTL on a thread of its own
 * (an adoption sweep or a slow timer never delays it), and what the hub's launches ask before they
 * act: the lease is <b>fresh</b> while its last successful renewal began less than half the TTL ago,
 * measured on this hub's monotonic clock. Other hubs adopt this hub's runs only once the store saw
 * no renewal for a whole TTL, so a launch made while the lease is fresh leaves half a TTL between it
 * and any adoption; a hub whose lease is stale (a renewal failing, a stall) launches nothing until
 * it renews.
 *
 * <p>A renewal that ends a stale spell first runs {@code beforeFresh} (the engine reads who owns the
 * runs it drives and drops those another hub adopted meanwhile, without writing), and only then
 * counts the lease fresh and runs {@code afterFresh} (the held launches go on). A renewal that began
 * fresh but returned more than half the TTL after the last one began (a slow store) ended a stale
 * spell too: launches may have been held during it. {@code afterFresh} runs after every successful
 * renewal (held launches go on; nothing is held while the lease stays fresh). If {@code beforeFresh}
 * fails, the lease stays stale and the next renewal tries again. Both run on the renewing thread, and
 * a wait there holds the launches and the next renewal as long (the one under way renewed the lease
 * in the store first): they take no lock another thread of the engine holds, and wait only for their
 * own store calls — the owners read, a run read, and an audit append per run given up
 * ({@code RUN_RELINQUISHED}), which on PostgreSQL waits for the audit head row's lock (lock_timeout
 * 5 s, 3 tries: about 15 s) and for each pooled connection up to 10 s. Give-ups that wait that long
 * one after another, past the TTL, let the lease lapse.
 */
final class Lease implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Lease.class.getName());

    private final RunStore store;
    private final String hubId;
    private final Duration ttl;
    private final Runnable beforeFresh;
    private final Runnable afterFresh;
    private volatile LongSupplier nanos = System::nanoTime;
    /** How often {@link #start}'s thread renews; null: every sixth of the TTL. */
    private volatile Duration period;
    /** When the last successful renewal began ({@link #nanos}); meaningless until {@link #renewed}. */
    private volatile long renewedAt;
    private volatile boolean renewed;
    private volatile ScheduledExecutorService thread;

    Lease(RunStore store, String hubId, Duration ttl, Runnable beforeFresh, Runnable afterFresh) {
        this.store = store;
        this.hubId = hubId;
        this.ttl = ttl;
        this.beforeFresh = beforeFresh;
        this.afterFresh = afterFresh;
    }

    /** The clock freshness is measured on (tests set one they move by hand), before the first renewal. */
    void ticker(LongSupplier ticker) {
        this.nanos = ticker;
    }

    /** How often {@link #start}'s thread renews instead of every sixth of the TTL, before it starts (tests). */
    void period(Duration period) {
        this.period = period;
    }

    /** Whether the last successful renewal began less than half the TTL ago: launches may go on. */
    boolean fresh() {
        return renewed && nanos.getAsLong() - renewedAt < ttl.toNanos() / 2;
    }

    /**
     * Renews the lease now (the thread does it every sixth of the TTL).
     *
     * @throws RuntimeException when the store refuses it (the lease stays as it was)
     */
    synchronized void renew() {
        long started = nanos.getAsLong();
        boolean wasStale = !fresh();
        store.renewLease(hubId, ttl);
        // stale at its start, or gone stale while the store answered: a launch may have been held
        // meanwhile, and another hub may have adopted a run, so the owners are read first either way
        long since = nanos.getAsLong() - renewedAt;
        boolean stale = wasStale || since >= ttl.toNanos() / 2;
        if (stale && renewed) {
            LOG.log(System.Logger.Level.WARNING, "hub {0} renewed its lease {1} ms after the last renewal began (more"
                    + " than half the TTL {2}): checking who owns its runs before it launches anything again", hubId,
                    TimeUnit.NANOSECONDS.toMillis(since), ttl);
            beforeFresh.run();
        }
        renewedAt = started;
        renewed = true;
        // always: a launch held in the instant between the check above and the line before this one
        // would otherwise wait for the next stale spell (the owners are read only after a stale one)
        afterFresh.run();
    }

    /** Renews every sixth of the TTL on a daemon thread named {@code threadName}, until {@link #close}. */
    void start(String threadName) {
        ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(1, (this.period != null ? this.period : ttl.dividedBy(6)).toMillis());
        thread.scheduleWithFixedDelay(() -> {
            try {
                renew();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "lease renewal of hub {0} failed: {1}", hubId, e.getMessage());
            }
        }, period, period, TimeUnit.MILLISECONDS);
        this.thread = thread;
    }

    /**
     * Stops renewing: a renewal under way is let finish (no interrupt: H2 closes its file on one),
     * waited for up to 10 s.
     */
    @Override
    public void close() {
        ScheduledExecutorService t = thread;
        thread = null;
        if (t != null) {
            ThreadTimers.stop(t);
        }
    }
}
