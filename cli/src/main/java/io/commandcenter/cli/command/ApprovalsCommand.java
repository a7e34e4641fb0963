package io.commandcenter.cli.command;

import io.commandcenter.common.proto.ProtoJson;
import io.commandcenter.cli.Cc;
import io.commandcenter.cli.Errors;
import io.commandcenter.cli.HubConnection;
import io.commandcenter.proto.v1.Approval;
import io.commandcenter.proto.v1.ApprovalState;
import io.commandcenter.proto.v1.ApproveRequest;
import io.commandcenter.proto.v1.ApproveResponse;
import io.commandcenter.proto.v1.EntityRef;
import io.commandcenter.proto.v1.GetApprovalRequest;
import io.commandcenter.proto.v1.ListApprovalsRequest;
import io.commandcenter.proto.v1.Prediction;
import io.commandcenter.proto.v1.RejectRequest;
import io.commandcenter.proto.v1.RejectResponse;
import io.commandcenter.proto.v1.RemediateServiceGrpc;
import io.grpc.StatusRuntimeException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * {@code cc approvals}: the remediations waiting for a person. Without a subcommand it lists the
 * pending ones and, at a terminal (or with {@code --prompt}), asks about each.
 */
@Command(name = "approvals", description = "Pending approvals; at a terminal (or with --prompt) asks about each: "
        + "approve, reject (with a reason) or skip.",
        subcommands = {ApprovalsCommand.ListCommand.class, ApprovalsCommand.GetCommand.class,
                ApprovalsCommand.ApproveCommand.class,
                ApprovalsCommand.RejectCommand.class})
public final class ApprovalsCommand implements Callable<Integer> {
    static final String STATE = "APPROVAL_STATE_";

    @ParentCommand
    Cc cc;
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--prompt", description = "Ask about each pending approval even when standard input is not a "
            + "terminal (answers are read line by line).")
    boolean prompt;
    @Option(names = "--no-prompt", description = "Only list, even at a terminal.")
    boolean noPrompt;
    @Option(names = "--json", description = "One JSON object per pending approval (never asks).")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (HubConnection hub = cc.connect()) {
            var stub = hub.scoped(RemediateServiceGrpc.newBlockingStub(hub.channel()));
            List<Approval> pending = stub.withDeadlineAfter(30, TimeUnit.SECONDS)
                    .listApprovals(ListApprovalsRequest.newBuilder().setPageSize(500).build()).getApprovalsList();
            if (json) {
                pending.forEach(a -> out.println(ProtoJson.print(a)));
                return 0;
            }
            if (pending.isEmpty()) {
                out.println("no pending approvals");
                return 0;
            }
            if (noPrompt || !(prompt || cc.interactive())) {
                table(pending, Instant.now()).print(out);
                return 0;
            }
            return ask(stub, pending, hub.user(), cc.in(), out, spec.commandLine().getErr());
        }
    }

    /** Asks about each approval in turn; returns 0, or the exit code of the worst refused decision. */
    static int ask(RemediateServiceGrpc.RemediateServiceBlockingStub stub, List<Approval> pending, String user,
                   BufferedReader in, PrintWriter out, PrintWriter err) {
        int exit = 0;
        int left = pending.size();
        out.printf("%d pending approval%s; deciding as %s%n", pending.size(), pending.size() == 1 ? "" : "s",
                user == null ? "anonymous (no --user, no USER)" : user);
        for (Approval a : pending) {
            out.println();
            card(out, a, Instant.now());
            String answer = question(in, out, "Approve? [y/N/s(kip)] ", "y", "yes", "n", "no", "", "s", "skip");
            if (answer == null) {
                out.printf("%nno more answers: %d left pending%n", left);
                break;
            }
            left--;
            try {
                switch (answer) {
                    case "y", "yes" -> {
                        String reason = line(in, out, "Reason (optional): ");
                        ApproveResponse r = stub.withDeadlineAfter(30, TimeUnit.SECONDS).approve(ApproveRequest
                                .newBuilder().setApprovalId(a.getApprovalId()).setReason(reason == null ? "" : reason)
                                .build());
                        out.println(approved(r));
                    }
                    case "s", "skip" -> out.println("skipped " + a.getApprovalId());
                    default -> {
                        String reason = line(in, out, "Reason (required): ");
                        while (reason != null && reason.isBlank()) {
                            reason = line(in, out, "A rejection needs a reason (it labels the prediction for "
                                    + "retraining): ");
                        }
                        if (reason == null) {
                            out.println("not rejected (no reason given): " + a.getApprovalId() + " stays pending");
                            continue;
                        }
                        RejectResponse r = stub.withDeadlineAfter(30, TimeUnit.SECONDS).reject(RejectRequest.newBuilder()
                                .setApprovalId(a.getApprovalId()).setReason(reason).build());
                        out.println(rejected(r.getApproval()));
                    }
                }
            } catch (StatusRuntimeException e) {
                err.println("cc: " + a.getApprovalId() + ": " + Errors.describe(e));
                exit = Math.max(exit, Errors.exitCode(e));
            }
            out.flush();
        }
        return exit;
    }

    /** Asks until the answer is one of {@code accepted} (case-insensitive, trimmed); null at the end of input. */
    private static String question(BufferedReader in, PrintWriter out, String prompt, String... accepted) {
        while (true) {
            String answer = line(in, out, prompt);
            if (answer == null) {
                return null;
            }
            String a = answer.strip().toLowerCase(Locale.ROOT);
            for (String ok : accepted) {
                if (ok.equals(a)) {
                    return a;
                }
            }
            out.println("please answer y (approve), n (reject) or s (skip)");
        }
    }

    private static String line(BufferedReader in, PrintWriter out, String prompt) {
        out.print(prompt);
        out.flush();
        try {
            String line = in.readLine();
            return line == null ? null : line.strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String approved(ApproveResponse r) {
        return "approved " + r.getApproval().getApprovalId() + " by " + r.getApproval().getDecidedBy() + ": "
                + RunsCommand.line(r.getRun());
    }

    static String rejected(Approval a) {
        return "rejected " + a.getApprovalId() + " by " + a.getDecidedBy() + ": " + a.getReason();
    }

    /** The approval as a person needs it to decide. */
    static void card(PrintWriter out, Approval a, Instant now) {
        Prediction p = a.getPrediction();
        out.printf("approval %s  %s@%d on %s%n", a.getApprovalId(), a.getWorkflow(), a.getRevision(),
                Text.entity(target(a)));
        out.printf("  why asked     %s%n", Text.orDash(a.getReasonRequested()));
        if (a.hasPrediction()) {
            out.printf(Locale.ROOT, "  prediction    %s: risk %.2f, confidence %.2f (runs alone from %.2f), "
                            + "recommends %s%n", p.getPredictionId(), p.getRisk(), p.getConfidence(),
                    a.getMinConfidence(), Text.orDash(p.getRecommendedAction()));
            out.printf("  top factors   %s%n", factors(p, 3));
            if (p.getSimilarCount() > 0) {
                out.println("  similar past incidents (what was done, what came of it):");
                for (io.commandcenter.proto.v1.SimilarIncident s : p.getSimilarList()) {
                    out.printf(Locale.ROOT, "    %s %s  %.2f alike  %s -> %s%n", s.getEntity(), Text.time(s.getTime()),
                            s.getSimilarity(), s.getAction(), s.getOutcome());
                }
                if (!p.getRecommendationNote().isEmpty()) {
                    out.printf("  why %-10s%s%n", p.getRecommendedAction(), p.getRecommendationNote());
                }
            }
        }
        out.printf("  would run     %s%n", a.getActionsCount() == 0 ? "-" : String.join(" -> ", a.getActionsList()));
        out.printf("  blast radius  %d of %d automatic runs on the target in the last hour%n", a.getBlastRadiusUsed(),
                a.getBlastRadiusPerHour());
        out.printf("  expires       %s (%s)%n", Text.time(a.getExpireTime()), expires(a, now));
        out.printf("  run           %s%n", a.getRunId());
    }

    /** What the run would act on: the approval's own target (older hubs: the prediction's). */
    static EntityRef target(Approval a) {
        return a.hasTarget() ? a.getTarget() : a.getPrediction().getTarget();
    }

    static String factors(Prediction p, int n) {
        if (p.getFactorsCount() == 0) {
            return "-";
        }
        return p.getFactorsList().stream().limit(n).map(f -> String.format(Locale.ROOT, "%s %+.2f",
                PredictionsCommand.label(f), f.getContribution())).collect(Collectors.joining(", "));
    }

    static String expires(Approval a, Instant now) {
        if (a.getState() != ApprovalState.APPROVAL_STATE_PENDING) {
            return Text.name(a.getState(), STATE).toLowerCase(Locale.ROOT);
        }
        Duration left = Duration.between(now, Text.instant(a.getExpireTime()));
        return left.isNegative() ? "expired " + Text.span(left) + " ago" : "in " + Text.span(left);
    }

    static Table table(List<Approval> approvals, Instant now) {
        Table table = new Table("APPROVAL", "STATE", "WORKFLOW", "TARGET", "RISK", "CONF", "ACTION", "TOP FACTORS",
                "BLAST", "EXPIRES", "DECIDED BY");
        for (Approval a : approvals) {
            Prediction p = a.getPrediction();
            table.row(a.getApprovalId(), Text.name(a.getState(), STATE), a.getWorkflow() + "@" + a.getRevision(),
                    Text.entity(target(a)), a.hasPrediction() ? Text.fmt(p.getRisk()) : "-",
                    a.hasPrediction() ? Text.fmt(p.getConfidence()) : "-", Text.orDash(p.getRecommendedAction()),
                    factors(p, 2), a.getBlastRadiusUsed() + "/" + a.getBlastRadiusPerHour(), expires(a, now),
                    a.getDecidedBy().isEmpty() ? "-" : a.getDecidedBy() + (a.getReason().isEmpty() ? ""
                            : ": " + Text.abbreviate(a.getReason(), 40)));
        }
        return table;
    }

    /** {@code cc approvals list}. */
    @Command(name = "list", description = "List approvals (pending ones unless --state), without asking.")
    static final class ListCommand implements Callable<Integer> {
        @ParentCommand
        ApprovalsCommand parent;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--state", description = "pending (default), approved, rejected or expired.")
        String state;
        @Option(names = "--limit", defaultValue = "50", description = "How many (default: ${DEFAULT-VALUE}, at most 500).")
        int limit;
        @Option(names = "--json", description = "One JSON object per approval.")
        boolean json;

        @Override
        public Integer call() {
            if (limit < 1 || limit > 500) {
                throw new IllegalArgumentException("--limit must be 1 to 500");
            }
            ListApprovalsRequest.Builder request = ListApprovalsRequest.newBuilder().setPageSize(limit);
            if (state != null) {
                request.setState(Text.constant(ApprovalState.class, STATE, state, "--state"));
            }
            List<Approval> approvals;
            try (HubConnection hub = parent.cc.connect()) {
                approvals = hub.scoped(RemediateServiceGrpc.newBlockingStub(hub.channel()))
                        .withDeadlineAfter(30, TimeUnit.SECONDS).listApprovals(request.build()).getApprovalsList();
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                approvals.forEach(a -> out.println(ProtoJson.print(a)));
                return 0;
            }
            if (approvals.isEmpty()) {
                out.println(state == null ? "no pending approvals" : "no approvals");
                return 0;
            }
            table(approvals, Instant.now()).print(out);
            return 0;
        }
    }

    /** {@code cc approvals get ID}. */
    @Command(name = "get", description = "Show one approval, pending or decided, in full.")
    static final class GetCommand implements Callable<Integer> {
        @ParentCommand
        ApprovalsCommand parent;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", description = "The approval's id.")
        String id;
        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() {
            Approval a;
            try (HubConnection hub = parent.cc.connect()) {
                a = hub.scoped(RemediateServiceGrpc.newBlockingStub(hub.channel())).withDeadlineAfter(30,
                        TimeUnit.SECONDS).getApproval(GetApprovalRequest.newBuilder().setApprovalId(id).build())
                        .getApproval();
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(ProtoJson.print(a));
                return 0;
            }
            card(out, a, Instant.now());
            if (a.getState() != ApprovalState.APPROVAL_STATE_PENDING) {
                out.printf("  decided       %s by %s%s%n", Text.time(a.getDecideTime()), Text.orDash(a.getDecidedBy()),
                        a.getReason().isEmpty() ? "" : ": " + a.getReason());
            }
            return 0;
        }
    }

    /** {@code cc approvals approve ID}. */
    @Command(name = "approve", description = "Approve: the run starts now, pinned to the workflow revision it was "
            + "raised with.")
    static final class ApproveCommand implements Callable<Integer> {
        @ParentCommand
        ApprovalsCommand parent;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", description = "The approval's id.")
        String id;
        @Option(names = "--reason", description = "Why (optional).")
        String reason;

        @Override
        public Integer call() {
            ApproveResponse response;
            try (HubConnection hub = parent.cc.connect()) {
                response = hub.scoped(RemediateServiceGrpc.newBlockingStub(hub.channel()))
                        .withDeadlineAfter(30, TimeUnit.SECONDS).approve(ApproveRequest.newBuilder().setApprovalId(id)
                                .setReason(reason == null ? "" : reason).build());
            }
            spec.commandLine().getOut().println(approved(response));
            return 0;
        }
    }

    /** {@code cc approvals reject ID --reason R}. */
    @Command(name = "reject", description = "Reject: nothing runs. The reason is required: it labels the "
            + "prediction for retraining.")
    static final class RejectCommand implements Callable<Integer> {
        @ParentCommand
        ApprovalsCommand parent;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", description = "The approval's id.")
        String id;
        @Option(names = "--reason", required = true, description = "Why (required).")
        String reason;

        @Override
        public Integer call() {
            if (reason.isBlank()) {
                throw new IllegalArgumentException("--reason must say why: a rejection labels the prediction for "
                        + "retraining");
            }
            RejectResponse response;
            try (HubConnection hub = parent.cc.connect()) {
                response = hub.scoped(RemediateServiceGrpc.newBlockingStub(hub.channel()))
                        .withDeadlineAfter(30, TimeUnit.SECONDS).reject(RejectRequest.newBuilder().setApprovalId(id)
                                .setReason(reason).build());
            }
            spec.commandLine().getOut().println(rejected(response.getApproval()));
            return 0;
        }
    }
}
