package io.commandcenter.models.train.bootstrap;

import io.commandcenter.models.artifact.CalibrationBin;
import io.commandcenter.models.backtest.FeatureReplay;
import io.commandcenter.models.calibration.OnsetCalibration;
import io.commandcenter.models.eval.BinaryMetrics;
import io.commandcenter.models.eval.EarlyWarningProfile;
import io.commandcenter.models.eval.Evaluation;
import io.commandcenter.models.eval.Segment;
import io.commandcenter.models.features.FeatureSchema;
import io.commandcenter.models.features.TelemetryFeatureExtractor;
import io.commandcenter.models.features.TelemetryFeatures;
import io.commandcenter.models.scoring.LinearScorer;
import io.commandcenter.models.synthetic.LabelledSeries;
import io.commandcenter.models.train.LogisticTrainer;
import io.commandcenter.models.train.PlattScaling;
import io.commandcenter.models.train.TrainedLogistic;
import io.commandcenter.models.train.TrainingData;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Trains and calibrates the service_health risk model from a corpus of labelled series.
 *
 * <ol>
 *   <li>Every entry is replayed through the one telemetry pipeline (history first, then the scored
 *       part), giving one feature vector per row.</li>
 *   <li>Training rows: all positive rows and a seeded sample of {@value #NEGATIVE_KEEP_PERCENT} % of the
 *       negative rows (weight 100 / {@value #NEGATIVE_KEEP_PERCENT}, so the class prior is preserved) of the
 *       {@code train} entries, history rows counting as negatives. Incident rows weigh 1 for the first
 *       {@value #ONSET_ROWS} rows of their incident and {@code ONSET_ROWS / k} at the k-th row after, so
 *       the model learns what an incident looks like when it starts, not after the statistics adapted.</li>
 *   <li>Tribuo logistic regression (seeded), then Platt scaling fitted on the {@code validation} entries
 *       and folded into the weights: the risk is calibrated on data the weights never saw.</li>
 *   <li>The risk is the calibrated probability through the {@link #ONSET} calibration (one state per
 *       series, rows in order, exactly as backtests and the hub apply it): an incident alarms at its onset,
 *       the weaker rows after it are attenuated.</li>
 *   <li>The decision threshold maximises the summed early-warning score over the validation entries, with
 *       that calibration applied.</li>
 * </ol>
 */
public final class ServiceHealthTraining {

    static final int NEGATIVE_KEEP_PERCENT = 25;
    /** Incident rows after the first {@value} weigh {@code ONSET_ROWS / rows since onset}. */
    static final int ONSET_ROWS = 6;
    /** Incident rows later than this after the onset are not trained on. */
    static final int MAX_INCIDENT_ROWS = 36;
    /** Normal rows this close after an incident's end are not trained on. */
    static final int AFTER_INCIDENT_ROWS = 12;
    /** Early-warning horizon in rows: a warning up to this many rows before an incident counts. */
    public static final int HORIZON = 12;
    /**
     * The calibration between the model's probability and the risk acted on: for 50 rows after an alarm, rows
     * not clearly stronger (2.5 log-odds, about 12 times the odds) are held just below the threshold. Fixed
     * design values, not fitted here: chosen while developing, by category scores on the open NAB part and ASD
     * early warning (50 rows rather than the 100 NAB prefers, because ASD's early warning suffers from a
     * longer window; a margin of 1–2 lets the rising rows of one spike alarm again, from 3.5 up the peak of a
     * spike that crossed the threshold low is held back). Daily recurrence (since 2.1.0): within ± 6 sampling
     * intervals of the same time of day; since 2.2.0 a row must be 0.3 log-odds above what the entity did there to be
     * new (chosen among 0–0.5 on validation early warning, equal up to 0.35, and NAB leave-one-category-out, best
     * from 0.2: {@code CalibrationStudy rmargin}). Quiet-entity bonus (since 2.3.0): rows above the threshold get up to
     * 2 log-odds more when the entity has alarmed less than five times lately (decayed over 7 days), so a stricter threshold
     * keeps the rare alarms of quiet entities before the daily ones of noisy entities; it raises no alarm at the threshold
     * (chosen among three settings: validation early warning not below 2.2.0's, then the best NAB leave-one-category-out:
     * {@code CalibrationStudy quiet}). Novelty discount (since 2.4.0): rows above the threshold of an entity that alarms
     * often (decayed count c over 7 days) get {@code 0.75 · (1 − peak novelty) · min(1, c / 10)} log-odds less, never below
     * the threshold, so its alarms on values inside the range of its last 7 days rank below new extremes and below the
     * alarms of quiet entities; it changes no decision at the threshold (chosen among eleven settings of kappa 0.5–3 and
     * c0 5–20, validation early warning equal by construction, by the best NAB leave-one-category-out:
     * {@code CalibrationStudy discount,discount2}). One burst, one alarm (since 2.5.0): an alarm on the row right after
     * an alarm row is reported at the threshold itself, so a stricter threshold counts a burst once, by its first row; it
     * changes no decision at the threshold (chosen among 0–3 rows, validation early warning equal by construction, by the
     * best NAB leave-one-category-out: {@code CalibrationStudy burst}).
     */
    public static final OnsetCalibration ONSET = new OnsetCalibration(50, 2.5, 6, 0.3, 2.0, 5.0, 7.0, 0.75, 10.0, 1);

    private final LogisticTrainer trainer;
    private final long seed;
    private final FeatureSchema schema;

    public ServiceHealthTraining(LogisticTrainer trainer) {
        this(trainer, TelemetryFeatures.SCHEMA);
    }

    /**
     * Research only ({@link FeatureStudy}): trains on {@code schema}, the pipeline's features followed by candidate columns
     * that the entries' feature rows carry after the pipeline's own ({@code schema.size()} floats a row).
     */
    ServiceHealthTraining(LogisticTrainer trainer, FeatureSchema schema) {
        this.trainer = trainer;
        this.seed = trainer.seed();
        this.schema = schema;
    }

    /**
     * Feature rows of one replayed entry, with each row's peak novelty from the same replay
     * ({@link TelemetryFeatureExtractor#peakNovelty()}, what the live engine hands the onset calibration).
     *
     * @param historyNovelty the history rows' peak novelty (empty without history)
     * @param novelty        the scored rows' peak novelty (one per label)
     */
    public record Replayed(CorpusEntry entry, float[] historyFeatures, int historyRows, float[] features, boolean[] labels,
                           double[] historyNovelty, double[] novelty) {

        /**
         * Rows not replayed here (a project's stored feature vectors, copies with other labels): the peak novelty is
         * what the pipeline gives the entry's series ({@link #replay}); NaN (unknown: no novelty discount) when the
         * entry has no series of as many rows as {@code labels}.
         */
        public Replayed(CorpusEntry entry, float[] historyFeatures, int historyRows, float[] features, boolean[] labels) {
            this(entry, historyFeatures, historyRows, features, labels, pipelineNovelty(entry, labels.length));
        }

        private Replayed(CorpusEntry entry, float[] historyFeatures, int historyRows, float[] features, boolean[] labels,
                         double[][] novelty) {
            this(entry, historyFeatures, historyRows, features, labels, novelty[0], novelty[1]);
        }

        private static double[][] pipelineNovelty(CorpusEntry e, int rows) {
            if (e != null && e.scored() != null && e.scored().rows() == rows
                    && (e.health() == null || e.health().labels().length == rows)) {
                Replayed r = replay(e);
                return new double[][] {r.historyNovelty(), r.novelty()};
            }
            double[] unknown = new double[rows];
            Arrays.fill(unknown, Double.NaN);
            return new double[][] {new double[0], unknown};
        }
    }

    public record Outcome(TrainedLogistic model, PlattScaling platt, double threshold, TrainingData data,
                          List<CalibrationBin> calibration, float[] reference, Map<String, SeriesReport> reports) {
    }

    /** Quality of one series at a threshold. */
    public record SeriesReport(String name, String group, int rows, int incidents, BinaryMetrics point, BinaryMetrics incident,
                               double meanLeadRows, double earlyWarning, double rawEarlyWarning, double auc, double ece, boolean univariate) {
    }

    public static Replayed replay(CorpusEntry e) {
        TelemetryFeatureExtractor ex = new TelemetryFeatureExtractor(e.scored().axis());
        if (e.health() != null) {
            int nf = TelemetryFeatures.SCHEMA.size();
            float[] f = new float[e.health().labels().length * nf];
            double[] novelty = new double[e.health().labels().length];
            int i = 0;
            for (io.commandcenter.models.features.HealthSample s : e.health().samples()) {
                ex.update(s);
                novelty[i] = ex.peakNovelty();
                ex.copyFeatures(f, i++ * nf);
            }
            return new Replayed(e, new float[0], 0, f, e.health().labels(), new double[0], novelty);
        }
        FeatureReplay.Result hist = null;
        if (e.history() != null) {
            LabelledSeries h = e.history();
            hist = FeatureReplay.replay(ex, h.metrics(), h.times(), h.values(), false);
        }
        LabelledSeries s = e.scored();
        long[] times = s.times();
        if (e.history() != null && s.axis() == io.commandcenter.models.features.TimeAxis.STEPS) {
            // ASD-style files restart t at 0: continue the step count after the history
            long offset = e.history().times()[e.history().rows() - 1] + 1 - times[0];
            times = Arrays.stream(times).map(t -> t + offset).toArray();
        }
        FeatureReplay.Result scored = FeatureReplay.replay(ex, s.metrics(), times, s.values(), false);
        return new Replayed(e, hist == null ? new float[0] : hist.features(), hist == null ? 0 : hist.rows(), scored.features(),
                s.labels(), hist == null ? new double[0] : hist.novelty(), scored.novelty());
    }

    public Outcome train(List<Replayed> corpus) {
        return train(corpus, r -> 1.0);
    }

    /**
     * {@link #train(List)} with a weight per corpus entry: every training row of an entry counts
     * {@code weight} times (the learning loop weighs a project's own labelled rows against the shipped
     * corpus). Calibration and the threshold are unchanged.
     */
    public Outcome train(List<Replayed> corpus, java.util.function.ToDoubleFunction<Replayed> weight) {
        TrainingData data = trainingData(schema, seed, corpus, weight);
        TrainedLogistic model = trainer.train(data);

        // calibrate on validation entries
        LinearScorer raw = model.scorer();
        List<Double> zs = new ArrayList<>();
        List<Boolean> zy = new ArrayList<>();
        for (Replayed r : corpus) {
            if (!r.entry().group().equals("validation")) {
                continue;
            }
            float[] proj = schema.project(r.features(), r.labels().length, model.onnxSchema());
            for (int i = 0; i < r.labels().length; i++) {
                zs.add(raw.logit(proj, i));
                zy.add(r.labels()[i]);
            }
        }
        double[] z = zs.stream().mapToDouble(Double::doubleValue).toArray();
        boolean[] zl = new boolean[zy.size()];
        float[] zw = new float[zy.size()];
        for (int i = 0; i < zl.length; i++) {
            zl[i] = zy.get(i);
            zw[i] = 1f;
        }
        PlattScaling platt = PlattScaling.fit(z, zl, zw);
        model.applyPlatt(platt);

        double threshold = chooseThreshold(schema, model, corpus);
        List<CalibrationBin> bins = reliability(schema, model, corpus, "validation");
        float[] reference = reference(data, model.onnxSchema());
        Map<String, SeriesReport> reports = new LinkedHashMap<>();
        for (Replayed r : corpus) {
            double[] risk = calibrate(probability(schema, model, r), r, threshold);
            reports.put(r.entry().name(), report(r.entry().name(), r.entry().group(), risk, r.labels(), threshold,
                    r.entry().scored().metrics().size() == 1));
        }
        return new Outcome(model, platt, threshold, data, bins, reference, reports);
    }

    /**
     * The weighted training rows of the {@code train} entries (step 2 of the class comment), feature rows laid out as
     * {@code schema}; the seeded negative sample is drawn in corpus order, so the same corpus and seed give the same rows
     * whatever model is trained on them (research: {@link FeatureStudy} and the cli's {@code TreeChallengerStudy} train other
     * model families on exactly these rows).
     */
    public static TrainingData trainingData(FeatureSchema schema, long seed, List<Replayed> corpus, java.util.function.ToDoubleFunction<Replayed> weight) {
        int nf = schema.size();
        SplittableRandom rnd = new SplittableRandom(seed);
        List<float[]> rows = new ArrayList<>();
        List<Boolean> ys = new ArrayList<>();
        List<Float> ws = new ArrayList<>();
        for (Replayed r : corpus) {
            if (!r.entry().group().equals("train")) {
                continue;
            }
            float k = (float) weight.applyAsDouble(r);
            trainingRows(r, nf, rnd, (features, offset, y, w) -> {
                rows.add(Arrays.copyOfRange(features, offset, offset + nf));
                ys.add(y);
                ws.add(k * (float) w);
            });
        }
        float[] x = new float[rows.size() * nf];
        boolean[] y = new boolean[rows.size()];
        float[] w = new float[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            System.arraycopy(rows.get(i), 0, x, i * nf, nf);
            y[i] = ys.get(i);
            w[i] = ws.get(i);
        }
        return new TrainingData(schema, x, y, w);
    }

    /** One selected training row: its features at {@code features[offset …]} (one row of the replay's layout). */
    @FunctionalInterface
    public interface TrainingRow {
        void accept(float[] features, int offset, boolean incident, double weight);
    }

    /**
     * The training rows of one entry, by step 2 of the class comment (the one place this rule lives; the learning loop's
     * {@code FineTune} selects its rows here too): each history row and each normal row not left out draws once from {@code rnd}
     * (kept with probability {@value #NEGATIVE_KEEP_PERCENT} %, weight 100 / {@value #NEGATIVE_KEEP_PERCENT}); incident
     * rows are all kept up to {@value #MAX_INCIDENT_ROWS} rows after their onset, weighing
     * {@code min(1, ONSET_ROWS / rows since onset)}; normal rows within {@value #AFTER_INCIDENT_ROWS} rows after an
     * incident's end are left out without a draw. Rows are handed to {@code sink} in order, history first;
     * {@code stride} is the number of floats per feature row.
     */
    public static void trainingRows(Replayed r, int stride, SplittableRandom rnd, TrainingRow sink) {
        double negWeight = 100.0 / NEGATIVE_KEEP_PERCENT;
        for (int i = 0; i < r.historyRows(); i++) {
            if (rnd.nextInt(100) < NEGATIVE_KEEP_PERCENT) {
                sink.accept(r.historyFeatures(), i * stride, false, negWeight);
            }
        }
        boolean[] lab = r.labels();
        int sinceOnset = 0;
        int sinceEnd = Integer.MAX_VALUE / 2;
        for (int i = 0; i < lab.length; i++) {
            boolean y = lab[i];
            sinceOnset = y ? sinceOnset + 1 : 0;
            sinceEnd = y ? 0 : sinceEnd + 1;
            // early warning is what counts: an incident's first rows weigh most, rows long after its
            // onset and the rows right after its end (statistics still adapting) are left out
            if (y && sinceOnset > MAX_INCIDENT_ROWS || !y && sinceEnd <= AFTER_INCIDENT_ROWS) {
                continue;
            }
            if (y || rnd.nextInt(100) < NEGATIVE_KEEP_PERCENT) {
                sink.accept(r.features(), i * stride, y, y ? Math.min(1.0, ONSET_ROWS / (double) sinceOnset) : negWeight);
            }
        }
    }

    /** The model's probability per scored row of an entry. */
    public static double[] probability(TrainedLogistic model, Replayed r) {
        return probability(TelemetryFeatures.SCHEMA, model, r);
    }

    /** {@link #probability(TrainedLogistic, Replayed)} of feature rows laid out as {@code schema}. */
    static double[] probability(FeatureSchema schema, TrainedLogistic model, Replayed r) {
        float[] proj = schema.project(r.features(), r.labels().length, model.onnxSchema());
        return model.scorer().score(proj, r.labels().length);
    }

    /**
     * Risk per scored row of an entry: the probability through {@link #ONSET} at {@code threshold}. The state
     * starts with the scored rows (history rows are normal: no alarm to remember).
     */
    public static double[] risk(TrainedLogistic model, Replayed r, double threshold) {
        return calibrate(probability(model, r), r, threshold);
    }

    /**
     * The probabilities of an entry's scored rows through {@link #ONSET}, with the rows' times and the peak novelty the
     * replay recorded ({@link Replayed#novelty()}; one entity, cold start).
     */
    public static double[] calibrate(double[] probabilities, Replayed r, double threshold) {
        return ONSET.apply(probabilities, threshold, r.entry().scored().times(), r.entry().scored().axis(), r.novelty());
    }

    public static SeriesReport evaluate(TrainedLogistic model, Replayed r, double threshold) {
        double[] risk = risk(model, r, threshold);
        return report(r.entry().name(), r.entry().group(), risk, r.labels(), threshold, r.entry().scored().metrics().size() == 1);
    }

    public static SeriesReport report(String name, String group, double[] risk, boolean[] labels, double threshold, boolean univariate) {
        boolean[] alarms = Evaluation.alarms(risk, threshold);
        List<Segment> incidents = Segment.fromLabels(labels);
        return new SeriesReport(name, group, labels.length, incidents.size(),
                Evaluation.pointwise(alarms, labels),
                Evaluation.perIncident(alarms, incidents, HORIZON),
                Evaluation.meanLeadTime(alarms, incidents, HORIZON),
                Evaluation.earlyWarningScore(alarms, incidents, HORIZON, EarlyWarningProfile.STANDARD),
                Evaluation.rawEarlyWarning(alarms, incidents, HORIZON, EarlyWarningProfile.STANDARD),
                Evaluation.rocAuc(risk, labels),
                Evaluation.expectedCalibrationError(risk, labels, 10), univariate);
    }

    private static double chooseThreshold(FeatureSchema schema, TrainedLogistic model, List<Replayed> corpus) {
        List<double[]> probabilities = new ArrayList<>();
        List<Replayed> val = new ArrayList<>();
        for (Replayed r : corpus) {
            if (r.entry().group().equals("validation")) {
                probabilities.add(probability(schema, model, r));
                val.add(r);
            }
        }
        return chooseThreshold(val, probabilities);
    }

    /**
     * The threshold (0.30…0.95 by 0.01) that maximises the summed raw early-warning score of the given validation entries,
     * their probabilities through {@link #ONSET} at each candidate: what {@link #train} chooses, for any model's probabilities.
     */
    public static double chooseThreshold(List<Replayed> val, List<double[]> probabilities) {
        double best = 0.8;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int t = 30; t <= 95; t++) {
            double th = t / 100.0;
            double sum = 0;
            for (int k = 0; k < val.size(); k++) {
                boolean[] alarms = Evaluation.alarms(calibrate(probabilities.get(k), val.get(k), th), th);
                sum += Evaluation.rawEarlyWarning(alarms, Segment.fromLabels(val.get(k).labels()), HORIZON, EarlyWarningProfile.STANDARD);
            }
            if (sum > bestScore + 1e-9) {
                bestScore = sum;
                best = th;
            }
        }
        return best;
    }

    /**
     * Reliability of the model's probability on a group's rows (what confidence's calibration term reads):
     * of the probability, not of the risk after the onset calibration, whose held rows would crowd one bin
     * — the two are equal on every row that raises a prediction.
     */
    private static List<CalibrationBin> reliability(FeatureSchema schema, TrainedLogistic model, List<Replayed> corpus, String group) {
        List<double[]> risks = new ArrayList<>();
        List<boolean[]> labels = new ArrayList<>();
        int total = 0;
        for (Replayed r : corpus) {
            if (r.entry().group().equals(group)) {
                risks.add(probability(schema, model, r));
                labels.add(r.labels());
                total += r.labels().length;
            }
        }
        double[] p = new double[total];
        boolean[] y = new boolean[total];
        int k = 0;
        for (int i = 0; i < risks.size(); i++) {
            System.arraycopy(risks.get(i), 0, p, k, risks.get(i).length);
            System.arraycopy(labels.get(i), 0, y, k, labels.get(i).length);
            k += risks.get(i).length;
        }
        return ClassifierTraining.reliability(p, y);
    }

    /** Per-feature median of the negative training rows, in {@code target} order. */
    static float[] reference(TrainingData data, FeatureSchema target) {
        int nf = data.schema().size();
        int[] p = data.schema().projectionTo(target);
        float[] ref = new float[target.size()];
        int neg = 0;
        for (boolean b : data.y()) {
            if (!b) {
                neg++;
            }
        }
        float[] col = new float[neg];
        for (int j = 0; j < target.size(); j++) {
            int k = 0;
            for (int i = 0; i < data.rows(); i++) {
                if (!data.y()[i]) {
                    col[k++] = data.x()[i * nf + p[j]];
                }
            }
            Arrays.sort(col, 0, k);
            ref[j] = k == 0 ? 0f : col[k / 2];
        }
        return ref;
    }
}
