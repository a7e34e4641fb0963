package io.commandcenter.hub.remediate;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.hub.project.ProjectId;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Single-threaded lanes keyed by target: everything the engine does about one target (deciding on
 * a trigger, driving its runs) happens in order on one lane, so the per-target concurrency and
 * blast-radius checks see every earlier decision, while different targets proceed in parallel.
 */
final class Stripes implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Stripes.class.getName());
    private final List<ExecutorService> lanes = new ArrayList<>();

    /** The lane key of a target: every decision, node and outcome on one entity goes through its lane. */
    static String key(ProjectId project, String targetKind, String targetId) {
        return project.value() + "/" + targetKind + "/" + targetId;
    }

    Stripes(int count, String prefix) {
        for (int i = 0; i < count; i++) {
            String name = prefix + i;
            lanes.add(Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, name);
                t.setDaemon(true);
                return t;
            }));
        }
    }

    private ExecutorService lane(String key) {
        return lanes.get(Math.floorMod(key.hashCode(), lanes.size()));
    }

    /** Runs work on the key's lane; a failure is logged, never lost silently. */
    void run(String key, Runnable work) {
        try {
            lane(key).execute(() -> {
                try {
                    work.run();
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.ERROR, "remediation work on " + key + " failed", e);
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.log(System.Logger.Level.DEBUG, "engine stopped; dropped work on {0}", key);
        }
    }

    /** Runs work on the key's lane and waits for its answer (API calls). */
    <T> T call(String key, Callable<T> work) {
        Future<T> future;
        try {
            future = lane(key).submit(work);
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
                lane.submit(() -> { }).get(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        lanes.forEach(ExecutorService::shutdown);
        for (ExecutorService lane : lanes) {
            try {
                if (!lane.awaitTermination(10, TimeUnit.SECONDS)) {
                    lane.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                lane.shutdownNow();
            }
        }
    }
}
