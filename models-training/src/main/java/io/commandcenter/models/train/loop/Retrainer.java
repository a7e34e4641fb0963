package io.commandcenter.models.train.loop;

import io.commandcenter.models.artifact.ModelArtifact;
import io.commandcenter.models.artifact.ModelType;
import io.commandcenter.models.features.TelemetryFeatures;
import io.commandcenter.models.synthetic.LabelledSeries;
import io.commandcenter.models.train.LogisticTrainer;
import io.commandcenter.models.train.bootstrap.BootstrapModelsMain;
import io.commandcenter.models.train.bootstrap.CorpusEntry;
import io.commandcenter.models.train.bootstrap.ServiceHealthTraining;
import io.commandcenter.models.train.bootstrap.ServiceHealthTraining.Replayed;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code trainer.trainModel}: a challenger for service_health, trained exactly as the bootstrap model
 * ({@link ServiceHealthTraining}: the same features, seeded logistic regression, Platt scaling on
 * validation rows, the threshold that maximises early warning on validation series, the onset
 * calibration) on the shipped corpus plus the project's own labelled data. Each project series is
 * split in time: the first rows train, the next ones calibrate (validation), the last ones are a
 * holdout the {@link Evaluator} judges on and no fit ever sees.
 */
public final class Retrainer {
    /**
     * By default a project row counts once, as a shipped one: weighing the project's rows up (0.5: its
     * incident rows as much as half the shipped corpus's) was measured on ASD omi-1…9 and made the loop
     * worse (guide section 18.3), and weighing each project row 3, 10 or 30 times, or training on the project's rows
     * alone, ranked the next unseen chunk no better than the shipped model in most cycles while breaking the shipped
     * validation guard ({@code RetrainWeightStudy}, guide section 18.11), so it is an option, not the default.
     */
    public static final double DEFAULT_PROJECT_SHARE = 0;
    /** The most a project row is weighed (a handful of labelled rows must not outweigh everything). */
    static final double MAX_PROJECT_WEIGHT = 200;
    /** The fewest rows a block of a project series has when the split is made per block. */
    static final int MIN_BLOCK_ROWS = 20;
    private final double validationFraction;
    private final double holdoutFraction;
    private final long seed;
    private final double projectShare;
    private final boolean projectThreshold;
    private final int blocks;

    /** Project series' time split and the trainer's seed; project rows weighed by {@link #DEFAULT_PROJECT_SHARE}. */
    public Retrainer(double validationFraction, double holdoutFraction, long seed) {
        this(validationFraction, holdoutFraction, seed, DEFAULT_PROJECT_SHARE, false);
    }

    /**
     * @param projectShare how much the project's own labelled incident rows weigh against the shipped
     *                     corpus's: each project train row counts {@code projectShare × shipped incident rows
     *                     / project incident rows} times (at least once, at most {@value #MAX_PROJECT_WEIGHT});
     *                     0 counts each once, as the shipped rows. Without it a project's few hundred rows
     *                     among the shipped corpus's hundred thousand barely move the fit: the feedback would
     *                     be collected and then drowned.
     * @param projectThreshold re-fit the decision threshold on the project's validation rows
     *                     ({@link #projectThreshold(ServiceHealthTraining.Outcome, List)}) instead of keeping the
     *                     training's (early warning over every validation series)
     */
    public Retrainer(double validationFraction, double holdoutFraction, long seed, double projectShare,
                     boolean projectThreshold) {
        this(validationFraction, holdoutFraction, seed, projectShare, projectThreshold, 1);
    }

    /**
     * @param blocks each project series is cut into this many consecutive blocks of equal length, and each
     *               block is split in time by the fractions (train, validation, holdout): with 1 the holdout is
     *               the last part of the whole window; with more it is pooled from the last part of every block,
     *               so a window whose last fifth happens to hold no incident still judges on incidents
     *               ({@code cc retrain-eval --holdout-per-chunk} uses one block per chunk seen)
     */
    public Retrainer(double validationFraction, double holdoutFraction, long seed, double projectShare,
                     boolean projectThreshold, int blocks) {
        if (blocks < 1) {
            throw new IllegalArgumentException("need blocks >= 1");
        }
        if (!(validationFraction > 0 && holdoutFraction > 0 && validationFraction + holdoutFraction < 0.9)) {
            throw new IllegalArgumentException("need 0 < validation, 0 < holdout, validation + holdout < 0.9");
        }
        if (!(projectShare >= 0 && projectShare <= 10)) {
            throw new IllegalArgumentException("need 0 <= projectShare <= 10");
        }
        this.validationFraction = validationFraction;
        this.holdoutFraction = holdoutFraction;
        this.seed = seed;
        this.projectShare = projectShare;
        this.projectThreshold = projectThreshold;
        this.blocks = blocks;
    }

    /** The same trainer with the project series split in {@code blocks} blocks (see the constructor). */
    public Retrainer withBlocks(int blocks) {
        return new Retrainer(validationFraction, holdoutFraction, seed, projectShare, projectThreshold, blocks);
    }

    public int blocks() {
        return blocks;
    }

    public Retrainer() {
        this(0.2, 0.2, BootstrapModelsMain.SEED);
    }

    /** The weight of each of the project's train rows against {@code shipped} (see the constructor). */
    public double projectWeight(List<Replayed> shipped, List<Replayed> projectTrain) {
        long shippedIncidentRows = incidentRows(shipped);
        long projectIncidentRows = incidentRows(projectTrain);
        if (projectShare == 0 || projectIncidentRows == 0) {
            return 1.0;
        }
        return Math.max(1.0, Math.min(MAX_PROJECT_WEIGHT, projectShare * shippedIncidentRows / projectIncidentRows));
    }

    private static long incidentRows(List<Replayed> series) {
        long n = 0;
        for (Replayed r : series) {
            if (r.entry().group().equals("train")) {
                for (boolean l : r.labels()) {
                    n += l ? 1 : 0;
                }
            }
        }
        return n;
    }

    /** The project's series split in time: train, validation (calibration), holdout (judging only). */
    public record Split(List<Replayed> train, List<Replayed> validation, List<Replayed> holdout) {
    }

    /** A trained challenger and what it was trained on. */
    public record Challenger(ModelArtifact artifact, Split split, DataSnapshot snapshot) {
    }

    /**
     * How many of the last rows of a series of {@code n} rows are in {@link #split}'s holdout (the holdout of its last
     * block): rows no challenger this trainer makes is fitted or calibrated on.
     */
    public int holdoutTail(int n) {
        int m = Math.max(1, Math.min(blocks, n / MIN_BLOCK_ROWS));
        int from = (int) ((long) n * (m - 1) / m);
        return n - (from + (int) Math.round((n - from) * (1 - holdoutFraction)));
    }

    /** How many of the last rows of a series of {@code n} rows are {@link #forwardSplit}'s holdout. */
    public static int forwardTail(int n, double holdoutFraction) {
        return n < 2 ? n : Math.max(1, Math.min(n - 1, (int) Math.round(n * holdoutFraction)));
    }

    public Split split(DataSnapshot snapshot) {
        List<Replayed> train = new ArrayList<>();
        List<Replayed> validation = new ArrayList<>();
        List<Replayed> holdout = new ArrayList<>();
        for (Replayed r : snapshot.series()) {
            int n = r.labels().length;
            // a block of a short series keeps at least MIN_BLOCK_ROWS rows (a series shorter than that is one block)
            int m = Math.max(1, Math.min(blocks, n / MIN_BLOCK_ROWS));
            for (int k = 0; k < m; k++) {
                int from = (int) ((long) n * k / m);
                int to = (int) ((long) n * (k + 1) / m);
                int a = from + (int) Math.round((to - from) * (1 - validationFraction - holdoutFraction));
                int b = from + (int) Math.round((to - from) * (1 - holdoutFraction));
                // the normal history goes with the first block's train rows only: once per series
                train.add(slice(r, "train", from, a, k == 0));
                validation.add(slice(r, "validation", a, b, false));
                holdout.add(slice(r, "holdout", b, to, false));
            }
        }
        return new Split(train, validation, holdout);
    }

    /**
     * The forward-chained split a threshold-only challenger is fitted and judged on: in each project series the
     * last {@code holdoutFraction} of the rows (at least one, when the series has two) is the holdout, and every
     * row before it is fitted on (returned as {@code train}, with the normal history; {@code validation} is empty).
     * Nothing after the holdout's first row is ever fitted on.
     */
    public static Split forwardSplit(DataSnapshot snapshot, double holdoutFraction) {
        if (!(holdoutFraction > 0 && holdoutFraction < 1)) {
            throw new IllegalArgumentException("need 0 < holdoutFraction < 1");
        }
        List<Replayed> fit = new ArrayList<>();
        List<Replayed> holdout = new ArrayList<>();
        for (Replayed r : snapshot.series()) {
            int n = r.labels().length;
            int h = forwardTail(n, holdoutFraction);
            fit.add(slice(r, "train", 0, n - h, true));
            holdout.add(slice(r, "holdout", n - h, n, false));
        }
        return new Split(fit, List.of(), holdout);
    }

    /**
     * Rows {@code [from, to)} of a replayed series as an entry of {@code group} (with its history when asked).
     * The entry's scored series is cut to the same rows, so a row's time stays its own (the onset
     * calibration's daily rule reads {@code entry().scored().times()} beside the features), and each row keeps the
     * peak novelty its replay recorded (warm, as the live engine had it, not recomputed from the cut rows).
     */
    public static Replayed slice(Replayed r, String group, int from, int to, boolean withHistory) {
        int nf = TelemetryFeatures.SCHEMA.size();
        CorpusEntry e = r.entry();
        return new Replayed(new CorpusEntry(e.name() + "[" + from + "," + to + ")", group, e.history(),
                rows(e.scored(), from, to), e.health()), withHistory ? r.historyFeatures() : new float[0],
                withHistory ? r.historyRows() : 0,
                Arrays.copyOfRange(r.features(), from * nf, to * nf), Arrays.copyOfRange(r.labels(), from, to),
                withHistory ? r.historyNovelty() : new double[0], Arrays.copyOfRange(r.novelty(), from, to));
    }

    /** Rows {@code [from, to)} of a series (the whole series when it is not as long as the replayed rows). */
    static LabelledSeries rows(LabelledSeries s, int from, int to) {
        if (s == null || to > s.rows()) {
            return s;
        }
        int m = s.metrics().size();
        return new LabelledSeries(s.name(), s.metrics(), s.axis(), Arrays.copyOfRange(s.times(), from, to),
                Arrays.copyOfRange(s.values(), from * m, to * m), Arrays.copyOfRange(s.labels(), from, to), s.kinds());
    }

    /**
     * Trains a challenger named {@code version} on {@code shipped} (replayed corpus entries of groups
     * {@code train} and {@code validation}) plus the snapshot's train and validation parts.
     *
     * @param parent the champion's version (the challenger's lineage)
     */
    public Challenger train(DataSnapshot snapshot, List<Replayed> shipped, String version, String parent) {
        Split split = split(snapshot);
        List<Replayed> corpus = new ArrayList<>(shipped);
        corpus.addAll(split.train());
        corpus.addAll(split.validation());
        LogisticTrainer trainer = BootstrapModelsMain.serviceHealthTrainer(seed);
        double projectWeight = projectWeight(shipped, split.train());
        java.util.Set<Replayed> project = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        project.addAll(split.train());
        ServiceHealthTraining.Outcome o = new ServiceHealthTraining(trainer).train(corpus,
                r -> project.contains(r) ? projectWeight : 1.0);
        double threshold = projectThreshold ? projectThreshold(o, split.validation()) : o.threshold();
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("shipped_threshold", o.threshold());
        metrics.put("platt_a", o.platt().a());
        metrics.put("platt_b", o.platt().b());
        metrics.put("project_rows", (double) snapshot.rows());
        metrics.put("project_incidents", (double) snapshot.incidents());
        metrics.put("feedback_rows", (double) snapshot.feedbackRows());
        metrics.put("project_weight", projectWeight);
        Map<String, String> provenance = new LinkedHashMap<>();
        provenance.put("trainer", trainer.describe());
        provenance.put("parent", parent);
        provenance.put("corpus", shipped.size() + " shipped entries (seed " + seed + ") + " + snapshot.series().size()
                + " project series (" + snapshot.window() + ")");
        provenance.put("data_hash", snapshot.sha256());
        provenance.put("project_weight", String.format(java.util.Locale.ROOT, "%.1f", projectWeight));
        provenance.put("feedback_rows", Long.toString(snapshot.feedbackRows()));
        provenance.put("split", "per project series in time: " + pct(1 - validationFraction - holdoutFraction)
                + " train, " + pct(validationFraction) + " validation (Platt, threshold), " + pct(holdoutFraction)
                + " holdout (judging only)" + (blocks > 1 ? ", in each of " + blocks + " blocks" : ""));
        ModelArtifact artifact = BootstrapModelsMain.artifact("service_health", version, ModelType.PREDICTIVE,
                TelemetryFeatures.PIPELINE_VERSION, o.model(), threshold, o.reference(), o.calibration(),
                "shipped corpus + project " + snapshot.window(), o.data(), metrics, provenance,
                ServiceHealthTraining.ONSET);
        return new Challenger(artifact, split, snapshot);
    }

    /**
     * The decision threshold re-fitted on the project's own validation rows (its feedback): the one of
     * 0.30–0.95 with the best F1 per incident there, scored as the hub scores (probability, onset
     * calibration, alarms); the training's threshold (early warning over every validation series,
     * shipped ones included) when the project's validation rows hold no incident or no threshold does
     * strictly better there. Ties go to the threshold nearest the training's.
     */
    static double projectThreshold(ServiceHealthTraining.Outcome o, List<Replayed> validation) {
        List<Replayed> labelled = validation.stream().filter(r -> {
            for (boolean l : r.labels()) {
                if (l) {
                    return true;
                }
            }
            return false;
        }).toList();
        if (labelled.isEmpty()) {
            return o.threshold();
        }
        List<double[]> probabilities = validation.stream().map(r -> ServiceHealthTraining.probability(o.model(), r))
                .toList();
        List<boolean[]> labels = validation.stream().map(Replayed::labels).toList();
        double best = o.threshold();
        double bestF1 = f1(o.threshold(), probabilities, validation, labels);
        for (int t = 30; t <= 95; t++) {
            double th = t / 100.0;
            double f1 = f1(th, probabilities, validation, labels);
            if (f1 > bestF1 + 1e-9 || Math.abs(f1 - bestF1) <= 1e-9
                    && Math.abs(th - o.threshold()) < Math.abs(best - o.threshold())) {
                best = th;
                bestF1 = f1;
            }
        }
        return best;
    }

    private static double f1(double threshold, List<double[]> probabilities, List<Replayed> series,
                             List<boolean[]> labels) {
        List<double[]> risks = new ArrayList<>();
        for (int k = 0; k < series.size(); k++) {
            risks.add(ServiceHealthTraining.calibrate(probabilities.get(k), series.get(k), threshold));
        }
        return Evaluator.measure(probabilities, risks, labels, threshold).f1();
    }

    private static String pct(double f) {
        return Math.round(f * 100) + " %";
    }
}
