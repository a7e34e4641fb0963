package io.commandcenter.models.train.loop;

import io.commandcenter.models.artifact.ModelArtifact;
import io.commandcenter.models.artifact.ModelMetadata;
import io.commandcenter.models.scoring.BatchScorer;
import io.commandcenter.models.train.bootstrap.ServiceHealthTraining.Replayed;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One retraining, as the seed's {@code retrain-predictive-models} workflow runs it: a snapshot of the
 * project's labelled data, challengers made from it, each judged against the champion, and the
 * verdict of the {@link PromotionRule}. Scoring goes through {@code scorers} (ONNX Runtime in the hub
 * and in {@code cc retrain-eval}); explainability through {@code explainable}. The hub's learning agents and
 * {@code cc retrain-eval} both run this class: one implementation.
 *
 * <p>By default ({@link Challengers#BOTH}) a retraining makes two challengers:
 * <ul>
 *   <li><b>retrained</b>: {@link Retrainer} on the shipped corpus plus the project's data, judged on the
 *       split's holdout and the shipped validation series (every check of the rule);</li>
 *   <li><b>threshold-only</b> (version {@code <version>t}): the champion's ONNX bytes, onset calibration and
 *       reliability table with the threshold refitted ({@link ThresholdRefit}) on every project row before a
 *       forward holdout ({@link Retrainer#forwardSplit}: the last {@code thresholdHoldout} of each series), judged
 *       on that holdout by the same rule; its weights are the champion's, so the shipped validation guard does
 *       not apply and the verdict says so.</li>
 * </ul>
 * The shipped validation series are always measured with the champion's weights at the threshold they were trained
 * with ({@link ThresholdRefit#weightsThreshold}), so a threshold-only champion does not lower the guard for the next
 * retrained challenger.
 * Of the challengers the rule passes, the one with the largest F1 gain over the champion on its own holdout is
 * promoted (on a tie the retrained one, which passed every check, the shipped guard included); the other's verdict is
 * in the reason.
 * The promoted challenger is exactly the one judged: nothing is refitted after judging.
 */
public final class RetrainingPath {
    /** Which challengers a retraining makes. */
    public enum Challengers {
        /** the retrained-weights challenger and the threshold-only one (the default) */
        BOTH,
        /** the retrained-weights challenger only (the loop before issue 11's round five) */
        RETRAINED,
        /** the threshold-only challenger only */
        THRESHOLD_ONLY
    }

    /** The share of each series' most recent rows a threshold-only challenger is judged on, by default. */
    public static final double DEFAULT_THRESHOLD_HOLDOUT = 0.3;

    private final Retrainer retrainer;
    private final PromotionRule rule;
    private final List<Replayed> shippedTraining;
    private final List<Replayed> shippedValidation;
    private final Function<ModelArtifact, BatchScorer> scorers;
    private final Predicate<ModelArtifact> explainable;
    private final Challengers challengers;
    private final double thresholdHoldout;
    private final ThresholdRefit.Objective objective;

    /** The retrained-weights challenger only. */
    public RetrainingPath(Retrainer retrainer, PromotionRule rule, List<Replayed> shippedTraining,
                          List<Replayed> shippedValidation, Function<ModelArtifact, BatchScorer> scorers,
                          Predicate<ModelArtifact> explainable) {
        this(retrainer, rule, shippedTraining, shippedValidation, scorers, explainable, false);
    }

    /**
     * @param thresholdOnly the threshold-only challenger only; otherwise the retrained-weights one only
     */
    public RetrainingPath(Retrainer retrainer, PromotionRule rule, List<Replayed> shippedTraining,
                          List<Replayed> shippedValidation, Function<ModelArtifact, BatchScorer> scorers,
                          Predicate<ModelArtifact> explainable, boolean thresholdOnly) {
        this(retrainer, rule, shippedTraining, shippedValidation, scorers, explainable,
                thresholdOnly ? Challengers.THRESHOLD_ONLY : Challengers.RETRAINED, DEFAULT_THRESHOLD_HOLDOUT);
    }

    /**
     * The threshold-only challenger's refit objective is {@link ThresholdRefit#DEFAULT_OBJECTIVE} (f1-ew, ADR 0022).
     *
     * @param challengers      which challengers each retraining makes
     * @param thresholdHoldout the share (0–1, exclusive) of each series' most recent rows the threshold-only
     *                         challenger is judged on; it is fitted on every row before them
     */
    public RetrainingPath(Retrainer retrainer, PromotionRule rule, List<Replayed> shippedTraining,
                          List<Replayed> shippedValidation, Function<ModelArtifact, BatchScorer> scorers,
                          Predicate<ModelArtifact> explainable, Challengers challengers, double thresholdHoldout) {
        this(retrainer, rule, shippedTraining, shippedValidation, scorers, explainable, challengers, thresholdHoldout,
                ThresholdRefit.DEFAULT_OBJECTIVE);
    }

    /**
     * @param objective which thresholds the threshold-only challenger's refit may choose ({@link ThresholdRefit.Objective})
     */
    public RetrainingPath(Retrainer retrainer, PromotionRule rule, List<Replayed> shippedTraining,
                          List<Replayed> shippedValidation, Function<ModelArtifact, BatchScorer> scorers,
                          Predicate<ModelArtifact> explainable, Challengers challengers, double thresholdHoldout,
                          ThresholdRefit.Objective objective) {
        if (!(thresholdHoldout > 0 && thresholdHoldout < 1)) {
            throw new IllegalArgumentException("need 0 < thresholdHoldout < 1");
        }
        this.challengers = challengers;
        this.thresholdHoldout = thresholdHoldout;
        this.objective = java.util.Objects.requireNonNull(objective, "objective");
        this.retrainer = retrainer;
        this.rule = rule;
        this.shippedTraining = List.copyOf(shippedTraining);
        this.shippedValidation = List.copyOf(shippedValidation);
        this.scorers = scorers;
        this.explainable = explainable;
    }

    /**
     * One judged challenger. {@code kind}: {@code retrained} or {@code threshold-only}. {@code commonF1}: its F1 on the
     * rows every challenger of the retraining was judged on and none was fitted on (computed only when more than one
     * passes the rule, to choose between them; NaN otherwise).
     */
    public record Candidate(String kind, Retrainer.Challenger challenger, PromotionRule.Comparison comparison,
                            PromotionRule.Verdict verdict, double commonF1) {
        public Candidate(String kind, Retrainer.Challenger challenger, PromotionRule.Comparison comparison,
                         PromotionRule.Verdict verdict) {
            this(kind, challenger, comparison, verdict, Double.NaN);
        }

        public String version() {
            return challenger.artifact().metadata().version();
        }

        Candidate withCommonF1(double f1) {
            return new Candidate(kind, challenger, comparison, verdict, f1);
        }
    }

    /**
     * What one retraining did: the chosen challenger (the one promoted, or when none passes, the first made),
     * its comparison, and the verdict — whether to promote it, with a reason naming every challenger's verdict.
     */
    public record Result(Retrainer.Challenger challenger, PromotionRule.Comparison comparison,
                         PromotionRule.Verdict verdict, List<Candidate> candidates) {
        public Result {
            candidates = List.copyOf(candidates);
        }

        /** The chosen candidate. */
        public Candidate chosen() {
            return candidates.stream().filter(c -> c.challenger() == challenger).findFirst().orElseThrow();
        }
    }

    /** The version of the threshold-only challenger of a retraining named {@code version}. */
    public static String thresholdVersion(String version) {
        return version + "t";
    }

    public Challengers challengers() {
        return challengers;
    }

    public ThresholdRefit.Objective objective() {
        return objective;
    }

    public Result run(DataSnapshot snapshot, ModelArtifact champion, String version) {
        return judge(snapshot, champion, make(snapshot, champion, version));
    }

    /**
     * The challengers of one retraining named {@code version} (the threshold-only one {@link #thresholdVersion}),
     * in order: retrained, then threshold-only.
     */
    public List<Retrainer.Challenger> make(DataSnapshot snapshot, ModelArtifact champion, String version) {
        List<Retrainer.Challenger> out = new ArrayList<>();
        if (challengers != Challengers.THRESHOLD_ONLY) {
            out.add(retrainer.train(snapshot, shippedTraining, version, champion.metadata().version()));
        }
        if (challengers != Challengers.RETRAINED) {
            Retrainer.Split split = Retrainer.forwardSplit(snapshot, thresholdHoldout);
            String fittedOn = String.format(Locale.ROOT, "every project row before the holdout (the last %d %% of "
                    + "each series, judged only)", Math.round(thresholdHoldout * 100));
            ModelArtifact refit = ThresholdRefit.refit(champion, scorers.apply(champion), split.train(),
                    challengers == Challengers.BOTH ? thresholdVersion(version) : version, snapshot, fittedOn, objective);
            out.add(new Retrainer.Challenger(refit, split, snapshot));
        }
        return out;
    }

    /** Judges each challenger against the champion on its own holdout and picks the one to promote, if any. */
    public Result judge(DataSnapshot snapshot, ModelArtifact champion, List<Retrainer.Challenger> made) {
        if (made.isEmpty()) {
            throw new IllegalArgumentException("no challenger to judge");
        }
        BatchScorer championScorer = scorers.apply(champion);
        // the guard's reference is the champion's weights at the threshold they were trained with: a champion that is
        // itself a threshold refit (tuned to the project, often worse on the synthetic series) must not lower the bar
        // a retrained challenger's weights have to clear
        Evaluator.Metrics championShipped = Evaluator.measure(championScorer, ThresholdRefit.withThreshold(
                champion.metadata(), ThresholdRefit.weightsThreshold(champion.metadata())), shippedValidation);
        List<Candidate> candidates = new ArrayList<>();
        for (Retrainer.Challenger c : made) {
            BatchScorer challengerScorer = scorers.apply(c.artifact());
            List<Replayed> holdout = c.split().holdout();
            PromotionRule.Comparison comparison = new PromotionRule.Comparison(
                    Evaluator.measure(championScorer, champion.metadata(), holdout),
                    Evaluator.measure(challengerScorer, c.artifact().metadata(), holdout),
                    championShipped,
                    Evaluator.measure(challengerScorer, c.artifact().metadata(), shippedValidation));
            boolean weightsUnchanged = Arrays.equals(champion.onnx(), c.artifact().onnx());
            candidates.add(new Candidate(weightsUnchanged ? "threshold-only" : "retrained", c, comparison,
                    slopeChecked(c.artifact().metadata(), weightsUnchanged,
                            rule.judge(snapshot, comparison, explainable.test(c.artifact()), weightsUnchanged))));
        }
        if (candidates.stream().filter(c -> c.verdict().promote()).count() > 1) {
            // their own holdouts differ (the retrained one's last part of each series, the threshold-only one's
            // forward holdout): gains on different rows do not compare, so the passing ones are measured again on the
            // rows both holdouts hold — the last rows of each series, which neither was fitted on
            List<Replayed> common = commonHoldout(snapshot);
            candidates.replaceAll(c -> c.verdict().promote() ? c.withCommonF1(
                    Evaluator.measure(scorers.apply(c.challenger().artifact()), c.challenger().artifact().metadata(),
                            common).f1()) : c);
        }
        return choose(candidates);
    }

    /** The last rows of each project series that are in both the retrained challenger's and the forward holdout. */
    List<Replayed> commonHoldout(DataSnapshot snapshot) {
        List<Replayed> common = new ArrayList<>();
        for (Replayed r : snapshot.series()) {
            int n = r.labels().length;
            int tail = Math.min(retrainer.holdoutTail(n), Retrainer.forwardTail(n, thresholdHoldout));
            if (tail > 0) {
                common.add(Retrainer.slice(r, "holdout", n - tail, n, false));
            }
        }
        return common;
    }

    /**
     * A retrained challenger whose Platt slope ({@code platt_a} in its metrics) is not positive is refused whatever the
     * rule said: its calibration turns its weights' ranking upside down on the shipped validation series, i.e. the
     * weights learnt something other than incidents (guide 18.11: project incidents over shipped normals learn "ASD or
     * synthetic", and the shipped-validation guard let 2 of 12 such challengers through). Threshold-only challengers
     * keep the champion's weights and are not checked; a model without {@code platt_a} is not either.
     */
    static PromotionRule.Verdict slopeChecked(ModelMetadata m, boolean weightsUnchanged, PromotionRule.Verdict verdict) {
        Double a = m.metrics().get("platt_a");
        if (weightsUnchanged || a == null || a > 0) {
            return verdict;
        }
        return new PromotionRule.Verdict(false, String.format(Locale.ROOT,
                "the challenger's Platt slope is %.2f: its weights rank the shipped validation series backwards (the rule "
                        + "alone: %s)", a, verdict.reason()));
    }

    /**
     * The candidate to promote: of those passing, the highest F1 on the rows they were all judged on
     * ({@link Candidate#commonF1}; without it, the largest F1 gain on its own holdout); ties go to the first made, the
     * retrained one, which passed every check.
     */
    static Result choose(List<Candidate> candidates) {
        Candidate best = null;
        for (Candidate c : candidates) {
            if (c.verdict().promote() && (best == null || score(c) > score(best))) {
                best = c;
            }
        }
        Candidate chosen = best == null ? candidates.get(0) : best;
        String reason = chosen.verdict().reason();
        if (candidates.size() > 1) {
            StringBuilder b = new StringBuilder();
            b.append(chosen.kind()).append(' ').append(chosen.version()).append(": ").append(reason);
            for (Candidate c : candidates) {
                if (c != chosen) {
                    b.append(" | ").append(c.kind()).append(' ').append(c.version())
                            .append(!c.verdict().promote() ? ": not promoted: "
                                    : Double.isNaN(c.commonF1()) ? ": passed, smaller gain: "
                                    : String.format(Locale.ROOT, ": passed, lower F1 on the rows both were judged on "
                                            + "(%.3f vs %.3f): ", c.commonF1(), chosen.commonF1()))
                            .append(c.verdict().reason());
                }
            }
            reason = b.toString();
        }
        return new Result(chosen.challenger(), chosen.comparison(),
                new PromotionRule.Verdict(chosen.verdict().promote(), reason), candidates);
    }

    private static double score(Candidate c) {
        return Double.isNaN(c.commonF1())
                ? c.comparison().challengerProject().f1() - c.comparison().championProject().f1() : c.commonF1();
    }
}
