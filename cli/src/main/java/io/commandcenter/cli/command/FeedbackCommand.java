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

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Iterator;
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

        /**
         * Streams the rows to a spool file beside the output as they arrive (the CSV's header needs every row's
         * feature names first), then writes the CSV from it: neither the hub nor this command holds the dataset.
         */
        @Override
        public Integer call() {
            TreeSet<String> features = new TreeSet<>();
            long rows = 0;
            long incidents = 0;
            Path absolute = output.toAbsolutePath();
            Path spool;
            try {
                spool = spool(absolute);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            try {
                try (HubConnection hub = parent.cc.connect();
                     OutputStream out = new BufferedOutputStream(Files.newOutputStream(spool))) {
                    Iterator<FeedbackRow> it = hub.scoped(PredictServiceGrpc.newBlockingStub(hub.channel()))
                            .withDeadlineAfter(300, TimeUnit.SECONDS)
                            .exportFeedback(ExportFeedbackRequest.newBuilder().setModel(model).build());
                    while (it.hasNext()) {
                        FeedbackRow r = it.next();
                        features.addAll(r.getFeaturesMap().keySet());
                        r.writeDelimitedTo(out);
                        rows++;
                        incidents += r.getLabel() == 1 ? 1 : 0;
                    }
                }
                try (InputStream in = new BufferedInputStream(Files.newInputStream(spool));
                     Writer out = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
                    out.write("time,entity_kind,entity_id,model,model_version,run_id,prediction_id,label,source,reason,risk");
                    for (String f : features) {
                        out.write("," + csv(f));
                    }
                    out.write("\n");
                    FeedbackRow r;
                    while ((r = FeedbackRow.parseDelimitedFrom(in)) != null) {
                        out.write(String.join(",", Instant.ofEpochSecond(r.getTime().getSeconds(),
                                        r.getTime().getNanos()).toString(), csv(r.getEntity().getKind()),
                                csv(r.getEntity().getId()), csv(r.getModel()), csv(r.getModelVersion()),
                                csv(r.getRunId()), csv(r.getPredictionId()), Integer.toString(r.getLabel()),
                                csv(r.getSource()), csv(r.getReason()), Double.toString(r.getRisk())));
                        for (String f : features) {
                            Double v = r.getFeaturesMap().get(f);
                            out.write("," + (v == null ? "" : Double.toString(v)));
                        }
                        out.write("\n");
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                try {
                    Files.deleteIfExists(spool);
                } catch (IOException ignored) {
                    // a temporary file left beside the output
                }
            }
            spec.commandLine().getOut().printf("%d row(s) written to %s (%d incident, %d no incident)%n", rows,
                    output, incidents, rows - incidents);
            return 0;
        }

        /**
         * A new spool file beside {@code output}, deleted when the JVM ends: Ctrl-C (or a SIGTERM) ends it without
         * the command's finally block, and the spool holds the whole dataset.
         */
        static Path spool(Path output) throws IOException {
            Path spool = Files.createTempFile(output.toAbsolutePath().getParent(), ".cc-feedback-", ".spool");
            spool.toFile().deleteOnExit();
            return spool;
        }

        static String csv(String s) {
            return s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")
                    ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
        }
    }
}
