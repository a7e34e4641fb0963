package io.commandcenter.models.train.loop;

import io.commandcenter.models.artifact.ModelArtifact;
import io.commandcenter.models.scoring.BatchScorer;
import io.commandcenter.models.train.bootstrap.ServiceHealthTraining.Replayed;

import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One retraining, as the seed's {@code retrain-predictive-models} workflow runs it: a snapshot of the
 * project's labelled data, a challenger trained on the shipped corpus plus that data, the challenger
 * judged against the champion on the project's holdout and the shipped validation series, and the
 * verdict of the {@link PromotionRule}. Scoring goes through {@code scorers} (ONNX Runtime in the hub
 * and in {@code cc retrain-eval}); explainability through {@code explainable}.
 */
public final class RetrainingPath {
    private final Retrainer retrainer;
    private final PromotionRule rule;
    private final List<Replayed> shippedTraining;
    private final List<Replayed> shippedValidation;
    private final Function<ModelArtifact, BatchScorer> scorers;
    private final Predicate<ModelArtifact> explainable;
    private final boolean thresholdOnly;

    public RetrainingPath(Retrainer retrainer, PromotionRule rule, List<Replayed> shippedTraining,
                          List<Replayed> shippedValidation, Function<ModelArtifact, BatchScorer> scorers,
                          Predicate<ModelArtifact> explainable) {
        this(retrainer, rule, shippedTraining, shippedValidation, scorers, explainable, false);
    }

    /**
     * @param thresholdOnly the challenger is the champion with its threshold re-fitted on the project's train and
     *                      validation rows ({@link ThresholdRefit}) instead of a retrained model; judged alike
     */
    public RetrainingPath(Retrainer retrainer, PromotionRule rule, List<Replayed> shippedTraining,
                          List<Replayed> shippedValidation, Function<ModelArtifact, BatchScorer> scorers,
                          Predicate<ModelArtifact> explainable, boolean thresholdOnly) {
        this.thresholdOnly = thresholdOnly;
        this.retrainer = retrainer;
        this.rule = rule;
        this.shippedTraining = List.copyOf(shippedTraining);
        this.shippedValidation = List.copyOf(shippedValidation);
        this.scorers = scorers;
        this.explainable = explainable;
    }

    /** What one retraining did. */
    public record Result(Retrainer.Challenger challenger, PromotionRule.Comparison comparison,
                         PromotionRule.Verdict verdict) {
    }

    public Result run(DataSnapshot snapshot, ModelArtifact champion, String version) {
        BatchScorer championScorer = scorers.apply(champion);
        Retrainer.Challenger challenger;
        if (thresholdOnly) {
            Retrainer.Split split = retrainer.split(snapshot);
            List<Replayed> fit = new java.util.ArrayList<>(split.train());
            fit.addAll(split.validation());
            challenger = new Retrainer.Challenger(ThresholdRefit.refit(champion, championScorer, fit, version, snapshot),
                    split, snapshot);
        } else {
            challenger = retrainer.train(snapshot, shippedTraining, version, champion.metadata().version());
        }
        BatchScorer challengerScorer = scorers.apply(challenger.artifact());
        List<Replayed> holdout = challenger.split().holdout();
        PromotionRule.Comparison comparison = new PromotionRule.Comparison(
                Evaluator.measure(championScorer, champion.metadata(), holdout),
                Evaluator.measure(challengerScorer, challenger.artifact().metadata(), holdout),
                Evaluator.measure(championScorer, champion.metadata(), shippedValidation),
                Evaluator.measure(challengerScorer, challenger.artifact().metadata(), shippedValidation));
        return new Result(challenger, comparison,
                rule.judge(snapshot, comparison, explainable.test(challenger.artifact())));
    }
}
