package io.commandcenter.hub.telemetry.sql;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code metrics_json} column: a flat JSON object of metric name to number. Names are
 * validated on ingest to {@code [A-Za-z0-9_.:-]} and values to finite numbers, so the text never
 * needs escaping; the reader still accepts any flat object of numbers written by others.
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
        for (Map.Entry<String, Double> e : new TreeMap<>(metrics).entrySet()) {
            if (out.length() > 1) {
                out.append(',');
            }
            out.append('"').append(e.getKey()).append("\":").append(e.getValue().doubleValue());
        }
        return out.append('}').toString();
    }

    /** The metrics of a JSON text written by {@link #write}; empty for {@code null}. */
    static Map<String, Double> read(String json) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        if (json == null || json.isBlank()) {
            return metrics;
        }
        int i = skip(json, 0);
        expect(json, i++, '{');
        i = skip(json, i);
        if (json.charAt(i) == '}') {
            return metrics;
        }
        while (true) {
            i = skip(json, i);
            expect(json, i++, '"');
            int close = json.indexOf('"', i);
            if (close < 0) {
                throw new IllegalArgumentException("unterminated metric name in " + json);
            }
            String name = json.substring(i, close);
            i = skip(json, close + 1);
            expect(json, i++, ':');
            i = skip(json, i);
            int end = i;
            while (end < json.length() && ",} \t\r\n".indexOf(json.charAt(end)) < 0) {
                end++;
            }
            metrics.put(name, Double.parseDouble(json.substring(i, end)));
            i = skip(json, end);
            char c = json.charAt(i++);
            if (c == '}') {
                return metrics;
            }
            if (c != ',') {
                throw new IllegalArgumentException("expected ',' or '}' at " + (i - 1) + " in " + json);
            }
        }
    }

    private static int skip(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static void expect(String s, int i, char c) {
        if (i >= s.length() || s.charAt(i) != c) {
            throw new IllegalArgumentException("expected '" + c + "' at " + i + " in " + s);
        }
    }
}
