package io.commandcenter.hub.learning;

import io.commandcenter.models.train.loop.PromotionRule;

import java.time.Duration;
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
 */
public record LearningSettings(String schedule, Duration window, Duration rowEvery, int syntheticSeries,
                               int validationSeries, PromotionRule rule, boolean shadow) {
    public LearningSettings {
        schedule = schedule == null || schedule.trim().equalsIgnoreCase("off") ? "" : schedule.trim();
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(rowEvery, "rowEvery");
        Objects.requireNonNull(rule, "rule");
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

    public static LearningSettings defaults() {
        return new LearningSettings("0 3 * * *", Duration.ofDays(7), Duration.ofMinutes(1), 60, 20,
                PromotionRule.DEFAULT, true);
    }

    public LearningSettings withSchedule(String value) {
        return new LearningSettings(value, window, rowEvery, syntheticSeries, validationSeries, rule, shadow);
    }

    /** A smaller shipped corpus (tests: training in seconds). */
    public LearningSettings withCorpus(int synthetic, int validation) {
        return new LearningSettings(schedule, window, rowEvery, synthetic, validation, rule, shadow);
    }

    public LearningSettings withShadow(boolean value) {
        return new LearningSettings(schedule, window, rowEvery, syntheticSeries, validationSeries, rule, value);
    }

    public LearningSettings withRule(PromotionRule value) {
        return new LearningSettings(schedule, window, rowEvery, syntheticSeries, validationSeries, value, shadow);
    }
}
