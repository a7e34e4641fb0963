package io.commandcenter.cli.command;

import io.commandcenter.common.proto.ProtoJson;
import io.commandcenter.cli.Cc;
import io.commandcenter.cli.HubConnection;
import io.commandcenter.proto.v1.ListPredictionActionsRequest;
import io.commandcenter.proto.v1.ListPredictionActionsResponse;
import io.commandcenter.proto.v1.PredictionAction;
import io.commandcenter.proto.v1.RemediateServiceGrpc;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** {@code cc actions}: the decisions taken on predictions and their outcomes (the feedback dataset). */
@Command(name = "actions", description = "Decisions taken on predictions (automatic, approved, rejected, expired, "
        + "manual) and their outcomes.", subcommands = ActionsCommand.ListCommand.class)
public final class ActionsCommand {
    @ParentCommand
    Cc cc;

    /** {@code cc actions list}. */
    @Command(name = "list", description = "List decisions, newest first.")
    static final class ListCommand implements Callable<Integer> {
        @ParentCommand
        ActionsCommand parent;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--prediction", description = "Only the decisions on this prediction.")
        String prediction;
        @Option(names = "--run", description = "Only the decisions on this run.")
        String run;
        @Option(names = "--limit", defaultValue = "20", description = "How many (default: ${DEFAULT-VALUE}).")
        int limit;
        @Option(names = "--json", description = "One JSON object per decision.")
        boolean json;

        @Override
        public Integer call() {
            if (limit < 1) {
                throw new IllegalArgumentException("--limit must be at least 1");
            }
            ListPredictionActionsRequest.Builder request = ListPredictionActionsRequest.newBuilder()
                    .setPredictionId(prediction == null ? "" : prediction).setRunId(run == null ? "" : run);
            List<PredictionAction> actions = new ArrayList<>();
            try (HubConnection hub = parent.cc.connect()) {
                var stub = hub.scoped(RemediateServiceGrpc.newBlockingStub(hub.channel()));
                String token = "";
                do {
                    ListPredictionActionsResponse page = stub.withDeadlineAfter(30, TimeUnit.SECONDS)
                            .listPredictionActions(request.setPageSize(Math.min(500, limit - actions.size()))
                                    .setPageToken(token).build());
                    actions.addAll(page.getActionsList());
                    token = page.getNextPageToken();
                } while (!token.isEmpty() && actions.size() < limit);
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                actions.forEach(a -> out.println(ProtoJson.print(a)));
                return 0;
            }
            if (actions.isEmpty()) {
                out.println("no decisions");
                return 0;
            }
            Table table = new Table("DECIDED", "DECISION", "BY", "TARGET", "PREDICTION", "RUN", "RISK", "OUTCOME",
                    "REASON");
            for (PredictionAction a : actions) {
                table.row(Text.time(a.getDecideTime()), a.getDecision(), a.getDecidedBy(), Text.entity(a.getTarget()),
                        Text.orDash(a.getPredictionId()), a.getRunId(), risk(a), Text.orDash(a.getOutcome()),
                        Text.abbreviate(a.getReason(), 60));
            }
            table.print(out);
            return 0;
        }

        /** {@code 0.93 -> 0.12}: before, and after the watch window once observed. */
        private static String risk(PredictionAction a) {
            String before = a.hasRiskBefore() ? Text.fmt(a.getRiskBefore()) : "-";
            if (!Text.isSet(a.getOutcomeTime())) {
                return before;
            }
            return before + " -> " + (a.hasRiskAfter() ? Text.fmt(a.getRiskAfter()) : "n/a");
        }
    }
}
