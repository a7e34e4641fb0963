package io.commandcenter.cli.command;

import io.commandcenter.common.proto.ProtoJson;
import com.google.rpc.BadRequest;
import io.commandcenter.cli.Cc;
import io.commandcenter.cli.Errors;
import io.commandcenter.cli.HubConnection;
import io.commandcenter.proto.v1.DryRunNode;
import io.commandcenter.proto.v1.DryRunWorkflowRequest;
import io.commandcenter.proto.v1.DryRunWorkflowResponse;
import io.commandcenter.proto.v1.GetWorkflowRequest;
import io.commandcenter.proto.v1.GetWorkflowResponse;
import io.commandcenter.proto.v1.ListWorkflowsRequest;
import io.commandcenter.proto.v1.PutWorkflowRequest;
import io.commandcenter.proto.v1.PutWorkflowResponse;
import io.commandcenter.proto.v1.RemediateServiceGrpc;
import io.commandcenter.proto.v1.TriggerWorkflowRequest;
import io.commandcenter.proto.v1.WorkflowRun;
import io.commandcenter.proto.v1.WorkflowSummary;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code cc workflows}: the project's remediation workflows. */
@Command(name = "workflows", description = "Remediation workflows: list, show, store, dry-run, trigger.",
        subcommands = {WorkflowsCommand.ListCommand.class, WorkflowsCommand.GetCommand.class,
                WorkflowsCommand.PutCommand.class, WorkflowsCommand.DryRunCommand.class,
                WorkflowsCommand.TriggerCommand.class})
public final class WorkflowsCommand {
    @ParentCommand
    Cc cc;

    /** {@code cc workflows list}. */
    @Command(name = "list", description = "List the project's workflows (current revisions).")
    static final class ListCommand implements Callable<Integer> {
        @ParentCommand
        WorkflowsCommand parent;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--json", description = "One JSON object per workflow.")
        boolean json;

        @Override
        public Integer call() {
            List<WorkflowSummary> workflows;
            try (HubConnection hub = parent.cc.connect()) {
                workflows = hub.scoped(RemediateServiceGrpc.newBlockingStub(hub.channel()))
                        .withDeadlineAfter(30, TimeUnit.SECONDS)
                        .listWorkflows(ListWorkflowsRequest.getDefaultInstance()).getWorkflowsList();
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                workflows.forEach(w -> out.println(ProtoJson.print(w)));
                return 0;
            }
            if (workflows.isEmpty()) {
                out.println("no workflows");
                return 0;
            }
            Table table = new Table("NAME", "REV", "TRIGGER", "NODES", "MIN_CONF", "MAX/H", "STORED", "BY",
                    "DESCRIPTION");
            for (WorkflowSummary w : workflows) {
                table.row(w.getName(), w.getRevision(), trigger(w), String.join(",", w.getNodesList()),
                        Text.fmt(w.getMinConfidence()), w.getMaxPerHour(), Text.time(w.getCreateTime()),
                        Text.orDash(w.getCreatedBy()), Text.abbreviate(w.getDescription(), 60));
            }
            table.print(out);
            return 0;
        }

        private static String trigger(WorkflowSummary w) {
            String on = String.join(",", w.getOnList());
            if (w.getSchedule().isEmpty()) {
                return Text.orDash(on);
            }
            return on.isEmpty() ? "schedule " + w.getSchedule() : on + " + schedule " + w.getSchedule();
        }
    }

    /** {@code cc workflows get NAME}. */
    @Command(name = "get", description = "Print a workflow's YAML (the current or a given revision); the revisions "
            + "go to standard error.")
    static final class GetCommand implements Callable<Integer> {
        @ParentCommand
        WorkflowsCommand parent;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", description = "The workflow's name.")
        String name;
        @Option(names = "--revision", defaultValue = "0", description = "A revision (default: the current one).")
        int revision;
        @Option(names = "--json", description = "Print JSON: the revision, its YAML and every revision.")
        boolean json;

        @Override
        public Integer call() {
            if (revision < 0) {
                throw new IllegalArgumentException("--revision must be at least 1");
            }
            GetWorkflowResponse response;
            try (HubConnection hub = parent.cc.connect()) {
                response = hub.scoped(RemediateServiceGrpc.newBlockingStub(hub.channel()))
                        .withDeadlineAfter(30, TimeUnit.SECONDS)
                        .getWorkflow(GetWorkflowRequest.newBuilder().setName(name).setRevision(revision).build());
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(ProtoJson.print(response));
                return 0;
            }
            WorkflowSummary w = response.getWorkflow();
            PrintWriter err = spec.commandLine().getErr();
            err.printf("# %s revision %d of %d, stored %s by %s, sha256 %s%n", w.getName(), w.getRevision(),
                    response.getRevisionsCount(), Text.time(w.getCreateTime()), Text.orDash(w.getCreatedBy()),
                    Text.abbreviate(w.getSha256(), 12));
            String yaml = response.getYaml();
            out.print(yaml.endsWith("\n") ? yaml : yaml + "\n");
            out.flush();
            return 0;
        }
    }

    /** {@code cc workflows put FILE}. */
    @Command(name = "put", description = "Store a workflow from its YAML file as a new revision (nothing changes "
            + "when the text is the same); a bad file lists every problem with its line.")
    static final class PutCommand implements Callable<Integer> {
        @ParentCommand
        WorkflowsCommand parent;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "FILE", description = "The workflow's YAML; '-' reads standard input.")
        String file;
        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() {
            String yaml = Text.read(file, parent.cc.in());
            PutWorkflowResponse response;
            try (HubConnection hub = parent.cc.connect()) {
                response = hub.scoped(RemediateServiceGrpc.newBlockingStub(hub.channel()))
                        .withDeadlineAfter(30, TimeUnit.SECONDS)
                        .putWorkflow(PutWorkflowRequest.newBuilder().setYaml(yaml).build());
            } catch (StatusRuntimeException e) {
                List<BadRequest.FieldViolation> problems = Errors.violations(e);
                if (e.getStatus().getCode() != Status.Code.INVALID_ARGUMENT || problems.isEmpty()) {
                    throw e;
                }
                PrintWriter err = spec.commandLine().getErr();
                err.printf("cc: %s: %s is not a valid workflow (%d problem%s):%n", e.getStatus().getCode(), file,
                        problems.size(), problems.size() == 1 ? "" : "s");
                problems.forEach(v -> err.println("  " + problem(v)));
                return Errors.exitCode(e);
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(ProtoJson.print(response));
                return 0;
            }
            WorkflowSummary w = response.getWorkflow();
            out.printf("%s revision %d %s (nodes %s)%n", w.getName(), w.getRevision(),
                    response.getCreated() ? "created" : "unchanged", String.join(", ", w.getNodesList()));
            return 0;
        }

        private static final Pattern POSITION = Pattern.compile("line (\\d+), column (\\d+): (.*)", Pattern.DOTALL);

        /** {@code line 7, column 12: nodes[0].agent: unknown agent ...}: where, which field, what. */
        static String problem(BadRequest.FieldViolation v) {
            String field = v.getField().isEmpty() ? "" : v.getField() + ": ";
            Matcher m = POSITION.matcher(v.getDescription());
            if (m.matches()) {
                return "line " + m.group(1) + ", column " + m.group(2) + ": " + field + m.group(3);
            }
            return field + v.getDescription();
        }
    }

    /** {@code cc workflows dry-run NAME}. */
    @Command(name = "dry-run", description = "Show what a workflow would do for a prediction now: whether it "
            + "matches, the decision, each node with its inputs. Nothing runs.")
    static final class DryRunCommand implements Callable<Integer> {
        @ParentCommand
        WorkflowsCommand parent;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", arity = "0..1", description = "A stored workflow's name (its current revision); "
                + "may be left out with --file.")
        String name;
        @Option(names = "--prediction", description = "The prediction to run it against.")
        String prediction;
        @Option(names = "--target", description = "Without a prediction: the target, kind:id.")
        String target;
        @Option(names = "--file", description = "Dry-run this YAML instead of the stored revision (not stored).")
        String file;
        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() {
            if (name == null && file == null) {
                throw new IllegalArgumentException("give a workflow NAME or --file FILE");
            }
            if (prediction == null && target == null) {
                throw new IllegalArgumentException("give --prediction ID (or --target kind:id)");
            }
            DryRunWorkflowRequest.Builder request = DryRunWorkflowRequest.newBuilder();
            if (target != null) {
                request.setTarget(Text.target(target, "--target"));
            }
            if (prediction != null) {
                request.setPredictionId(prediction);
            }
            if (file != null) {
                String yaml = Text.read(file, parent.cc.in());
                String named = nameOf(yaml);
                if (name != null && named != null && !named.equals(name)) {
                    throw new IllegalArgumentException(file + " is workflow '" + named + "', not '" + name + "'");
                }
                request.setYaml(yaml);
            } else {
                request.setName(name);
            }
            DryRunWorkflowResponse response;
            try (HubConnection hub = parent.cc.connect()) {
                response = hub.scoped(RemediateServiceGrpc.newBlockingStub(hub.channel()))
                        .withDeadlineAfter(30, TimeUnit.SECONDS).dryRunWorkflow(request.build());
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(ProtoJson.print(response));
                return 0;
            }
            out.printf("workflow     %s%n", file == null ? name + " (stored)" : file + " (not stored)");
            out.printf("against      %s%n", prediction != null ? "prediction " + prediction : "target " + target);
            out.printf("match        %s: %s%n", response.getMatches() ? "yes" : "no", response.getMatchReason());
            out.printf("decision     %s: %s%n", response.getDecision(), response.getDecisionReason());
            out.println("nodes        (in execution order; nothing was run)");
            int i = 0;
            for (DryRunNode n : response.getNodesList()) {
                out.printf(Locale.ROOT, "  %s %s  %s.%s%s%n", n.getCompensation() ? " -" : String.format("%2d", ++i),
                        n.getId(), n.getAgent(), n.getAction(), n.getCompensation() ? "  (compensation)"
                                : n.getDependsOnCount() == 0 ? "" : "  after " + String.join(", ", n.getDependsOnList()));
                n.getInputsMap().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                        .forEach(e -> out.printf("       %s = %s%n", e.getKey(), e.getValue()));
                if (!n.getError().isEmpty()) {
                    out.printf("       ! %s%n", n.getError());
                }
            }
            return 0;
        }

        private static final Pattern NAME = Pattern.compile("(?m)^name:\\s*[\"']?([a-z0-9][a-z0-9._-]*)[\"']?\\s*(#.*)?$");

        /** The top-level {@code name:} of a workflow's YAML, when it is written plainly. */
        static String nameOf(String yaml) {
            Matcher m = NAME.matcher(yaml);
            return m.find() ? m.group(1) : null;
        }
    }

    /** {@code cc workflows trigger NAME}. */
    @Command(name = "trigger", description = "Start a run by hand (recorded as a manual decision: no approval, "
            + "kill switch or budget applies; the per-target concurrency does).")
    static final class TriggerCommand implements Callable<Integer> {
        @ParentCommand
        WorkflowsCommand parent;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", description = "The workflow's name.")
        String name;
        @Option(names = "--prediction", description = "The prediction behind the run (its target is acted on).")
        String prediction;
        @Option(names = "--target", description = "The target, kind:id, when there is no prediction.")
        String target;
        @Option(names = "--reason", description = "Why (kept on the decision record).")
        String reason;
        @Option(names = "--json", description = "Print the run as JSON.")
        boolean json;

        @Override
        public Integer call() {
            if (prediction != null && target != null) {
                throw new IllegalArgumentException("give --prediction or --target, not both");
            }
            TriggerWorkflowRequest.Builder request = TriggerWorkflowRequest.newBuilder().setName(name)
                    .setReason(reason == null ? "" : reason);
            if (prediction != null) {
                request.setPredictionId(prediction);
            }
            if (target != null) {
                request.setTarget(Text.target(target, "--target"));
            }
            WorkflowRun run;
            try (HubConnection hub = parent.cc.connect()) {
                run = hub.scoped(RemediateServiceGrpc.newBlockingStub(hub.channel()))
                        .withDeadlineAfter(30, TimeUnit.SECONDS).triggerWorkflow(request.build()).getRun();
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println(json ? ProtoJson.print(run) : "started " + RunsCommand.line(run));
            return 0;
        }
    }
}
