package io.commandcenter.models.train.loop;

import java.util.Locale;

/**
 * {@code registry.updateModelRegistry}'s rule: a challenger is promoted only when the project has
 * enough labelled data, the challenger can be explained, it beats the champion on the project's
 * holdout by {@code margin} (F1 per incident; its ROC AUC no more than {@code tolerance} lower), and
 * it is no more than {@code tolerance} worse on the shipped validation series (early warning, whose
 * 0–100 scale makes that {@code 100 × tolerance} points) —
 * otherwise the champion stays and the verdict says why. A figure that is not a number refuses (fails closed).
 */
public record PromotionRule(double margin, double tolerance, int minIncidents) {

    public static final PromotionRule DEFAULT = new PromotionRule(0.02, 0.02, 3);

    public PromotionRule {
        if (!(margin >= 0 && tolerance >= 0 && minIncidents >= 0)) {
            throw new IllegalArgumentException("margin, tolerance and minIncidents must be >= 0");
        }
    }

    /** The champion's and the challenger's quality on the project's holdout and on the shipped validation series. */
    public record Comparison(Evaluator.Metrics championProject, Evaluator.Metrics challengerProject,
                             Evaluator.Metrics championShipped, Evaluator.Metrics challengerShipped) {
    }

    /** Promote or not, and why. */
    public record Verdict(boolean promote, String reason) {
    }

    /** A challenger whose weights differ from the champion's (retrained): every check applies. */
    public Verdict judge(DataSnapshot snapshot, Comparison c, boolean explainable) {
        return judge(snapshot, c, explainable, false);
    }

    /**
     * @param weightsUnchanged the challenger's ONNX bytes are the champion's (a threshold-only challenger): the
     *                         shipped validation guard, which protects the weights, is not applied — at the
     *                         shipped threshold its validation scores are the champion's by construction — and the
     *                         verdict says so. It is judged on the project's data alone (champions are per project,
     *                         so its threshold serves only the project whose feedback fitted it).
     */
    public Verdict judge(DataSnapshot snapshot, Comparison c, boolean explainable, boolean weightsUnchanged) {
        if (snapshot.incidents() < minIncidents) {
            return new Verdict(false, String.format(Locale.ROOT, "too little labelled data: %d incident(s), %d needed",
                    snapshot.incidents(), minIncidents));
        }
        if (c.challengerProject().incidents() == 0) {
            return new Verdict(false, "the project holdout has no incident to judge on");
        }
        if (!explainable) {
            return new Verdict(false, "the challenger cannot be explained (no feature moves its score)");
        }
        // each check is "refuse unless shown better", so a figure that is not a number (NaN) refuses, never promotes
        double f1 = c.challengerProject().f1() - c.championProject().f1();
        if (!(f1 >= margin)) {
            return new Verdict(false, String.format(Locale.ROOT,
                    "not better by the margin on the project holdout: F1 %.3f vs champion %.3f (needs +%.3f)",
                    c.challengerProject().f1(), c.championProject().f1(), margin));
        }
        if (!(c.challengerProject().auc() >= c.championProject().auc() - tolerance)) {
            return new Verdict(false, String.format(Locale.ROOT,
                    "ROC AUC worse on the project holdout: %.3f vs champion %.3f", c.challengerProject().auc(),
                    c.championProject().auc()));
        }
        if (weightsUnchanged) {
            return new Verdict(true, String.format(Locale.ROOT,
                    "better on the project holdout: F1 %.3f vs %.3f, AUC %.3f vs %.3f; weights unchanged: shipped "
                            + "validation guard not applicable (shipped early warning %.3f vs %.3f)",
                    c.challengerProject().f1(), c.championProject().f1(), c.challengerProject().auc(),
                    c.championProject().auc(), c.challengerShipped().earlyWarning(), c.championShipped().earlyWarning()));
        }
        // the early-warning score is on NAB's 0–100 scale: the tolerance is a fraction of it
        if (!(c.challengerShipped().earlyWarning() >= c.championShipped().earlyWarning() - 100 * tolerance)) {
            return new Verdict(false, String.format(Locale.ROOT,
                    "worse on the shipped validation series: early warning %.3f vs champion %.3f",
                    c.challengerShipped().earlyWarning(), c.championShipped().earlyWarning()));
        }
        return new Verdict(true, String.format(Locale.ROOT,
                "better on the project holdout: F1 %.3f vs %.3f, AUC %.3f vs %.3f; shipped early warning %.3f vs %.3f",
                c.challengerProject().f1(), c.championProject().f1(), c.challengerProject().auc(),
                c.championProject().auc(), c.challengerShipped().earlyWarning(), c.championShipped().earlyWarning()));
    }
}
