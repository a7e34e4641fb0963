package io.commandcenter.scheduler.fairqueue;

import io.commandcenter.scheduler.wire.WireIn;
import io.commandcenter.scheduler.wire.WireOut;

import java.util.function.Predicate;

/**
 * The order in which one pool's queued tasks are served. Implementations are deterministic: the
 * same operations in the same order give the same choices, and {@link #write}/{@link #read}
 * reproduce the exact state, because replicas of the shared state apply operations independently
 * and must stay identical. Not thread-safe: its owner serialises access.
 */
public interface FairQueue {

    /** Which discipline. */
    enum Policy {
        /** Hierarchical weighted fair queueing: projects by weight, workflows within by priority. */
        WFQ,
        /** The baseline: projects in rotation, each project first-in first-out, weights ignored. */
        ROUND_ROBIN
    }

    Policy policy();

    /**
     * Queues a task.
     *
     * @param projectWeight the project's weight (> 0) from now on
     * @throws IllegalStateException when the task is already queued
     */
    void add(QueuedTask task, double projectWeight);

    /** Removes a task without charging for it (cancelled, delegated elsewhere); false if it was not queued. */
    boolean remove(String taskId);

    /**
     * The first task in fair order that {@code eligible} accepts, or null. At most
     * {@code perFlowScan} tasks of each flow and {@code totalScan} in all are offered, which
     * bounds the time one decision takes behind tasks nobody can run.
     */
    QueuedTask firstEligible(Predicate<QueuedTask> eligible, int perFlowScan, int totalScan);

    /**
     * Takes a queued task out as served and charges its project (and workflow) for its cost.
     *
     * @return the task's virtual finish tag at the project level (0 for disciplines without tags)
     * @throws IllegalStateException when the task is not queued
     */
    double serve(String taskId);

    /** Changes a project's weight (> 0) for the tasks it is charged from now on. */
    void setWeight(String project, double weight);

    boolean contains(String taskId);

    QueuedTask get(String taskId);

    int size();

    /** Forgets idle projects and workflows whose tags no longer matter. */
    void prune();

    void write(WireOut out);

    /** A new empty queue of the policy. */
    static FairQueue create(Policy policy) {
        return switch (policy) {
            case WFQ -> new WeightedFairQueue();
            case ROUND_ROBIN -> new RoundRobinQueue();
        };
    }

    /** Writes the policy then the queue. */
    static void writeQueue(WireOut out, FairQueue queue) {
        out.i32(queue.policy().ordinal());
        queue.write(out);
    }

    /** Reads what {@link #writeQueue} wrote. */
    static FairQueue readQueue(WireIn in) {
        Policy policy = Policy.values()[in.i32()];
        return switch (policy) {
            case WFQ -> WeightedFairQueue.read(in);
            case ROUND_ROBIN -> RoundRobinQueue.read(in);
        };
    }
}
