package io.commandcenter.hub.learning;

import io.commandcenter.models.train.loop.PromotionRule;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The learning loop's configuration ({@code cc.learning.*}).
 *
 * @param schedule          cron of the nightly retraining installed in every project ({@code cc.learning.schedule},
 *                          default {@code 0 3 * * *}); {@code off} (or empty here): no schedule, on demand only
 * @param window            how much telemetry a snapshot covers, back from the run ({@code cc.learning.window}, P7D)
 * @param rowEvery          one training row per entity per this much time at most ({@code cc.learning.row-every}, PT1M)
 * @param syntheticSeries   synthetic series of the shipped corpus ({@code cc.learning.synthetic-series}, 60)
 * @param validationSeries  independent synthetic validation series ({@code cc.learning.validation-series}, 20)
 * @param rule              promotion margin, tolerance and the least labelled incidents
 *                          ({@code cc.learning.margin} 0.02, {@code cc.learning.tolerance} 0.02,
 *                          {@code cc.learning.min-incidents} 3)
 * @param shadow            a challenger the rule refused scores beside the champion without acting
 *                          ({@code cc.learning.shadow}, true)
 * @param shadowGate        per project, how long a challenger the rule would promote first runs in shadow;
 *                          promoted only if the shadow agrees at the end ({@code cc.learning.shadow-gate},
 *                          e.g. {@code shop=P2D,*=P1D}; {@code *} is every other project; empty: no gate)
 * @param shadowRetention   how long a shadow's would-be predictions ({@code shadow_prediction}) are kept, by their
 *                          time; rows a pending wait still needs are kept longer ({@code cc.learning.shadow-retention},
 *                          P30D)
 * @param stopWait          how long closing the hub waits for learning steps under way to stop at a safe point
 *                          ({@code cc.learning.stop-wait}, PT30S); a step still running after it is left to end on
 *                          its own, never interrupted
 */
public record LearningSettings(String schedule, Duration window, Duration rowEvery, int syntheticSeries,
                               int validationSeries, PromotionRule rule, boolean shadow, Map<String, Duration> shadowGate,
                               Duration shadowRetention, Duration stopWait) {
    /** How long would-be predictions are kept by default. */
    public static final Duration SHADOW_RETENTION = Duration.ofDays(30);
    /** How long closing waits for learning steps by default. */
    public static final Duration STOP_WAIT = Duration.ofSeconds(30);

    /** Every project: the key of {@link #shadowGate} that stands for projects not named. */
    public static final String EVERY_PROJECT = "*";

    public LearningSettings(String schedule, Duration window, Duration rowEvery, int syntheticSeries,
                            int validationSeries, PromotionRule rule, boolean shadow) {
        this(schedule, window, rowEvery, syntheticSeries, validationSeries, rule, shadow, Map.of());
    }

    public LearningSettings(String schedule, Duration window, Duration rowEvery, int syntheticSeries,
                            int validationSeries, PromotionRule rule, boolean shadow, Map<String, Duration> shadowGate) {
        this(schedule, window, rowEvery, syntheticSeries, validationSeries, rule, shadow, shadowGate, SHADOW_RETENTION);
    }

    public LearningSettings(String schedule, Duration window, Duration rowEvery, int syntheticSeries,
                            int validationSeries, PromotionRule rule, boolean shadow, Map<String, Duration> shadowGate,
                            Duration shadowRetention) {
        this(schedule, window, rowEvery, syntheticSeries, validationSeries, rule, shadow, shadowGate, shadowRetention,
                STOP_WAIT);
    }

    public LearningSettings {
        shadowGate = Map.copyOf(shadowGate == null ? Map.of() : shadowGate);
        shadowGate.forEach((project, period) -> {
            if (period.isNegative()) {
                throw new IllegalArgumentException("cc.learning.shadow-gate: the period of " + project
                        + " must not be negative");
            }
        });
        schedule = schedule == null || schedule.trim().equalsIgnoreCase("off") ? "" : schedule.trim();
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(rowEvery, "rowEvery");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(shadowRetention, "shadowRetention");
        if (shadowRetention.isNegative() || shadowRetention.isZero()) {
            throw new IllegalArgumentException("cc.learning.shadow-retention must be positive");
        }
        Objects.requireNonNull(stopWait, "stopWait");
        if (stopWait.isNegative()) {
            throw new IllegalArgumentException("cc.learning.stop-wait must not be negative");
        }
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("cc.learning.window must be positive");
        }
        if (rowEvery.isNegative()) {
            throw new IllegalArgumentException("cc.learning.row-every must not be negative");
        }
        if (syntheticSeries < 0 || syntheticSeries > 1000 || validationSeries < 1 || validationSeries > 1000) {
            throw new IllegalArgumentException("cc.learning.synthetic-series must be 0-1000 and"
                    + " cc.learning.validation-series 1-1000");
        }
    }

    /**
     * Parses {@code cc.learning.shadow-gate}: {@code project=ISO-8601 duration} pairs separated by commas,
     * {@code *} for every project not named.
     *
     * @throws IllegalArgumentException naming the pair that is not one
     */
    public static Map<String, Duration> parseShadowGate(String text) {
        Map<String, Duration> out = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        for (String pair : text.split(",")) {
            String[] kv = pair.split("=", 2);
            if (kv.length != 2 || kv[0].isBlank()) {
                throw new IllegalArgumentException("cc.learning.shadow-gate: '" + pair.strip()
                        + "' is not project=duration");
            }
            try {
                out.put(kv[0].strip(), Duration.parse(kv[1].strip()));
            } catch (java.time.format.DateTimeParseException e) {
                throw new IllegalArgumentException("cc.learning.shadow-gate: '" + kv[1].strip()
                        + "' is not an ISO-8601 duration (e.g. P1D, PT6H)");
            }
        }
        return out;
    }

    /** How long a challenger of the project waits in shadow before promotion; zero: no gate. */
    public Duration shadowPeriod(String project) {
        return shadowGate.getOrDefault(project, shadowGate.getOrDefault(EVERY_PROJECT, Duration.ZERO));
    }

    public LearningSettings withShadowGate(Map<String, Duration> value) {
        return new LearningSettings(schedule, window, rowEvery, syntheticSeries, validationSeries, rule, shadow, value, shadowRetention, stopWait);
    }

    public LearningSettings withShadowRetention(Duration value) {
        return new LearningSettings(schedule, window, rowEvery, syntheticSeries, validationSeries, rule, shadow, shadowGate,
                value, stopWait);
    }

    public LearningSettings withStopWait(Duration value) {
        return new LearningSettings(schedule, window, rowEvery, syntheticSeries, validationSeries, rule, shadow, shadowGate,
                shadowRetention, value);
    }

    public static LearningSettings defaults() {
        return new LearningSettings("0 3 * * *", Duration.ofDays(7), Duration.ofMinutes(1), 60, 20,
                PromotionRule.DEFAULT, true);
    }

    public LearningSettings withSchedule(String value) {
        return new LearningSettings(value, window, rowEvery, syntheticSeries, validationSeries, rule, shadow, shadowGate, shadowRetention, stopWait);
    }

    /** A smaller shipped corpus (tests: training in seconds). */
    public LearningSettings withCorpus(int synthetic, int validation) {
        return new LearningSettings(schedule, window, rowEvery, synthetic, validation, rule, shadow, shadowGate, shadowRetention, stopWait);
    }

    public LearningSettings withShadow(boolean value) {
        return new LearningSettings(schedule, window, rowEvery, syntheticSeries, validationSeries, rule, value, shadowGate, shadowRetention, stopWait);
    }

    public LearningSettings withRule(PromotionRule value) {
        return new LearningSettings(schedule, window, rowEvery, syntheticSeries, validationSeries, value, shadow, shadowGate, shadowRetention, stopWait);
    }
}
