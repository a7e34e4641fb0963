package io.commandcenter.cli.command;

import io.commandcenter.cli.Cc;
import io.commandcenter.cli.HubConnection;
import io.commandcenter.proto.v1.ExportFeedbackRequest;
import io.commandcenter.proto.v1.FeedbackRow;
import io.commandcenter.proto.v1.PredictServiceGrpc;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** {@code cc feedback}: the project's feedback dataset. */
@Command(name = "feedback", description = "The project's feedback dataset: labelled rows with the scored inputs.",
        subcommands = {FeedbackCommand.ExportCommand.class})
public final class FeedbackCommand {
    @ParentCommand
    Cc cc;

    /** {@code cc feedback export --output FILE.csv [--model M]} (the project: {@code --project}). */
    @Command(name = "export", description = "Write the feedback dataset as CSV: time, entity, model, run, prediction, "
            + "label (1 incident, 0 false alarm), source, reason, risk, then one column per feature.")
    static final class ExportCommand implements Callable<Integer> {
        @ParentCommand
        FeedbackCommand parent;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--output", required = true, description = "The CSV file to write.")
        Path output;
        @Option(names = "--model", defaultValue = "", description = "Only rows scored by this model.")
        String model;

        @Override
        public Integer call() {
            List<FeedbackRow> rows = new ArrayList<>();
            try (HubConnection hub = parent.cc.connect()) {
                hub.scoped(PredictServiceGrpc.newBlockingStub(hub.channel())).withDeadlineAfter(300, TimeUnit.SECONDS)
                        .exportFeedback(ExportFeedbackRequest.newBuilder().setModel(model).build())
                        .forEachRemaining(rows::add);
            }
            TreeSet<String> features = new TreeSet<>();
            rows.forEach(r -> features.addAll(r.getFeaturesMap().keySet()));
            try (Writer out = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
                out.write("time,entity_kind,entity_id,model,model_version,run_id,prediction_id,label,source,reason,risk");
                for (String f : features) {
                    out.write("," + csv(f));
                }
                out.write("\n");
                for (FeedbackRow r : rows) {
                    out.write(String.join(",", Instant.ofEpochSecond(r.getTime().getSeconds(), r.getTime().getNanos())
                                    .toString(), csv(r.getEntity().getKind()), csv(r.getEntity().getId()), csv(r.getModel()),
                            csv(r.getModelVersion()), csv(r.getRunId()), csv(r.getPredictionId()),
                            Integer.toString(r.getLabel()), csv(r.getSource()), csv(r.getReason()),
                            Double.toString(r.getRisk())));
                    for (String f : features) {
                        Double v = r.getFeaturesMap().get(f);
                        out.write("," + (v == null ? "" : Double.toString(v)));
                    }
                    out.write("\n");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            long incidents = rows.stream().filter(r -> r.getLabel() == 1).count();
            spec.commandLine().getOut().printf("%d row(s) written to %s (%d incident, %d no incident)%n", rows.size(),
                    output, incidents, rows.size() - incidents);
            return 0;
        }

        static String csv(String s) {
            return s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")
                    ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
        }
    }
}
