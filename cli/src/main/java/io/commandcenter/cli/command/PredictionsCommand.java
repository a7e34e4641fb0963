package io.commandcenter.cli.command;

import io.commandcenter.common.proto.ProtoJson;
import io.commandcenter.cli.Cc;
import io.commandcenter.cli.HubConnection;
import io.commandcenter.proto.v1.Factor;
import io.commandcenter.proto.v1.GetPredictionRequest;
import io.commandcenter.proto.v1.ListPredictionsRequest;
import io.commandcenter.proto.v1.ListPredictionsResponse;
import io.commandcenter.proto.v1.PredictServiceGrpc;
import io.commandcenter.proto.v1.Prediction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** {@code cc predictions}: what the hub predicted, and why. */
@Command(name = "predictions", description = "Predictions the hub raised.",
        subcommands = {PredictionsCommand.ListCommand.class, PredictionsCommand.GetCommand.class,
                PredictionsCommand.LabelCommand.class, PredictionsCommand.RiskCommand.class})
public final class PredictionsCommand {
    @ParentCommand
    Cc cc;

    /** {@code cc predictions list}. */
    @Command(name = "list", description = "List predictions, newest first.")
    static final class ListCommand implements Callable<Integer> {
        @ParentCommand
        PredictionsCommand parent;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--entity", description = "Only predictions for this entity: kind/id as listed (service/checkout-api), "
                + "kind:id, or an id of any kind.")
        String entity;
        @Option(names = "--model", description = "Only predictions of this model.")
        String model;
        @Option(names = "--since", description = "Only predictions raised at or after: ISO-8601 or a span back from now (15m, 2h, 7d).")
        String since;
        @Option(names = "--limit", defaultValue = "20", description = "How many (default: ${DEFAULT-VALUE}).")
        int limit;
        @Option(names = "--json", description = "One JSON object per prediction (protobuf JSON mapping).")
        boolean json;

        @Override
        public Integer call() {
            if (limit < 1) {
                throw new IllegalArgumentException("--limit must be at least 1");
            }
            ListPredictionsRequest.Builder request = ListPredictionsRequest.newBuilder();
            Text.Entity only = entity == null ? null : Text.entity(entity, "--entity");
            if (only != null) {
                request.setTargetId(only.id());
            }
            if (model != null) {
                request.setModel(model);
            }
            if (since != null) {
                request.setStartTime(SamplesCommand.ts(SamplesCommand.time(since, Clock.systemUTC(), "--since")));
            }
            List<Prediction> predictions = new ArrayList<>();
            try (HubConnection hub = parent.cc.connect()) {
                var stub = hub.scoped(PredictServiceGrpc.newBlockingStub(hub.channel()));
                String token = "";
                do {
                    ListPredictionsResponse page = stub.withDeadlineAfter(30, TimeUnit.SECONDS).listPredictions(
                            request.setPageSize(Math.min(500, limit - predictions.size())).setPageToken(token).build());
                    page.getPredictionsList().stream().filter(p -> only == null || only.matches(p.getTarget()))
                            .limit(limit - predictions.size()).forEach(predictions::add);
                    token = page.getNextPageToken();
                } while (!token.isEmpty() && predictions.size() < limit);
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                predictions.forEach(p -> out.println(ProtoJson.print(p)));
                return 0;
            }
            if (predictions.isEmpty()) {
                out.println("no predictions");
                return 0;
            }
            Table table = new Table("ID", "RAISED", "ENTITY", "TYPE", "RISK", "CONF", "ACTION", "MODEL", "TOP FACTOR");
            for (Prediction p : predictions) {
                table.row(p.getPredictionId(), Instant.ofEpochSecond(p.getCreateTime().getSeconds()), Text.entity(p.getTarget()),
                        p.getPredictionType(), String.format(Locale.ROOT, "%.2f", p.getRisk()),
                        String.format(Locale.ROOT, "%.2f", p.getConfidence()), p.getRecommendedAction(),
                        p.getModel() + " " + p.getModelVersion(), p.getFactorsCount() == 0 ? "" : label(p.getFactors(0)));
            }
            table.print(out);
            return 0;
        }
    }

    /** {@code cc predictions risk}: an entity's risk over time, from the per-minute aggregates, downsampled with --step. */
    @Command(name = "risk", description = "Risk over time: the per-minute aggregates of every model run, newest first;"
            + " with --step only each entity's riskiest minute per step (ListModelRuns with a step).")
    static final class RiskCommand implements Callable<Integer> {
        private static final java.util.regex.Pattern STEP = java.util.regex.Pattern.compile("(\\d{1,9})(s|m|h|d)");

        @ParentCommand
        PredictionsCommand parent;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--entity", description = "Only this entity: kind/id (service/checkout-api), kind:id, or an id of any kind.")
        String entity;
        @Option(names = "--since", defaultValue = "24h",
                description = "From: ISO-8601 or a span back from now (default: ${DEFAULT-VALUE}).")
        String since;
        @Option(names = "--step", description = "Downsample: each entity's riskiest aggregate per step (30s, 10m, 2h, 1d).")
        String step;
        @Option(names = "--limit", defaultValue = "200", description = "How many rows (default: ${DEFAULT-VALUE}).")
        int limit;
        @Option(names = "--json", description = "One JSON object per row (protobuf JSON mapping of ModelRun).")
        boolean json;

        @Override
        public Integer call() {
            if (limit < 1) {
                throw new IllegalArgumentException("--limit must be at least 1");
            }
            io.commandcenter.proto.v1.ListModelRunsRequest.Builder request = io.commandcenter.proto.v1.ListModelRunsRequest
                    .newBuilder().setKind(io.commandcenter.proto.v1.ModelRunKind.MODEL_RUN_KIND_AGGREGATE)
                    .setStartTime(SamplesCommand.ts(SamplesCommand.time(since, Clock.systemUTC(), "--since")));
            Text.Entity only = entity == null ? null : Text.entity(entity, "--entity");
            if (only != null) {
                request.setTargetId(only.id());
            }
            if (step != null) {
                java.util.regex.Matcher m = STEP.matcher(step.strip());
                if (!m.matches()) {
                    throw new IllegalArgumentException("--step must be a whole number with a unit (30s, 10m, 2h, 1d), got '"
                            + step + "'");
                }
                long n = Long.parseLong(m.group(1));
                long seconds = switch (m.group(2)) {
                    case "s" -> n;
                    case "m" -> n * 60;
                    case "h" -> n * 3600;
                    default -> n * 86_400;
                };
                request.setStep(com.google.protobuf.Duration.newBuilder().setSeconds(seconds));
            }
            List<io.commandcenter.proto.v1.ModelRun> runs = new ArrayList<>();
            try (HubConnection hub = parent.cc.connect()) {
                var stub = hub.scoped(PredictServiceGrpc.newBlockingStub(hub.channel()));
                String token = "";
                do {
                    var page = stub.withDeadlineAfter(60, TimeUnit.SECONDS).listModelRuns(
                            request.setPageSize(Math.min(1000, limit - runs.size())).setPageToken(token).build());
                    page.getRunsList().stream().filter(r -> only == null || only.matches(r.getTarget())).forEach(runs::add);
                    token = page.getNextPageToken();
                } while (!token.isEmpty() && runs.size() < limit);
            }
            PrintWriter out = spec.commandLine().getOut();
            List<io.commandcenter.proto.v1.ModelRun> shown = runs.subList(0, Math.min(limit, runs.size()));
            if (json) {
                shown.forEach(r -> out.println(ProtoJson.print(r)));
                return 0;
            }
            if (shown.isEmpty()) {
                out.println("no model runs");
                return 0;
            }
            out.printf("%-20s %-28s %-18s %8s %5s%n", "MINUTE", "ENTITY", "MODEL", "RISK MAX", "RUNS");
            java.util.regex.Pattern max = java.util.regex.Pattern.compile("\"riskMax\":([-0-9.eE]+)");
            for (io.commandcenter.proto.v1.ModelRun r : shown) {
                java.util.regex.Matcher m = max.matcher(r.getOutputJson());
                out.printf(Locale.ROOT, "%-20s %-28s %-18s %8s %5d%n", Instant.ofEpochSecond(r.getExecuteTime().getSeconds()),
                        r.getTarget().getKind() + "/" + r.getTarget().getId(), r.getModelId(),
                        m.find() ? String.format(Locale.ROOT, "%.3f", Double.parseDouble(m.group(1))) : "-", r.getRuns());
            }
            return 0;
        }
    }

    /**
     * The similar past incidents a prediction carries and why its action is what it is (guide 20):
     * {@code similar      service/checkout-api  2026-12-01 09:14  0.94  restart -> recovered}.
     */
    static void similar(PrintWriter out, Prediction p, String indent) {
        if (p.getSimilarCount() == 0) {
            out.printf(Locale.ROOT, "%ssimilar      none in this project's memory%n", indent);
            return;
        }
        out.printf(Locale.ROOT, "%ssimilar      (past incidents most like this one: what was done, what came of it)%n", indent);
        for (io.commandcenter.proto.v1.SimilarIncident s : p.getSimilarList()) {
            out.printf(Locale.ROOT, "%s  %-28s %s  %.2f  %s -> %s%n", indent, s.getEntity(),
                    java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT)
                            .withZone(java.time.ZoneOffset.UTC).format(Instant.ofEpochSecond(s.getTime().getSeconds())),
                    s.getSimilarity(), s.getAction(), s.getOutcome());
        }
        if (!p.getRecommendationNote().isEmpty()) {
            out.printf(Locale.ROOT, "%swhy action   %s%n", indent, p.getRecommendationNote());
        }
    }

    /** {@code cc predictions get ID}. */
    @Command(name = "get", description = "Show one prediction in full.")
    static final class GetCommand implements Callable<Integer> {
        @ParentCommand
        PredictionsCommand parent;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", description = "The prediction's id.")
        String id;
        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() {
            Prediction p;
            try (HubConnection hub = parent.cc.connect()) {
                p = hub.scoped(PredictServiceGrpc.newBlockingStub(hub.channel())).withDeadlineAfter(30, TimeUnit.SECONDS)
                        .getPrediction(GetPredictionRequest.newBuilder().setPredictionId(id).build()).getPrediction();
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(ProtoJson.print(p));
                return 0;
            }
            out.printf(Locale.ROOT, "prediction   %s%n", p.getPredictionId());
            out.printf(Locale.ROOT, "entity       %s/%s (project %s)%n", p.getTarget().getKind(), p.getTarget().getId(),
                    p.getProjectId());
            out.printf(Locale.ROOT, "type         %s%n", p.getPredictionType());
            out.printf(Locale.ROOT, "risk         %.3f (threshold %.2f)%n", p.getRisk(), p.getThreshold());
            out.printf(Locale.ROOT, "confidence   %.3f = calibration %.2f x amount %.2f x freshness %.2f x agreement %.2f%n",
                    p.getConfidence(), p.getConfidenceTerms().getCalibration(), p.getConfidenceTerms().getAmount(),
                    p.getConfidenceTerms().getFreshness(), p.getConfidenceTerms().getAgreement());
            out.printf(Locale.ROOT, "action       %s%n", p.getRecommendedAction());
            out.printf(Locale.ROOT, "model        %s %s%n", p.getModel(), p.getModelVersion());
            out.printf(Locale.ROOT, "observed     %s%n", Instant.ofEpochSecond(p.getObservedTime().getSeconds()));
            out.printf(Locale.ROOT, "raised       %s%n", Instant.ofEpochSecond(p.getCreateTime().getSeconds(),
                    p.getCreateTime().getNanos()));
            out.printf(Locale.ROOT, "trace        %s   run %s%n", p.getTraceId(), p.getModelRunId());
            out.println("factors      (log-odds added to the risk, most risk-raising first)");
            for (Factor f : p.getFactorsList()) {
                out.printf(Locale.ROOT, "  %+7.3f  %-28s value %.3f%n", f.getContribution(), label(f), f.getValue());
            }
            similar(out, p, "");
            return 0;
        }
    }

    /** {@code cc predictions label ID --false-alarm|--incident [--reason R]}. */
    @Command(name = "label", description = "Say what really happened: the prediction was an incident, or a false alarm."
            + " The label becomes a row of the project's feedback dataset.")
    static final class LabelCommand implements Callable<Integer> {
        @ParentCommand
        PredictionsCommand parent;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", description = "The prediction's id.")
        String id;
        @picocli.CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
        Which which;
        @Option(names = "--reason", defaultValue = "", description = "Why (kept with the label).")
        String reason;

        static final class Which {
            @Option(names = "--false-alarm", required = true, description = "Nothing was wrong.")
            boolean falseAlarm;
            @Option(names = "--incident", required = true, description = "It was a real incident.")
            boolean incident;
        }

        @Override
        public Integer call() {
            io.commandcenter.proto.v1.FeedbackLabel label;
            try (HubConnection hub = parent.cc.connect()) {
                label = hub.scoped(PredictServiceGrpc.newBlockingStub(hub.channel())).withDeadlineAfter(30, TimeUnit.SECONDS)
                        .labelPrediction(io.commandcenter.proto.v1.LabelPredictionRequest.newBuilder().setPredictionId(id)
                                .setLabel(which.incident ? "incident" : "false_alarm").setReason(reason).build())
                        .getLabel();
            }
            spec.commandLine().getOut().printf("prediction %s (%s/%s) labelled %s%n", label.getPredictionId(),
                    label.getEntity().getKind(), label.getEntity().getId(), label.getLabel());
            return 0;
        }
    }

    static String label(Factor f) {
        return f.getMetric().isEmpty() ? f.getFeature() : f.getFeature() + "[" + f.getMetric() + "]";
    }
}
