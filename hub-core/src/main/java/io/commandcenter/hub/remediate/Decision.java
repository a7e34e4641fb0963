package io.commandcenter.hub.remediate;

import io.commandcenter.hub.workflow.Workflow;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What happens to a trigger: the workflow runs on its own, a person decides first, or nothing
 * runs. The one place the rules of seed 3.3 and the guard rails live:
 * <ol>
 *   <li>a run of the same workflow is already active on the target (beyond its
 *       {@code concurrency.per_target}) → {@link Kind#SKIP};</li>
 *   <li>automatic actions are paused (kill switch), the confidence is below the workflow's
 *       {@code approval.min_confidence}, or the target's blast-radius budget for the hour is
 *       spent → {@link Kind#APPROVAL}, naming every reason that applies. An event that carries no
 *       prediction has no confidence: when the workflow writes {@code approval.min_confidence} it
 *       counts as 0, so a person decides unless that minimum is 0; a workflow that leaves the minimum
 *       at its default runs such events on its own, as before the check. A schedule firing has no
 *       confidence to check (in a workflow with both {@code on} and a schedule too);</li>
 *   <li>otherwise → {@link Kind#AUTOMATIC}.</li>
 * </ol>
 *
 * @param reason why, in words an operator reads on the approval card
 */
public record Decision(Kind kind, String reason) {
    public enum Kind { AUTOMATIC, APPROVAL, SKIP }

    /**
     * What the engine knows when it decides.
     *
     * @param confidence the prediction's confidence, empty when the trigger carries no prediction (a
     *                   schedule, or an event that is not a prediction)
     * @param scheduled  whether the trigger is the workflow's schedule firing (not an event)
     * @param pausedBy   the kill switch that pauses automatic actions (project or global), if any
     * @param blastUsed  automatic runs on the target in the last hour
     * @param activeRuns runs of the workflow on the target awaiting approval or running
     */
    public record Facts(Optional<Double> confidence, boolean scheduled, Optional<AutonomySetting> pausedBy,
                        int blastUsed, int activeRuns) {
        /** Facts of an event's trigger (not a schedule firing). */
        public Facts(Optional<Double> confidence, Optional<AutonomySetting> pausedBy, int blastUsed, int activeRuns) {
            this(confidence, false, pausedBy, blastUsed, activeRuns);
        }
    }

    public static Decision decide(Workflow workflow, Facts facts) {
        int perTarget = workflow.concurrency().perTarget();
        if (facts.activeRuns() >= perTarget) {
            return new Decision(Kind.SKIP, facts.activeRuns() + " run(s) of " + workflow.name()
                    + " already active on the target (per_target " + perTarget + ")");
        }
        List<String> reasons = new ArrayList<>();
        facts.pausedBy().ifPresent(s -> reasons.add("automatic actions are paused"
                + (AutonomySetting.GLOBAL.equals(s.scope()) ? " for every project" : " in project " + s.scope())
                + " by " + s.changedBy() + (s.reason().isEmpty() ? "" : " (" + s.reason() + ")")));
        facts.confidence().filter(c -> workflow.approval().needsHuman(c)).ifPresent(c -> reasons.add(
                "confidence " + twoDecimals(c) + " is below " + twoDecimals(workflow.approval().minConfidence())));
        if (facts.confidence().isEmpty() && confidenceZero(workflow, facts)) {
            reasons.add("the event carries no prediction, so no confidence (counted as 0, below "
                    + twoDecimals(workflow.approval().minConfidence()) + ")");
        }
        int budget = workflow.blastRadius().maxPerHour();
        if (facts.blastUsed() >= budget) {
            reasons.add(budget == 0 ? "the workflow always asks a person (max_per_hour 0)"
                    : "blast radius: " + facts.blastUsed() + " automatic run(s) on the target in the last hour"
                    + " (budget " + budget + ")");
        }
        if (!reasons.isEmpty()) {
            return new Decision(Kind.APPROVAL, String.join("; ", reasons));
        }
        return new Decision(Kind.AUTOMATIC, facts.confidence().map(c -> "confidence " + twoDecimals(c) + " >= "
                        + twoDecimals(workflow.approval().minConfidence()) + ", " + facts.blastUsed() + " of " + budget
                        + " automatic runs used this hour")
                .orElse((!byEvent(workflow, facts) ? "scheduled; " : workflow.approval().minConfidenceWritten()
                        ? "no confidence needed (min_confidence 0); " : "no prediction, min_confidence not written; ")
                        + facts.blastUsed() + " of " + budget + " automatic runs used this hour"));
    }

    /**
     * Whether the trigger is an event (not the workflow's schedule firing), so one without a confidence is an
     * event without a prediction. A workflow with both {@code on} and a schedule is told apart by the trigger
     * itself ({@link Facts#scheduled}).
     */
    private static boolean byEvent(Workflow workflow, Facts facts) {
        return workflow.trigger().onEvents() && !facts.scheduled();
    }

    /**
     * Whether a trigger without a prediction counts as confidence 0 and is below the minimum: only for an
     * event's trigger in a workflow that writes {@code approval.min_confidence}; one that leaves the default
     * (0.9) kept running such events on its own before this check, and still does.
     */
    private static boolean confidenceZero(Workflow workflow, Facts facts) {
        return byEvent(workflow, facts) && workflow.approval().minConfidenceWritten()
                && workflow.approval().needsHuman(0);
    }

    /**
     * {@code String.format(Locale.ROOT, "%.2f", value)} without the formatter, which was a quarter of a
     * decision's time (parsing the pattern, locale symbols at every call): the same half-up rounding of
     * the value's shortest decimal form. Not-finite values and negative zero take the formatter.
     */
    static String twoDecimals(double value) {
        if (!Double.isFinite(value) || (value == 0 && Double.doubleToRawLongBits(value) != 0)) {
            return String.format(Locale.ROOT, "%.2f", value);
        }
        return new BigDecimal(Double.toString(value)).setScale(2, RoundingMode.HALF_UP).toPlainString();
    }
}
