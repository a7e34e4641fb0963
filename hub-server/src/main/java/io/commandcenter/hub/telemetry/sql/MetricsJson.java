package io.commandcenter.hub.telemetry.sql;

import io.commandcenter.common.json.Json;
import io.commandcenter.common.json.JsonException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
     * The metrics of a stored JSON text, as an unmodifiable map; empty for {@code null}. Text in the form
     * {@link #write} gives ({@code {"name":number,...}}, no spaces or escapes) is read directly, anything
     * else by the general JSON parser.
     *
     * @throws IllegalArgumentException when the text is not a flat object of numbers
     */
    static Map<String, Double> read(String json) {
        if (json == null || json.isBlank()) {
            return Map.of();
        }
        Map<String, Double> written = readWritten(json);
        return written != null ? written : readAny(json);
    }

    /**
     * The metrics of text in {@link #write}'s form, or {@code null} when it is not in that form (then the
     * general parser decides). A page read parses 100 of these: this skips the parser's own map and the
     * copies the record would otherwise make.
     */
    static Map<String, Double> readWritten(String json) {
        int last = json.length() - 1;
        if (last < 1 || json.charAt(0) != '{' || json.charAt(last) != '}') {
            return null;
        }
        if (last == 1) {
            return Map.of();
        }
        List<Map.Entry<String, Double>> entries = new ArrayList<>(8);
        int i = 1;
        while (true) {
            if (json.charAt(i) != '"') {
                return null;
            }
            int nameEnd = i + 1;
            while (nameEnd < last && isNameChar(json.charAt(nameEnd))) {
                nameEnd++;
            }
            if (nameEnd == i + 1 || nameEnd + 1 >= last || json.charAt(nameEnd) != '"' || json.charAt(nameEnd + 1) != ':') {
                return null;
            }
            int numberEnd = nameEnd + 2;
            while (numberEnd < last && isNumberChar(json.charAt(numberEnd))) {
                numberEnd++;
            }
            if (numberEnd == nameEnd + 2) {
                return null;
            }
            double value;
            try {
                value = Double.parseDouble(json.substring(nameEnd + 2, numberEnd));
            } catch (NumberFormatException e) {
                return null;
            }
            entries.add(Map.entry(json.substring(i + 1, nameEnd), value));
            if (numberEnd == last) {
                break;
            }
            if (json.charAt(numberEnd) != ',') {
                return null;
            }
            i = numberEnd + 1;
        }
        try {
            @SuppressWarnings("unchecked")
            Map.Entry<String, Double>[] array = entries.toArray(new Map.Entry[0]);
            return Map.ofEntries(array);
        } catch (IllegalArgumentException duplicateName) {
            return null;
        }
    }

    /** The names {@code write} writes unescaped: those ingest accepts ({@code [A-Za-z0-9_.:-]}). */
    private static boolean isNameChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.'
                || c == ':' || c == '-';
    }

    /** The characters {@code Double.toString} writes for a finite number. */
    private static boolean isNumberChar(char c) {
        return (c >= '0' && c <= '9') || c == '-' || c == '.' || c == 'E';
    }

    /** Any flat JSON object of numbers, by the general parser. */
    static Map<String, Double> readAny(String json) {
        Map<String, Double> metrics = new LinkedHashMap<>();
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
        return java.util.Collections.unmodifiableMap(metrics);
    }
}
