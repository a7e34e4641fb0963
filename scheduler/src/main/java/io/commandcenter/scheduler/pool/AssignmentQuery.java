package io.commandcenter.scheduler.pool;

import io.commandcenter.scheduler.leases.Assignment;
import io.commandcenter.scheduler.wire.WireIn;
import io.commandcenter.scheduler.wire.WireOut;

import java.util.Comparator;
import java.util.Objects;

/**
 * Which recent assignment decisions of a project to list: newest first (time, agent type, token,
 * all descending), strictly after a cursor.
 *
 * @param taskId  null: all tasks
 * @param agentId null: all agents
 */
public record AssignmentQuery(String project, String taskId, String agentId, long beforeMillis, String beforeType,
                              long beforeToken, int limit) {
    /** Newest first across pools. */
    public static final Comparator<Assignment> NEWEST_FIRST = Comparator
            .comparingLong((Assignment a) -> a.assignedAt().toEpochMilli())
            .thenComparing(Assignment::agentType).thenComparingLong(Assignment::fencingToken).reversed();

    public AssignmentQuery {
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(beforeType, "beforeType");
    }

    public static AssignmentQuery all(String project, int limit) {
        return new AssignmentQuery(project, null, null, Long.MAX_VALUE, "", Long.MAX_VALUE, limit);
    }

    boolean matches(Assignment a) {
        if (!a.project().equals(project) || taskId != null && !a.taskId().equals(taskId)
                || agentId != null && !a.agentId().equals(agentId)) {
            return false;
        }
        long t = a.assignedAt().toEpochMilli();
        if (t != beforeMillis) {
            return t < beforeMillis;
        }
        int byType = a.agentType().compareTo(beforeType);
        return byType != 0 ? byType < 0 : a.fencingToken() < beforeToken;
    }

    public static void write(WireOut out, AssignmentQuery q) {
        out.str(q.project).str(q.taskId).str(q.agentId).i64(q.beforeMillis).str(q.beforeType).i64(q.beforeToken)
                .i32(q.limit);
    }

    public static AssignmentQuery read(WireIn in) {
        return new AssignmentQuery(in.str(), in.str(), in.str(), in.i64(), in.str(), in.i64(), in.i32());
    }
}
