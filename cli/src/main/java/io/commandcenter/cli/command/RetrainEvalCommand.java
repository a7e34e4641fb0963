package io.commandcenter.cli.command;

import io.commandcenter.common.json.Json;
import io.commandcenter.inference.BackendScorer;
import io.commandcenter.inference.ModelKey;
import io.commandcenter.inference.explain.ExplainabilityValidator;
import io.commandcenter.inference.onnx.OnnxBackend;
import io.commandcenter.models.artifact.ModelArtifact;
import io.commandcenter.models.bootstrap.BootstrapModels;
import io.commandcenter.models.train.loop.Evaluator;
import io.commandcenter.models.train.loop.PromotionRule;
import io.commandcenter.models.train.loop.RetrainEval;
import io.commandcenter.models.train.loop.RetrainingPath;
import io.commandcenter.models.train.loop.ThresholdRefit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;

/**
 * {@code cc retrain-eval}: does the learning loop learn? Replays a labelled corpus in time-ordered
 * chunks through the real retraining path ({@link RetrainEval}), models run by ONNX Runtime as in the
 * hub, and prints per cycle the champion's quality on the chunk it had not seen, the shipped model's
 * on the same chunk, and whether the challenger was promoted (and why not).
 */
@Command(name = "retrain-eval", description = "Replay a labelled corpus in time-ordered cycles through the learning "
        + "loop's retraining path and print per cycle precision, recall, F1, ROC AUC, early warning and promotion.",
        footer = {"", "DATA: a folder in the ASD layout (NAME_test.csv with a label column, NAME_train.csv its normal "
                + "history). ASD omi-10, omi-11 and omi-12 are held out and never read.", "Exit code 2 on bad input."})
public final class RetrainEvalCommand implements Callable<Integer> {
    /** Held, so that the level set on it stays (java.util.logging keeps loggers weakly). */
    private static final java.util.logging.Logger TRIBUO_LOG = java.util.logging.Logger.getLogger("org.tribuo");
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", required = true, description = "The labelled corpus folder, e.g. ../shared/data/asd.")
    Path data;
    @Option(names = "--cycles", defaultValue = "4", description = "Time-ordered chunks, one retraining each (default: ${DEFAULT-VALUE}).")
    int cycles;
    @Option(names = "--only", split = ",", description = "Only these series (e.g. omi-1,omi-2); default: every one in DATA.")
    List<String> only = new ArrayList<>();
    @Option(names = "--margin", defaultValue = "0.02", description = "F1 a challenger must gain on the project holdout (default: ${DEFAULT-VALUE}).")
    double margin;
    @Option(names = "--tolerance", defaultValue = "0.02", description = "How much worse AUC and shipped early warning may be (default: ${DEFAULT-VALUE}).")
    double tolerance;
    @Option(names = "--min-incidents", defaultValue = "3", description = "Labelled incidents needed to retrain at all (default: ${DEFAULT-VALUE}).")
    int minIncidents;
    @Option(names = "--synthetic", defaultValue = "60", description = "Shipped synthetic training series (default: ${DEFAULT-VALUE}).")
    int synthetic;
    @Option(names = "--validation-series", defaultValue = "20", description = "Shipped validation series the challenger must not be worse on (default: ${DEFAULT-VALUE}).")
    int validationSeries;
    @Option(names = "--project-share", defaultValue = "0", description = "How much the project's labelled incident rows weigh against the shipped corpus's, 0-10 (0: each row once; default: ${DEFAULT-VALUE}).")
    double projectShare;

    @Option(names = "--project-threshold", description = "Re-fit the decision threshold on the project's validation rows (best F1 per incident).")
    boolean projectThreshold;

    @Option(names = "--holdout-per-chunk", description = "Judge each challenger on the last part of every chunk seen (one train/validation/holdout split per chunk) instead of the last part of the whole window.")
    boolean holdoutPerChunk;

    @Option(names = "--threshold-only", description = "Only the threshold-only challenger: the champion's weights with its threshold re-fitted (best F1 per incident) on every row before the last chunk seen, judged on that chunk.")
    boolean thresholdOnly;

    @Option(names = "--retrained-only", description = "Only the retrained-weights challenger (the loop before round five). Default: both challengers each cycle, the better one that passes promoted.")
    boolean retrainedOnly;

    @Option(names = "--refit-objective", defaultValue = "f1-ew", paramLabel = "f1|recall-floor|warning-floor|weights-recall-floor|f1-ew",
            description = "Which thresholds the threshold-only challenger may choose: any, by the best F1 + λ·early warning/100 (f1-ew, λ = 5, in the lineage; the hub's loop uses it too, ADR 0022); any, by the best F1 per incident (f1); or only those keeping on the fit rows the champion's recall (recall-floor), its recall and early warning (warning-floor), or the recall of its weights at their trained threshold (weights-recall-floor), of those the best F1 per incident (default: ${DEFAULT-VALUE}).")
    String refitObjective = "f1-ew";

    @Option(names = "--json", description = "One JSON object per cycle.")
    boolean json;
    @Option(names = "--plot", paramLabel = "FILE.png", description = "Draw F1 and ROC AUC per cycle, champion against the shipped model.")
    Path plot;

    @Override
    public Integer call() throws Exception {
        if (cycles < 2 || cycles > 50) {
            throw new IllegalArgumentException("--cycles must be 2 to 50");
        }
        if (!(projectShare >= 0 && projectShare <= 10)) {
            throw new IllegalArgumentException("--project-share must be 0 to 10");
        }
        if (thresholdOnly && retrainedOnly) {
            throw new IllegalArgumentException("--threshold-only and --retrained-only exclude each other");
        }
        ThresholdRefit.Objective objective;
        try {
            objective = ThresholdRefit.Objective.ofOption(refitObjective);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--refit-objective must be one of " + ThresholdRefit.Objective.options()
                    + ", not " + refitObjective);
        }
        // the default objective is f1-ew: only an objective named on the command line is refused without the challenger
        if (retrainedOnly && spec.commandLine().getParseResult().hasMatchedOption("--refit-objective")) {
            throw new IllegalArgumentException("--refit-objective needs the threshold-only challenger: not with "
                    + "--retrained-only");
        }
        if (!Files.isDirectory(data)) {
            throw new IllegalArgumentException("--data " + data + " is not a folder");
        }
        List<String> names = only.isEmpty() ? RetrainEval.series(data) : only;
        if (names.isEmpty()) {
            throw new IllegalArgumentException("no NAME_test.csv in " + data);
        }
        PrintWriter out = spec.commandLine().getOut();
        // Tribuo reports every training on java.util.logging: the table is what this command says
        TRIBUO_LOG.setLevel(java.util.logging.Level.WARNING);
        List<RetrainEval.Cycle> done = new ArrayList<>();
        try (OnnxBackend backend = new OnnxBackend()) {
            ExplainabilityValidator validator = new ExplainabilityValidator(backend);
            RetrainEval eval = new RetrainEval(a -> {
                ModelKey key = ModelKey.of(a.metadata(), a.onnxSha256());
                backend.load(key, a);
                return new BackendScorer(backend, key);
            }, a -> validator.validate(ModelKey.of(a.metadata(), a.onnxSha256()), a).explainable(),
                    new PromotionRule(margin, tolerance, minIncidents), synthetic, validationSeries,
                    new io.commandcenter.models.train.loop.Retrainer(0.2, 0.2,
                            io.commandcenter.models.train.bootstrap.BootstrapModelsMain.SEED, projectShare,
                            projectThreshold), holdoutPerChunk).challengers(thresholdOnly
                    ? RetrainingPath.Challengers.THRESHOLD_ONLY : retrainedOnly ? RetrainingPath.Challengers.RETRAINED
                    : RetrainingPath.Challengers.BOTH).objective(objective);
            ModelArtifact shipped = new BootstrapModels().load("service_health");
            if (!json) {
                out.printf("%d series (%s), %d cycles, starting from service_health %s%n", names.size(),
                        String.join(",", names), cycles, shipped.metadata().version());
                out.printf("%-5s %-9s %6s %4s %6s %6s %6s %6s %6s %6s | %6s %6s | %-9s %s%n", "CYCLE", "CHAMPION", "ROWS",
                        "INC", "PREC", "RECALL", "F1", "AUC", "EW", "FA", "F1@0", "AUC@0", "CHALLNGR", "PROMOTED / WHY NOT");
                out.flush();
            }
            eval.run(data, names, cycles, shipped, c -> {
                done.add(c);
                if (json) {
                    out.println(Json.write(json(c)));
                } else {
                    Evaluator.Metrics m = c.metrics();
                    out.printf(Locale.ROOT, "%-5d %-9s %6d %4d %6.3f %6.3f %6.3f %6.3f %6.3f %6d | %6.3f %6.3f | %-9s %s%n",
                            c.cycle(), c.champion(), m.rows(), m.incidents(), m.precision(), m.recall(), m.f1(), m.auc(),
                            m.earlyWarning(), m.falseAlarms(), c.shipped().f1(), c.shipped().auc(), c.challenger(),
                            (c.promoted() ? "yes: " : "no: ") + c.reason());
                }
                out.flush();
            });
        }
        if (!json && done.size() >= 2) {
            Evaluator.Metrics first = done.get(0).metrics();
            Evaluator.Metrics last = done.get(done.size() - 1).metrics();
            out.printf(Locale.ROOT, "first cycle F1 %.3f AUC %.3f -> last cycle F1 %.3f AUC %.3f (shipped model on the "
                            + "last chunk: F1 %.3f AUC %.3f)%n", first.f1(), first.auc(), last.f1(), last.auc(),
                    done.get(done.size() - 1).shipped().f1(), done.get(done.size() - 1).shipped().auc());
        }
        if (plot != null) {
            draw(done, plot);
            if (!json) {
                out.println("chart written to " + plot);
            }
        }
        return 0;
    }

    static Map<String, Object> json(RetrainEval.Cycle c) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("cycle", c.cycle());
        o.put("champion", c.champion());
        metrics(o, "", c.metrics());
        o.put("shipped_f1", c.shipped().f1());
        o.put("shipped_auc", c.shipped().auc());
        o.put("shipped_early_warning", c.shipped().earlyWarning());
        o.put("shipped_precision", c.shipped().precision());
        o.put("shipped_recall", c.shipped().recall());
        o.put("shipped_false_alarms", c.shipped().falseAlarms());
        o.put("confirmed", c.confirmed());
        o.put("declared", c.declared());
        o.put("false_alarms_marked", c.falseAlarms());
        o.put("data_hash", c.snapshot().sha256());
        o.put("feedback_rows", c.snapshot().feedbackRows());
        o.put("challenger", c.challenger());
        o.put("holdout_rows", c.comparison().championProject().rows());
        o.put("holdout_incidents", c.comparison().championProject().incidents());
        o.put("holdout_champion_f1", c.comparison().championProject().f1());
        o.put("holdout_challenger_f1", c.comparison().challengerProject().f1());
        o.put("holdout_champion_auc", c.comparison().championProject().auc());
        o.put("holdout_challenger_auc", c.comparison().challengerProject().auc());
        o.put("validation_champion_early_warning", c.comparison().championShipped().earlyWarning());
        o.put("validation_challenger_early_warning", c.comparison().challengerShipped().earlyWarning());
        o.put("promoted", c.promoted());
        o.put("reason", c.reason());
        List<Map<String, Object>> candidates = new ArrayList<>();
        for (RetrainingPath.Candidate k : c.candidates()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", k.kind());
            m.put("version", k.version());
            m.put("threshold", k.challenger().artifact().metadata().threshold());
            m.put("holdout_rows", k.comparison().championProject().rows());
            m.put("holdout_incidents", k.comparison().championProject().incidents());
            m.put("holdout_champion_f1", k.comparison().championProject().f1());
            m.put("holdout_challenger_f1", k.comparison().challengerProject().f1());
            m.put("holdout_champion_auc", k.comparison().championProject().auc());
            m.put("holdout_challenger_auc", k.comparison().challengerProject().auc());
            m.put("validation_champion_early_warning", k.comparison().championShipped().earlyWarning());
            m.put("validation_challenger_early_warning", k.comparison().challengerShipped().earlyWarning());
            m.put("passed", k.verdict().promote());
            m.put("reason", k.verdict().reason());
            candidates.add(m);
        }
        o.put("candidates", candidates);
        return o;
    }

    private static void metrics(Map<String, Object> o, String prefix, Evaluator.Metrics m) {
        o.put(prefix + "rows", m.rows());
        o.put(prefix + "incidents", m.incidents());
        o.put(prefix + "precision", m.precision());
        o.put(prefix + "recall", m.recall());
        o.put(prefix + "f1", m.f1());
        o.put(prefix + "auc", m.auc());
        o.put(prefix + "early_warning", m.earlyWarning());
        o.put(prefix + "calibration_error", m.calibrationError());
        o.put(prefix + "false_alarms", m.falseAlarms());
    }

    /** F1 and ROC AUC per cycle: the champion (solid) against the shipped model (dashed). */
    static void draw(List<RetrainEval.Cycle> cycles, Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        int w = 900;
        int h = 480;
        int left = 60;
        int right = 180;
        int top = 40;
        int bottom = 50;
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, w, h);
            int pw = w - left - right;
            int ph = h - top - bottom;
            g.setColor(Color.BLACK);
            g.drawString("cc retrain-eval: quality on each cycle's unseen chunk", left, 24);
            g.drawRect(left, top, pw, ph);
            for (int i = 0; i <= 10; i++) {
                int y = top + ph - ph * i / 10;
                g.setColor(new Color(230, 230, 230));
                g.drawLine(left + 1, y, left + pw - 1, y);
                g.setColor(Color.DARK_GRAY);
                g.drawString(String.format(Locale.ROOT, "%.1f", i / 10.0), 25, y + 4);
            }
            int n = cycles.size();
            for (int k = 0; k < n; k++) {
                g.drawString("cycle " + cycles.get(k).cycle(), x(k, n, left, pw) - 20, top + ph + 20);
            }
            Color f1 = new Color(0x1f77b4);
            Color auc = new Color(0xd62728);
            line(g, cycles.stream().map(c -> c.metrics().f1()).toList(), f1, false, left, top, pw, ph);
            line(g, cycles.stream().map(c -> c.shipped().f1()).toList(), f1, true, left, top, pw, ph);
            line(g, cycles.stream().map(c -> c.metrics().auc()).toList(), auc, false, left, top, pw, ph);
            line(g, cycles.stream().map(c -> c.shipped().auc()).toList(), auc, true, left, top, pw, ph);
            int lx = left + pw + 15;
            legend(g, lx, top + 20, f1, false, "F1, champion");
            legend(g, lx, top + 40, f1, true, "F1, shipped model");
            legend(g, lx, top + 60, auc, false, "ROC AUC, champion");
            legend(g, lx, top + 80, auc, true, "ROC AUC, shipped");
            g.setColor(Color.DARK_GRAY);
            for (int k = 0; k < n; k++) {
                if (cycles.get(k).promoted()) {
                    g.drawString("promoted " + cycles.get(k).challenger(), lx, top + 120 + 18 * k);
                }
            }
        } finally {
            g.dispose();
        }
        if (png.toAbsolutePath().getParent() != null) {
            Files.createDirectories(png.toAbsolutePath().getParent());
        }
        if (!ImageIO.write(image, "png", png.toFile())) {
            throw new IOException("no PNG writer");
        }
    }

    private static int x(int k, int n, int left, int pw) {
        return n == 1 ? left + pw / 2 : left + 20 + (pw - 40) * k / (n - 1);
    }

    private static void line(Graphics2D g, List<Double> values, Color color, boolean dashed, int left, int top, int pw,
                             int ph) {
        g.setColor(color);
        g.setStroke(dashed ? new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, new float[]{6f, 5f}, 0f)
                : new BasicStroke(2.5f));
        int n = values.size();
        for (int k = 0; k < n; k++) {
            int x = x(k, n, left, pw);
            int y = top + ph - (int) Math.round(ph * Math.max(0, Math.min(1, values.get(k))));
            g.fillOval(x - 3, y - 3, 7, 7);
            if (k > 0) {
                int px = x(k - 1, n, left, pw);
                int py = top + ph - (int) Math.round(ph * Math.max(0, Math.min(1, values.get(k - 1))));
                g.drawLine(px, py, x, y);
            }
        }
        g.setStroke(new BasicStroke(1f));
    }

    private static void legend(Graphics2D g, int x, int y, Color color, boolean dashed, String text) {
        g.setColor(color);
        g.setStroke(dashed ? new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, new float[]{6f, 5f}, 0f)
                : new BasicStroke(2.5f));
        g.drawLine(x, y - 4, x + 30, y - 4);
        g.setStroke(new BasicStroke(1f));
        g.setColor(Color.BLACK);
        g.drawString(text, x + 36, y);
    }
}
