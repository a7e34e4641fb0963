package io.commandcenter.hub.learning;

import io.commandcenter.hub.persistence.Jpa;
import io.commandcenter.hub.predict.ShadowScoring;
import io.commandcenter.scheduler.DaemonThreads;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Would-be predictions written off the scoring thread: the engine hands them here ({@link #accept}, never
 * waiting on the database), one writer thread stores them in batches of at most {@link #BATCH} rows (one
 * transaction a project's batch, {@link ShadowGates#saveWouldBe}). The queue holds at most {@code capacity}
 * rows: past it, rows are dropped and counted ({@link #dropped}), with one WARNING per overflow (the next
 * once the queue has room again). A batch the database fails is tried again every {@link #RETRY} until it
 * is stored or the writer closes (then dropped and counted); one it refuses for what it holds (a value too long, a
 * constraint) is written a row at a time, and the rows refused are dropped and counted, so that one bad row never
 * holds the writer. {@link #close} writes what is queued, waiting up to {@code closeWait}; the
 * writer thread starts with the first row.
 */
final class ShadowWrites implements ShadowScoring.Sink, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ShadowWrites.class.getName());
    /** Rows queued at most (about 100 bytes each). */
    static final int QUEUE = 10_000;
    /** Rows written per batch at most. */
    static final int BATCH = 500;
    /** How long a refused batch waits before it is tried again. */
    static final Duration RETRY = Duration.ofSeconds(1);

    private final ShadowGates store;
    private final int capacity;
    private final Duration closeWait;
    private final ArrayDeque<ShadowScoring.WouldBe> queue = new ArrayDeque<>();
    private long dropped;
    private long written;
    private boolean overflowing;
    private boolean closed;
    /** Rows taken by the writer and not yet stored. */
    private int writing;
    private Thread writer;

    ShadowWrites(ShadowGates store, int capacity, Duration closeWait) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.store = store;
        this.capacity = capacity;
        this.closeWait = closeWait;
    }

    /** Queues the rows; those past the queue's capacity (or after close) are dropped and counted. */
    @Override
    public synchronized void accept(List<ShadowScoring.WouldBe> rows) {
        int lost = 0;
        for (ShadowScoring.WouldBe w : rows) {
            if (closed || queue.size() >= capacity) {
                lost++;
            } else {
                queue.add(w);
            }
        }
        if (lost > 0) {
            dropped += lost;
            if (!overflowing) {
                overflowing = true;
                LOG.log(Level.WARNING, "shadow predictions: the write queue is full ({0} rows){1}; rows are dropped "
                        + "until it has room (cc_shadow_predictions_dropped_total)", capacity,
                        closed ? " or the writer is closed" : "");
            }
        }
        if (queue.isEmpty()) {
            return;
        }
        if (writer == null) {
            writer = DaemonThreads.numbered("cc-shadow-writes-").newThread(this::run);
            writer.start();
        }
        notifyAll();
    }

    /**
     * Rows not stored: past the queue's capacity, handed over after close, refused by the database for what they
     * hold, or given up when the writer closed.
     */
    synchronized long dropped() {
        return dropped;
    }

    /** Rows stored. */
    synchronized long written() {
        return written;
    }

    /** Whether {@link #close} began. */
    synchronized boolean closed() {
        return closed;
    }

    /** Rows queued or being written. */
    synchronized int pending() {
        return queue.size() + writing;
    }

    private void run() {
        List<ShadowScoring.WouldBe> batch;
        while ((batch = take()) != null) {
            store(batch);
            synchronized (this) {
                writing = 0;
                notifyAll();
            }
        }
    }

    /**
     * Stores a batch, again every {@link #RETRY} while the database fails, until the writer closes (the rows then
     * given up are counted as dropped). A batch the database refuses for what it holds ({@link Jpa#isRefusedData}:
     * writing it again cannot succeed) is stored a row at a time, and a row so refused is dropped and counted.
     */
    private void store(List<ShadowScoring.WouldBe> batch) {
        for (;;) {
            RuntimeException failure = write(batch);
            if (failure == null) {
                return;
            }
            if (Jpa.isRefusedData(failure)) {
                if (batch.size() == 1) {
                    LOG.log(Level.WARNING, "shadow predictions: the database refused a row ({0}); dropped "
                            + "(cc_shadow_predictions_dropped_total)", batch.get(0).entity());
                    drop(1);
                    return;
                }
                batch.forEach(w -> store(List.of(w)));
                return;
            }
            LOG.log(Level.WARNING, "shadow predictions: {0} rows not stored yet, tried again in {1}: {2}",
                    batch.size(), RETRY, failure.getMessage());
            if (!waitToRetry()) {
                LOG.log(Level.WARNING, "shadow predictions: {0} rows not stored before the writer closed; dropped "
                        + "(cc_shadow_predictions_dropped_total)", batch.size());
                drop(batch.size());
                return;
            }
        }
    }

    private synchronized void drop(int rows) {
        dropped += rows;
    }

    /** The next batch; null once closed and empty. */
    private synchronized List<ShadowScoring.WouldBe> take() {
        while (queue.isEmpty() && !closed) {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        if (queue.isEmpty()) {
            return null;
        }
        List<ShadowScoring.WouldBe> batch = new ArrayList<>(Math.min(BATCH, queue.size()));
        while (batch.size() < BATCH && !queue.isEmpty()) {
            batch.add(queue.poll());
        }
        writing = batch.size();
        overflowing = false; // the queue has room again: the next overflow is told
        return batch;
    }

    /** Writes the batch: null when stored, else the failure. */
    private RuntimeException write(List<ShadowScoring.WouldBe> batch) {
        try {
            batch.stream().collect(Collectors.groupingBy(w -> w.entity().project())).forEach(store::saveWouldBe);
            synchronized (this) {
                written += batch.size();
            }
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }

    /** Waits {@link #RETRY} (less when closed); false: closed, give up. */
    private synchronized boolean waitToRetry() {
        if (closed) {
            return false;
        }
        try {
            wait(RETRY.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return !closed;
    }

    /**
     * Writes what is queued, waiting up to the close wait; never interrupts the writer (H2 closes its files under a
     * thread interrupted inside them). Rows still queued after that are counted in the log.
     */
    @Override
    public void close() {
        Thread w;
        synchronized (this) {
            closed = true;
            notifyAll();
            w = writer;
        }
        if (w == null) {
            return;
        }
        try {
            w.join(closeWait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        int left = pending();
        if (left > 0) {
            LOG.log(Level.WARNING, "shadow predictions: writer still busy after {0} ms; {1} rows may not be stored",
                    TimeUnit.MILLISECONDS.convert(closeWait), left);
        }
    }
}
