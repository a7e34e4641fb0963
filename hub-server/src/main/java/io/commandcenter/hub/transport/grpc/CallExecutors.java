package io.commandcenter.hub.transport.grpc;

import io.commandcenter.proto.inference.GRPCInferenceServiceGrpc;
import io.commandcenter.proto.v1.PredictServiceGrpc;
import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The threads that run the hub's gRPC calls (interceptors, the service, its response), chosen per
 * call when it starts:
 * <ul>
 *   <li><b>quick calls</b> — methods that only compute ({@code Predict} and {@code ModelInfer} when
 *       every model is scored in this process) — run on a small fixed pool, one thread per core, fed by a queue. Under
 *       load its threads take the next call without sleeping; grpc-java's default executor (a cached
 *       pool that hands each call to a parked thread and parks it again) spent about as much CPU on
 *       those hand-offs as a {@code Predict} spends scoring (docs/benchmarks.md, "Predict over gRPC
 *       (session 7)");</li>
 *   <li>everything else — streams, database reads and writes, calls that wait — runs on a cached
 *       pool, as grpc-java's default executor would run it.</li>
 * </ul>
 * A quick call that has to wait (a key read from the database after its cache expired, a model
 * version loaded on demand) holds one of the few quick threads; so when the oldest call waiting for
 * one has waited longer than {@code maxQueueWait}, new calls go to the general pool instead until
 * the queue moves again. Nothing runs on the transport's event loop except choosing the executor.
 */
public final class CallExecutors implements ServerCallExecutorSupplier, AutoCloseable {
    /** Calls that only compute when scoring is local: {@code Predict} and the KServe v2 {@code ModelInfer}. */
    public static final Set<String> LOCAL_QUICK_METHODS = Set.of(PredictServiceGrpc.getPredictMethod().getFullMethodName(),
            GRPCInferenceServiceGrpc.getModelInferMethod().getFullMethodName());
    /** The queue wait past which quick calls overflow to the general pool. */
    public static final Duration DEFAULT_MAX_QUEUE_WAIT = Duration.ofMillis(2);

    /**
     * Neither pool refuses work while open; once closed, what the transport still hands over (a stream's
     * last close or cancel callback, delivered after the server terminated) runs on the caller's thread
     * instead of being refused with a logged stack trace — it is the call's last bookkeeping.
     */
    private static final java.util.concurrent.RejectedExecutionHandler AFTER_CLOSE = (task, pool) -> task.run();

    private final Set<String> quickMethods;
    private final long maxQueueWaitNanos;
    private final LinkedBlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
    private final ThreadPoolExecutor quick;
    private final ExecutorService general;
    private final Executor timedQuick;
    private final LongAdder quickCalls = new LongAdder();
    private final LongAdder overflowed = new LongAdder();

    /**
     * @param quickMethods  full gRPC method names that run on the quick pool
     * @param quickThreads  the quick pool's threads (≥ 1)
     * @param maxQueueWait  how long the oldest waiting quick call may wait before new ones overflow
     */
    public CallExecutors(Set<String> quickMethods, int quickThreads, Duration maxQueueWait) {
        if (quickThreads < 1) {
            throw new IllegalArgumentException("quickThreads must be >= 1, got " + quickThreads);
        }
        this.quickMethods = Set.copyOf(quickMethods);
        this.maxQueueWaitNanos = maxQueueWait.toNanos();
        AtomicInteger quickNumber = new AtomicInteger();
        this.quick = new ThreadPoolExecutor(quickThreads, quickThreads, 0, TimeUnit.MILLISECONDS, queue,
                r -> new QuickThread(r, "cc-grpc-quick-" + quickNumber.incrementAndGet()), AFTER_CLOSE);
        // as Executors.newCachedThreadPool, with the same after-close rule
        this.general = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                daemons("cc-grpc-"), AFTER_CLOSE);
        this.timedQuick = task -> quick.execute(new Queued(task, System.nanoTime()));
    }

    /**
     * The hub's: {@link #LOCAL_QUICK_METHODS} on one thread per core when every model is scored in
     * this process without waiting; with remote inference endpoints configured a {@code Predict} may
     * wait on the network, and with micro-batching that waits for rows ({@code
     * cc.inference.batch.max-delay} above 0) a scoring thread parks for more rows, so then no call is
     * quick.
     */
    public static CallExecutors forHub(boolean scoringNeverWaits) {
        return new CallExecutors(scoringNeverWaits ? LOCAL_QUICK_METHODS : Set.of(),
                Math.max(2, Runtime.getRuntime().availableProcessors()), DEFAULT_MAX_QUEUE_WAIT);
    }

    /**
     * Runs {@code work}, which may wait (on another thread, a lock, the network), where waiting does
     * not hold a quick thread: handed to the general pool with the call's gRPC context when called on
     * a quick thread, run here otherwise. A quick method whose request turns out to wait (a
     * {@code Predict} by entity waits for the engine's thread) passes its answer through this.
     */
    public void runMayWait(Runnable work) {
        if (onQuickThread()) {
            general.execute(Context.current().wrap(work));
        } else {
            work.run();
        }
    }

    /** Whether the current thread is one of a quick pool's. */
    private static boolean onQuickThread() {
        return Thread.currentThread() instanceof QuickThread;
    }

    @Override
    public <Q, R> Executor getExecutor(ServerCall<Q, R> call, Metadata headers) {
        return executorFor(call.getMethodDescriptor().getFullMethodName());
    }

    /** The executor a call of {@code fullMethodName} starting now runs on. */
    Executor executorFor(String fullMethodName) {
        if (quickMethods.contains(fullMethodName)) {
            if (!backedUp()) {
                quickCalls.increment();
                return timedQuick;
            }
            overflowed.increment();
        }
        return general;
    }

    /** Whether the oldest call waiting for a quick thread has waited longer than allowed. */
    boolean backedUp() {
        Runnable head = queue.peek();
        return head instanceof Queued q && System.nanoTime() - q.queuedAt > maxQueueWaitNanos;
    }

    /** Calls started on the quick pool. */
    public long quickCalls() {
        return quickCalls.sum();
    }

    /** Quick calls sent to the general pool because the quick one was backed up. */
    public long overflowed() {
        return overflowed.sum();
    }

    /**
     * Stops both pools once what they hold has run; call after the server has terminated. Nothing is
     * interrupted: a call still finishing its database write (a cancelled stream's last batch) must
     * not have its H2 file channel closed under it by an interrupt. The threads are daemons.
     */
    @Override
    public void close() {
        quick.shutdown();
        general.shutdown();
    }

    private static final class QuickThread extends Thread {
        QuickThread(Runnable r, String name) {
            super(r, name);
            setDaemon(true);
        }
    }

    private record Queued(Runnable task, long queuedAt) implements Runnable {
        @Override
        public void run() {
            task.run();
        }
    }

    private static ThreadFactory daemons(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
