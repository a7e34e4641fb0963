package io.commandcenter.models.backtest;

import io.commandcenter.models.artifact.ModelMetadata;
import io.commandcenter.models.calibration.OnsetCalibration;
import io.commandcenter.models.confidence.ConfidenceCalculator;
import io.commandcenter.models.eval.Evaluation;
import io.commandcenter.models.eval.EarlyWarningProfile;
import io.commandcenter.models.eval.Segment;
import io.commandcenter.models.explain.OcclusionExplainer;
import io.commandcenter.models.features.FeatureSchema;
import io.commandcenter.models.features.TelemetryFeatureExtractor;
import io.commandcenter.models.features.TelemetryFeatures;
import io.commandcenter.models.scoring.BatchScorer;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * Offline replay of one entity's history through the live pipeline and model (the dry run before
 * trusting autonomy). Online: row i's features use rows at or before i only (the statistics adapt as
 * they would live); the model is fixed during a replay, so features are computed sequentially first and
 * then scored, with explanations, in batches. Exactly one output row per input row, in input order.
 *
 * <p>The risk of a row is the model's probability through the model's {@link OnsetCalibration} (one state
 * for the entity, rows in time order, exactly as the live engine keeps it). Confidence uses
 * {@link ConfidenceCalculator} with age 0 (a replayed row is fresh) on that risk. The top factor is the
 * most risk-raising factor of the row by occlusion, named {@code feature[metric]}.
 */
public final class Backtest {

    /** Rows before an incident in which a warning counts for lead time and early-warning score. */
    public static final int DEFAULT_HORIZON = 12;
    /** How often, in rows, a replay asks whether it was cancelled while scoring. */
    static final int CANCEL_CHECK_ROWS = 1024;

    private final BatchScorer scorer;
    private final ModelMetadata metadata;
    private final ConfidenceCalculator confidence;
    private final int horizon;

    /**
     * @param scorer   scores vectors in {@code metadata.features()} order
     * @param metadata a model of the {@value TelemetryFeatures#PIPELINE_VERSION} pipeline
     * @throws io.commandcenter.common.error.CommandCenterException INVALID / PIPELINE_MISMATCH for another pipeline,
     *         INVALID / FEATURES_MISSING when the model wants features the pipeline does not produce
     */
    public Backtest(BatchScorer scorer, ModelMetadata metadata, ConfidenceCalculator confidence, int horizon) {
        if (!TelemetryFeatures.PIPELINE_VERSION.equals(metadata.pipeline())) {
            throw io.commandcenter.common.error.CommandCenterException.invalid("PIPELINE_MISMATCH",
                    "model " + metadata.fileStem() + " uses pipeline " + metadata.pipeline() + ", backtests replay " + TelemetryFeatures.PIPELINE_VERSION);
        }
        TelemetryFeatures.SCHEMA.projectionTo(new FeatureSchema(metadata.features()));
        this.scorer = scorer;
        this.metadata = metadata;
        this.confidence = confidence;
        this.horizon = horizon;
    }

    public Backtest(BatchScorer scorer, ModelMetadata metadata) {
        this(scorer, metadata, new ConfidenceCalculator(), DEFAULT_HORIZON);
    }

    public BacktestResult run(Series series) {
        return run(series, () -> false);
    }

    /**
     * The same, asking {@code cancelled} between the replay's steps and every {@value #CANCEL_CHECK_ROWS} rows
     * while scoring (a model call of the scorer is never interrupted).
     *
     * @throws CancellationException as soon as {@code cancelled} says so: nothing is returned
     */
    public BacktestResult run(Series series, BooleanSupplier cancelled) {
        long t0 = System.nanoTime();
        TelemetryFeatureExtractor extractor = new TelemetryFeatureExtractor(series.axis());
        FeatureSchema modelSchema = new FeatureSchema(metadata.features());
        // the vectors are written in the model's column order directly (no second matrix)
        FeatureReplay.Result replay = FeatureReplay.replay(extractor, series.metrics(), series.times(), series.values(), true, modelSchema);
        stopIf(cancelled, 0);
        long t1 = System.nanoTime();
        int n = series.rows();
        float[] x = replay.features();
        OcclusionExplainer explainer = new OcclusionExplainer(scorer, modelSchema, metadata.referenceVector());
        // each row's attribution reduced as it comes (its top factor and the sums its confidence needs once its
        // risk is known), not kept as a rows × features matrix
        double[] probability = new double[n];
        int[] topFeature = new int[n];
        double[] agreementSums = new double[3 * n];
        int features = modelSchema.size();
        explainer.attribute(x, n, (row, p, c, offset) -> {
            stopIf(cancelled, row);
            probability[row] = p;
            topFeature[row] = OcclusionExplainer.topFeature(c, offset, features);
            ConfidenceCalculator.agreementSums(c, offset, features, agreementSums, 3 * row);
        });
        List<BacktestRow> rows = new ArrayList<>(n);
        // the entity's calibration state follows the rows in time order, as it does live
        double[] risk = calibrate(probability, series.times(), series.axis(), replay.novelty());
        List<io.commandcenter.models.artifact.CalibrationBin> bins = List.copyOf(metadata.calibration());
        int[] pipelineIndex = new int[modelSchema.size()];
        for (int j = 0; j < pipelineIndex.length; j++) {
            pipelineIndex[j] = TelemetryFeatures.SCHEMA.indexOf(modelSchema.name(j));
        }
        // "feature[metric]" labels repeat along a series: build each one once, and reuse the previous row's
        // label of the same feature and metric without a look-up
        java.util.Map<String, String>[] labels = newLabelCache(modelSchema.size());
        String[] lastMetric = new String[modelSchema.size()];
        String[] lastLabel = new String[modelSchema.size()];
        double threshold = metadata.threshold();
        ConfidenceCalculator.Table table = ConfidenceCalculator.table(bins);
        String[][] sources = replay.sources();
        long[] observations = replay.observations();
        List<String> timestamps = series.timestamps();
        for (int i = 0; i < n; i++) {
            stopIf(cancelled, i);
            int top = topFeature[i];
            String metric = sources[i][pipelineIndex[top]];
            String label = lastLabel[top];
            if (metric != lastMetric[top]) {
                label = labels[top].get(metric);
                if (label == null) {
                    label = metric.isEmpty() ? modelSchema.name(top) : modelSchema.name(top) + "[" + metric + "]";
                    labels[top].put(metric, label);
                }
                lastMetric[top] = metric;
                lastLabel[top] = label;
            }
            // what confidence.compute(new ConfidenceInputs(min(risk, probability), threshold, bins, observations, ZERO,
            // null, contributions)) gives, without the per-row objects. Confidence reads the probability's reliability
            // table: at the probability on an alarm row (the quiet-entity bonus reports alarms above it), at the risk
            // on held rows (below it) — min(risk, probability) is both
            double conf = confidence.backtestValue(Math.min(risk[i], probability[i]), threshold, table, observations[i],
                    agreementSums, 3 * i);
            rows.add(new BacktestRow(timestamps.get(i), risk[i], conf, label));
        }
        long t2 = System.nanoTime();
        return new BacktestResult(rows, series.hasLabels() ? Optional.of(summarise(series, risk)) : Optional.empty(), t1 - t0, t2 - t1);
    }

    /** Throws when {@code cancelled} says so, asked at row 0 and every {@value #CANCEL_CHECK_ROWS} rows after it. */
    private static void stopIf(BooleanSupplier cancelled, int row) {
        if (row % CANCEL_CHECK_ROWS == 0 && cancelled.getAsBoolean()) {
            throw new CancellationException("the backtest was cancelled at row " + row);
        }
    }

    @SuppressWarnings("unchecked")
    private static java.util.Map<String, String>[] newLabelCache(int features) {
        java.util.Map<String, String>[] m = new java.util.Map[features];
        for (int j = 0; j < features; j++) {
            m[j] = new java.util.HashMap<>();
        }
        return m;
    }

    /** The model's probabilities through the model's onset calibration, visiting rows in time order. */
    private double[] calibrate(double[] probabilities, long[] times, io.commandcenter.models.features.TimeAxis axis, double[] novelty) {
        if (metadata.onset().isNone()) {
            return probabilities;
        }
        OnsetCalibration.State state = metadata.onset().newState(metadata.threshold(), axis);
        double[] out = new double[probabilities.length];
        for (int i : FeatureReplay.sortedOrder(times)) {
            out[i] = state.next(probabilities[i], times[i], novelty[i]);
        }
        return out;
    }

    private BacktestSummary summarise(Series s, double[] risk) {
        boolean[] labels = s.labels();
        boolean[] alarms = Evaluation.alarms(risk, metadata.threshold());
        List<Segment> incidents = Segment.fromLabels(labels);
        double leadMillis = Double.NaN;
        if (s.axis() == io.commandcenter.models.features.TimeAxis.EPOCH_MILLIS) {
            leadMillis = java.util.Arrays.stream(Evaluation.leadTimes(alarms, incidents, horizon, s.times())).average().orElse(Double.NaN);
        }
        return new BacktestSummary(metadata.threshold(), Evaluation.pointwise(alarms, labels),
                Evaluation.perIncident(alarms, incidents, horizon), Evaluation.meanLeadTime(alarms, incidents, horizon), leadMillis,
                Evaluation.earlyWarningScore(alarms, incidents, horizon, EarlyWarningProfile.STANDARD), Evaluation.rocAuc(risk, labels), horizon);
    }

    /** Writes {@code timestamp,risk,confidence,top_factor} with a header, one line per row. */
    public static void writeCsv(BacktestResult result, Writer out) throws IOException {
        out.write("timestamp,risk,confidence,top_factor\n");
        StringBuilder sb = new StringBuilder(64);
        for (BacktestRow r : result.rows()) {
            sb.setLength(0);
            sb.append(csv(r.timestamp())).append(',')
                    .append(formatRisk(r.risk())).append(',')
                    .append(String.format(Locale.ROOT, "%.4f", r.confidence())).append(',')
                    .append(csv(r.topFactor())).append('\n');
            out.write(sb.toString());
        }
    }

    /** A risk as written to the output CSV: six decimals. */
    public static String formatRisk(double risk) {
        return String.format(Locale.ROOT, "%.6f", risk);
    }

    /** The value a reader of the output CSV sees for {@code risk} (evaluations score exactly what was written). */
    public static double writtenRisk(double risk) {
        return Double.parseDouble(formatRisk(risk));
    }

    /** The summary as the lines the CLI prints. */
    public static String describe(BacktestSummary s) {
        return String.format(Locale.ROOT,
                "threshold %.2f%npoint-wise   precision %.3f recall %.3f F1 %.3f%nper incident precision %.3f recall %.3f F1 %.3f (%d of %d incidents)%n"
                        + "mean lead time %.1f rows%s%nearly-warning score %.1f (NAB standard profile, horizon %d rows)%nROC AUC %.3f%n",
                s.threshold(), s.point().precision(), s.point().recall(), s.point().f1(), s.incident().precision(), s.incident().recall(),
                s.incident().f1(), s.incident().truePositives(), s.incident().truePositives() + s.incident().falseNegatives(),
                s.meanLeadRows(), Double.isNaN(s.meanLeadMillis()) ? "" : String.format(Locale.ROOT, " (%.1f min)", s.meanLeadMillis() / 60000.0),
                s.earlyWarning(), s.horizonRows(), s.rocAuc());
    }

    private static String csv(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
