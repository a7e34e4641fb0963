package io.commandcenter.models.train.loop;

import io.commandcenter.models.artifact.ModelArtifact;
import io.commandcenter.models.artifact.ModelMetadata;
import io.commandcenter.models.scoring.BatchScorer;
import io.commandcenter.models.train.bootstrap.ServiceHealthTraining.Replayed;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A threshold-only challenger: the champion's weights, onset calibration and reliability table, with the
 * decision threshold re-fitted on every labelled project row the split lets a fit see (train and validation
 * parts, never the holdout): the threshold of 0.30–0.95 with the best F1 per incident there, scored as the
 * hub scores (the champion's probability, its onset calibration with the rows' times, alarms). The champion's
 * own threshold when those rows hold no incident or no threshold is strictly better; of equal ones, the one
 * nearest the champion's. Judged by the same {@link PromotionRule} as a retrained challenger (guide 18.8).
 *
 * <p>{@link Objective} says which thresholds may be chosen: any ({@link Objective#F1}, the default), or only those
 * that keep the champion's recall (and early warning) on the fit rows (guide 18.10). The champion's own threshold
 * always qualifies for the champion's floors, so they never leave the grid empty; the weights' floor
 * ({@link Objective#WEIGHTS_RECALL_FLOOR}) rules the champion's threshold out when it breaks that floor and falls back
 * to the weights' trained threshold, which always meets it (guide 18.11).
 */
public final class ThresholdRefit {
    /** Which thresholds a refit may choose; of those, the best F1 per incident on the fit rows wins. */
    public enum Objective {
        /** any threshold of the grid */
        F1("best F1 per incident"),
        /** only thresholds whose recall on the fit rows is not below the champion's there */
        RECALL_FLOOR("best F1 per incident with recall not below the champion's"),
        /** only thresholds whose recall and early-warning score on the fit rows are not below the champion's there */
        WARNING_FLOOR("best F1 per incident with recall and early warning not below the champion's"),
        /**
         * only thresholds whose recall on the fit rows is not below that of the champion's weights at the threshold they
         * were trained with ({@link #weightsThreshold}): a floor a strict refit does not lower for the next one; a champion
         * whose own threshold breaks it is not kept (the refit moves it back to the best threshold above the floor)
         */
        WEIGHTS_RECALL_FLOOR("best F1 per incident with recall not below the weights' at their trained threshold"),
        /**
         * any threshold of the grid, scored by F1 per incident plus {@link #F1_EW_LAMBDA} times the early-warning score
         * over 100 on the fit rows: F1 traded against warning early (guide 18.13); {@code λ = 0} is {@link #F1}
         */
        F1_EW("best F1 per incident + λ·early warning/100");

        private final String says;

        Objective(String says) {
            this.says = says;
        }

        /** What the lineage says the threshold is (e.g. "best F1 per incident"); {@link #F1_EW} names its λ. */
        public String says() {
            return this == F1_EW ? says(F1_EW_LAMBDA) : says;
        }

        /** What the lineage says a {@link #F1_EW} refit with {@code lambda} is: "best F1 per incident + 0.50·early …". */
        static String says(double lambda) {
            return String.format(Locale.ROOT, "best F1 per incident + %.2f·early warning/100", lambda);
        }

        /** {@code recall-floor} for {@link #RECALL_FLOOR}: the name options and settings use. */
        public String option() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** The objective named {@code option} ({@link #option()}); IllegalArgumentException naming the choices. */
        public static Objective ofOption(String option) {
            for (Objective o : values()) {
                if (o.option().equals(option)) {
                    return o;
                }
            }
            throw new IllegalArgumentException("refit objective must be one of " + options() + ", not " + option);
        }

        /** Every option name, comma-separated. */
        public static String options() {
            return String.join(", ", java.util.Arrays.stream(values()).map(Objective::option).toList());
        }
    }

    /**
     * The λ of {@link Objective#F1_EW}, chosen by leave-one-server-out over the project corpus's servers before the loop
     * was run with it (guide 18.13: {@code ThresholdLambdaStudy}, the rule stated there).
     */
    public static final double F1_EW_LAMBDA = 5.0;

    /**
     * The objective of the loop's threshold-only challenger unless one is named ({@code cc retrain-eval}, the hub's
     * retraining path): {@link Objective#F1_EW}, by ADR 0022 (guide 18.13). {@link #refit} without an objective, a
     * plain refit, stays {@link Objective#F1}.
     */
    public static final Objective DEFAULT_OBJECTIVE = Objective.F1_EW;

    /** The metric naming the threshold a threshold-only model's weights were trained with. */
    public static final String WEIGHTS_THRESHOLD = "weights_threshold";

    private ThresholdRefit() {
    }

    /** The threshold {@code m}'s weights were trained with: its own, unless it is a refit ({@link #WEIGHTS_THRESHOLD}). */
    public static double weightsThreshold(ModelMetadata m) {
        Double t = m.metrics().get(WEIGHTS_THRESHOLD);
        return t == null ? m.threshold() : t;
    }

    /** {@code m} with another decision threshold (everything else, the version included, unchanged). */
    static ModelMetadata withThreshold(ModelMetadata m, double threshold) {
        return new ModelMetadata(m.name(), m.version(), m.type(), m.features(), m.inputName(), m.outputName(),
                m.positiveIndex(), m.pipeline(), threshold, m.reference(), m.calibration(), m.trainingWindow(),
                m.dataHash(), m.metrics(), m.codeVersion(), m.seed(), m.createdAt(), m.provenance(), m.onset());
    }

    /**
     * The challenger named {@code version}: {@code champion} with the threshold {@code objective} chooses on {@code fit}.
     *
     * @param fittedOn  what {@code fit} is, for the challenger's lineage (e.g. "every project row before the holdout")
     * @param objective which thresholds may be chosen (the loop's is {@link #DEFAULT_OBJECTIVE})
     */
    public static ModelArtifact refit(ModelArtifact champion, BatchScorer scorer, List<Replayed> fit, String version,
                                      DataSnapshot snapshot, String fittedOn, Objective objective) {
        ModelMetadata m = champion.metadata();
        double threshold = threshold(m, Evaluator.score(scorer, m, fit).probability(), fit, objective);
        Map<String, Double> metrics = new LinkedHashMap<>(m.metrics());
        metrics.put("parent_threshold", m.threshold());
        // the threshold the weights were trained with, kept through refits of refits: the shipped validation
        // guard of a later retrained challenger measures these weights at it (RetrainingPath.judge)
        metrics.put(WEIGHTS_THRESHOLD, weightsThreshold(m));
        metrics.put("project_rows", (double) snapshot.rows());
        metrics.put("project_incidents", (double) snapshot.incidents());
        metrics.put("feedback_rows", (double) snapshot.feedbackRows());
        Map<String, String> provenance = new LinkedHashMap<>(m.provenance());
        provenance.put("parent", m.version());
        provenance.put("data_hash", snapshot.sha256());
        provenance.put("feedback_rows", Long.toString(snapshot.feedbackRows()));
        provenance.put("refit", String.format(Locale.ROOT,
                "threshold only: %.2f -> %.2f, %s on %s; weights unchanged",
                m.threshold(), threshold, objective.says(), fittedOn));
        ModelMetadata challenger = new ModelMetadata(m.name(), version, m.type(), m.features(), m.inputName(),
                m.outputName(), m.positiveIndex(), m.pipeline(), threshold, m.reference(), m.calibration(),
                "project " + snapshot.window(), m.dataHash(), metrics, m.codeVersion(), m.seed(), m.createdAt(),
                provenance, m.onset());
        return new ModelArtifact(challenger, champion.onnx());
    }

    /** The threshold with the best F1 per incident on {@code series} (see the class). */
    static double threshold(ModelMetadata m, List<double[]> probability, List<Replayed> series) {
        return threshold(m, probability, series, Objective.F1);
    }

    /** The threshold {@code objective} allows with the best F1 per incident on {@code series} (see the class). */
    static double threshold(ModelMetadata m, List<double[]> probability, List<Replayed> series, Objective objective) {
        return threshold(m, probability, series, objective, objective == Objective.F1_EW ? F1_EW_LAMBDA : 0);
    }

    /**
     * The threshold of 0.30–0.95 with the best {@code F1 + lambda·EW/100} on {@code series} ({@link Objective#F1_EW} with
     * another λ; {@code lambda = 0} is {@link Objective#F1}): {@code probability} is {@code m}'s on each series.
     */
    public static double threshold(ModelMetadata m, List<double[]> probability, List<Replayed> series, double lambda) {
        if (!(lambda >= 0) || Double.isInfinite(lambda)) {
            throw new IllegalArgumentException("lambda must be a finite number >= 0, not " + lambda);
        }
        return threshold(m, probability, series, Objective.F1_EW, lambda);
    }

    private static double threshold(ModelMetadata m, List<double[]> probability, List<Replayed> series,
                                    Objective objective, double lambda) {
        List<boolean[]> labels = series.stream().map(Replayed::labels).toList();
        boolean any = labels.stream().anyMatch(l -> {
            for (boolean b : l) {
                if (b) {
                    return true;
                }
            }
            return false;
        });
        if (!any) {
            return m.threshold();
        }
        Evaluator.Metrics champion = measure(m, m.threshold(), probability, series, labels);
        // the floor's reference: the champion at its threshold, or its weights at the threshold they were trained with
        Evaluator.Metrics reference = objective == Objective.WEIGHTS_RECALL_FLOOR
                ? measure(m, weightsThreshold(m), probability, series, labels) : champion;
        // a champion's own threshold that breaks the weights' floor is not kept by default: the search starts from the
        // weights' trained threshold (which meets its own floor), so a strict champion is moved back down to the best
        // threshold that keeps the weights' recall, and the promotion rule judges that move on the holdout
        boolean championBreaksFloor = objective == Objective.WEIGHTS_RECALL_FLOOR && !allowed(objective, champion, reference);
        double best = championBreaksFloor ? weightsThreshold(m) : m.threshold();
        double bestF1 = championBreaksFloor ? score(reference, objective, lambda) : score(champion, objective, lambda);
        for (int t = 30; t <= 95; t++) {
            double th = t / 100.0;
            Evaluator.Metrics at = measure(m, th, probability, series, labels);
            if (!allowed(objective, at, reference)) {
                continue;
            }
            double f1 = score(at, objective, lambda);
            if (f1 > bestF1 + 1e-9 || Math.abs(f1 - bestF1) <= 1e-9
                    && Math.abs(th - m.threshold()) < Math.abs(best - m.threshold())) {
                best = th;
                bestF1 = f1;
            }
        }
        return best;
    }

    /**
     * Whether {@code objective} lets a threshold measuring {@code at} on the fit rows replace the champion's;
     * {@code reference}: what the floor is measured against (the champion, or its weights at their trained threshold).
     */
    static boolean allowed(Objective objective, Evaluator.Metrics at, Evaluator.Metrics reference) {
        boolean recall = at.recall() >= reference.recall() - 1e-9;
        return switch (objective) {
            case F1, F1_EW -> true;
            case RECALL_FLOOR, WEIGHTS_RECALL_FLOOR -> recall;
            case WARNING_FLOOR -> recall && at.earlyWarning() >= reference.earlyWarning() - 1e-9;
        };
    }

    /** What the grid maximises: F1 per incident, plus {@code lambda·EW/100} for {@link Objective#F1_EW}. */
    private static double score(Evaluator.Metrics at, Objective objective, double lambda) {
        return objective == Objective.F1_EW ? at.f1() + lambda * at.earlyWarning() / 100 : at.f1();
    }

    /** {@code m}'s quality on {@code series} at {@code threshold} (its onset calibration built there), given its probability. */
    public static Evaluator.Metrics measureAt(ModelMetadata m, double threshold, List<double[]> probability,
                                              List<Replayed> series) {
        return measure(m, threshold, probability, series, series.stream().map(Replayed::labels).toList());
    }

    private static Evaluator.Metrics measure(ModelMetadata m, double threshold, List<double[]> probability,
                                             List<Replayed> series, List<boolean[]> labels) {
        List<double[]> risk = new ArrayList<>();
        for (int k = 0; k < series.size(); k++) {
            Replayed r = series.get(k);
            double[] p = probability.get(k);
            risk.add(Evaluator.risk(m, p, threshold, r));
        }
        return Evaluator.measure(probability, risk, labels, threshold);
    }
}
