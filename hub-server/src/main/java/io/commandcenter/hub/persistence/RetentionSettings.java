package io.commandcenter.hub.persistence;

import java.time.Duration;
import java.util.Objects;

/**
 * How long the hub keeps what grows without bound ({@code cc.retention.*}, guide 8.2). Each age is one family's;
 * zero keeps that family forever, and all four at zero turn retention off (no pass runs). What the learning loop
 * and the audit trail read is never deleted, whatever the ages ({@link Retention}).
 *
 * @param telemetry   health samples, audits with their compliance results, task and workflow-run telemetry, by their
 *                    own time ({@code cc.retention.telemetry}, P30D); when not zero, at least {@code cc.learning.window}
 * @param modelRuns   model runs, by {@code executed_at} ({@code cc.retention.model-runs}, P14D)
 * @param predictions predictions, by {@code created_at} ({@code cc.retention.predictions}, P90D)
 * @param runs        finished remediation runs with their nodes and approvals, by {@code created_at}
 *                    ({@code cc.retention.runs}, P90D)
 * @param interval    how often each hub runs a pass ({@code cc.retention.interval}, PT10M)
 * @param batch       most rows one delete statement removes, each in its own transaction ({@code cc.retention.batch},
 *                    5000; 1 to 10,000)
 */
public record RetentionSettings(Duration telemetry, Duration modelRuns, Duration predictions, Duration runs,
                                Duration interval, int batch) {
    /** Most rows per statement: one statement names each row's key once (PostgreSQL takes at most 65,535). */
    public static final int MAX_BATCH = 10_000;
    /**
     * The shortest age of predictions (but 0): longer than an approval can wait ({@code expires_after}, 7 days at most),
     * so a run waiting for a person never loses the prediction it shows.
     */
    public static final Duration MIN_PREDICTIONS = Duration.ofDays(8);

    public RetentionSettings {
        age("cc.retention.telemetry", telemetry);
        age("cc.retention.model-runs", modelRuns);
        age("cc.retention.predictions", predictions);
        age("cc.retention.runs", runs);
        if (!predictions.isZero() && predictions.compareTo(MIN_PREDICTIONS) < 0) {
            throw new IllegalArgumentException("cc.retention.predictions must be 0 (keep forever) or at least "
                    + MIN_PREDICTIONS + ", got " + predictions + ": a run waiting for approval (expires_after up to 7"
                    + " days) reads the prediction it was started for, and nothing else keeps it");
        }
        Objects.requireNonNull(interval, "cc.retention.interval");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("cc.retention.interval must be positive, got " + interval);
        }
        if (batch < 1 || batch > MAX_BATCH) {
            throw new IllegalArgumentException("cc.retention.batch must be in [1, " + MAX_BATCH + "], got " + batch);
        }
    }

    private static void age(String name, Duration age) {
        Objects.requireNonNull(age, name);
        if (age.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative (0 keeps forever), got " + age);
        }
    }

    /** The defaults: telemetry 30 days, model runs 14, predictions and runs 90; a pass every 10 minutes. */
    public static RetentionSettings defaults() {
        return new RetentionSettings(Duration.ofDays(30), Duration.ofDays(14), Duration.ofDays(90), Duration.ofDays(90),
                Duration.ofMinutes(10), 5000);
    }

    /** Every family kept forever: no pass runs. */
    public static RetentionSettings off() {
        return new RetentionSettings(Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ofMinutes(10),
                5000);
    }

    /** Whether a pass has anything to do: at least one age is not zero. */
    public boolean enabled() {
        return !telemetry.isZero() || !modelRuns.isZero() || !predictions.isZero() || !runs.isZero();
    }

    /**
     * Checks the telemetry age against the learning loop's window: a snapshot replays that much telemetry, so an age
     * that is not zero must be at least the window.
     *
     * @throws IllegalArgumentException naming both settings
     */
    public void requireCovers(Duration learningWindow) {
        if (!telemetry.isZero() && telemetry.compareTo(learningWindow) < 0) {
            throw new IllegalArgumentException("cc.retention.telemetry (" + telemetry + ") must be 0 (keep forever) or"
                    + " at least cc.learning.window (" + learningWindow + "): the learning loop reads that much telemetry");
        }
    }

    public RetentionSettings withTelemetry(Duration value) {
        return new RetentionSettings(value, modelRuns, predictions, runs, interval, batch);
    }

    public RetentionSettings withModelRuns(Duration value) {
        return new RetentionSettings(telemetry, value, predictions, runs, interval, batch);
    }

    public RetentionSettings withPredictions(Duration value) {
        return new RetentionSettings(telemetry, modelRuns, value, runs, interval, batch);
    }

    public RetentionSettings withRuns(Duration value) {
        return new RetentionSettings(telemetry, modelRuns, predictions, value, interval, batch);
    }

    public RetentionSettings withInterval(Duration value) {
        return new RetentionSettings(telemetry, modelRuns, predictions, runs, value, batch);
    }

    public RetentionSettings withBatch(int value) {
        return new RetentionSettings(telemetry, modelRuns, predictions, runs, interval, value);
    }
}
