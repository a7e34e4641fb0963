package io.commandcenter.inference;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Micro-batching in front of a local backend: concurrent {@link #score} calls of one model version share
 * one call of the backend (one ONNX Runtime {@code run}), each getting its own rows' answers. Small models
 * spend most of a call in per-call overhead (STACK.md: ~4–10 µs a call, millions of rows a second in
 * batches), so under concurrency this multiplies throughput.
 *
 * <p>No thread of its own ("flat combining"): a caller queues its rows; whoever holds the model's lane
 * runs one backend call for everything queued (at most {@code maxRows} rows) and hands the answers out,
 * then the next waiting caller takes the lane. A lone caller runs at once. With {@code maxDelay > 0} a
 * caller that takes the lane waits up to that long for {@code maxRows} rows to gather. A call of
 * {@code maxRows} rows or more goes straight through.
 *
 * <p>One caller's bad rows do not fail the others: when a shared call fails INVALID, each caller's rows
 * are scored again alone. Thread-safe.
 */
public final class MicroBatchingBackend extends ForwardingBackend {
    private final int maxRows;
    private final long maxDelayNanos;
    private final Map<ModelKey, Lane> lanes = new ConcurrentHashMap<>();
    private final LongAdder requests = new LongAdder();
    private final LongAdder calls = new LongAdder();

    /**
     * @param maxRows  most rows one shared call carries (≥ 2)
     * @param maxDelay how long the caller running a call waits for more rows (zero: only rows already queued)
     */
    public MicroBatchingBackend(InferenceBackend delegate, int maxRows, java.time.Duration maxDelay) {
        super(delegate);
        if (maxRows < 2) {
            throw new IllegalArgumentException("maxRows must be >= 2");
        }
        this.maxRows = maxRows;
        this.maxDelayNanos = maxDelay.toNanos();
    }

    /** Caller requests that went through a shared call. */
    public long requests() {
        return requests.sum();
    }

    /** Shared calls made to the backend; {@code requests() / calls()} is the mean batch. */
    public long calls() {
        return calls.sum();
    }

    /** Requests of a version waiting now (for tests and metrics). */
    public int waiting(ModelKey key) {
        Lane lane = lanes.get(key);
        return lane == null ? 0 : lane.queue.size();
    }

    @Override
    public void unload(ModelKey key) {
        delegate.unload(key);
        lanes.remove(key);
    }

    @Override
    public double[] score(ModelKey key, float[] rows, int rowCount) {
        if (rowCount <= 0 || rowCount >= maxRows) {
            return delegate.score(key, rows, rowCount);
        }
        int width = delegate.metadata(key).features().size();
        if (rows.length < (long) rowCount * width) {
            throw new CommandCenterException(ErrorKind.INVALID, "SCORE_INPUT_INVALID",
                    "need " + rowCount + " rows of " + width + " features, got " + rows.length + " values");
        }
        Lane lane = lanes.computeIfAbsent(key, k -> new Lane(k, width));
        Request r = new Request(rows, rowCount, Thread.currentThread());
        lane.queue.add(r);
        if (lane.queuedRows.addAndGet(rowCount) >= maxRows) {
            Thread gathering = lane.gathering;
            if (gathering != null) {
                LockSupport.unpark(gathering);
            }
        }
        requests.increment();
        while (!r.done) {
            if (lane.lock.tryLock()) {
                try {
                    if (!r.done) {
                        lane.run();
                    }
                } catch (Throwable e) {
                    // an Error of a shared call this caller's request was not in (it waited behind a full batch): the
                    // caller leaves with it, so its request leaves the queue too, else it would stay at the head and
                    // the lane would wake its gone thread instead of the callers behind it
                    if (!r.done && lane.queue.remove(r)) {
                        lane.queuedRows.addAndGet(-rowCount);
                    }
                    throw e;
                } finally {
                    lane.lock.unlock();
                    Request next = lane.queue.peek();
                    if (next != null) {
                        LockSupport.unpark(next.thread); // the next caller takes the lane, whatever ended this call
                    }
                }
            } else {
                LockSupport.park(lane);
            }
        }
        if (r.error != null) {
            throw r.error;
        }
        return r.result;
    }

    /** This backend owns its delegate. */
    @Override
    public void close() {
        delegate.close();
    }

    private static final class Request {
        final float[] rows;
        final int count;
        final Thread thread;
        double[] result;
        RuntimeException error;
        volatile boolean done;

        Request(float[] rows, int count, Thread thread) {
            this.rows = rows;
            this.count = count;
            this.thread = thread;
        }

        void complete(double[] value, RuntimeException failure) {
            result = value;
            error = failure;
            done = true;
            if (thread != Thread.currentThread()) {
                LockSupport.unpark(thread);
            }
        }
    }

    /** One version's queue and the lock whose holder makes the shared call. */
    private final class Lane {
        final ModelKey key;
        final int width;
        final Queue<Request> queue = new ConcurrentLinkedQueue<>();
        final AtomicInteger queuedRows = new AtomicInteger();
        final ReentrantLock lock = new ReentrantLock();
        volatile Thread gathering;

        Lane(ModelKey key, int width) {
            this.key = key;
            this.width = width;
        }

        /** Under the lock: (optionally wait for rows, then) one backend call for the head of the queue. */
        void run() {
            if (maxDelayNanos > 0 && queuedRows.get() < maxRows) {
                long deadline = System.nanoTime() + maxDelayNanos;
                gathering = Thread.currentThread();
                try {
                    long left;
                    while (queuedRows.get() < maxRows && (left = deadline - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(this, left);
                    }
                } finally {
                    gathering = null;
                }
            }
            List<Request> batch = new ArrayList<>();
            int total = 0;
            for (Request next = queue.peek(); next != null && (batch.isEmpty() || total + next.count <= maxRows);
                 next = queue.peek()) {
                queue.poll();
                batch.add(next);
                total += next.count;
            }
            queuedRows.addAndGet(-total);
            if (batch.isEmpty()) {
                return;
            }
            try {
                share(batch, total);
            } catch (Throwable e) {
                // an Error: the batch's requests left the queue, so each still waiting is answered (or its caller
                // would wait for ever), then the Error goes on
                CommandCenterException failed = new CommandCenterException(ErrorKind.UNAVAILABLE, "BACKEND_FAILED",
                        "the shared call of " + key + " failed: " + e, Map.of("model", key.toString()), List.of(), e);
                for (Request r : batch) {
                    if (!r.done) {
                        r.complete(null, failed);
                    }
                }
                throw e;
            }
        }

        /** One backend call for the batch; each request completed with its rows' answers or the failure. */
        private void share(List<Request> batch, int total) {
            double[] risks;
            try {
                float[] rows = new float[total * width];
                int at = 0;
                for (Request r : batch) {
                    System.arraycopy(r.rows, 0, rows, at, r.count * width);
                    at += r.count * width;
                }
                calls.increment();
                risks = delegate.score(key, rows, total);
            } catch (CommandCenterException e) {
                if (e.kind() == ErrorKind.INVALID && batch.size() > 1) {
                    alone(batch); // someone's rows are bad: do not fail the others with them
                } else {
                    batch.forEach(r -> r.complete(null, e));
                }
                return;
            } catch (RuntimeException e) {
                batch.forEach(r -> r.complete(null, e));
                return;
            }
            int from = 0;
            for (Request r : batch) {
                double[] own = new double[r.count];
                System.arraycopy(risks, from, own, 0, r.count);
                from += r.count;
                r.complete(own, null);
            }
        }

        private void alone(List<Request> batch) {
            for (Request r : batch) {
                try {
                    calls.increment();
                    r.complete(delegate.score(key, r.rows, r.count), null);
                } catch (RuntimeException e) {
                    r.complete(null, e);
                }
            }
        }
    }
}
