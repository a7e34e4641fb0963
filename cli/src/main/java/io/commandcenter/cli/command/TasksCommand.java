package io.commandcenter.cli.command;

import io.commandcenter.common.proto.ProtoJson;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.commandcenter.cli.Cc;
import io.commandcenter.cli.HubConnection;
import io.commandcenter.proto.v1.Assignment;
import io.commandcenter.proto.v1.CancelTaskRequest;
import io.commandcenter.proto.v1.GetTaskRequest;
import io.commandcenter.proto.v1.ListTasksRequest;
import io.commandcenter.proto.v1.ListTasksResponse;
import io.commandcenter.proto.v1.ScheduleServiceGrpc;
import io.commandcenter.proto.v1.ScheduledTask;
import io.commandcenter.proto.v1.ScheduledTaskState;
import io.commandcenter.proto.v1.SubmitTaskRequest;
import io.commandcenter.proto.v1.SubmitTaskResponse;
import io.commandcenter.proto.v1.TaskResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** {@code cc tasks}: the mesh scheduler's tasks in the project. */
@Command(name = "tasks", description = "Scheduler tasks: submit, list, show, cancel.",
        subcommands = {TasksCommand.SubmitCommand.class, TasksCommand.ListCommand.class, TasksCommand.GetCommand.class,
                TasksCommand.CancelCommand.class})
public final class TasksCommand {
    static final String STATE = "SCHEDULED_TASK_STATE_";

    @ParentCommand
    Cc cc;

    /** {@code cc tasks submit}. */
    @Command(name = "submit", description = "Queue a task for an agent: --agent devops --action restart "
            + "--input service=checkout-api.")
    static final class SubmitCommand implements Callable<Integer> {
        @ParentCommand
        TasksCommand parent;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--agent", required = true, paramLabel = "TYPE", description = "The agent type, e.g. devops.")
        String agent;
        @Option(names = "--action", required = true, description = "The action, e.g. restart.")
        String action;
        @Option(names = "--input", paramLabel = "KEY=VALUE", description = "An input handed to the agent (repeat for "
                + "more); values are text.")
        List<String> inputs = new ArrayList<>();
        @Option(names = "--target", description = "The entity it acts on, kind:id.")
        String target;
        @Option(names = "--cost", defaultValue = "0", description = "Cost in fair-queueing units, > 0 (default: 1).")
        double cost;
        @Option(names = "--priority", defaultValue = "0", description = "1 (lowest) to 10 (default: 5).")
        int priority;
        @Option(names = "--idempotency-key", paramLabel = "KEY", description = "Submitting again with the same key "
                + "returns the first task instead of queueing another.")
        String idempotencyKey;
        @Option(names = "--workflow", description = "The fair-queueing flow inside the project (default: default).")
        String workflow;
        @Option(names = "--json", description = "Print JSON: the task and whether it was created.")
        boolean json;

        @Override
        public Integer call() {
            Struct.Builder struct = Struct.newBuilder();
            Text.pairs(inputs, "--input").forEach((k, v) -> struct.putFields(k, Value.newBuilder().setStringValue(v)
                    .build()));
            SubmitTaskRequest.Builder request = SubmitTaskRequest.newBuilder().setCapability(agent + "." + action)
                    .setCost(cost).setPriority(priority).setInputs(struct);
            if (target != null) {
                request.setTarget(Text.target(target, "--target"));
            }
            if (idempotencyKey != null) {
                request.setIdempotencyKey(idempotencyKey);
            }
            if (workflow != null) {
                request.setWorkflow(workflow);
            }
            SubmitTaskResponse response;
            try (HubConnection hub = parent.cc.connect()) {
                response = hub.scoped(ScheduleServiceGrpc.newBlockingStub(hub.channel()))
                        .withDeadlineAfter(30, TimeUnit.SECONDS).submitTask(request.build());
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(ProtoJson.print(response));
                return 0;
            }
            ScheduledTask t = response.getTask();
            out.printf(Locale.ROOT, "task %s %s: %s, %s (priority %d, cost %s)%n", t.getTaskId(),
                    response.getCreated() ? "submitted" : "already submitted with key " + t.getIdempotencyKey(),
                    t.getCapability(), state(t), t.getPriority(), SamplesCommand.fmt(t.getCost()));
            return 0;
        }
    }

    /** {@code cc tasks list}. */
    @Command(name = "list", description = "List the project's tasks, newest first.")
    static final class ListCommand implements Callable<Integer> {
        @ParentCommand
        TasksCommand parent;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--state", split = ",", description = "Only tasks in these states (repeat or separate with "
                + "commas): waiting, queued, assigned, succeeded, failed, cancelled.")
        List<String> states = new ArrayList<>();
        @Option(names = "--capability", description = "Only tasks of this capability, e.g. devops.restart.")
        String capability;
        @Option(names = "--limit", defaultValue = "20", description = "How many (default: ${DEFAULT-VALUE}).")
        int limit;
        @Option(names = "--json", description = "One JSON object per task.")
        boolean json;

        @Override
        public Integer call() {
            if (limit < 1) {
                throw new IllegalArgumentException("--limit must be at least 1");
            }
            ListTasksRequest.Builder request = ListTasksRequest.newBuilder();
            for (String s : states) {
                request.addStates(Text.constant(ScheduledTaskState.class, STATE, s, "--state"));
            }
            if (capability != null) {
                request.setCapability(capability);
            }
            List<ScheduledTask> tasks = new ArrayList<>();
            try (HubConnection hub = parent.cc.connect()) {
                var stub = hub.scoped(ScheduleServiceGrpc.newBlockingStub(hub.channel()));
                String token = "";
                do {
                    ListTasksResponse page = stub.withDeadlineAfter(30, TimeUnit.SECONDS).listTasks(
                            request.setPageSize(Math.min(1000, limit - tasks.size())).setPageToken(token).build());
                    tasks.addAll(page.getTasksList());
                    token = page.getNextPageToken();
                } while (!token.isEmpty() && tasks.size() < limit);
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                tasks.forEach(t -> out.println(ProtoJson.print(t)));
                return 0;
            }
            if (tasks.isEmpty()) {
                out.println("no tasks");
                return 0;
            }
            Table table = new Table("TASK", "SUBMITTED", "CAPABILITY", "STATE", "PRIO", "ATTEMPT", "AGENT", "TARGET",
                    "WORKFLOW");
            for (ScheduledTask t : tasks) {
                table.row(t.getTaskId(), Text.time(t.getSubmitTime()), t.getCapability(), state(t), t.getPriority(),
                        t.getAttempt() + "/" + t.getMaxAttempts(),
                        t.hasAssignment() ? t.getAssignment().getAgentId() : "-", Text.entity(t.getTarget()),
                        t.getWorkflow() + (t.getWorkflowRunId().isEmpty() ? "" : " " + t.getWorkflowRunId() + "/"
                                + t.getNodeId()));
            }
            table.print(out);
            return 0;
        }
    }

    /** {@code cc tasks get ID}. */
    @Command(name = "get", description = "Show one task in full.")
    static final class GetCommand implements Callable<Integer> {
        @ParentCommand
        TasksCommand parent;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", description = "The task's id.")
        String id;
        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() {
            ScheduledTask t;
            try (HubConnection hub = parent.cc.connect()) {
                t = hub.scoped(ScheduleServiceGrpc.newBlockingStub(hub.channel())).withDeadlineAfter(30, TimeUnit.SECONDS)
                        .getTask(GetTaskRequest.newBuilder().setTaskId(id).build()).getTask();
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(ProtoJson.print(t));
                return 0;
            }
            out.printf("task         %s (project %s)%n", t.getTaskId(), t.getProjectId());
            out.printf("capability   %s%n", t.getCapability());
            out.printf("state        %s%n", state(t));
            out.printf("workflow     %s%s%n", t.getWorkflow(), t.getWorkflowRunId().isEmpty() ? ""
                    : "  run " + t.getWorkflowRunId() + "  node " + t.getNodeId());
            out.printf("target       %s%s%n", Text.entity(t.getTarget()), t.getExclusiveTarget() ? " (exclusive)" : "");
            out.printf("inputs       %s%n", t.hasInputs() ? ProtoJson.print(t.getInputs()) : "{}");
            out.printf(Locale.ROOT, "priority     %d (effective %.2f), cost %s%n", t.getPriority(),
                    t.getEffectivePriority(), SamplesCommand.fmt(t.getCost()));
            if (t.hasPrediction()) {
                out.printf(Locale.ROOT, "prediction   %s risk %.2f confidence %.2f%n", t.getPrediction().getPredictionId(),
                        t.getPrediction().getRisk(), t.getPrediction().getConfidence());
            }
            if (!t.getIdempotencyKey().isEmpty()) {
                out.printf("key          %s%n", t.getIdempotencyKey());
            }
            out.printf("attempts     %d of %d%n", t.getAttempt(), t.getMaxAttempts());
            out.printf("origin       hub %s%s%n", t.getOriginHubId(), t.getDelegatedHubIdsCount() == 0 ? ""
                    : ", delegated to " + String.join(", ", t.getDelegatedHubIdsList()));
            out.printf("submitted    %s%n", Text.time(t.getSubmitTime()));
            out.printf("updated      %s%n", Text.time(t.getUpdateTime()));
            if (t.hasAssignment()) {
                Assignment a = t.getAssignment();
                out.printf("assignment   agent %s (%s) on hub %s, attempt %d, lease until %s%n", a.getAgentId(),
                        a.getAgentType(), a.getAgentHubId(), a.getAttempt(), Text.time(a.getLeaseExpireTime()));
                out.printf("score        %s%n", AssignmentsCommand.score(a));
            }
            if (t.hasProgress()) {
                out.printf(Locale.ROOT, "progress     %.0f%% %s%n", 100 * t.getProgress().getFraction(),
                        t.getProgress().getMessage());
            }
            if (t.hasResult()) {
                TaskResult r = t.getResult();
                out.printf("result       %s by %s at %s%n", Text.name(r.getOutcome(), "TASK_OUTCOME_"),
                        Text.orDash(r.getAgentId()), Text.time(r.getFinishTime()));
                if (r.hasOutput() && r.getOutput().getFieldsCount() > 0) {
                    out.printf("output       %s%n", ProtoJson.print(r.getOutput()));
                }
                if (!r.getError().isEmpty()) {
                    out.printf("error        %s%n", r.getError());
                }
            }
            return 0;
        }
    }

    /** {@code cc tasks cancel ID}. */
    @Command(name = "cancel", description = "Cancel a task: it leaves the queue, or its agent's lease is revoked.")
    static final class CancelCommand implements Callable<Integer> {
        @ParentCommand
        TasksCommand parent;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", description = "The task's id.")
        String id;
        @Option(names = "--reason", description = "Why, for the record.")
        String reason;

        @Override
        public Integer call() {
            ScheduledTask t;
            try (HubConnection hub = parent.cc.connect()) {
                t = hub.scoped(ScheduleServiceGrpc.newBlockingStub(hub.channel())).withDeadlineAfter(30, TimeUnit.SECONDS)
                        .cancelTask(CancelTaskRequest.newBuilder().setTaskId(id).setReason(reason == null ? "" : reason)
                                .build()).getTask();
            }
            spec.commandLine().getOut().printf("task %s is %s%n", t.getTaskId(), state(t));
            return 0;
        }
    }

    /** {@code QUEUED}, or {@code CANCELLED (CANCELLED)} when the hub adds a reason. */
    static String state(ScheduledTask t) {
        String s = Text.name(t.getState(), STATE);
        return t.getStateReason().isEmpty() || t.getStateReason().equals(s) ? s : s + " (" + t.getStateReason() + ")";
    }
}
