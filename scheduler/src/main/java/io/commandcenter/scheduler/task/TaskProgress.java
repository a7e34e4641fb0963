package io.commandcenter.scheduler.task;

import io.commandcenter.scheduler.wire.WireIn;
import io.commandcenter.scheduler.wire.WireOut;

import java.time.Instant;

/** The last progress an agent reported for a task: a fraction in [0, 1] and a note. */
public record TaskProgress(double fraction, String message, Instant time) {

    public static void write(WireOut out, TaskProgress p) {
        out.f64(p.fraction).str(p.message).i64(p.time.toEpochMilli());
    }

    public static TaskProgress read(WireIn in) {
        return new TaskProgress(in.f64(), in.str(), Instant.ofEpochMilli(in.i64()));
    }
}
