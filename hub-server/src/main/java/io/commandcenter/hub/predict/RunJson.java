package io.commandcenter.hub.predict;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.commandcenter.inference.RiskPrediction;
import io.commandcenter.models.confidence.Confidence;
import io.commandcenter.models.explain.Factor;
import io.commandcenter.models.features.FeatureVector;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON the hub stores for model runs and prediction factors. */
public final class RunJson {
    private static final ObjectMapper JSON = new ObjectMapper();

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

    /** A scored run's output: risk, threshold, confidence and its terms, factors, recommendation. */
    public static String output(RiskPrediction p) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("risk", p.risk());
        out.put("threshold", p.threshold());
        out.put("alarm", p.alarm());
        out.put("confidence", confidence(p.confidence()));
        out.put("factors", factors(p.factors()));
        out.put("recommendedAction", p.recommendedAction());
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

    static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static <T> T read(String json, Class<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable stored JSON: " + e.getOriginalMessage(), e);
        }
    }
}
