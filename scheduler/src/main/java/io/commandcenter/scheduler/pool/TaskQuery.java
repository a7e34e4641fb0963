package io.commandcenter.scheduler.pool;

import io.commandcenter.scheduler.task.TaskSpec;
import io.commandcenter.scheduler.task.TaskState;
import io.commandcenter.scheduler.wire.WireIn;
import io.commandcenter.scheduler.wire.WireOut;

import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Which tasks of a project to list: newest first (submission time, then id, both descending),
 * strictly after a cursor.
 *
 * @param states         empty: all
 * @param action         null: all actions of the pool
 * @param workflow       null: all workflows
 * @param beforeMillis   cursor: only tasks submitted before this (or at it with a smaller id); Long.MAX_VALUE: from the newest
 * @param beforeId       cursor id ("" with Long.MAX_VALUE)
 */
public record TaskQuery(String project, Set<TaskState> states, String action, String workflow, long beforeMillis,
                        String beforeId, int limit) {
    static final Comparator<TaskEntry> NEWEST_FIRST = Comparator.<TaskEntry>comparingLong(e -> e.submittedAt)
            .thenComparing(e -> e.id).reversed();

    public TaskQuery {
        Objects.requireNonNull(project, "project");
        states = states.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(states));
        Objects.requireNonNull(beforeId, "beforeId");
    }

    /** The first page of everything. */
    public static TaskQuery all(String project, int limit) {
        return new TaskQuery(project, Set.of(), null, null, Long.MAX_VALUE, "", limit);
    }

    boolean matches(TaskSpec spec, TaskState state, long submittedAt, String id) {
        return spec.project().equals(project) && (states.isEmpty() || states.contains(state))
                && (action == null || spec.capability().action().equals(action))
                && (workflow == null || spec.workflow().equals(workflow))
                && (submittedAt < beforeMillis || submittedAt == beforeMillis && id.compareTo(beforeId) < 0);
    }

    public static void write(WireOut out, TaskQuery q) {
        out.str(q.project).list(q.states, (o, s) -> o.i32(s.ordinal())).str(q.action).str(q.workflow)
                .i64(q.beforeMillis).str(q.beforeId).i32(q.limit);
    }

    public static TaskQuery read(WireIn in) {
        String project = in.str();
        List<TaskState> states = in.list(i -> TaskState.values()[i.i32()]);
        return new TaskQuery(project, states.isEmpty() ? Set.of() : EnumSet.copyOf(states), in.str(), in.str(),
                in.i64(), in.str(), in.i32());
    }
}
