package io.commandcenter.scheduler.task;

import io.commandcenter.scheduler.wire.WireIn;
import io.commandcenter.scheduler.wire.WireOut;

import java.time.Instant;

/** How a task ended, as its agent reported it. {@code outputJson} is "" when the action returned nothing. */
public record TaskResult(TaskOutcome outcome, String outputJson, String error, String agentId, Instant finishedAt) {

    public static void write(WireOut out, TaskResult r) {
        out.i32(r.outcome.ordinal()).str(r.outputJson).str(r.error).str(r.agentId).i64(r.finishedAt.toEpochMilli());
    }

    public static TaskResult read(WireIn in) {
        return new TaskResult(TaskOutcome.values()[in.i32()], in.str(), in.str(), in.str(),
                Instant.ofEpochMilli(in.i64()));
    }
}
