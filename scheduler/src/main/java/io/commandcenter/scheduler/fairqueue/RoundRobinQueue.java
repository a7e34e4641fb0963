package io.commandcenter.scheduler.fairqueue;

import io.commandcenter.scheduler.wire.WireIn;
import io.commandcenter.scheduler.wire.WireOut;

import java.util.HashMap;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The baseline the weighted fair queue is measured against: projects take turns in name order,
 * one task per turn, each project first-in first-out; weights, workflows, priorities and costs
 * are ignored. What a plain dispatcher does.
 */
public final class RoundRobinQueue implements FairQueue {
    private final TreeMap<String, TreeMap<Long, QueuedTask>> projects = new TreeMap<>();
    private final HashMap<String, QueuedTask> byId = new HashMap<>();
    private String lastServed = "";

    @Override
    public Policy policy() {
        return Policy.ROUND_ROBIN;
    }

    @Override
    public void add(QueuedTask task, double projectWeight) {
        if (byId.putIfAbsent(task.taskId(), task) != null) {
            throw new IllegalStateException("task " + task.taskId() + " is already queued");
        }
        projects.computeIfAbsent(task.project(), p -> new TreeMap<>()).put(task.sequence(), task);
    }

    @Override
    public boolean remove(String taskId) {
        QueuedTask task = byId.remove(taskId);
        if (task == null) {
            return false;
        }
        TreeMap<Long, QueuedTask> queue = projects.get(task.project());
        queue.remove(task.sequence());
        if (queue.isEmpty()) {
            projects.remove(task.project());
        }
        return true;
    }

    @Override
    public QueuedTask firstEligible(Predicate<QueuedTask> eligible, int perFlowScan, int totalScan) {
        int scanned = 0;
        for (NavigableMap<String, TreeMap<Long, QueuedTask>> part
                : java.util.List.of(projects.tailMap(lastServed, false), projects.headMap(lastServed, true))) {
            for (TreeMap<Long, QueuedTask> queue : part.values()) {
                int inFlow = 0;
                for (QueuedTask task : queue.values()) {
                    if (inFlow++ >= perFlowScan) {
                        break;
                    }
                    if (scanned++ >= totalScan) {
                        return null;
                    }
                    if (eligible.test(task)) {
                        return task;
                    }
                }
            }
        }
        return null;
    }

    @Override
    public double serve(String taskId) {
        QueuedTask task = byId.get(taskId);
        if (task == null) {
            throw new IllegalStateException("task " + taskId + " is not queued");
        }
        remove(taskId);
        lastServed = task.project();
        return 0;
    }

    @Override
    public void setWeight(String project, double weight) {
        // weights are what this baseline ignores
    }

    @Override
    public boolean contains(String taskId) {
        return byId.containsKey(taskId);
    }

    @Override
    public QueuedTask get(String taskId) {
        return byId.get(taskId);
    }

    @Override
    public int size() {
        return byId.size();
    }

    @Override
    public void prune() {
        // empty projects are dropped as they empty
    }

    @Override
    public void write(WireOut out) {
        out.str(lastServed).i32(projects.size());
        for (TreeMap<Long, QueuedTask> queue : projects.values()) {
            out.list(queue.values(), QueuedTask::write);
        }
    }

    static RoundRobinQueue read(WireIn in) {
        RoundRobinQueue q = new RoundRobinQueue();
        q.lastServed = in.str();
        int n = in.length();
        for (int i = 0; i < n; i++) {
            for (QueuedTask task : in.list(QueuedTask::read)) {
                q.add(task, 1.0);
            }
        }
        return q;
    }
}
