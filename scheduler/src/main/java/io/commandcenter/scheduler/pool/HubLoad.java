package io.commandcenter.scheduler.pool;

import io.commandcenter.scheduler.wire.WireIn;
import io.commandcenter.scheduler.wire.WireOut;

/**
 * One hub's standing for one action of a pool, as the meta hub sees it.
 *
 * @param freeSlots       free slots of the hub's connected agents that run the action
 * @param backlog         tasks of the action queued for this hub only (placement ORIGIN_HUB, not delegated)
 * @param oldestQueuedAt  when the oldest of those was queued (epoch ms), 0 when none
 * @param projects        projects of that backlog
 */
public record HubLoad(String agentType, String action, String hubId, int freeSlots, int backlog, long oldestQueuedAt,
                      java.util.List<String> projects) {
    public HubLoad {
        projects = java.util.List.copyOf(projects);
    }

    public static void write(WireOut out, HubLoad h) {
        out.str(h.agentType).str(h.action).str(h.hubId).i32(h.freeSlots).i32(h.backlog).i64(h.oldestQueuedAt)
                .strings(h.projects);
    }

    public static HubLoad read(WireIn in) {
        return new HubLoad(in.str(), in.str(), in.str(), in.i32(), in.i32(), in.i64(), in.strings());
    }
}
