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
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The threads that run the hub's gRPC calls (interceptors, the service, its response), chosen per
 * call when it starts:
 * <ul>
 *   <li><b>calls answered at once</b> — a {@code Predict} whose caller is resolved without waiting
 *       ({@link #answerAtOnceWhen}: its key read recently enough that no database read or write can
 *       happen on the call) — run on the transport's event loop, with no hand-off at all. Whatever such a
 *       call finds it must wait for (a model version not loaded yet, a {@code Predict} by entity, a
 *       refusal's audit record) it passes through {@link #runMayWait}, which moves it to the general
 *       pool;</li>
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
 * the queue moves again.
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
    private final LongAdder atOnceCalls = new LongAdder();
    private final LongAdder handedOff = new LongAdder();
    /** Calls of these methods whose headers pass {@link #atOnce} run on the event loop; none until told. */
    private volatile Set<String> atOnceMethods = Set.of();
    private volatile Predicate<Function<String, String>> atOnce = headers -> false;
    private volatile boolean atOnceOn = true;
    /** Runs a call where the transport delivers it (the event loop), marking the thread meanwhile. */
    private final Executor onLoop = CallExecutors::runOnLoop;

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
     * Lets calls of {@code methods} run on the transport's event loop when {@code ready} says, from the
     * call's headers (read by lowercase name, {@code null} when absent), that its caller is resolved
     * without waiting. Set once while the hub is assembled, before its server starts; the rule must
     * itself never wait.
     */
    public void answerAtOnceWhen(Set<String> methods, Predicate<Function<String, String>> ready) {
        this.atOnce = ready;
        this.atOnceMethods = Set.copyOf(methods);
    }

    /**
     * Turns answering at once off (every call then runs where it would without {@link #answerAtOnceWhen})
     * and on again; on unless turned off. For measuring both paths in one process.
     */
    public void answerAtOnce(boolean on) {
        this.atOnceOn = on;
    }

    /**
     * Runs {@code work}, which may wait (on another thread, a lock, the network, the database) or take
     * long, where waiting holds neither the event loop nor a quick thread: handed to the general pool
     * with the call's gRPC context when called on one of those, run here otherwise. A call whose
     * request turns out to wait (a {@code Predict} by entity waits for the engine's thread, a version
     * is loaded on demand) passes its answer through this.
     */
    public void runMayWait(Runnable work) {
        if (mustNotWait()) {
            handedOff.increment();
            general.execute(Context.current().wrap(work));
        } else {
            work.run();
        }
    }

    /**
     * The general pool, for work that may wait and belongs to no call (a key read again before its
     * cache ends, a last-use write). Closed with the rest; afterwards work runs on the caller's thread.
     */
    public Executor general() {
        return general;
    }

    /** Whether the current thread is a quick pool's, or the event loop running a call answered at once. */
    private static boolean mustNotWait() {
        return Thread.currentThread() instanceof QuickThread || ON_LOOP.get()[0] > 0;
    }

    /** How deep the current thread is in calls answered at once (0: none). */
    private static final ThreadLocal<int[]> ON_LOOP = ThreadLocal.withInitial(() -> new int[1]);

    private static void runOnLoop(Runnable task) {
        int[] depth = ON_LOOP.get();
        depth[0]++;
        try {
            task.run();
        } finally {
            depth[0]--;
        }
    }

    @Override
    public <Q, R> Executor getExecutor(ServerCall<Q, R> call, Metadata headers) {
        String method = call.getMethodDescriptor().getFullMethodName();
        if (atOnceOn && atOnceMethods.contains(method) && atOnce.test(name -> headers.get(CallerInterceptor.key(name)))) {
            atOnceCalls.increment();
            return onLoop;
        }
        return executorFor(method);
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

    /** Calls started on the event loop (answered at once unless they handed work off). */
    public long atOnceCalls() {
        return atOnceCalls.sum();
    }

    /** Work handed from the event loop or a quick thread to the general pool because it may wait. */
    public long handedOff() {
        return handedOff.sum();
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
