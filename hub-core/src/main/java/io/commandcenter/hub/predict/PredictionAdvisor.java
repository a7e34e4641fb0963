package io.commandcenter.hub.predict;

import io.commandcenter.models.explain.Factor;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Advice on a prediction about to be raised, from what happened before: the similar past incidents
 * it should carry and the action to recommend in the light of their outcomes. The engine asks once
 * per raised prediction, on its own thread; an advisor that fails is ignored (the prediction is
 * raised as the model made it).
 */
public interface PredictionAdvisor {

    /**
     * @param entity      what the prediction is about
     * @param features    the scored feature vector, by feature name (non-finite values left out)
     * @param factors     the model's top factors
     * @param recommended the model's recommended action
     */
    Advice advise(EntityKey entity, Map<String, Double> features, List<Factor> factors, String recommended);

    /**
     * @param similar     up to three similar past incidents, most similar first
     * @param action      the action to recommend (the model's unless the past says otherwise)
     * @param note        why, when the past had a say ({@code ""} otherwise)
     */
    record Advice(List<SimilarIncident> similar, String action, String note) {
        public Advice {
            similar = List.copyOf(similar);
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(note, "note");
        }

        public static Advice none(String recommended) {
            return new Advice(List.of(), recommended, "");
        }
    }

    /** Advises nothing: the model's recommendation, no similar incidents. */
    static PredictionAdvisor none() {
        return (entity, features, factors, recommended) -> Advice.none(recommended);
    }
}
