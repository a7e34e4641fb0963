package io.commandcenter.hub.workflow;

import io.commandcenter.hub.predict.PredictionRecord;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The prediction fields a trigger filters on and a template reads as {@code $prediction.<field>},
 * named as in the prediction event (seed 2.3): {@code entity} is the target's kind
 * ({@code service}), {@code targetId} its id, {@code model} the model's name.
 */
public final class PredictionFields {
    /** Every field, in a stable order. */
    public static final List<String> NAMES = List.of("id", "type", "risk", "confidence", "recommendedAction", "model",
            "modelVersion", "entity", "targetId", "threshold", "createdAt");

    private PredictionFields() {
    }

    /**
     * The fields of a prediction: numbers stay numbers ({@code risk}, {@code confidence} as its
     * value, {@code threshold}), {@code createdAt} is ISO-8601 text, the rest are strings.
     */
    public static Map<String, Object> of(PredictionRecord p) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", p.id());
        out.put("type", p.type());
        out.put("risk", p.risk());
        out.put("confidence", p.confidence().value());
        out.put("recommendedAction", p.recommendedAction());
        out.put("model", p.modelName());
        out.put("modelVersion", p.modelVersion());
        out.put("entity", p.targetKind());
        out.put("targetId", p.targetId());
        out.put("threshold", p.threshold());
        out.put("createdAt", p.createdAt().toString());
        return out;
    }
}
