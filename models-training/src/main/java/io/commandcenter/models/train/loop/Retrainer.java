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
    private final double validationFraction;
    private final double holdoutFraction;
    private final long seed;

    /** Project series' time split and the trainer's seed. */
    public Retrainer(double validationFraction, double holdoutFraction, long seed) {
        if (!(validationFraction > 0 && holdoutFraction > 0 && validationFraction + holdoutFraction < 0.9)) {
            throw new IllegalArgumentException("need 0 < validation, 0 < holdout, validation + holdout < 0.9");
        }
        this.validationFraction = validationFraction;
        this.holdoutFraction = holdoutFraction;
        this.seed = seed;
    }

    public Retrainer() {
        this(0.2, 0.2, BootstrapModelsMain.SEED);
    }

    /** The project's series split in time: train, validation (calibration), holdout (judging only). */
    public record Split(List<Replayed> train, List<Replayed> validation, List<Replayed> holdout) {
    }

    /** A trained challenger and what it was trained on. */
    public record Challenger(ModelArtifact artifact, Split split, DataSnapshot snapshot) {
    }

    public Split split(DataSnapshot snapshot) {
        List<Replayed> train = new ArrayList<>();
        List<Replayed> validation = new ArrayList<>();
        List<Replayed> holdout = new ArrayList<>();
        for (Replayed r : snapshot.series()) {
            int n = r.labels().length;
            int a = (int) Math.round(n * (1 - validationFraction - holdoutFraction));
            int b = (int) Math.round(n * (1 - holdoutFraction));
            train.add(slice(r, "train", 0, a, true));
            validation.add(slice(r, "validation", a, b, false));
            holdout.add(slice(r, "holdout", b, n, false));
        }
        return new Split(train, validation, holdout);
    }

    /**
     * Rows {@code [from, to)} of a replayed series as an entry of {@code group} (with its history when asked).
     * The entry's scored series is cut to the same rows, so a row's time stays its own (the onset
     * calibration's daily rule reads {@code entry().scored().times()} beside the features).
     */
    public static Replayed slice(Replayed r, String group, int from, int to, boolean withHistory) {
        int nf = TelemetryFeatures.SCHEMA.size();
        CorpusEntry e = r.entry();
        return new Replayed(new CorpusEntry(e.name() + "[" + from + "," + to + ")", group, e.history(),
                rows(e.scored(), from, to), e.health()), withHistory ? r.historyFeatures() : new float[0],
                withHistory ? r.historyRows() : 0,
                Arrays.copyOfRange(r.features(), from * nf, to * nf), Arrays.copyOfRange(r.labels(), from, to));
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
        ServiceHealthTraining.Outcome o = new ServiceHealthTraining(trainer).train(corpus);
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("platt_a", o.platt().a());
        metrics.put("platt_b", o.platt().b());
        metrics.put("project_rows", (double) snapshot.rows());
        metrics.put("project_incidents", (double) snapshot.incidents());
        metrics.put("feedback_rows", (double) snapshot.feedbackRows());
        Map<String, String> provenance = new LinkedHashMap<>();
        provenance.put("trainer", trainer.describe());
        provenance.put("parent", parent);
        provenance.put("corpus", shipped.size() + " shipped entries (seed " + seed + ") + " + snapshot.series().size()
                + " project series (" + snapshot.window() + ")");
        provenance.put("data_hash", snapshot.sha256());
        provenance.put("feedback_rows", Long.toString(snapshot.feedbackRows()));
        provenance.put("split", "per project series in time: " + pct(1 - validationFraction - holdoutFraction)
                + " train, " + pct(validationFraction) + " validation (Platt, threshold), " + pct(holdoutFraction)
                + " holdout (judging only)");
        ModelArtifact artifact = BootstrapModelsMain.artifact("service_health", version, ModelType.PREDICTIVE,
                TelemetryFeatures.PIPELINE_VERSION, o.model(), o.threshold(), o.reference(), o.calibration(),
                "shipped corpus + project " + snapshot.window(), o.data(), metrics, provenance,
                ServiceHealthTraining.ONSET);
        return new Challenger(artifact, split, snapshot);
    }

    private static String pct(double f) {
        return Math.round(f * 100) + " %";
    }
}
