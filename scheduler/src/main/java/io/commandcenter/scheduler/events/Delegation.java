package io.commandcenter.scheduler.events;

import io.commandcenter.scheduler.wire.WireIn;
import io.commandcenter.scheduler.wire.WireOut;

import java.time.Instant;

/**
 * A delegation by the meta hub: a task queued for a saturated hub may now run on another hub's agents.
 *
 * @param backlog   tasks of the capability queued for {@code fromHub} only, when it decided
 * @param freeSlots free slots for the capability at {@code toHub}, when it decided
 */
public record Delegation(String taskId, String project, String capability, String fromHub, String toHub,
                         String decidedByHub, Instant time, int backlog, int freeSlots) {

    public static void write(WireOut out, Delegation d) {
        out.str(d.taskId).str(d.project).str(d.capability).str(d.fromHub).str(d.toHub).str(d.decidedByHub)
                .i64(d.time.toEpochMilli()).i32(d.backlog).i32(d.freeSlots);
    }

    public static Delegation read(WireIn in) {
        return new Delegation(in.str(), in.str(), in.str(), in.str(), in.str(), in.str(),
                Instant.ofEpochMilli(in.i64()), in.i32(), in.i32());
    }
}
