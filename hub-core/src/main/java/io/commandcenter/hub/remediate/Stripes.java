package io.commandcenter.hub.remediate;

import io.commandcenter.common.concurrent.Shutdowns;
import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.hub.project.ProjectId;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.FutureTask;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Single-threaded lanes keyed by target: everything the engine does about one target (deciding on
 * a trigger, driving its runs) happens in order on one lane, so the per-target concurrency and
 * blast-radius checks see every earlier decision, while different targets proceed in parallel.
 *
 * <p>A lane serves work on runs already decided ({@link #run}, {@link #call}) before new triggers
 * ({@link #decide}); each kind in the order it was handed in. So in a burst a stored run's first
 * task is submitted as soon as its commit is back, not after every trigger that queued before it.
 */
final class Stripes implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Stripes.class.getName());
    private static final int RUNS = 0;
    private static final int TRIGGERS = 1;
    private final List<ExecutorService> lanes = new ArrayList<>();
    /** The lanes' threads (each lane's one thread, made when work first reaches it). */
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final AtomicLong order = new AtomicLong();
    private final String prefix;
    /** How long {@link #close} waits for the lanes in all. */
    private final Duration closeWait;

    /** Work on a lane: runs' work before triggers, each in the order handed in. */
    private static final class Job implements Runnable, Comparable<Job> {
        final int kind;
        final long seq;
        final Runnable work;

        Job(int kind, long seq, Runnable work) {
            this.kind = kind;
            this.seq = seq;
            this.work = work;
        }

        @Override
        public void run() {
            work.run();
        }

        @Override
        public int compareTo(Job o) {
            return kind != o.kind ? Integer.compare(kind, o.kind) : Long.compare(seq, o.seq);
        }
    }

    /** The lane key of a target: every decision, node and outcome on one entity goes through its lane. */
    static String key(ProjectId project, String targetKind, String targetId) {
        return project.value() + "/" + targetKind + "/" + targetId;
    }

    Stripes(int count, String prefix) {
        this(count, prefix, Duration.ofSeconds(10));
    }

    /** @param closeWait how long {@link #close} waits for the lanes in all before leaving them to end */
    Stripes(int count, String prefix, Duration closeWait) {
        this.prefix = prefix;
        this.closeWait = closeWait;
        for (int i = 0; i < count; i++) {
            String name = prefix + i;
            lanes.add(new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new PriorityBlockingQueue<>(), r -> {
                Thread t = new Thread(r, name);
                t.setDaemon(true);
                threads.add(t);
                return t;
            }));
        }
    }

    private ExecutorService lane(String key) {
        return lanes.get(Math.floorMod(key.hashCode(), lanes.size()));
    }

    /** Whether the calling thread is one of these lanes' (tests: engines in one JVM name theirs alike). */
    boolean onALane() {
        return threads.contains(Thread.currentThread());
    }

    /** Runs work on a run on the key's lane; a failure is logged, never lost silently. */
    void run(String key, Runnable work) {
        submit(key, RUNS, work);
    }

    /** Decides on a new trigger on the key's lane, after the work on runs waiting there. */
    void decide(String key, Runnable work) {
        submit(key, TRIGGERS, work);
    }

    private void submit(String key, int kind, Runnable work) {
        try {
            lane(key).execute(new Job(kind, order.incrementAndGet(), () -> {
                try {
                    work.run();
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.ERROR, "remediation work on " + key + " failed", e);
                }
            }));
        } catch (RejectedExecutionException e) {
            LOG.log(System.Logger.Level.DEBUG, "engine stopped; dropped work on {0}", key);
        }
    }

    /** Runs work on the key's lane and waits for its answer (API calls). */
    <T> T call(String key, Callable<T> work) {
        FutureTask<T> future = new FutureTask<>(work);
        try {
            lane(key).execute(new Job(RUNS, order.incrementAndGet(), future));
        } catch (RejectedExecutionException e) {
            throw CommandCenterException.unavailable("SHUTTING_DOWN", "the hub is shutting down", e);
        }
        try {
            return future.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw CommandCenterException.unavailable("ENGINE_BUSY", "the remediation engine did not answer in 30 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CommandCenterException.unavailable("INTERRUPTED", "interrupted", e);
        }
    }

    /** Waits until the work queued so far on every lane has run (tests, benchmarks, shutdown). */
    void drain() {
        for (ExecutorService lane : lanes) {
            try {
                // after the triggers too: the last kind, the last in order
                FutureTask<Void> done = new FutureTask<>(() -> { }, null);
                lane.execute(new Job(TRIGGERS, order.incrementAndGet(), done));
                done.get(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
                return;
            }
        }
    }

    /**
     * Stops the lanes without interrupting them: work on a lane may be inside a database write, and H2
     * answers an interrupt there by closing its file. Queued work still runs; the lanes are waited for
     * up to the close wait (10 s) in all, then a lane still busy is logged and left to end on its own (the database close
     * that follows makes its next call fail cleanly).
     */
    @Override
    public void close() {
        lanes.forEach(ExecutorService::shutdown);
        long deadline = System.nanoTime() + closeWait.toNanos();
        for (int i = 0; i < lanes.size(); i++) {
            Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            Shutdowns.closeWithoutInterrupt(lanes.get(i), left, "remediation lane " + prefix + i);
        }
    }
}
