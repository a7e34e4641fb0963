package io.commandcenter.hub.events;

import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.scheduler.QuietLog;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One subscriber of the {@link EventBus}: a bounded buffer of undelivered events drained into its
 * {@link EventSink} on the bus's delivery executor, one drain at a time, while the sink is ready.
 * When the buffer is full the oldest undelivered event is dropped (a subscriber that lags wants
 * the freshest events) and the sink hears how many were dropped before its next event. Publishing
 * never waits for a subscriber. A subscription delivered on the publisher's thread delivers at most
 * {@code maxPerDrain} events per drain: the rest go to its overflow executor (or to the next
 * publisher, whichever takes them first), so a publisher does not deliver other publishers' events
 * for as long as they keep coming.
 */
public final class Subscription implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Subscription.class.getName());
    /** Drains in a row ended by an Error from the sink after which the subscription is closed. */
    static final int MAX_ERRORS_IN_A_ROW = 3;
    /** A sink's Errors are logged at most once per this interval (with how many were not). */
    static final Duration ERROR_LOG_INTERVAL = Duration.ofSeconds(30);
    private final String id;
    private final ProjectId project;
    private final SubjectPattern pattern;
    private final int capacity;
    private final EventSink sink;
    private final Executor executor;
    private final Clock clock;
    private final Runnable onClose;
    private final int maxPerDrain;
    private final Executor overflow;

    private final ArrayDeque<Event> buffer;
    private long droppedSinceNotice;
    private long droppedTotal;
    private Instant firstDropSinceNotice;
    private boolean closed;

    private final AtomicBoolean scheduled = new AtomicBoolean();
    /** Drains in a row that an Error from the sink ended; {@value #MAX_ERRORS_IN_A_ROW} end the subscription. */
    private final AtomicInteger errorsInARow = new AtomicInteger();
    private final QuietLog errorLog = new QuietLog(LOG, ERROR_LOG_INTERVAL);
    private final QuietLog startLog = new QuietLog(LOG, ERROR_LOG_INTERVAL);

    Subscription(String id, ProjectId project, SubjectPattern pattern, int capacity, EventSink sink,
                 Executor executor, Clock clock, Runnable onClose) {
        this(id, project, pattern, capacity, sink, executor, clock, onClose, Integer.MAX_VALUE, executor);
    }

    /**
     * @param maxPerDrain events one drain delivers at most; what is left then is drained on {@code overflow}
     * @param overflow    runs the drain that takes over; must not run it on the caller's thread
     */
    Subscription(String id, ProjectId project, SubjectPattern pattern, int capacity, EventSink sink,
                 Executor executor, Clock clock, Runnable onClose, int maxPerDrain, Executor overflow) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1");
        }
        if (maxPerDrain < 1) {
            throw new IllegalArgumentException("maxPerDrain must be >= 1");
        }
        this.maxPerDrain = maxPerDrain;
        this.overflow = overflow;
        this.id = id;
        this.project = project;
        this.pattern = pattern;
        this.capacity = capacity;
        this.sink = sink;
        this.executor = executor;
        this.clock = clock;
        this.onClose = onClose;
        this.buffer = new ArrayDeque<>(Math.min(capacity, 1024));
    }

    public String id() {
        return id;
    }

    public ProjectId project() {
        return project;
    }

    public SubjectPattern pattern() {
        return pattern;
    }

    public int capacity() {
        return capacity;
    }

    /** Events dropped for this subscriber since it started. */
    public synchronized long droppedTotal() {
        return droppedTotal;
    }

    /**
     * Buffers an event if the subject matches; never blocks.
     *
     * @return whether an older event was dropped to make room
     */
    boolean offer(Event event) {
        if (!pattern.matches(event.subject())) {
            return false;
        }
        boolean dropped;
        synchronized (this) {
            if (closed) {
                return false;
            }
            dropped = add(event);
        }
        signal();
        return dropped;
    }

    /** Buffers {@code event}, dropping the oldest when full; returns whether it dropped one. Lock held. */
    private boolean add(Event event) {
        boolean dropped = buffer.size() == capacity;
        if (dropped) {
            buffer.pollFirst();
            if (droppedSinceNotice == 0) {
                firstDropSinceNotice = clock.instant();
            }
            droppedSinceNotice++;
            droppedTotal++;
        }
        buffer.addLast(event);
        return dropped;
    }

    /**
     * Buffers those of {@code events} whose subject matches, in order, under one lock, and asks for
     * one drain; never blocks. The same rule as {@link #offer} for each: when the buffer is full the
     * oldest undelivered event is dropped.
     *
     * @return how many older events were dropped to make room
     */
    int offerAll(java.util.List<Event> events) {
        int dropped = 0;
        boolean any = false;
        synchronized (this) {
            if (closed) {
                return 0;
            }
            for (Event event : events) {
                if (!pattern.matches(event.subject())) {
                    continue;
                }
                any = true;
                if (add(event)) {
                    dropped++;
                }
            }
        }
        if (any) {
            signal();
        }
        return dropped;
    }

    /**
     * Asks for a drain; the sink calls this when it becomes ready again. An executor that refuses it (shut down
     * with its subscriber, say, while a publisher was on its way) fails no publish: what waits is drained at the
     * next signal, if any.
     */
    public void signal() {
        if (scheduled.compareAndSet(false, true)) {
            startDrain(executor);
        }
    }

    /**
     * Runs a drain on {@code on}, the drain flag being the caller's: the drain takes it over when it starts. If
     * {@code on} throws before the drain started (refused: shut down), the flag is released, never when the drain
     * did start (an executor that runs it on the caller's thread, the drain ending abruptly: the flag is then the
     * drain's to settle). Nothing {@code on} throws reaches the caller but a {@link VirtualMachineError}.
     */
    private void startDrain(Executor on) {
        // whichever claims it first: the drain starting, or this method finding that execute failed before it did
        AtomicBoolean claimed = new AtomicBoolean();
        try {
            on.execute(() -> {
                if (claimed.compareAndSet(false, true)) {
                    drain();
                }
            });
        } catch (Throwable e) {
            if (claimed.compareAndSet(false, true)) {
                scheduled.set(false);
            }
            if (e instanceof VirtualMachineError vm) {
                throw vm;
            }
            if (e instanceof java.util.concurrent.RejectedExecutionException) {
                LOG.log(System.Logger.Level.DEBUG, "subscription {0}: no executor for a drain: {1}", id, e.getMessage());
            } else {
                // what waits is drained at the next signal; an executor broken for good is not logged per publish
                startLog.warn("subscription " + id + ": starting a drain", e);
            }
        }
    }

    /**
     * Drains on the executor, the drain flag being ours when it starts; whatever ends it, the flag is released
     * or handed on while it is ours, and never touched once it is not (released, a publisher's signal may have
     * started the next drain). A sink that throws a RuntimeException (a closed transport, a payload that cannot be
     * rendered) ends its own subscription, and only that one. An Error from the sink (an assertion, a stack
     * overflow) loses the delivery in hand, not the feed: later events are delivered, the Error logged at ERROR
     * at most once per {@link #ERROR_LOG_INTERVAL}; {@value #MAX_ERRORS_IN_A_ROW} drains in a row ended by an
     * Error end the subscription, as a RuntimeException does. A {@link VirtualMachineError} is rethrown once the
     * flag is settled.
     */
    private void drain() {
        boolean owned = true;
        try {
            int budget = maxPerDrain;
            while (true) {
                budget = drainWhileReady(budget);
                errorsInARow.set(0);
                owned = false;
                scheduled.set(false);
                // Re-check after releasing the flag: a signal that arrived while we were draining saw
                // the flag set and did nothing, so the work it announced is ours to pick up.
                if (!(hasWork() && sink.isReady() && scheduled.compareAndSet(false, true))) {
                    return;
                }
                owned = true;
                if (budget == 0) {
                    // this drain delivered its share: what is left is the overflow executor's
                    owned = false;
                    startDrain(overflow);
                    return;
                }
            }
        } catch (RuntimeException e) {
            fail("failed delivering and is closed: " + e);
        } catch (Error e) {
            int errors = errorsInARow.incrementAndGet();
            errorLog.log(System.Logger.Level.ERROR, "subscription " + id + " failed delivering with an Error; what"
                    + " was in hand is lost, later events are delivered", e);
            if (errors >= MAX_ERRORS_IN_A_ROW) {
                fail("is closed after " + errors + " drains in a row failed with an Error (the last: " + e + ")");
            }
            if (e instanceof VirtualMachineError) {
                throw e;
            }
        } finally {
            if (owned) {
                // the drain ended abruptly with the flag still ours: without this no signal would drain again
                scheduled.set(false);
                handOnWhatWaits();
            }
        }
    }

    /** After a drain ended abruptly with the flag: hands what waits to {@code overflow}, if the sink is ready. */
    private void handOnWhatWaits() {
        try {
            if (hasWork() && sink.isReady() && scheduled.compareAndSet(false, true)) {
                startDrain(overflow);
            }
        } catch (RuntimeException e) {
            fail("failed telling whether it is ready and is closed: " + e);
        }
    }

    /** Ends this subscription after its sink failed, telling the sink (which may fail again: logged, no more). */
    private void fail(String what) {
        LOG.log(System.Logger.Level.WARNING, "subscription {0} {1}", id, what);
        close();
        try {
            sink.closed();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "subscription {0}: its sink failed hearing it is closed: {1}", id,
                    e.toString());
        }
    }

    /** Delivers while the sink is ready, up to {@code budget} events; returns what is left of it. */
    private int drainWhileReady(int budget) {
        int maxBatch = sink.maxBatch();
        java.util.List<Event> batch = maxBatch > 1 ? new java.util.ArrayList<>(Math.min(maxBatch, 256)) : null;
        while (budget > 0 && sink.isReady()) {
            Event next = null;
            long dropped;
            long total;
            Instant since;
            synchronized (this) {
                if (closed) {
                    return budget;
                }
                dropped = droppedSinceNotice;
                total = droppedTotal;
                since = firstDropSinceNotice;
                if (dropped > 0) {
                    droppedSinceNotice = 0;
                    firstDropSinceNotice = null;
                } else if (batch == null) {
                    next = buffer.pollFirst();
                } else {
                    // what waits now, up to the sink's batch: nothing is held back for company
                    for (Event e; batch.size() < maxBatch && batch.size() < budget && (e = buffer.pollFirst()) != null; ) {
                        batch.add(e);
                    }
                }
            }
            if (dropped > 0) {
                sink.dropped(dropped, total, since);
            } else if (next != null) {
                sink.deliver(next);
                budget--;
            } else if (batch != null && !batch.isEmpty()) {
                sink.deliver(java.util.List.copyOf(batch));
                budget -= batch.size();
                batch.clear();
            } else {
                return budget;
            }
        }
        return budget;
    }

    private synchronized boolean hasWork() {
        return !closed && (!buffer.isEmpty() || droppedSinceNotice > 0);
    }

    /** Stops delivery and unregisters from the bus. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            buffer.clear();
        }
        onClose.run();
    }

    /** Closes on the hub's side and tells the sink. */
    void shutdown() {
        boolean wasOpen;
        synchronized (this) {
            wasOpen = !closed;
        }
        close();
        if (wasOpen) {
            sink.closed();
        }
    }
}
