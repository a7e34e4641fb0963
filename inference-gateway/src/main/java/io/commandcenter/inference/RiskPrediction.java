package io.commandcenter.inference;

import io.commandcenter.models.confidence.Confidence;
import io.commandcenter.models.explain.Factor;
import java.util.List;

/**
 * One scored, explained prediction: what the hub stores as a ModelRun / Prediction.
 *
 * @param model      the version that scored it
 * @param risk       calibrated probability, [0, 1]
 * @param threshold  the model's decision threshold
 * @param confidence value and its four terms
 * @param factors    most risk-raising first, each naming its metric when the feature has one
 * @param recommendedAction {@code restart | scale | notify} from {@link ActionRecommender}
 * @param backend    what scored it ({@link InferenceBackend#name()}; a fallback says so)
 */
public record RiskPrediction(ModelKey model, double risk, double threshold, Confidence confidence, List<Factor> factors,
                             String recommendedAction, String backend) {

    public RiskPrediction {
        factors = List.copyOf(factors);
        backend = backend == null ? "" : backend;
    }

    /** A prediction whose backend is not recorded. */
    public RiskPrediction(ModelKey model, double risk, double threshold, Confidence confidence, List<Factor> factors,
                          String recommendedAction) {
        this(model, risk, threshold, confidence, factors, recommendedAction, "");
    }

    /** {@code risk ≥ threshold}. */
    public boolean alarm() {
        return risk >= threshold;
    }
}
