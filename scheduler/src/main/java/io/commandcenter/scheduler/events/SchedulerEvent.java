package io.commandcenter.scheduler.events;

import io.commandcenter.scheduler.leases.Assignment;
import io.commandcenter.scheduler.task.Task;
import io.commandcenter.scheduler.wire.WireIn;
import io.commandcenter.scheduler.wire.WireOut;

import java.time.Instant;
import java.util.Locale;

/**
 * An event of the scheduler, published to every hub of the cluster. The hub bridges them to its
 * own event bus under {@link #subject()}, in {@link #project()}.
 *
 * <ul>
 *   <li>{@code mesh.schedule.assignment}: a task was leased to an agent, with the score's terms;</li>
 *   <li>{@code mesh.schedule.delegation}: the meta hub let another hub's agents run a task;</li>
 *   <li>{@code mesh.schedule.task.<state>}: a task was queued ({@code queued}), returned to the queue
 *       ({@code requeued}: lease expired, retryable failure, not delivered), or finished
 *       ({@code succeeded}, {@code failed}, {@code cancelled}).</li>
 * </ul>
 */
public sealed interface SchedulerEvent {
    String ASSIGNMENT = "mesh.schedule.assignment";
    String DELEGATION = "mesh.schedule.delegation";
    String TASK_PREFIX = "mesh.schedule.task.";

    String subject();

    String project();

    /** The hub that made the decision. */
    String hubId();

    Instant time();

    /** A task leased to an agent. */
    record AssignmentMade(Assignment assignment) implements SchedulerEvent {
        public String subject() {
            return ASSIGNMENT;
        }

        public String project() {
            return assignment.project();
        }

        public String hubId() {
            return assignment.decidedByHub();
        }

        public Instant time() {
            return assignment.assignedAt();
        }
    }

    /** A task delegated to another hub. */
    record TaskDelegated(Delegation delegation) implements SchedulerEvent {
        public String subject() {
            return DELEGATION;
        }

        public String project() {
            return delegation.project();
        }

        public String hubId() {
            return delegation.decidedByHub();
        }

        public Instant time() {
            return delegation.time();
        }
    }

    /**
     * A task changed state.
     *
     * @param change {@code queued}, {@code requeued}, {@code succeeded}, {@code failed}, {@code cancelled}
     */
    record TaskChanged(Task task, String change, String hubId, Instant time) implements SchedulerEvent {
        public String subject() {
            return TASK_PREFIX + change;
        }

        public String project() {
            return task.project();
        }

        /** The change a task's new state stands for. */
        public static String changeOf(Task task) {
            return switch (task.state()) {
                case QUEUED -> task.attempt() > 0 ? "requeued" : "queued";
                case WAITING -> "queued";
                default -> task.state().name().toLowerCase(Locale.ROOT);
            };
        }
    }

    static void write(WireOut out, SchedulerEvent event) {
        if (event instanceof AssignmentMade a) {
            out.i32(1);
            Assignment.write(out, a.assignment());
        } else if (event instanceof TaskDelegated d) {
            out.i32(2);
            Delegation.write(out, d.delegation());
        } else {
            TaskChanged t = (TaskChanged) event;
            out.i32(3);
            Task.write(out, t.task());
            out.str(t.change()).str(t.hubId()).i64(t.time().toEpochMilli());
        }
    }

    static SchedulerEvent read(WireIn in) {
        int kind = in.i32();
        return switch (kind) {
            case 1 -> new AssignmentMade(Assignment.read(in));
            case 2 -> new TaskDelegated(Delegation.read(in));
            case 3 -> new TaskChanged(Task.read(in), in.str(), in.str(), Instant.ofEpochMilli(in.i64()));
            default -> throw new IllegalStateException("unknown scheduler event " + kind);
        };
    }
}
