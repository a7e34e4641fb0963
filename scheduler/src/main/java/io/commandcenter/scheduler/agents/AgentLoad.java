package io.commandcenter.scheduler.agents;

import io.commandcenter.common.error.Violations;
import io.commandcenter.scheduler.task.Forms;
import io.commandcenter.scheduler.wire.WireIn;
import io.commandcenter.scheduler.wire.WireOut;

/**
 * An agent's load, as {@code agent.health.<agent>} telemetry reports it.
 *
 * @param cpu          utilisation in [0, 1]
 * @param memory       utilisation in [0, 1]
 * @param runningTasks tasks running, including work the scheduler did not give it; >= 0
 * @param capacity     a new capacity (1 to 1024), or 0 to keep the registered one
 * @throws io.commandcenter.common.error.CommandCenterException INVALID naming the fields ({@code health.*})
 */
public record AgentLoad(double cpu, double memory, int runningTasks, int capacity) {
    /** What the scheduler assumes before the first report. */
    public static final AgentLoad UNKNOWN = new AgentLoad(0, 0, 0, 0);

    public AgentLoad {
        Violations v = new Violations();
        Forms.fraction(v, "health.cpu", cpu);
        Forms.fraction(v, "health.memory", memory);
        if (runningTasks < 0) {
            v.add("health.running_tasks", "OUT_OF_RANGE", "running_tasks must be >= 0, got " + runningTasks);
        }
        if (capacity < 0 || capacity > AgentRegistration.MAX_CAPACITY) {
            v.add("health.capacity", "OUT_OF_RANGE", "capacity must be 0 (keep) or 1 to 1024, got " + capacity);
        }
        v.throwIfAnyWithSharedReason("INVALID_HEALTH", "invalid health report");
    }

    public static void write(WireOut out, AgentLoad l) {
        out.f64(l.cpu).f64(l.memory).i32(l.runningTasks).i32(l.capacity);
    }

    public static AgentLoad read(WireIn in) {
        return new AgentLoad(in.f64(), in.f64(), in.i32(), in.i32());
    }
}
