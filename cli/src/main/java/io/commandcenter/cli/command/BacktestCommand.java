package io.commandcenter.cli.command;

import com.google.protobuf.ByteString;
import io.commandcenter.cli.Cc;
import io.commandcenter.cli.HubConnection;
import io.commandcenter.cli.csv.CsvReader;
import io.commandcenter.inference.onnx.OfflineBacktest;
import io.commandcenter.models.artifact.ModelArtifact;
import io.commandcenter.models.artifact.SidecarJson;
import io.commandcenter.models.backtest.Backtest;
import io.commandcenter.models.backtest.BacktestResult;
import io.commandcenter.models.backtest.BacktestRow;
import io.commandcenter.models.backtest.SeriesCsv;
import io.commandcenter.models.bootstrap.BootstrapModels;
import io.commandcenter.proto.v1.BacktestRequest;
import io.commandcenter.proto.v1.BacktestResponse;
import io.commandcenter.proto.v1.BacktestStart;
import io.commandcenter.proto.v1.PredictServiceGrpc;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * {@code cc backtest}: replays a CSV series through the same feature pipeline and model as live
 * telemetry — offline in this process by default, or through a hub with {@code --hub} — and writes
 * one output row per input row: {@code timestamp,risk,confidence,top_factor}.
 */
@Command(name = "backtest", description = "Replay a CSV series through the predictive model; one output row per input row.",
        footer = {"", "Input: a header; a time column ('timestamp' as ISO-8601 or yyyy-MM-dd HH:mm:ss, or 't' as an integer",
                "step); numeric metric columns; optionally a label column (1 inside an incident) and an 'entity' or",
                "'service' column (then --entity picks one). Offline by default; --hub host:port replays on a hub",
                "with its champion model. With labels, precision, recall, F1 and lead time are printed."})
public final class BacktestCommand implements Callable<Integer> {
    @ParentCommand
    Cc cc;
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--input", required = true, description = "The series, CSV.")
    Path input;
    @Option(names = "--output", required = true, description = "Where to write timestamp,risk,confidence,top_factor.")
    Path output;
    @Option(names = "--entity", description = "The entity to replay, when the file holds several.")
    String entity;
    @Option(names = "--model", defaultValue = "service_health", description = "Model name (default: ${DEFAULT-VALUE}).")
    String model;
    @Option(names = "--model-version", description = "With --hub: a registered version instead of the champion.")
    String modelVersion;
    @Option(names = "--model-file", description = "Offline: an ONNX model (its .json sidecar beside it) instead of a shipped one.")
    Path modelFile;
    @Option(names = "--label-column", defaultValue = "label", description = "Label column (default: ${DEFAULT-VALUE}).")
    String labelColumn;

    @Override
    public Integer call() throws Exception {
        if (!Files.isReadable(input)) {
            throw new IllegalArgumentException("cannot read " + input);
        }
        String csv = selectEntity(Files.readString(input, StandardCharsets.UTF_8));
        PrintWriter out = spec.commandLine().getOut();
        boolean viaHub = spec.commandLine().getParseResult().hasMatchedOption("--hub")
                || (spec.parent() != null && spec.parent().commandLine().getParseResult().hasMatchedOption("--hub"));
        long started = System.nanoTime();
        BacktestResult result;
        String description;
        if (viaHub) {
            HubRun run = throughHub(csv);
            result = run.result();
            description = run.description();
        } else {
            if (modelVersion != null) {
                throw new IllegalArgumentException("--model-version needs --hub (offline, use --model-file)");
            }
            ModelArtifact artifact = modelFile != null ? fromFile(modelFile) : new BootstrapModels().load(model);
            result = OfflineBacktest.run(artifact, new SeriesCsv(labelColumn).read(new StringReader(csv)));
            description = result.summary().map(Backtest::describe).orElse("");
        }
        try (Writer w = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
            Backtest.writeCsv(result, w);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        out.printf(Locale.ROOT, "%,d rows scored %s in %.2f s -> %s%n", result.rows().size(),
                viaHub ? "on the hub" : "offline", seconds, output);
        out.print(description);
        out.flush();
        return 0;
    }

    /** Keeps the rows of one entity and drops the entity column, when the file has one. */
    String selectEntity(String csv) throws IOException {
        List<List<String>> rows = new ArrayList<>();
        try (CsvReader reader = new CsvReader(new BufferedReader(new StringReader(csv)))) {
            List<String> row;
            while ((row = reader.next()) != null) {
                rows.add(row);
            }
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException(input + " is empty: a header row is needed");
        }
        List<String> header = rows.get(0);
        int column = -1;
        for (int i = 0; i < header.size(); i++) {
            String name = header.get(i).strip().toLowerCase(Locale.ROOT);
            if (name.equals("entity") || name.equals("service")) {
                column = i;
            }
        }
        if (column < 0) {
            if (entity != null) {
                throw new IllegalArgumentException("--entity given, but " + input + " has no 'entity' or 'service' column");
            }
            return csv;
        }
        TreeSet<String> entities = new TreeSet<>();
        for (List<String> row : rows.subList(1, rows.size())) {
            if (row.size() > column) {
                entities.add(row.get(column).strip());
            }
        }
        String chosen = entity;
        if (chosen == null) {
            if (entities.size() > 1) {
                throw new IllegalArgumentException(input + " holds " + entities.size() + " entities " + entities
                        + ": choose one with --entity");
            }
            chosen = entities.isEmpty() ? "" : entities.first();
        } else if (!entities.contains(chosen)) {
            throw new IllegalArgumentException("no rows of entity '" + chosen + "' in " + input + "; it holds " + entities);
        }
        StringBuilder out = new StringBuilder();
        for (int r = 0; r < rows.size(); r++) {
            List<String> row = rows.get(r);
            if (r > 0 && (row.size() <= column || !row.get(column).strip().equals(chosen))) {
                continue;
            }
            List<String> kept = new ArrayList<>(row);
            if (kept.size() > column) {
                kept.remove(column);
            }
            out.append(String.join(",", kept.stream().map(BacktestCommand::quote).toList())).append('\n');
        }
        return out.toString();
    }

    private static String quote(String cell) {
        return cell.indexOf(',') < 0 && cell.indexOf('"') < 0 && cell.indexOf('\n') < 0 ? cell
                : '"' + cell.replace("\"", "\"\"") + '"';
    }

    static ModelArtifact fromFile(Path onnx) throws IOException {
        Path sidecar = onnx.resolveSibling(onnx.getFileName().toString().replaceFirst("\\.onnx$", "") + ".json");
        if (!Files.isReadable(sidecar)) {
            throw new IllegalArgumentException("no sidecar " + sidecar + " beside " + onnx);
        }
        return new ModelArtifact(new SidecarJson().read(Files.readAllBytes(sidecar)), Files.readAllBytes(onnx));
    }

    private record HubRun(BacktestResult result, String description) {
    }

    private HubRun throughHub(String csv) throws Exception {
        List<BacktestRow> rows = new ArrayList<>();
        StringBuilder description = new StringBuilder();
        CompletableFuture<Void> done = new CompletableFuture<>();
        try (HubConnection hub = cc.connect()) {
            var stream = hub.scoped(PredictServiceGrpc.newStub(hub.channel())).withDeadlineAfter(10, TimeUnit.MINUTES)
                    .backtest(new io.grpc.stub.StreamObserver<>() {
                        @Override
                        public void onNext(BacktestResponse response) {
                            if (response.hasRows()) {
                                response.getRows().getRowsList().forEach(r -> rows.add(new BacktestRow(r.getTimestamp(),
                                        r.getRisk(), r.getConfidence(), r.getTopFactor())));
                            } else if (response.hasSummary() && response.getSummary().getLabelled()) {
                                description.append(response.getSummary().getDescription());
                            }
                        }

                        @Override
                        public void onError(Throwable t) {
                            done.completeExceptionally(t);
                        }

                        @Override
                        public void onCompleted() {
                            done.complete(null);
                        }
                    });
            BacktestStart.Builder start = BacktestStart.newBuilder().setModel(model).setLabelColumn(labelColumn);
            if (modelVersion != null) {
                start.setModelVersion(modelVersion);
            }
            stream.onNext(BacktestRequest.newBuilder().setStart(start).build());
            byte[] bytes = csv.getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < bytes.length; i += 1 << 20) {
                stream.onNext(BacktestRequest.newBuilder()
                        .setCsvChunk(ByteString.copyFrom(bytes, i, Math.min(1 << 20, bytes.length - i))).build());
            }
            stream.onCompleted();
            try {
                done.get();
            } catch (ExecutionException e) {
                throw (Exception) e.getCause();
            }
        }
        return new HubRun(new BacktestResult(rows, Optional.empty(), 0, 0), description.toString());
    }
}
