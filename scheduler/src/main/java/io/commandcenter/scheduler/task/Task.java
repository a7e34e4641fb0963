package io.commandcenter.scheduler.task;

import io.commandcenter.scheduler.leases.Assignment;
import io.commandcenter.scheduler.wire.WireIn;
import io.commandcenter.scheduler.wire.WireOut;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A task as the scheduler knows it: an immutable snapshot.
 *
 * @param stateReason       why it is in its state ({@code LEASE_EXPIRED}, {@code TARGET_BUSY}, ...), "" if nothing to add
 * @param delegatedHubs     hubs the meta hub delegated it to
 * @param attempt           assignments so far
 * @param effectivePriority its weight inside its project
 * @param assignment        the current lease (ASSIGNED) or the last one, or null
 * @param progress          last progress, or null
 * @param result            the result (SUCCEEDED, FAILED), or null
 */
public record Task(String id, TaskSpec spec, TaskState state, String stateReason, String originHub,
                   List<String> delegatedHubs, int attempt, double effectivePriority, Instant submittedAt,
                   Instant updatedAt, Assignment assignment, TaskProgress progress, TaskResult result) {
    public Task {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(state, "state");
        delegatedHubs = List.copyOf(delegatedHubs);
    }

    public String project() {
        return spec.project();
    }

    public static void write(WireOut out, Task t) {
        out.str(t.id);
        TaskSpec.write(out, t.spec);
        out.i32(t.state.ordinal()).str(t.stateReason).str(t.originHub).strings(t.delegatedHubs).i32(t.attempt)
                .f64(t.effectivePriority).i64(t.submittedAt.toEpochMilli()).i64(t.updatedAt.toEpochMilli())
                .optional(t.assignment, Assignment::write).optional(t.progress, TaskProgress::write)
                .optional(t.result, TaskResult::write);
    }

    public static Task read(WireIn in) {
        return new Task(in.str(), TaskSpec.read(in), TaskState.values()[in.i32()], in.str(), in.str(), in.strings(),
                in.i32(), in.f64(), Instant.ofEpochMilli(in.i64()), Instant.ofEpochMilli(in.i64()),
                in.optional(Assignment::read), in.optional(TaskProgress::read), in.optional(TaskResult::read));
    }
}
