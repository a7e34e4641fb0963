package io.commandcenter.cli.command;

import io.commandcenter.common.proto.ProtoJson;
import io.commandcenter.cli.Cc;
import io.commandcenter.cli.HubConnection;
import io.commandcenter.proto.v1.CancelWorkflowRunRequest;
import io.commandcenter.proto.v1.GetWorkflowRunRequest;
import io.commandcenter.proto.v1.ListPredictionActionsRequest;
import io.commandcenter.proto.v1.ListWorkflowRunsRequest;
import io.commandcenter.proto.v1.ListWorkflowRunsResponse;
import io.commandcenter.proto.v1.NodeRun;
import io.commandcenter.proto.v1.Prediction;
import io.commandcenter.proto.v1.PredictionAction;
import io.commandcenter.proto.v1.RemediateServiceGrpc;
import io.commandcenter.proto.v1.RunState;
import io.commandcenter.proto.v1.WorkflowRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** {@code cc runs}: workflow runs, what they did and how they ended. */
@Command(name = "runs", description = "Workflow runs: list, show, cancel.",
        subcommands = {RunsCommand.ListCommand.class, RunsCommand.GetCommand.class, RunsCommand.CancelCommand.class})
public final class RunsCommand {
    static final String RUN_STATE = "RUN_STATE_";
    static final String NODE_STATE = "NODE_STATE_";

    @ParentCommand
    Cc cc;

    /** {@code cc runs list}. */
    @Command(name = "list", description = "List runs, newest first.")
    static final class ListCommand implements Callable<Integer> {
        @ParentCommand
        RunsCommand parent;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--workflow", description = "Only runs of this workflow.")
        String workflow;
        @Option(names = "--state", description = "Only runs in this state: awaiting_approval, running, succeeded, "
                + "failed, cancelled, rejected, timed_out, skipped, interrupted.")
        String state;
        @Option(names = "--target", description = "Only runs on this target: kind/id as listed (service/checkout-api), kind:id, "
                + "or an id of any kind.")
        String target;
        @Option(names = "--limit", defaultValue = "20", description = "How many (default: ${DEFAULT-VALUE}).")
        int limit;
        @Option(names = "--json", description = "One JSON object per run (protobuf JSON mapping).")
        boolean json;

        @Override
        public Integer call() {
            if (limit < 1) {
                throw new IllegalArgumentException("--limit must be at least 1");
            }
            ListWorkflowRunsRequest.Builder request = ListWorkflowRunsRequest.newBuilder();
            if (workflow != null) {
                request.setWorkflow(workflow);
            }
            if (state != null) {
                request.setState(Text.constant(RunState.class, RUN_STATE, state, "--state"));
            }
            Text.Entity only = target == null ? null : Text.entity(target, "--target");
            if (only != null) {
                request.setTargetId(only.id());
            }
            List<WorkflowRun> runs = new ArrayList<>();
            try (HubConnection hub = parent.cc.connect()) {
                var stub = hub.scoped(RemediateServiceGrpc.newBlockingStub(hub.channel()));
                String token = "";
                do {
                    ListWorkflowRunsResponse page = stub.withDeadlineAfter(30, TimeUnit.SECONDS).listWorkflowRuns(
                            request.setPageSize(Math.min(500, limit - runs.size())).setPageToken(token).build());
                    page.getRunsList().stream().filter(r -> only == null || only.matches(r.getTarget()))
                            .limit(limit - runs.size()).forEach(runs::add);
                    token = page.getNextPageToken();
                } while (!token.isEmpty() && runs.size() < limit);
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                runs.forEach(r -> out.println(ProtoJson.print(r)));
                return 0;
            }
            if (runs.isEmpty()) {
                out.println("no runs");
                return 0;
            }
            Table table = new Table("RUN", "CREATED", "WORKFLOW", "TARGET", "TRIGGER", "MODE", "STATE", "NODES",
                    "OUTCOME");
            for (WorkflowRun r : runs) {
                table.row(r.getRunId(), Text.time(r.getCreateTime()), r.getWorkflow() + "@" + r.getRevision(),
                        Text.entity(r.getTarget()), trigger(r), r.getMode(), state(r), nodes(r),
                        Text.orDash(r.getOutcome()));
            }
            table.print(out);
            return 0;
        }
    }

    /** {@code cc runs get ID}. */
    @Command(name = "get", description = "Show one run in full: its trigger, the decision, every node, the outcome.")
    static final class GetCommand implements Callable<Integer> {
        @ParentCommand
        RunsCommand parent;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", description = "The run's id.")
        String id;
        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() {
            WorkflowRun run;
            Optional<PredictionAction> decision;
            try (HubConnection hub = parent.cc.connect()) {
                var stub = hub.scoped(RemediateServiceGrpc.newBlockingStub(hub.channel()));
                run = stub.withDeadlineAfter(30, TimeUnit.SECONDS)
                        .getWorkflowRun(GetWorkflowRunRequest.newBuilder().setRunId(id).build()).getRun();
                decision = json ? Optional.empty() : decisionOf(stub, run);
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(ProtoJson.print(run));
                return 0;
            }
            print(out, run, decision);
            return 0;
        }
    }

    /** {@code cc runs cancel ID}. */
    @Command(name = "cancel", description = "Cancel a run: nodes not started never start, tasks with agents are "
            + "cancelled; a run waiting for approval is withdrawn.")
    static final class CancelCommand implements Callable<Integer> {
        @ParentCommand
        RunsCommand parent;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", description = "The run's id.")
        String id;
        @Option(names = "--reason", description = "Why (kept on the run).")
        String reason;

        @Override
        public Integer call() {
            WorkflowRun run;
            try (HubConnection hub = parent.cc.connect()) {
                run = hub.scoped(RemediateServiceGrpc.newBlockingStub(hub.channel()))
                        .withDeadlineAfter(30, TimeUnit.SECONDS)
                        .cancelWorkflowRun(CancelWorkflowRunRequest.newBuilder().setRunId(id)
                                .setReason(reason == null ? "" : reason).build()).getRun();
            }
            spec.commandLine().getOut().printf("run %s is %s%s%n", run.getRunId(), state(run),
                    run.getError().isEmpty() ? "" : ": " + run.getError());
            return 0;
        }
    }

    // ---- shared with workflows, approvals

    static String state(WorkflowRun run) {
        return Text.name(run.getState(), RUN_STATE);
    }

    /** The prediction behind a run (id, risk, confidence), or how else it started. */
    static String trigger(WorkflowRun run) {
        if (run.hasPrediction()) {
            Prediction p = run.getPrediction();
            return String.format(Locale.ROOT, "%s risk %.2f conf %.2f", p.getPredictionId(), p.getRisk(),
                    p.getConfidence());
        }
        if (run.getMode().equals("manual")) {
            return "manual";
        }
        return Text.orDash(run.getTriggerSubject());
    }

    /** Each node's state: {@code restart_service=SUCCEEDED notify=SUCCEEDED}. */
    static String nodes(WorkflowRun run) {
        return run.getNodesList().stream()
                .map(n -> (n.getCompensation() ? "~" : "") + n.getId() + "=" + Text.name(n.getState(), NODE_STATE))
                .collect(Collectors.joining(" "));
    }

    /** One line about a run: {@code run-… auto-restart@2 on service/payments: RUNNING}. */
    static String line(WorkflowRun run) {
        return "run " + run.getRunId() + " of " + run.getWorkflow() + "@" + run.getRevision() + " on "
                + Text.entity(run.getTarget()) + ": " + state(run) + (run.getNodesCount() == 0 ? "" : " (" + nodes(run)
                + ")");
    }

    /** The decision recorded for a run (its latest, if a person and the engine both decided). */
    static Optional<PredictionAction> decisionOf(RemediateServiceGrpc.RemediateServiceBlockingStub stub,
                                                 WorkflowRun run) {
        return stub.withDeadlineAfter(30, TimeUnit.SECONDS).listPredictionActions(ListPredictionActionsRequest
                .newBuilder().setRunId(run.getRunId()).setPageSize(1).build()).getActionsList().stream().findFirst();
    }

    static void print(PrintWriter out, WorkflowRun r, Optional<PredictionAction> decision) {
        out.printf("run          %s%n", r.getRunId());
        out.printf("workflow     %s (revision %d)%n", r.getWorkflow(), r.getRevision());
        out.printf("target       %s%n", Text.entity(r.getTarget()));
        out.printf("state        %s%n", state(r));
        out.printf("mode         %s%n", r.getMode());
        out.printf("trigger      %s%n", Text.orDash(r.getTriggerSubject()));
        if (r.hasPrediction()) {
            Prediction p = r.getPrediction();
            out.printf(Locale.ROOT, "prediction   %s: risk %.3f, confidence %.3f, recommends %s (%s %s)%n",
                    p.getPredictionId(), p.getRisk(), p.getConfidence(), Text.orDash(p.getRecommendedAction()),
                    p.getModel(), p.getModelVersion());
            if (p.getFactorsCount() > 0) {
                out.printf("factors      %s%n", p.getFactorsList().stream().limit(3)
                        .map(f -> String.format(Locale.ROOT, "%s %+.2f", PredictionsCommand.label(f),
                                f.getContribution())).collect(Collectors.joining(", ")));
            }
        } else {
            out.println("prediction   -");
        }
        if (decision.isPresent()) {
            PredictionAction a = decision.get();
            out.printf("decision     %s by %s at %s%s%n", a.getDecision(), a.getDecidedBy(), Text.time(a.getDecideTime()),
                    a.getReason().isEmpty() ? "" : ": " + a.getReason());
        } else if (r.getState() == RunState.RUN_STATE_AWAITING_APPROVAL) {
            out.printf("decision     waiting for a person (approval %s): %s%n", r.getApprovalId(),
                    Text.orDash(r.getError()));
        } else {
            out.printf("decision     %s%n", r.getMode());
        }
        if (!r.getApprovalId().isEmpty() && r.getState() != RunState.RUN_STATE_AWAITING_APPROVAL) {
            out.printf("approval     %s%n", r.getApprovalId());
        }
        out.printf("created      %s%n", Text.time(r.getCreateTime()));
        out.printf("started      %s%n", Text.time(r.getStartTime()));
        out.printf("ended        %s%n", Text.time(r.getEndTime()));
        if (!r.getError().isEmpty() && r.getState() != RunState.RUN_STATE_AWAITING_APPROVAL) {
            out.printf("error        %s%n", r.getError());
        }
        out.printf("outcome      %s%n", outcome(r, decision));
        out.println("nodes");
        for (NodeRun n : r.getNodesList()) {
            out.printf("  %s  %s.%s  %s%s  attempts %d  task %s%n", n.getId(), n.getAgent(), n.getAction(),
                    Text.name(n.getState(), NODE_STATE), n.getCompensation() ? " (compensation)" : "",
                    n.getAttempts(), Text.orDash(n.getTaskId()));
            if (n.getInputsCount() > 0) {
                out.printf("      inputs   %s%n", inputs(n.getInputsMap()));
            }
            if (!n.getOutputJson().isEmpty() && !n.getOutputJson().equals("{}")) {
                out.printf("      output   %s%n", n.getOutputJson());
            }
            if (!n.getError().isEmpty()) {
                out.printf("      error    %s%n", n.getError());
            }
            if (Text.isSet(n.getStartTime()) || Text.isSet(n.getEndTime())) {
                out.printf("      time     %s .. %s%n", Text.time(n.getStartTime()), Text.time(n.getEndTime()));
            }
        }
    }

    /**
     * The run's outcome, or why there is none yet or will be none. The hub judges the decision on a run
     * on an entity (automatic, approved, rejected, expired, manual) a window after the run ends; a run on
     * the workflow itself (a schedule) and a run decided by nobody (skipped) are never judged.
     */
    static String outcome(WorkflowRun r, Optional<PredictionAction> decision) {
        if (!r.getOutcome().isEmpty()) {
            return r.getOutcome();
        }
        if (r.getState() == RunState.RUN_STATE_SKIPPED) {
            return "none: skipped, nothing ran and nothing was decided";
        }
        if (r.getTarget().getKind().equals("workflow")) {
            return "none: judged only on an entity, and this run's target is its workflow";
        }
        if (r.getState() == RunState.RUN_STATE_AWAITING_APPROVAL) {
            return "not observed yet: judged a window after the decision (and the run, if approved) ends";
        }
        if (r.getState() == RunState.RUN_STATE_RUNNING) {
            return "not observed yet: judged a window after the run ends";
        }
        if (decision.isEmpty()) {
            return "none: no decision was recorded to judge";
        }
        return r.getState() == RunState.RUN_STATE_REJECTED
                ? "not observed (yet): nothing ran; the rejection is judged a window after it (did the target recover"
                + " without action?)"
                : "not observed (yet): judged a window after the run ended";
    }

    static String inputs(Map<String, String> inputs) {
        return inputs.entrySet().stream().sorted(Map.Entry.comparingByKey()).map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(" "));
    }
}
