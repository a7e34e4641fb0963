package io.commandcenter.scheduler.leases;

import io.commandcenter.scheduler.wire.WireIn;
import io.commandcenter.scheduler.wire.WireOut;

import java.util.Objects;

/** A lease as an agent names it: the task and the fencing token of its assignment. */
public record LeaseRef(String taskId, long fencingToken) {
    public LeaseRef {
        Objects.requireNonNull(taskId, "taskId");
    }

    public static void write(WireOut out, LeaseRef l) {
        out.str(l.taskId).i64(l.fencingToken);
    }

    public static LeaseRef read(WireIn in) {
        return new LeaseRef(in.str(), in.i64());
    }
}
