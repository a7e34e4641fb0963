package io.commandcenter.models.features.compliance;

import io.commandcenter.models.features.Ewma;
import io.commandcenter.models.features.FeatureSchema;
import java.util.HashMap;
import java.util.Map;

/**
 * Online audit/compliance history features of ONE entity (compliance_risk model), O(1) per record.
 * Feed records in time order; {@link #vector(long)} describes the entity at a time at or after the last.
 */
public final class ComplianceFeatures {

    public static final String PIPELINE_VERSION = "compliance-v1";

    /** EWMA (rate 0.1) of failed audits. */
    public static final String FAIL_RATE = "fail_rate";
    /** Failure share of the last 10 audits. */
    public static final String FAIL_RATE_RECENT = "fail_rate_recent";
    /** EWMA (rate 0.1) of severity/4 of failed audits (0 for passes). */
    public static final String SEVERITY_WEIGHTED = "severity_weighted";
    /** ln(1 + consecutive failed audits). */
    public static final String CONSECUTIVE_FAILS = "consecutive_fails";
    /** ln(1 + controls whose latest result is a failure). */
    public static final String FAILING_CONTROLS = "failing_controls";
    /** 1 if a control's latest result is a critical (severity 4) failure. */
    public static final String CRITICAL_OPEN = "critical_open";
    /** ln(1 + days since the last passed audit), ln(1 + 30) before any pass. */
    public static final String DAYS_SINCE_PASS = "days_since_pass";
    /** EWMA_0.3 minus EWMA_0.05 of failures: recent worsening. */
    public static final String FAIL_TREND = "fail_trend";

    public static final FeatureSchema SCHEMA = FeatureSchema.of(FAIL_RATE, FAIL_RATE_RECENT, SEVERITY_WEIGHTED, CONSECUTIVE_FAILS,
            FAILING_CONTROLS, CRITICAL_OPEN, DAYS_SINCE_PASS, FAIL_TREND);

    private final Ewma failRate = new Ewma(0.1);
    private final Ewma severity = new Ewma(0.1);
    private final Ewma fast = new Ewma(0.3);
    private final Ewma slow = new Ewma(0.05);
    private final boolean[] ring = new boolean[10];
    private final Map<String, Integer> latestFailSeverity = new HashMap<>();
    private int ringSize;
    private int ringPos;
    private int ringFails;
    private int consecutive;
    private int failing;
    private int criticalOpen;
    private long lastPass = Long.MIN_VALUE;
    private long lastTime = Long.MIN_VALUE;

    /** Feeds one record; fails with IllegalArgumentException if time goes backwards. */
    public void update(AuditRecord r) {
        if (r.timeMillis() < lastTime) {
            throw new IllegalArgumentException("time went backwards");
        }
        lastTime = r.timeMillis();
        boolean fail = !r.passed();
        failRate.update(fail ? 1 : 0);
        severity.update(fail ? r.severity() / 4.0 : 0);
        fast.update(fail ? 1 : 0);
        slow.update(fail ? 1 : 0);
        if (ringSize == ring.length && ring[ringPos]) {
            ringFails--;
        }
        ring[ringPos] = fail;
        if (fail) {
            ringFails++;
        }
        ringPos = (ringPos + 1) % ring.length;
        ringSize = Math.min(ring.length, ringSize + 1);
        consecutive = fail ? consecutive + 1 : 0;
        if (!fail) {
            lastPass = r.timeMillis();
        }
        Integer before = latestFailSeverity.get(r.control());
        if (before != null) {
            failing--;
            if (before == 4) {
                criticalOpen--;
            }
        }
        if (fail) {
            latestFailSeverity.put(r.control(), r.severity());
            failing++;
            if (r.severity() == 4) {
                criticalOpen++;
            }
        } else {
            latestFailSeverity.remove(r.control());
        }
    }

    /** The vector at {@code nowMillis} ({@link #SCHEMA} order). */
    public float[] vector(long nowMillis) {
        double days = lastPass == Long.MIN_VALUE ? 30.0 : Math.max(0, nowMillis - lastPass) / 86_400_000.0;
        return new float[] {
            (float) failRate.value(0), ringSize == 0 ? 0f : (float) ringFails / ringSize, (float) severity.value(0),
            (float) Math.log1p(consecutive), (float) Math.log1p(failing), criticalOpen > 0 ? 1f : 0f,
            (float) Math.log1p(Math.min(days, 365)), (float) (fast.value(0) - slow.value(0))
        };
    }
}
