package io.commandcenter.cli.command;

import io.commandcenter.common.proto.ProtoJson;
import io.commandcenter.cli.Cc;
import io.commandcenter.cli.HubConnection;
import io.commandcenter.proto.v1.ListModelsRequest;
import io.commandcenter.proto.v1.Model;
import io.commandcenter.proto.v1.ModelRegistryServiceGrpc;
import io.commandcenter.proto.v1.PromoteModelRequest;
import io.commandcenter.proto.v1.PromoteModelResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** {@code cc models}: the project's model registry. */
@Command(name = "models", description = "Registered models and their champions.",
        subcommands = {ModelsCommand.ListCommand.class, ModelsCommand.PromoteCommand.class,
                ModelsCommand.HistoryCommand.class, ModelsCommand.RollbackCommand.class,
                ModelsCommand.TrainCommand.class})
public final class ModelsCommand {
    @ParentCommand
    Cc cc;

    /** {@code cc models list}. */
    @Command(name = "list", description = "List the project's models, champions first, with their validation F1 (per "
            + "incident for a predictive model), ROC AUC (its mean over the validation series) and calibration error.")
    static final class ListCommand implements Callable<Integer> {
        @ParentCommand
        ModelsCommand parent;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--name", description = "Only versions of this model.")
        String name;
        @Option(names = "--json", description = "One JSON object per model.")
        boolean json;

        @Override
        public Integer call() {
            List<Model> models;
            try (HubConnection hub = parent.cc.connect()) {
                models = hub.scoped(ModelRegistryServiceGrpc.newBlockingStub(hub.channel()))
                        .withDeadlineAfter(30, TimeUnit.SECONDS)
                        .listModels(ListModelsRequest.newBuilder().setName(name == null ? "" : name).build())
                        .getModelsList();
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                models.forEach(m -> out.println(ProtoJson.print(m)));
                return 0;
            }
            Table table = new Table("NAME", "VERSION", "TYPE", "CHAMPION", "THRESHOLD", "F1", "AUC", "ECE", "REGISTERED");
            for (Model m : models) {
                // a predictive model's F1 is per incident (its row F1 counts every row of an incident a miss but one);
                // its AUC is the mean over the validation series
                table.row(m.getName(), m.getVersion(), m.getType().name().replace("MODEL_TYPE_", "").toLowerCase(Locale.ROOT),
                        m.getChampion() ? "yes" : "", String.format(Locale.ROOT, "%.2f", m.getThreshold()),
                        metric(m, "validation_incident_f1", "validation_f1", "f1"),
                        metric(m, "validation_roc_auc", "validation_mean_roc_auc", "roc_auc"),
                        metric(m, "validation_ece", "ece"), Instant.ofEpochSecond(m.getCreateTime().getSeconds()));
            }
            table.print(out);
            return 0;
        }

        private static String metric(Model m, String... names) {
            for (String n : names) {
                if (m.getMetricsMap().containsKey(n)) {
                    return String.format(Locale.ROOT, "%.3f", m.getMetricsMap().get(n));
                }
            }
            return "-";
        }
    }

    /** {@code cc models promote NAME VERSION}. */
    @Command(name = "promote", description = "Make a registered version its model's champion.")
    static final class PromoteCommand implements Callable<Integer> {
        @ParentCommand
        ModelsCommand parent;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", description = "Model name, e.g. service_health.")
        String name;
        @Parameters(index = "1", description = "Version to promote.")
        String version;
        @Option(names = "--reason", description = "Why (kept in the champion history).")
        String reason;

        @Override
        public Integer call() {
            PromoteModelResponse response;
            try (HubConnection hub = parent.cc.connect()) {
                response = hub.scoped(ModelRegistryServiceGrpc.newBlockingStub(hub.channel()))
                        .withDeadlineAfter(30, TimeUnit.SECONDS)
                        .promoteModel(PromoteModelRequest.newBuilder().setName(name).setVersion(version)
                                .setReason(reason == null ? "" : reason).build());
            }
            spec.commandLine().getOut().printf("%s %s is the champion%s%n", name, response.getModel().getVersion(),
                    response.getPreviousVersion().isEmpty() ? "" : " (was " + response.getPreviousVersion() + ")");
            return 0;
        }
    }

    /** {@code cc models history NAME}: every version with its lineage, and every champion period. */
    @Command(name = "history", description = "Every version of a model with its lineage (parent, training window, "
            + "data hash, feedback rows, metrics) and every champion period.")
    static final class HistoryCommand implements Callable<Integer> {
        @ParentCommand
        ModelsCommand parent;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", description = "Model name, e.g. service_health.")
        String name;

        @Override
        public Integer call() {
            List<Model> versions;
            io.commandcenter.proto.v1.GetModelResponse model;
            try (HubConnection hub = parent.cc.connect()) {
                var stub = hub.scoped(ModelRegistryServiceGrpc.newBlockingStub(hub.channel()))
                        .withDeadlineAfter(30, TimeUnit.SECONDS);
                model = stub.getModel(io.commandcenter.proto.v1.GetModelRequest.newBuilder().setName(name).build());
                versions = stub.listModels(io.commandcenter.proto.v1.ListModelsRequest.newBuilder().setName(name).build())
                        .getModelsList();
            }
            var out = spec.commandLine().getOut();
            out.printf("versions of %s, newest first%n", name);
            versions.stream().sorted(java.util.Comparator.comparing((Model m) -> m.getCreateTime().getSeconds())
                    .thenComparing(m -> m.getCreateTime().getNanos()).reversed()).forEach(m -> {
                        var p = m.getProvenanceMap();
                        List<String> head = new java.util.ArrayList<>();
                        if (m.getChampion()) {
                            head.add("champion");
                        }
                        if (p.containsKey("parent")) {
                            head.add("parent " + p.get("parent"));
                        }
                        head.add("registered " + Instant.ofEpochSecond(m.getCreateTime().getSeconds()));
                        out.printf(Locale.ROOT, "  %-9s %s%n", m.getVersion(), String.join(", ", head));
                        out.printf(Locale.ROOT, "            window %s%n", m.getTrainingWindow().isEmpty() ? "-" : m.getTrainingWindow());
                        out.printf(Locale.ROOT, "            training data %s%s, feedback rows %s, threshold %.2f%n",
                                short16(m.getDataHash()), p.containsKey("data_hash") ? ", project snapshot "
                                        + short16(p.get("data_hash")) : "", p.getOrDefault("feedback_rows", "-"),
                                m.getThreshold());
                        if (p.containsKey("refit")) {
                            out.printf("            refit: %s%n", p.get("refit"));
                        }
                        StringBuilder metrics = new StringBuilder();
                        new java.util.TreeMap<>(m.getMetricsMap()).forEach((k, v) -> {
                            if (k.endsWith("_f1") || k.endsWith("roc_auc") || k.endsWith("early_warning") || k.equals("f1")
                                    || k.startsWith("project_") || k.equals("feedback_rows")) {
                                metrics.append(metrics.length() == 0 ? "" : ", ").append(k).append(' ')
                                        .append(String.format(Locale.ROOT, "%.3f", v));
                            }
                        });
                        out.printf("            %s%n", metrics.length() == 0 ? "no metrics" : metrics);
                    });
            out.println("champion periods, newest first");
            for (var p : model.getChampionHistoryList()) {
                out.printf(Locale.ROOT, "  %-9s %s .. %s  by %s%s%n", p.getVersion(),
                        Instant.ofEpochSecond(p.getStartTime().getSeconds()),
                        p.hasEndTime() ? Instant.ofEpochSecond(p.getEndTime().getSeconds()).toString() : "now",
                        p.getPromotedBy(), p.getReason().isEmpty() ? "" : ": " + p.getReason());
            }
            if (model.getShadowGatesCount() > 0) {
                out.println("shadow waits before promotion, newest first");
                for (var g : model.getShadowGatesList()) {
                    out.printf(Locale.ROOT, "  %-9s %s, in shadow %s .. %s%n            holdout: %s%n            %s%n",
                            g.getVersion(), g.getState(), Instant.ofEpochSecond(g.getStartTime().getSeconds()),
                            Instant.ofEpochSecond(g.getEndTime().getSeconds()), g.getHoldoutReason(),
                            g.getVerdict().isEmpty() ? "verdict when the period ends" : g.getVerdict());
                }
            }
            if (model.hasShadow()) {
                var sh = model.getShadow();
                out.printf(Locale.ROOT, "in shadow: %s since %s: %d rows, agreement %.1f %%, champion alarms %d,"
                                + " shadow alarms %d, both %d, mean risk difference %.3f (acts on nothing)%n",
                        sh.getVersion(), Instant.ofEpochSecond(sh.getStartTime().getSeconds()), sh.getRows(),
                        100 * sh.getAgreement(), sh.getChampionAlarms(), sh.getShadowAlarms(), sh.getBothAlarms(),
                        sh.getMeanRiskDifference());
            }
            return 0;
        }
    }

    static String short16(String hash) {
        return hash == null || hash.isEmpty() ? "-" : hash.substring(0, Math.min(16, hash.length()));
    }

    /** {@code cc models rollback NAME}: the previous champion, at once. */
    @Command(name = "rollback", description = "Restore the previous champion of a model at once.")
    static final class RollbackCommand implements Callable<Integer> {
        @ParentCommand
        ModelsCommand parent;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", description = "Model name, e.g. service_health.")
        String name;
        @Option(names = "--reason", defaultValue = "", description = "Why (kept in the champion history).")
        String reason;

        @Override
        public Integer call() {
            PromoteModelResponse response;
            try (HubConnection hub = parent.cc.connect()) {
                response = hub.scoped(ModelRegistryServiceGrpc.newBlockingStub(hub.channel()))
                        .withDeadlineAfter(30, TimeUnit.SECONDS)
                        .rollbackModel(io.commandcenter.proto.v1.RollbackModelRequest.newBuilder().setName(name)
                                .setReason(reason).build());
            }
            spec.commandLine().getOut().printf("%s %s is the champion again (was %s)%n", name,
                    response.getModel().getVersion(), response.getPreviousVersion());
            return 0;
        }
    }

    /** {@code cc models train NAME}: retrain now (a run of the learning loop's workflow on the model). */
    @Command(name = "train", description = "Retrain a model now: snapshot, train, validate against the champion,"
            + " register, promote only if better. Prints the run (follow it with cc runs get ID).")
    static final class TrainCommand implements Callable<Integer> {
        @ParentCommand
        ModelsCommand parent;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", description = "Model name, e.g. service_health.")
        String name;
        @Option(names = "--reason", defaultValue = "", description = "Why (kept on the run's decision record).")
        String reason;
        @Option(names = "--json", description = "Print the run as JSON.")
        boolean json;

        @Override
        public Integer call() {
            io.commandcenter.proto.v1.WorkflowRun run;
            try (HubConnection hub = parent.cc.connect()) {
                run = hub.scoped(ModelRegistryServiceGrpc.newBlockingStub(hub.channel()))
                        .withDeadlineAfter(30, TimeUnit.SECONDS)
                        .trainModel(io.commandcenter.proto.v1.TrainModelRequest.newBuilder().setName(name)
                                .setReason(reason).build()).getRun();
            }
            spec.commandLine().getOut().println(json ? io.commandcenter.common.proto.ProtoJson.print(run)
                    : "started " + RunsCommand.line(run));
            return 0;
        }
    }
}
