package io.commandcenter.hub.telemetry.sql;

import io.commandcenter.common.json.Json;
import io.commandcenter.common.json.JsonException;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code metrics_json} column: a flat JSON object of metric name to number. Names are
 * validated on ingest to {@code [A-Za-z0-9_.:-]} and values to finite numbers, so the writer (on
 * the ingest path, once per sample) needs no escaping; the reader accepts any flat object of
 * numbers written by others.
 */
final class MetricsJson {
    private MetricsJson() {
    }

    /** The JSON text, keys sorted; {@code null} for no metrics. */
    static String write(Map<String, Double> metrics) {
        if (metrics.isEmpty()) {
            return null;
        }
        StringBuilder out = new StringBuilder(metrics.size() * 24 + 2).append('{');
        // the names sorted in an array, not a TreeMap copy of the map (once per sample on the writer)
        String[] names = metrics.keySet().toArray(new String[0]);
        java.util.Arrays.sort(names);
        for (String name : names) {
            if (out.length() > 1) {
                out.append(',');
            }
            out.append('"').append(name).append("\":").append(metrics.get(name).doubleValue());
        }
        return out.append('}').toString();
    }

    /**
     * The metrics of a stored JSON text; empty for {@code null}.
     *
     * @throws IllegalArgumentException when the text is not a flat object of numbers
     */
    static Map<String, Double> read(String json) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        if (json == null || json.isBlank()) {
            return metrics;
        }
        try {
            Json.parseObject(json).forEach((name, value) -> {
                if (!(value instanceof Number n)) {
                    throw new IllegalArgumentException("metric " + name + " is not a number in " + json);
                }
                metrics.put(name, n.doubleValue());
            });
        } catch (JsonException e) {
            throw new IllegalArgumentException("unreadable metrics " + json + ": " + e.getMessage(), e);
        }
        return metrics;
    }
}
