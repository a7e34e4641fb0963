package io.commandcenter.scheduler.pool;

import io.commandcenter.scheduler.task.Task;
import io.commandcenter.scheduler.wire.WireIn;
import io.commandcenter.scheduler.wire.WireOut;

/** What queueing a task did. {@code task} is null when it was refused. */
public record Enqueued(Status status, Task task) {
    public enum Status {
        /** Queued (or waiting for its target). */
        CREATED,
        /** A task with this id was already in the pool: nothing changed. */
        EXISTS,
        /** No agent of the pool declares the action (now or within the capability retention). */
        UNKNOWN_CAPABILITY,
        /** The project has its maximum of unfinished tasks in the pool. */
        QUEUE_FULL
    }

    public static void write(WireOut out, Enqueued e) {
        out.i32(e.status.ordinal()).optional(e.task, Task::write);
    }

    public static Enqueued read(WireIn in) {
        return new Enqueued(Status.values()[in.i32()], in.optional(Task::read));
    }
}
