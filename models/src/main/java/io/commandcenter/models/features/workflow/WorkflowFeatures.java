package io.commandcenter.models.features.workflow;

import io.commandcenter.models.features.Ewma;
import io.commandcenter.models.features.FeatureSchema;

/**
 * Online task/workflow-run history features of ONE workflow (workflow_failure model), O(1) per run.
 * Durations are compared on a log scale against the workflow's own robust history.
 */
public final class WorkflowFeatures {

    public static final String PIPELINE_VERSION = "workflow-v1";

    /** EWMA (rate 0.1) of failed runs. */
    public static final String FAIL_RATE = "fail_rate";
    /** EWMA (rate 0.4) of failed runs. */
    public static final String FAIL_RATE_FAST = "fail_rate_fast";
    /** ln(1 + consecutive failed runs). */
    public static final String CONSECUTIVE_FAILS = "consecutive_fails";
    /** Latest run's ln-duration against the history, in robust spreads, clamped to [-10, 10]. */
    public static final String DURATION_Z = "duration_z";
    /** EWMA_0.3 minus EWMA_0.03 of ln-duration, in robust spreads, clamped to [-10, 10]. */
    public static final String DURATION_TREND = "duration_trend";
    /** EWMA (rate 0.2) of retries per run. */
    public static final String RETRIES = "retries";
    /** Latest ln(1 + queue wait seconds) against its history, in robust spreads, clamped to [-10, 10]. */
    public static final String QUEUE_WAIT_Z = "queue_wait_z";
    /** ln(1 + hours since the last successful run), ln(1 + 24) before any. */
    public static final String HOURS_SINCE_SUCCESS = "hours_since_success";

    public static final FeatureSchema SCHEMA = FeatureSchema.of(FAIL_RATE, FAIL_RATE_FAST, CONSECUTIVE_FAILS, DURATION_Z,
            DURATION_TREND, RETRIES, QUEUE_WAIT_Z, HOURS_SINCE_SUCCESS);

    private final Ewma failRate = new Ewma(0.1);
    private final Ewma failFast = new Ewma(0.4);
    private final Ewma retries = new Ewma(0.2);
    private final Robust duration = new Robust();
    private final Robust wait = new Robust();
    private final Ewma durFast = new Ewma(0.3);
    private final Ewma durSlow = new Ewma(0.03);
    private int consecutive;
    private long lastSuccess = Long.MIN_VALUE;
    private long lastTime = Long.MIN_VALUE;
    private double durationZ;
    private double waitZ;

    public void update(WorkflowRunRecord r) {
        if (r.timeMillis() < lastTime) {
            throw new IllegalArgumentException("time went backwards");
        }
        lastTime = r.timeMillis();
        boolean fail = !r.succeeded();
        failRate.update(fail ? 1 : 0);
        failFast.update(fail ? 1 : 0);
        retries.update(r.retries());
        consecutive = fail ? consecutive + 1 : 0;
        if (!fail) {
            lastSuccess = r.timeMillis();
        }
        double ld = Math.log1p(r.durationMillis() / 1000.0);
        durationZ = duration.zThenUpdate(ld);
        durFast.update(ld);
        durSlow.update(ld);
        waitZ = wait.zThenUpdate(Math.log1p(r.queueWaitMillis() / 1000.0));
    }

    public float[] vector(long nowMillis) {
        double hours = lastSuccess == Long.MIN_VALUE ? 24.0 : Math.max(0, nowMillis - lastSuccess) / 3_600_000.0;
        double trend = (durFast.value(0) - durSlow.value(0)) / duration.spread();
        return new float[] {
            (float) failRate.value(0), (float) failFast.value(0), (float) Math.log1p(consecutive), (float) clamp(durationZ),
            (float) clamp(trend), (float) retries.value(0), (float) clamp(waitZ), (float) Math.log1p(Math.min(hours, 24 * 30))
        };
    }

    private static double clamp(double z) {
        return Double.isFinite(z) ? Math.max(-10, Math.min(10, z)) : 0;
    }

    /** EWMA level and mean absolute deviation (rate 0.05, bias-corrected start), z before update. */
    private static final class Robust {
        private final Ewma level = new Ewma(0.05);
        private final Ewma mad = new Ewma(0.05);

        double spread() {
            return Math.max(0.05, 1.2533 * mad.value(0));
        }

        double zThenUpdate(double x) {
            double z = level.count() < 5 ? 0 : (x - level.value(x)) / spread();
            double dev = Math.abs(x - level.value(x));
            level.update(x);
            mad.update(level.count() > 5 ? Math.min(dev, 4 * spread()) : dev);
            return z;
        }
    }
}
