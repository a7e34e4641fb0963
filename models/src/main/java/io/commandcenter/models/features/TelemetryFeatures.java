package io.commandcenter.models.features;

/**
 * The fixed-length feature vector of the telemetry pipeline (service_health model), whatever the
 * number and names of an entity's metrics. Surprisals are in decades ({@code -log10 p}, see
 * {@link TailModel}); "corrected" maxima subtract {@code log10(M)} for M metrics observed in the row
 * (a Bonferroni correction, so 38 quiet metrics do not look more alarming than one).
 */
public final class TelemetryFeatures {

    /** Version of the pipeline's semantics; recorded in model sidecars, bumped on any change of meaning. */
    public static final String PIPELINE_VERSION = "telemetry-v2";

    /** Corrected max over metrics of the residual surprisal (deviation from the one-step forecast). */
    public static final String RES_MAX = "res_max";
    /** Mean of the top-k (k = min(3, M)) residual surprisals minus log10(M / k). */
    public static final String RES_TOP = "res_top";
    /** Fraction of metrics whose residual surprisal is at least 2 (p ≤ 0.01), times min(1, (M - 1) / 4). */
    public static final String RES_FRAC = "res_frac";
    /** Corrected max over metrics of the level surprisal (smoothed value vs baseline + season). */
    public static final String LEVEL_MAX = "level_max";
    /** Mean of the top-k level surprisals minus log10(M / k). */
    public static final String LEVEL_TOP = "level_top";
    /** Fraction of metrics whose level surprisal is at least 2, times min(1, (M - 1) / 4). */
    public static final String LEVEL_FRAC = "level_frac";
    /** Corrected max over metrics of the trend surprisal (fast minus medium EWMA). */
    public static final String TREND_MAX = "trend_max";
    /** Corrected max over metrics of the rate-of-change surprisal. */
    public static final String ROC_MAX = "roc_max";
    /** Corrected max over metrics of the volatility surprisal (noise bursts, flat-lines). */
    public static final String VOL_MAX = "vol_max";
    /** EWMA (rate 0.3) over rows of max(res_max, level_max): evidence that persists. */
    public static final String PERSIST = "persist";
    /** max(0, evidence - persist before this row): how suddenly the evidence appeared (onsets score, plateaus fade). */
    public static final String JUMP = "jump";
    /** ln(1 + rows in the current run with max(res_max, level_max) ≥ 2). */
    public static final String ALARM_RUN = "alarm_run";
    /** Error rate of the latest health sample (errors / requests), 0 for plain telemetry. */
    public static final String HEALTH_ERROR_RATE = "health_error_rate";
    /** EWMA (rate 0.3) of "health check failed", 0 for plain telemetry. */
    public static final String HEALTH_DOWN = "health_down";
    /** ln(p99 / p50) of the latest health sample, clamped to [0, 5], 0 for plain telemetry. */
    public static final String HEALTH_LATENCY_SKEW = "health_latency_skew";
    /** Corrected max over metrics of the far surprisal (value against the metric's long-run mean and deviation, Gaussian tail). */
    public static final String FAR_MAX = "far_max";
    /**
     * Mean of the top-k (k = min(3, M)) per-metric evidences minus log10(M / k), where a metric's evidence is
     * max(level, volatility, 0.35 × far) surprisal: one number for "how unusual is this entity now", in decades.
     */
    public static final String EVIDENCE = "evidence";

    /** The schema, in the order the extractor writes vectors. */
    public static final FeatureSchema SCHEMA = FeatureSchema.of(
            RES_MAX, RES_TOP, RES_FRAC, LEVEL_MAX, LEVEL_TOP, LEVEL_FRAC, TREND_MAX, ROC_MAX, VOL_MAX,
            PERSIST, JUMP, ALARM_RUN, HEALTH_ERROR_RATE, HEALTH_DOWN, HEALTH_LATENCY_SKEW, FAR_MAX, EVIDENCE);

    /** Metric names a {@link HealthSample} is decomposed into. */
    public static final String METRIC_LATENCY_P50 = "latency_p50";
    public static final String METRIC_LATENCY_P95 = "latency_p95";
    public static final String METRIC_LATENCY_P99 = "latency_p99";
    public static final String METRIC_ERROR_RATE = "error_rate";
    public static final String METRIC_UP = "up";

    private TelemetryFeatures() {
    }
}
