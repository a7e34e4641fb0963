package io.commandcenter.scheduler.pool;

import io.commandcenter.scheduler.task.TargetRef;
import io.commandcenter.scheduler.wire.WireIn;
import io.commandcenter.scheduler.wire.WireOut;

/** A finished exclusive task whose target must be released at its gate, so the next waiting task may run. */
public record TargetRelease(String project, String taskId, TargetRef target) {

    public static void write(WireOut out, TargetRelease r) {
        out.str(r.project).str(r.taskId).str(r.target.kind()).str(r.target.id());
    }

    public static TargetRelease read(WireIn in) {
        return new TargetRelease(in.str(), in.str(), new TargetRef(in.str(), in.str()));
    }
}
