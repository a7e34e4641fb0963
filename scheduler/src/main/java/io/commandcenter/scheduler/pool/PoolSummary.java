package io.commandcenter.scheduler.pool;

import io.commandcenter.scheduler.wire.WireIn;
import io.commandcenter.scheduler.wire.WireOut;

/**
 * Capacity and queues of one agent type.
 *
 * @param capacity slots of connected agents
 * @param free     free slots of connected agents
 * @param reserved slots held back for remediation work (sum over actions, at most {@code free})
 */
public record PoolSummary(String agentType, int capacity, int free, int reserved, int queued, int waiting,
                          int assigned) {

    public static void write(WireOut out, PoolSummary s) {
        out.str(s.agentType).i32(s.capacity).i32(s.free).i32(s.reserved).i32(s.queued).i32(s.waiting).i32(s.assigned);
    }

    public static PoolSummary read(WireIn in) {
        return new PoolSummary(in.str(), in.i32(), in.i32(), in.i32(), in.i32(), in.i32(), in.i32());
    }
}
