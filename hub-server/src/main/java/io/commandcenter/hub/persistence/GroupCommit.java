package io.commandcenter.hub.persistence;

import jakarta.persistence.EntityManager;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * Group commit: small writes that arrive together share one transaction, so one commit (one file write
 * on the embedded database, which writes every commit through before it returns; one fsync on
 * PostgreSQL) serves them all — and each caller still returns only once its own write is committed.
 *
 * <p>A caller queues its work and takes the commit lock; whoever holds it runs every queued work (up to
 * {@code maxBatch}) in one transaction and commits, then hands the results back. A caller that gets the
 * lock and finds its work already done by the previous holder returns at once. Alone, a caller commits
 * alone, as {@link Jpa#write} would. When the shared transaction fails (one work's constraint violation,
 * a deadlock), each of its works is run again in a transaction of its own, so every caller gets its own
 * result or its own error, exactly as without grouping.
 *
 * <p>Works must be independent writes (no work reads what another of the batch wrote, other than through
 * the rows themselves, as two transactions in sequence would) and must not call into this group commit.
 */
public final class GroupCommit {
    private final Jpa jpa;
    private final int maxBatch;
    private final ConcurrentLinkedQueue<Pending<?>> queue = new ConcurrentLinkedQueue<>();
    private final ReentrantLock commitLock = new ReentrantLock();
    private final java.util.concurrent.atomic.AtomicLong transactions = new java.util.concurrent.atomic.AtomicLong();

    public GroupCommit(Jpa jpa, int maxBatch) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be >= 1");
        }
        this.jpa = jpa;
        this.maxBatch = maxBatch;
    }

    /** Runs {@code work} in a committed transaction, possibly shared with other callers' works. */
    public <T> T write(Function<EntityManager, T> work) {
        Pending<T> mine = new Pending<>(work);
        queue.add(mine);
        while (!mine.done) {
            commitLock.lock();
            try {
                if (!mine.done) {
                    commitBatch();
                }
            } finally {
                commitLock.unlock();
            }
        }
        return mine.get();
    }

    /** Transactions committed or tried so far (shared and alone): what grouping saves shows here. */
    public long transactions() {
        return transactions.get();
    }

    /** Works waiting for a turn. */
    public int queued() {
        return queue.size();
    }

    private void commitBatch() {
        List<Pending<?>> batch = new ArrayList<>();
        for (Pending<?> p; batch.size() < maxBatch && (p = queue.poll()) != null; ) {
            batch.add(p);
        }
        if (batch.isEmpty()) {
            return;
        }
        if (batch.size() == 1) {
            transactions.incrementAndGet();
            batch.get(0).runAlone(jpa);
            return;
        }
        transactions.incrementAndGet();
        List<Object> results;
        try {
            results = jpa.write(em -> {
                List<Object> out = new ArrayList<>(batch.size());
                for (Pending<?> p : batch) {
                    out.add(p.work.apply(em));
                }
                return out;
            });
        } catch (RuntimeException | Error shared) {
            // one of them (or the commit) failed: each on its own, to give each caller its own answer
            batch.forEach(p -> {
                transactions.incrementAndGet();
                p.runAlone(jpa);
            });
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).complete(results.get(i));
        }
    }

    private static final class Pending<T> {
        final Function<EntityManager, T> work;
        volatile boolean done;
        private Object result;
        private Throwable failure;

        Pending(Function<EntityManager, T> work) {
            this.work = work;
        }

        void runAlone(Jpa jpa) {
            try {
                complete(jpa.write(work));
            } catch (RuntimeException | Error e) {
                failure = e;
                done = true;
            }
        }

        void complete(Object value) {
            result = value;
            done = true;
        }

        @SuppressWarnings("unchecked")
        T get() {
            if (failure instanceof Error e) {
                throw e;
            }
            if (failure != null) {
                throw (RuntimeException) failure;
            }
            return (T) result;
        }
    }
}
