package io.commandcenter.cli.command;

import io.commandcenter.common.json.Json;
import io.commandcenter.inference.onnx.OfflineEvaluation;
import io.commandcenter.models.artifact.ModelArtifact;
import io.commandcenter.models.backtest.Backtest;
import io.commandcenter.models.backtest.BacktestRow;
import io.commandcenter.models.backtest.LabelledCorpus;
import io.commandcenter.models.bootstrap.BootstrapModels;
import io.commandcenter.models.eval.BinaryMetrics;
import io.commandcenter.models.eval.CorpusEvaluation;
import io.commandcenter.models.eval.NabScorer;
import io.commandcenter.models.features.TimeAxis;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code cc eval}: "how would this have done on my incident history?" Replays every file of a labelled
 * corpus through the offline backtest ({@code cc backtest}'s path: same pipeline, model and calibration
 * as the hub), several files at once, and prints per file, per category and overall the NAB score,
 * precision / recall / F1 (point-wise and per incident), ROC AUC, mean lead time and false alarms per day.
 */
@Command(name = "eval", description = "Replay a labelled corpus offline and score the model on it (NAB score, precision, recall, F1, AUC, lead time, false alarms).",
        footer = {"", "CORPUS: a NAB folder (data/<category>/*.csv and labels/combined_windows.json), a folder of CSV files",
                "in the 'cc backtest' layout with a label column (searched recursively), or one such file.",
                "The NAB score uses NAB's standard profile and its threshold sweep (one threshold for the whole corpus);",
                "the other measures use the model's threshold (or --threshold). Exit code 2 on bad input."})
public final class EvalCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "CORPUS", description = "The labelled corpus (folder or file).")
    Path corpus;
    @Option(names = "--model", defaultValue = "service_health", description = "Shipped model (default: ${DEFAULT-VALUE}).")
    String model;
    @Option(names = "--model-file", description = "An ONNX model (its .json sidecar beside it) instead of a shipped one.")
    Path modelFile;
    @Option(names = "--threads", description = "Files replayed at once (default: the number of processors).")
    Integer threads;
    @Option(names = "--only", split = ",", description = "Keep the files whose name starts with one of these (e.g. realTweets,realTraffic).")
    List<String> only = new ArrayList<>();
    @Option(names = "--label-column", defaultValue = "label", description = "Label column of CSV files (default: ${DEFAULT-VALUE}).")
    String labelColumn;
    @Option(names = "--threshold", description = "Alarm threshold for precision, recall, lead time and false alarms (default: the model's).")
    Double threshold;
    @Option(names = "--horizon", description = "Rows before an incident in which an alarm is an early warning (default: 0 for NAB, whose windows already lead the anomaly; 12 otherwise).")
    Integer horizon;
    @Option(names = "--step", description = "Duration of one row of step-indexed files ('t' column), e.g. PT5M, for false alarms per day.")
    Duration step;
    @Option(names = "--json", description = "Print the whole evaluation as JSON.")
    boolean json;
    @Option(names = "--files", negatable = true, defaultValue = "true", description = "Print one line per file (default: on).")
    boolean perFile;
    @Option(names = "--plot", paramLabel = "FILE", description = "Draw risk over time with the labelled windows for this corpus file (its name, e.g. realTweets/Twitter_volume_AAPL.csv).")
    String plot;
    @Option(names = "--plot-output", paramLabel = "PNG", description = "Where to write the chart (default: the file's name with .png, in the current folder).")
    Path plotOutput;
    @Option(names = "--results", paramLabel = "DIR", description = "Also write each file's scores in NAB's results layout under DIR (results/<detector>/<category>/<detector>_<file>.csv) for NAB's own scorer.")
    Path results;
    @Option(names = "--detector", defaultValue = "commandcenter", description = "Detector name in the --results layout (default: ${DEFAULT-VALUE}).")
    String detector;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        ModelArtifact artifact = modelFile != null ? BacktestCommand.fromFile(modelFile) : new BootstrapModels().load(model);
        LabelledCorpus labelled = new LabelledCorpus(corpus, labelColumn);
        List<String> names = labelled.names(only);
        if (plot != null && !names.contains(plot)) {
            throw new IllegalArgumentException("--plot " + plot + ": no such file in the corpus (names are like " + names.get(0) + ")");
        }
        boolean nab = labelled.layout() == LabelledCorpus.Layout.NAB;
        int workers = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (workers < 1) {
            throw new IllegalArgumentException("--threads must be >= 1");
        }
        long started = System.nanoTime();
        List<OfflineEvaluation.Replayed> replayed = OfflineEvaluation.run(artifact, labelled, names, workers);
        double seconds = (System.nanoTime() - started) / 1e9;
        List<CorpusEvaluation.Run> runs = new ArrayList<>();
        for (OfflineEvaluation.Replayed r : replayed) {
            runs.add(run(r));
        }
        double th = threshold != null ? threshold : artifact.metadata().threshold();
        int h = horizon != null ? horizon : (nab ? 0 : Backtest.DEFAULT_HORIZON);
        CorpusEvaluation.Report report = CorpusEvaluation.evaluate(runs, th, h, step);
        if (results != null) {
            writeResults(replayed);
        }
        if (plot != null) {
            int i = names.indexOf(plot);
            Path png = plotOutput != null ? plotOutput
                    : Path.of(plot.substring(plot.lastIndexOf('/') + 1).replaceFirst("\\.csv$", "") + ".png");
            RiskChart.draw(replayed.get(i).file(), runs.get(i).risk(), th, artifact.metadata().fileStem(), png);
            if (!json) {
                out.println("chart of " + plot + " -> " + png);
            }
        }
        long rows = runs.stream().mapToLong(r -> r.risk().length).sum();
        if (json) {
            out.println(Json.pretty(toJson(report, artifact, nab, rows, seconds, workers)));
        } else {
            print(out, report, artifact, nab, rows, seconds, workers);
        }
        out.flush();
        return 0;
    }

    /** The risks as written by {@code cc backtest} (6 decimals), so NAB's scorer on those files agrees to the last digit. */
    static CorpusEvaluation.Run run(OfflineEvaluation.Replayed r) {
        List<BacktestRow> rows = r.result().rows();
        double[] risk = new double[rows.size()];
        for (int i = 0; i < risk.length; i++) {
            risk[i] = Backtest.writtenRisk(rows.get(i).risk());
        }
        LabelledCorpus.File f = r.file();
        return new CorpusEvaluation.Run(f.name(), f.category(), f.series().times(), f.series().axis() == TimeAxis.EPOCH_MILLIS,
                risk, f.incidents());
    }

    private void writeResults(List<OfflineEvaluation.Replayed> replayed) throws IOException {
        for (OfflineEvaluation.Replayed r : replayed) {
            String name = r.file().name();
            int slash = name.lastIndexOf('/');
            Path dir = results.resolve("results").resolve(detector);
            if (slash >= 0) {
                dir = dir.resolve(name.substring(0, slash));
            }
            Files.createDirectories(dir);
            try (Writer w = Files.newBufferedWriter(dir.resolve(detector + "_" + name.substring(slash + 1)), StandardCharsets.UTF_8)) {
                w.write("timestamp,anomaly_score\n");
                for (BacktestRow row : r.result().rows()) {
                    w.write(row.timestamp() + "," + Backtest.formatRisk(row.risk()) + "\n");
                }
            }
        }
    }

    private void print(PrintWriter out, CorpusEvaluation.Report r, ModelArtifact artifact, boolean nab, long rows, double seconds, int workers) {
        CorpusEvaluation.Measures all = r.overall();
        out.printf(Locale.ROOT, "%s: %s layout, %d files, %d incidents, %,d rows; model %s; replayed in %.1f s on %d threads (%,.0f rows/s)%n",
                corpus, nab ? "NAB" : "CSV", all.files(), all.incidents(), rows, artifact.metadata().fileStem(), seconds, workers,
                rows / Math.max(seconds, 1e-9));
        out.printf(Locale.ROOT, "NAB score (standard profile) %.1f at the corpus threshold %.4f (NAB's sweep); %.1f at the model threshold %.2f%n",
                r.nab().normalised(), r.nab().threshold(), r.nabAtThreshold().normalised(), r.threshold());
        out.printf(Locale.ROOT, "  other profiles: reward_low_FP_rate %.1f, reward_low_FN_rate %.1f%n",
                r.nabProfiles().get(NabScorer.Profile.REWARD_LOW_FP.name()).normalised(),
                r.nabProfiles().get(NabScorer.Profile.REWARD_LOW_FN.name()).normalised());
        out.printf(Locale.ROOT, "alarm = risk >= %.2f; early-warning horizon %d rows%n%n", r.threshold(), r.horizon());
        Table t = header();
        if (perFile) {
            for (CorpusEvaluation.Measures m : r.files()) {
                row(t, m);
            }
            t.row("", "", "", "", "", "", "", "", "", "", "", "", "", "", "");
        }
        for (CorpusEvaluation.Measures m : r.categories()) {
            row(t, m);
        }
        row(t, all);
        t.print(out);
    }

    private static Table header() {
        return new Table("file / category", "rows", "incidents", "NAB", "found", "FP rows", "P", "R", "F1", "inc P", "inc R", "inc F1",
                "lead", "AUC", "FA/day");
    }

    private static void row(Table t, CorpusEvaluation.Measures m) {
        t.row(m.name(), m.rows(), m.incidents(), Double.isNaN(m.nabScore()) ? String.format(Locale.ROOT, "(%.2f)", m.nabRaw()) : f1(m.nabScore()),
                m.nabWindowsDetected() + "/" + m.incidents(), m.nabFalsePositiveRows(),
                f3(m.point().precision()), f3(m.point().recall()), f3(m.point().f1()),
                f3(m.incident().precision()), f3(m.incident().recall()), f3(m.incident().f1()),
                Double.isNaN(m.meanLeadRows()) ? "-" : f1(m.meanLeadRows()), Double.isNaN(m.rocAuc()) ? "-" : f3(m.rocAuc()),
                Double.isNaN(m.falseAlarmsPerDay()) ? "-" : String.format(Locale.ROOT, "%.2f", m.falseAlarmsPerDay()));
    }

    private static String f1(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String f3(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    private Map<String, Object> toJson(CorpusEvaluation.Report r, ModelArtifact artifact, boolean nab, long rows, double seconds, int workers) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("corpus", corpus.toString());
        o.put("layout", nab ? "nab" : "csv");
        o.put("model", artifact.metadata().fileStem());
        o.put("rows", rows);
        o.put("seconds", seconds);
        o.put("threads", workers);
        o.put("threshold", r.threshold());
        o.put("horizon", r.horizon());
        Map<String, Object> scores = new LinkedHashMap<>();
        r.nabProfiles().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> scores.put(e.getKey(), score(e.getValue())));
        o.put("nab", scores);
        o.put("nab_at_threshold", score(r.nabAtThreshold()));
        o.put("overall", measures(r.overall()));
        o.put("categories", r.categories().stream().map(EvalCommand::measures).toList());
        o.put("files", r.files().stream().map(EvalCommand::measures).toList());
        return o;
    }

    private static Map<String, Object> score(NabScorer.Score s) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("score", s.normalised());
        o.put("raw", s.raw());
        o.put("threshold", s.threshold());
        o.put("detected_rows_in_windows", s.truePositiveRows());
        o.put("detected_rows_outside_windows", s.falsePositiveRows());
        return o;
    }

    private static Map<String, Object> measures(CorpusEvaluation.Measures m) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("name", m.name());
        o.put("files", m.files());
        o.put("rows", m.rows());
        o.put("incidents", m.incidents());
        Map<String, Object> nabPart = new LinkedHashMap<>();
        nabPart.put("score", m.nabScore());
        nabPart.put("raw", m.nabRaw());
        nabPart.put("windows_detected", m.nabWindowsDetected());
        nabPart.put("false_positive_rows", m.nabFalsePositiveRows());
        o.put("nab", nabPart);
        o.put("pointwise", binary(m.point()));
        o.put("per_incident", binary(m.incident()));
        o.put("mean_lead_rows", m.meanLeadRows());
        o.put("mean_lead_minutes", m.meanLeadMinutes());
        o.put("roc_auc", m.rocAuc());
        o.put("mean_file_roc_auc", m.meanFileAuc());
        o.put("days", m.days());
        o.put("false_alarms", m.incident().falsePositives());
        o.put("false_alarms_per_day", m.falseAlarmsPerDay());
        return o;
    }

    private static Map<String, Object> binary(BinaryMetrics b) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("precision", b.precision());
        o.put("recall", b.recall());
        o.put("f1", b.f1());
        o.put("tp", b.truePositives());
        o.put("fp", b.falsePositives());
        o.put("fn", b.falseNegatives());
        return o;
    }
}
