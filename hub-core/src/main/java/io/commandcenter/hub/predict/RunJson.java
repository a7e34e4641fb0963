package io.commandcenter.hub.predict;

import io.commandcenter.common.json.Json;
import io.commandcenter.inference.RiskPrediction;
import io.commandcenter.models.confidence.Confidence;
import io.commandcenter.models.explain.Factor;
import io.commandcenter.models.features.FeatureVector;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The JSON the hub stores for model runs and prediction factors. */
public final class RunJson {
    private RunJson() {
    }

    /** A run's input: the feature vector with the metric behind each feature. */
    public static String input(FeatureVector vector) {
        Map<String, Object> features = new LinkedHashMap<>();
        Map<String, String> sources = new LinkedHashMap<>();
        float[] values = vector.values();
        for (int i = 0; i < values.length; i++) {
            String name = vector.schema().name(i);
            features.put(name, Float.isFinite(values[i]) ? values[i] : null);
            if (!vector.sources().get(i).isEmpty()) {
                sources.put(name, vector.sources().get(i));
            }
        }
        return write(Map.of("features", features, "metrics", sources));
    }

    /**
     * The feature values of a stored run's input ({@link #input}), by name; values stored as null
     * (not finite) are left out, and an unreadable input gives none.
     */
    public static Map<String, Double> features(String inputJson) {
        Map<String, Double> out = new LinkedHashMap<>();
        try {
            Object features = Json.parseObject(inputJson).get("features");
            if (features instanceof Map<?, ?> map) {
                map.forEach((name, value) -> {
                    if (value instanceof Number n && Double.isFinite(n.doubleValue())) {
                        out.put(String.valueOf(name), n.doubleValue());
                    }
                });
            }
        } catch (io.commandcenter.common.json.JsonException e) {
            return Map.of();
        }
        return out;
    }

    /** A scored run's output: risk, threshold, confidence and its terms, factors, recommendation. */
    public static String output(RiskPrediction p) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("risk", p.risk());
        out.put("threshold", p.threshold());
        out.put("alarm", p.alarm());
        out.put("confidence", confidence(p.confidence()));
        out.put("factors", factors(p.factors()));
        out.put("recommendedAction", p.recommendedAction());
        if (!p.backend().isEmpty()) {
            out.put("backend", p.backend());
        }
        return write(out);
    }

    public static Map<String, Object> confidence(Confidence c) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("value", c.value());
        out.put("calibration", c.calibration());
        out.put("amount", c.amount());
        out.put("freshness", c.freshness());
        out.put("agreement", c.agreement());
        return out;
    }

    public static List<Map<String, Object>> factors(List<Factor> factors) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Factor f : factors) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("feature", f.feature());
            m.put("metric", f.metric());
            m.put("value", f.value());
            m.put("reference", f.reference());
            m.put("contribution", f.contribution());
            out.add(m);
        }
        return out;
    }

    /** A model's metrics as a JSON object, names sorted; non-finite values left out (JSON has none). */
    static String metrics(Map<String, Double> metrics) {
        Map<String, Double> finite = new TreeMap<>();
        metrics.forEach((name, value) -> {
            if (Double.isFinite(value)) {
                finite.put(name, value);
            }
        });
        return write(finite);
    }

    static String write(Object value) {
        return Json.write(value);
    }
}
