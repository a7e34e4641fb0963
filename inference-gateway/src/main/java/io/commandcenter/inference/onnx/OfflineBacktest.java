package io.commandcenter.inference.onnx;

import io.commandcenter.inference.BackendScorer;
import io.commandcenter.inference.InferenceBackend;
import io.commandcenter.inference.ModelKey;
import io.commandcenter.models.artifact.ModelArtifact;
import io.commandcenter.models.backtest.Backtest;
import io.commandcenter.models.backtest.BacktestResult;
import io.commandcenter.models.backtest.Series;
import io.commandcenter.models.backtest.SeriesCsv;
import io.commandcenter.models.bootstrap.BootstrapModels;
import io.commandcenter.models.artifact.SidecarJson;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The in-process backtest: a CSV through the telemetry pipeline and a model on the local ONNX Runtime.
 * The CLI's {@code cc backtest} wraps {@link #run}; {@link #main} is the same for a shell:
 * <pre>
 *   java -cp … io.commandcenter.inference.onnx.OfflineBacktest --input in.csv --output out.csv
 *        [--model service_health | --model-file path/to/model.onnx] [--label-column label]
 * </pre>
 * With a label column the summary (precision, recall, F1, lead time, early-warning score) is printed.
 */
public final class OfflineBacktest {

    private OfflineBacktest() {
    }

    /** Replays {@code series} with {@code artifact} (loaded into a private backend) and returns every scored row. */
    public static BacktestResult run(ModelArtifact artifact, Series series) {
        try (OnnxBackend backend = new OnnxBackend()) {
            backend.load(artifact);
            return run(backend, artifact, series);
        }
    }

    /** Replays {@code series} with {@code artifact}, already loaded into {@code backend} (shared by callers in parallel). */
    public static BacktestResult run(InferenceBackend backend, ModelArtifact artifact, Series series) {
        ModelKey key = ModelKey.of(artifact.metadata());
        return new Backtest(new BackendScorer(backend, key), artifact.metadata()).run(series);
    }

    public static void main(String[] args) throws IOException {
        Path input = null;
        Path output = null;
        String model = "service_health";
        Path modelFile = null;
        String label = "label";
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (!option.startsWith("--") || i + 1 == args.length) {
                throw new IllegalArgumentException(option.startsWith("--") ? option + " needs a value"
                        : "unknown option " + option);
            }
            String value = args[++i];
            switch (option) {
                case "--input" -> input = Path.of(value);
                case "--output" -> output = Path.of(value);
                case "--model" -> model = value;
                case "--model-file" -> modelFile = Path.of(value);
                case "--label-column" -> label = value;
                default -> throw new IllegalArgumentException("unknown option " + option);
            }
        }
        if (modelFile != null && !modelFile.getFileName().toString().endsWith(".onnx")) {
            throw new IllegalArgumentException("--model-file must name the .onnx file (its sidecar .json beside it), got "
                    + modelFile);
        }
        if (input == null || output == null) {
            throw new IllegalArgumentException("usage: --input FILE.csv --output OUT.csv [--model NAME | --model-file M.onnx] [--label-column label]");
        }
        ModelArtifact artifact;
        if (modelFile != null) {
            Path sidecar = modelFile.resolveSibling(modelFile.getFileName().toString().replaceFirst("\\.onnx$", ".json"));
            artifact = new ModelArtifact(new SidecarJson().read(Files.readAllBytes(sidecar)), Files.readAllBytes(modelFile));
        } else {
            artifact = new BootstrapModels().load(model);
        }
        Series series;
        try (Reader r = Files.newBufferedReader(input)) {
            series = new SeriesCsv(label).read(r);
        }
        BacktestResult result = run(artifact, series);
        try (Writer w = Files.newBufferedWriter(output)) {
            Backtest.writeCsv(result, w);
        }
        PrintStream out = System.out;
        out.printf(Locale.ROOT, "%d rows scored with %s in %.3f s (%.0f rows/s)%n", result.rows().size(), artifact.metadata().fileStem(),
                (result.featureNanos() + result.scoringNanos()) / 1e9, result.rowsPerSecond());
        result.summary().ifPresent(s -> out.print(Backtest.describe(s)));
    }
}
