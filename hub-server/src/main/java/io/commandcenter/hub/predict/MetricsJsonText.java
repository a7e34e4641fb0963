package io.commandcenter.hub.predict;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** A flat JSON object of model metrics ({@code {"f1":0.5,...}}), names sorted; non-finite values left out. */
final class MetricsJsonText {
    private MetricsJsonText() {
    }

    static String write(Map<String, Double> metrics) {
        StringBuilder out = new StringBuilder("{");
        for (Map.Entry<String, Double> e : new TreeMap<>(metrics).entrySet()) {
            if (!Double.isFinite(e.getValue())) {
                continue;
            }
            if (out.length() > 1) {
                out.append(',');
            }
            out.append('"').append(e.getKey().replace("\\", "\\\\").replace("\"", "\\\"")).append("\":")
                    .append(String.format(Locale.ROOT, "%s", e.getValue()));
        }
        return out.append('}').toString();
    }
}
