package io.commandcenter.models.explain;

import java.util.Objects;

/**
 * One contributing factor of a prediction.
 *
 * @param feature      model feature name
 * @param metric       metric the feature was computed from ({@code ""} for entity-level features)
 * @param value        the feature's value in the scored vector
 * @param reference    the value it was replaced by to measure its effect
 * @param contribution signed effect on the risk in log-odds: {@code logit(p(x)) - logit(p(x with feature := reference))};
 *                     positive raises the risk
 */
public record Factor(String feature, String metric, float value, float reference, double contribution) {

    public Factor {
        Objects.requireNonNull(feature, "feature");
        metric = metric == null ? "" : metric;
    }

    /** {@code feature[metric]}, or {@code feature} for entity-level features. */
    public String label() {
        return metric.isEmpty() ? feature : feature + "[" + metric + "]";
    }
}
