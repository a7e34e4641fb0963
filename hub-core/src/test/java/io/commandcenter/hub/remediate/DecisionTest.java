package io.commandcenter.hub.remediate;

import io.commandcenter.hub.workflow.CapabilityCatalog;
import io.commandcenter.hub.workflow.SeedWorkflows;
import io.commandcenter.hub.workflow.Workflow;
import io.commandcenter.hub.workflow.WorkflowParser;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The decision on a trigger (seed 3.3 and the guard rails), from its facts alone. */
class DecisionTest {
    static final WorkflowParser PARSER = new WorkflowParser(CapabilityCatalog.builtIn());
    /** min_confidence 0.9, max_per_hour 3, per_target 1 (the defaults). */
    static final Workflow SEED = PARSER.parse(SeedWorkflows.AUTO_RESTART);
    static final AutonomySetting PAUSED = new AutonomySetting("demo", true, Instant.EPOCH, "ana", "deploy freeze");

    static Decision decide(Workflow w, Optional<Double> confidence, Optional<AutonomySetting> paused, int blastUsed,
                           int active) {
        return Decision.decide(w, new Decision.Facts(confidence, paused, blastUsed, active));
    }

    @Test
    void aConfidentPrediction_withBudgetLeft_runsOnItsOwn() {
        Decision d = decide(SEED, Optional.of(0.95), Optional.empty(), 2, 0);

        assertThat(d.kind()).isEqualTo(Decision.Kind.AUTOMATIC);
        assertThat(d.reason()).isEqualTo("confidence 0.95 >= 0.90, 2 of 3 automatic runs used this hour");
    }

    @Test
    void reasonsRoundConfidencesAsTheFormatterDid() {
        // the reason's numbers were String.format("%.2f"): half up, on the value's shortest decimal form
        java.util.SplittableRandom random = new java.util.SplittableRandom(18);
        java.util.List<Double> values = new java.util.ArrayList<>(java.util.List.of(0.0, -0.0, 1.0, 0.005, 0.015,
                0.125, 0.145, 0.9949999, 0.995, 1.005, 2.675, -0.125, -0.005, 1e-9, 123456789.125, 1e17, 3.5e-5,
                Double.MIN_VALUE, Double.MAX_VALUE, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY));
        for (int k = 0; k <= 10_000; k++) {
            values.add(k / 10_000.0);
            values.add(k / 1_000.0 + 0.0005);
        }
        for (int i = 0; i < 20_000; i++) {
            values.add(random.nextDouble());
            values.add((random.nextDouble() - 0.5) * 1e6);
        }
        for (double v : values) {
            assertThat(Decision.twoDecimals(v)).as("%s", v).isEqualTo(String.format(java.util.Locale.ROOT, "%.2f", v));
        }
    }

    @Test
    void theConfidenceThreshold_isInclusive() {
        assertThat(decide(SEED, Optional.of(0.9), Optional.empty(), 0, 0).kind()).isEqualTo(Decision.Kind.AUTOMATIC);
        assertThat(decide(SEED, Optional.of(0.8999), Optional.empty(), 0, 0).kind())
                .isEqualTo(Decision.Kind.APPROVAL);
    }

    @Test
    void everyReasonToAskAPerson_isNamed() {
        Decision d = decide(SEED, Optional.of(0.62), Optional.of(PAUSED), 3, 0);

        assertThat(d.kind()).isEqualTo(Decision.Kind.APPROVAL);
        assertThat(d.reason()).isEqualTo("automatic actions are paused in project demo by ana (deploy freeze); "
                + "confidence 0.62 is below 0.90; blast radius: 3 automatic run(s) on the target in the last hour"
                + " (budget 3)");
    }

    @Test
    void aGlobalPause_isNamedAsSuch() {
        AutonomySetting global = new AutonomySetting(AutonomySetting.GLOBAL, true, Instant.EPOCH, "ops", "");

        assertThat(decide(SEED, Optional.of(0.99), Optional.of(global), 0, 0).reason())
                .isEqualTo("automatic actions are paused for every project by ops");
    }

    @Test
    void aZeroBudget_alwaysAsksAPerson() {
        Workflow never = PARSER.parse(SeedWorkflows.AUTO_RESTART.replace("nodes:", "blast_radius:\n  max_per_hour: 0\nnodes:"));

        Decision d = decide(never, Optional.of(0.99), Optional.empty(), 0, 0);

        assertThat(d.kind()).isEqualTo(Decision.Kind.APPROVAL);
        assertThat(d.reason()).isEqualTo("the workflow always asks a person (max_per_hour 0)");
    }

    @Test
    void aTargetAlreadyBeingRemediated_isSkipped_beforeAnyOtherRule() {
        Decision d = decide(SEED, Optional.of(0.5), Optional.of(PAUSED), 10, 1);

        assertThat(d.kind()).isEqualTo(Decision.Kind.SKIP);
        assertThat(d.reason()).isEqualTo("1 run(s) of auto-restart already active on the target (per_target 1)");
    }

    static Workflow workflow(String trigger, String approval) {
        return PARSER.parse("name: w\ntrigger:\n  " + trigger + "\n" + approval
                + "nodes:\n  - {id: a, agent: notifier, action: sendSlack, inputs: {message: hi}}\n");
    }

    @Test
    void aScheduledRun_hasNoConfidence_andIsLimitedOnlyByTheSwitchAndTheBudget() {
        Workflow nightly = workflow("schedule: \"0 3 * * *\"", "approval: {min_confidence: 1.0}\n");

        Decision d = decide(nightly, Optional.empty(), Optional.empty(), 0, 0);

        assertThat(d.kind()).isEqualTo(Decision.Kind.AUTOMATIC);
        assertThat(d.reason()).isEqualTo("scheduled; 0 of 3 automatic runs used this hour");
        assertThat(decide(nightly, Optional.empty(), Optional.of(PAUSED), 0, 0).kind()).isEqualTo(Decision.Kind.APPROVAL);
    }

    @Test
    void anEventWithoutAPrediction_countsAsConfidenceZero_soAPersonDecides() {
        Workflow onAudit = workflow("on: [audit.result.failed]", "approval: {min_confidence: 1.0}\n");

        Decision d = decide(onAudit, Optional.empty(), Optional.empty(), 0, 0);

        assertThat(d.kind()).isEqualTo(Decision.Kind.APPROVAL);
        assertThat(d.reason()).isEqualTo("the event carries no prediction, so no confidence (counted as 0, below 1.00)");
        assertThat(decide(workflow("on: [audit.result.failed]", "approval: {min_confidence: 0.9}\n"), Optional.empty(),
                Optional.empty(), 0, 0).kind()).as("0.9 written, as the default").isEqualTo(Decision.Kind.APPROVAL);
    }

    @Test
    void anEventWithoutAPrediction_runsOnItsOwn_whenTheWorkflowLeavesMinConfidenceAtItsDefault() {
        // stored before events without a prediction counted as confidence 0: it ran on its own and still does
        Workflow onOutcome = workflow("on: [remediation.outcome.not_recovered]", "concurrency: {per_target: 1}\n");

        Decision d = decide(onOutcome, Optional.empty(), Optional.empty(), 0, 0);

        assertThat(d.kind()).isEqualTo(Decision.Kind.AUTOMATIC);
        assertThat(d.reason()).isEqualTo("no prediction, min_confidence not written; 0 of 3 automatic runs used this hour");
        assertThat(decide(SEED, Optional.empty(), Optional.empty(), 0, 0).kind()).isEqualTo(Decision.Kind.AUTOMATIC);
        assertThat(decide(onOutcome, Optional.of(0.5), Optional.empty(), 0, 0).kind()).as("a prediction's confidence "
                + "is still held to the default").isEqualTo(Decision.Kind.APPROVAL);
    }

    @Test
    void anEventWithoutAPrediction_runsOnItsOwn_whenTheWorkflowNeedsNoConfidence() {
        Workflow onAudit = workflow("on: [audit.result.failed]", "approval: {min_confidence: 0}\n");

        Decision d = decide(onAudit, Optional.empty(), Optional.empty(), 1, 0);

        assertThat(d.kind()).isEqualTo(Decision.Kind.AUTOMATIC);
        assertThat(d.reason()).isEqualTo("no confidence needed (min_confidence 0); 1 of 3 automatic runs used this hour");
    }

    @Test
    void aWorkflowWithEventsAndASchedule_tellsItsScheduleFromAnEventWithoutAPrediction() {
        Workflow both = workflow("on: [audit.result.failed]\n  schedule: \"0 3 * * *\"", "approval: {min_confidence: 1.0}\n");

        Decision scheduled = Decision.decide(both, new Decision.Facts(Optional.empty(), true, Optional.empty(), 0, 0));
        Decision event = Decision.decide(both, new Decision.Facts(Optional.empty(), false, Optional.empty(), 0, 0));

        assertThat(scheduled.kind()).isEqualTo(Decision.Kind.AUTOMATIC);
        assertThat(scheduled.reason()).isEqualTo("scheduled; 0 of 3 automatic runs used this hour");
        assertThat(event.kind()).as("an event of a workflow that writes min_confidence: 1.0").isEqualTo(
                Decision.Kind.APPROVAL);
        assertThat(Decision.decide(workflow("on: [audit.result.failed]\n  schedule: \"0 3 * * *\"", ""),
                new Decision.Facts(Optional.empty(), false, Optional.empty(), 0, 0)).kind())
                .as("min_confidence not written: as before").isEqualTo(Decision.Kind.AUTOMATIC);
    }
}
