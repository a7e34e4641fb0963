package io.commandcenter.scheduler.fairqueue;

import io.commandcenter.scheduler.wire.WireIn;
import io.commandcenter.scheduler.wire.WireOut;

import java.util.Objects;

/**
 * What a fair queue knows of a task: who it belongs to and what it costs.
 *
 * @param workflow the flow inside the project
 * @param cost     > 0, what serving it charges
 * @param weight   > 0, its effective priority: its weight inside the project
 * @param sequence submission order within the pool, the tie-breaker
 */
public record QueuedTask(String taskId, String project, String workflow, double cost, double weight, long sequence) {
    public QueuedTask {
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(workflow, "workflow");
        if (!(cost > 0) || !(weight > 0) || !Double.isFinite(cost) || !Double.isFinite(weight)) {
            throw new IllegalArgumentException("cost and weight must be finite and > 0");
        }
    }

    static void write(WireOut out, QueuedTask t) {
        out.str(t.taskId).str(t.project).str(t.workflow).f64(t.cost).f64(t.weight).i64(t.sequence);
    }

    static QueuedTask read(WireIn in) {
        return new QueuedTask(in.str(), in.str(), in.str(), in.f64(), in.f64(), in.i64());
    }
}
