package io.commandcenter.scheduler.pool;

import io.commandcenter.scheduler.leases.Assignment;
import io.commandcenter.scheduler.task.TaskSpec;
import io.commandcenter.scheduler.wire.WireIn;
import io.commandcenter.scheduler.wire.WireOut;

/**
 * One decision of a dispatch: the assignment, what the agent needs to run the task, and the
 * agent's session (the stream the assignment must be delivered on).
 */
public record Dispatched(Assignment assignment, TaskSpec spec, String agentSession) {

    public static void write(WireOut out, Dispatched d) {
        Assignment.write(out, d.assignment);
        TaskSpec.write(out, d.spec);
        out.str(d.agentSession);
    }

    public static Dispatched read(WireIn in) {
        return new Dispatched(Assignment.read(in), TaskSpec.read(in), in.str());
    }
}
