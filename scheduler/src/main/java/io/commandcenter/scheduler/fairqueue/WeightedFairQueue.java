package io.commandcenter.scheduler.fairqueue;

import io.commandcenter.scheduler.wire.WireIn;
import io.commandcenter.scheduler.wire.WireOut;

import java.util.Comparator;
import java.util.HashMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Hierarchical start-time fair queueing (SFQ, Goyal, Vin and Cheng 1996) with virtual start and
 * finish tags, on two levels: projects share the pool by weight; inside a project, workflows share
 * the project's turns by the effective priority of their tasks.
 *
 * <p>Each level keeps a virtual time {@code V}. A flow that becomes backlogged starts at
 * {@code S = max(V, F)}, where {@code F} is the virtual finish tag of its last served task, so an
 * idle project cannot bank credit; a flow that stays backlogged starts its next task at its
 * previous finish tag. Serving a task of cost {@code c} from a flow of weight {@code w} sets the
 * flow's finish tag {@code F = S + c / w}. The flow with the smallest start tag is served first
 * (ties: smaller finish tag, then name), and serving sets {@code V} to the served start tag (never
 * backwards). Project level: weight = the project's weight, cost = the task's cost. Workflow level:
 * weight = the task's effective priority; tasks of one workflow in order of effective priority,
 * then submission.
 *
 * <p>Why start tags rather than finish tags (SCFQ/WFQ order): both give a backlogged project
 * {@code w_p / Σ w} of the served cost within one maximum task cost per project (the SFQ fairness
 * bound); but ordering by finish tag makes a light project's task wait behind
 * {@code w_heavy / w_light} tasks of a heavy one even when it uses far less than its share.
 * Measured with the same load (FairnessBenchmark): the same shares, half the median queueing delay
 * for the light projects.
 *
 * <p>A project is never starved, whatever its weight: its tags advance only when it is served.
 * When some tasks cannot run (no free agent with their capability), the first eligible task in
 * this order is served and charged: the queue stays work-conserving.
 */
public final class WeightedFairQueue implements FairQueue {
    private static final Comparator<Flow> BY_KEY = Comparator.<Flow>comparingDouble(f -> f.start)
            .thenComparingDouble(f -> f.key).thenComparing(f -> f.name);
    private static final Comparator<QueuedTask> TASK_ORDER = Comparator.comparingDouble(QueuedTask::weight).reversed()
            .thenComparingLong(QueuedTask::sequence).thenComparing(QueuedTask::taskId);

    private double virtualTime;
    private final TreeMap<String, ProjectFlow> projects = new TreeMap<>();
    private final TreeSet<Flow> backlogged = new TreeSet<>(BY_KEY);
    // lookup only, never iterated: iteration order must not leak into decisions
    private final HashMap<String, QueuedTask> byId = new HashMap<>();

    /** A flow at either level; {@code key} is its head's finish tag while it sits in its parent's set. */
    private abstract static class Flow {
        final String name;
        double start;
        double lastFinish;
        double key;

        Flow(String name) {
            this.name = name;
        }
    }

    private static final class WorkflowFlow extends Flow {
        final TreeSet<QueuedTask> tasks = new TreeSet<>(TASK_ORDER);

        WorkflowFlow(String name) {
            super(name);
        }

        void rekey() {
            QueuedTask head = tasks.first();
            key = start + head.cost() / head.weight();
        }
    }

    private static final class ProjectFlow extends Flow {
        double weight = 1.0;
        double innerTime;
        int size;
        final TreeMap<String, WorkflowFlow> flows = new TreeMap<>();
        final TreeSet<Flow> backlogged = new TreeSet<>(BY_KEY);

        ProjectFlow(String name) {
            super(name);
        }

        void rekey() {
            QueuedTask head = ((WorkflowFlow) backlogged.first()).tasks.first();
            key = start + head.cost() / weight;
        }
    }

    @Override
    public Policy policy() {
        return Policy.WFQ;
    }

    @Override
    public void add(QueuedTask task, double projectWeight) {
        checkWeight(projectWeight);
        if (byId.containsKey(task.taskId())) {
            throw new IllegalStateException("task " + task.taskId() + " is already queued");
        }
        ProjectFlow p = projects.computeIfAbsent(task.project(), ProjectFlow::new);
        if (p.size > 0) {
            backlogged.remove(p);
        } else {
            p.start = Math.max(virtualTime, p.lastFinish);
        }
        p.weight = projectWeight;
        WorkflowFlow f = p.flows.computeIfAbsent(task.workflow(), WorkflowFlow::new);
        if (!f.tasks.isEmpty()) {
            p.backlogged.remove(f);
        } else {
            f.start = Math.max(p.innerTime, f.lastFinish);
        }
        f.tasks.add(task);
        f.rekey();
        p.backlogged.add(f);
        p.size++;
        p.rekey();
        backlogged.add(p);
        byId.put(task.taskId(), task);
    }

    @Override
    public boolean remove(String taskId) {
        QueuedTask task = byId.remove(taskId);
        if (task == null) {
            return false;
        }
        ProjectFlow p = projects.get(task.project());
        WorkflowFlow f = p.flows.get(task.workflow());
        backlogged.remove(p);
        p.backlogged.remove(f);
        f.tasks.remove(task);
        if (!f.tasks.isEmpty()) {
            f.rekey();
            p.backlogged.add(f);
        }
        p.size--;
        if (p.size > 0) {
            p.rekey();
            backlogged.add(p);
        }
        return true;
    }

    @Override
    public QueuedTask firstEligible(Predicate<QueuedTask> eligible, int perFlowScan, int totalScan) {
        int scanned = 0;
        for (Flow project : backlogged) {
            for (Flow flow : ((ProjectFlow) project).backlogged) {
                int inFlow = 0;
                for (QueuedTask task : ((WorkflowFlow) flow).tasks) {
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
        QueuedTask task = byId.remove(taskId);
        if (task == null) {
            throw new IllegalStateException("task " + taskId + " is not queued");
        }
        ProjectFlow p = projects.get(task.project());
        WorkflowFlow f = p.flows.get(task.workflow());
        backlogged.remove(p);
        p.backlogged.remove(f);

        double innerFinish = f.start + task.cost() / task.weight();
        f.lastFinish = innerFinish;
        p.innerTime = Math.max(p.innerTime, f.start);
        f.tasks.remove(task);
        if (!f.tasks.isEmpty()) {
            f.start = f.lastFinish;
            f.rekey();
            p.backlogged.add(f);
        }

        double finish = p.start + task.cost() / p.weight;
        p.lastFinish = finish;
        virtualTime = Math.max(virtualTime, p.start);
        p.size--;
        if (p.size > 0) {
            p.start = p.lastFinish;
            p.rekey();
            backlogged.add(p);
        }
        return finish;
    }

    @Override
    public void setWeight(String project, double weight) {
        checkWeight(weight);
        ProjectFlow p = projects.get(project);
        if (p == null) {
            return;
        }
        boolean queued = p.size > 0 && backlogged.remove(p);
        p.weight = weight;
        if (queued) {
            p.rekey();
            backlogged.add(p);
        }
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
        projects.values().removeIf(p -> {
            p.flows.values().removeIf(f -> f.tasks.isEmpty() && f.lastFinish <= p.innerTime);
            return p.size == 0 && p.lastFinish <= virtualTime && p.flows.isEmpty();
        });
    }

    private static void checkWeight(double weight) {
        if (!(weight > 0) || !Double.isFinite(weight)) {
            throw new IllegalArgumentException("weights must be finite and > 0, got " + weight);
        }
    }

    @Override
    public void write(WireOut out) {
        out.f64(virtualTime).i32(projects.size());
        for (ProjectFlow p : projects.values()) {
            out.str(p.name).f64(p.weight).f64(p.start).f64(p.lastFinish).f64(p.innerTime).i32(p.flows.size());
            for (WorkflowFlow f : p.flows.values()) {
                out.str(f.name).f64(f.start).f64(f.lastFinish).list(f.tasks, QueuedTask::write);
            }
        }
    }

    static WeightedFairQueue read(WireIn in) {
        WeightedFairQueue q = new WeightedFairQueue();
        q.virtualTime = in.f64();
        int projects = in.length();
        for (int i = 0; i < projects; i++) {
            ProjectFlow p = new ProjectFlow(in.str());
            p.weight = in.f64();
            p.start = in.f64();
            p.lastFinish = in.f64();
            p.innerTime = in.f64();
            int flows = in.length();
            for (int j = 0; j < flows; j++) {
                WorkflowFlow f = new WorkflowFlow(in.str());
                f.start = in.f64();
                f.lastFinish = in.f64();
                for (QueuedTask t : in.list(QueuedTask::read)) {
                    f.tasks.add(t);
                    q.byId.put(t.taskId(), t);
                }
                p.flows.put(f.name, f);
                if (!f.tasks.isEmpty()) {
                    f.rekey();
                    p.backlogged.add(f);
                    p.size += f.tasks.size();
                }
            }
            q.projects.put(p.name, p);
            if (p.size > 0) {
                p.rekey();
                q.backlogged.add(p);
            }
        }
        return q;
    }
}
