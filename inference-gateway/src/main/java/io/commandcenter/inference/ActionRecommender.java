package io.commandcenter.inference;

import io.commandcenter.models.explain.Factor;
import io.commandcenter.models.features.TelemetryFeatures;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Maps a prediction's factors to the remediation the seed's workflows key on ({@code restart},
 * {@code scale}, {@code notify}). A transparent rule table, not a model — first matching rule wins,
 * looking at the most risk-raising factor only:
 * <ol>
 *   <li>model other than {@code service_health} → {@code notify};</li>
 *   <li>feature {@code health_down} or {@code health_error_rate}, or the health sample's own {@code up} or
 *       {@code error_rate} series (failing checks, failing requests: a wedged process) → {@code restart};</li>
 *   <li>metric name containing mem, heap, gc, leak, swap, fd or handle → {@code restart} (leaks clear on restart);</li>
 *   <li>metric name containing cpu, load, latency, queue, satur, conn, thread, request, rps or disk → {@code scale};</li>
 *   <li>otherwise → {@code notify}.</li>
 * </ol>
 * Pure and stateless.
 */
public final class ActionRecommender {

    public static final String RESTART = "restart";
    public static final String SCALE = "scale";
    public static final String NOTIFY = "notify";

    private static final Pattern LEAKY = Pattern.compile("mem|heap|gc|leak|swap|fd|handle");
    private static final Pattern LOADED = Pattern.compile("cpu|load|latency|queue|satur|conn|thread|request|rps|disk");

    public String recommend(String modelName, List<Factor> factors) {
        if (!"service_health".equals(modelName) || factors.isEmpty()) {
            return NOTIFY;
        }
        Factor top = factors.get(0);
        String metric = top.metric().toLowerCase(Locale.ROOT);
        if (top.feature().equals(TelemetryFeatures.HEALTH_DOWN) || top.feature().equals(TelemetryFeatures.HEALTH_ERROR_RATE)
                || metric.equals(TelemetryFeatures.METRIC_UP) || metric.equals(TelemetryFeatures.METRIC_ERROR_RATE)) {
            return RESTART;
        }
        if (LEAKY.matcher(metric).find()) {
            return RESTART;
        }
        if (LOADED.matcher(metric).find()) {
            return SCALE;
        }
        return NOTIFY;
    }
}
