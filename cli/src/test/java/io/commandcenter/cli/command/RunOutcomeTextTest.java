package io.commandcenter.cli.command;

import io.commandcenter.proto.v1.EntityRef;
import io.commandcenter.proto.v1.PredictionAction;
import io.commandcenter.proto.v1.RunState;
import io.commandcenter.proto.v1.WorkflowRun;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** What {@code cc runs get} says of a run's outcome: only what is true of that run. */
class RunOutcomeTextTest {
    static final EntityRef SERVICE = EntityRef.newBuilder().setKind("service").setId("checkout").build();
    static final Optional<PredictionAction> DECIDED = Optional.of(PredictionAction.newBuilder().setActionId("a-1")
            .setDecision("rejected").setDecidedBy("ana").build());

    static WorkflowRun run(RunState state, EntityRef target) {
        return WorkflowRun.newBuilder().setRunId("run-1").setWorkflow("w").setRevision(1).setState(state)
                .setTarget(target).build();
    }

    static String outcomeLine(WorkflowRun run, Optional<PredictionAction> decision) {
        StringWriter text = new StringWriter();
        RunsCommand.print(new PrintWriter(text, true), run, decision);
        return text.toString().lines().filter(l -> l.startsWith("outcome")).findFirst().orElseThrow();
    }

    @Test
    void aSkippedRun_saysNothingRan_neverThatAnOutcomeMayCome() {
        assertThat(outcomeLine(run(RunState.RUN_STATE_SKIPPED, SERVICE), Optional.empty()))
                .isEqualTo("outcome      none: skipped, nothing ran and nothing was decided");
    }

    @Test
    void aRejectedRun_isStillJudged_forWhetherTheTargetRecoveredWithoutAction() {
        assertThat(outcomeLine(run(RunState.RUN_STATE_REJECTED, SERVICE), DECIDED))
                .startsWith("outcome      not observed (yet): nothing ran; the rejection is judged a window after it");
    }

    @Test
    void aScheduledRunOnItsWorkflow_isNeverJudged() {
        EntityRef workflow = EntityRef.newBuilder().setKind("workflow").setId("nightly").build();

        assertThat(outcomeLine(run(RunState.RUN_STATE_SUCCEEDED, workflow), Optional.empty()))
                .isEqualTo("outcome      none: judged only on an entity, and this run's target is its workflow");
    }

    @Test
    void aFinishedRunWithADecision_waitsForItsOutcome_andOneObservedIsPrinted() {
        assertThat(outcomeLine(run(RunState.RUN_STATE_SUCCEEDED, SERVICE), DECIDED))
                .isEqualTo("outcome      not observed (yet): judged a window after the run ended");
        assertThat(outcomeLine(run(RunState.RUN_STATE_SUCCEEDED, SERVICE).toBuilder().setOutcome("recovered").build(),
                DECIDED)).isEqualTo("outcome      recovered");
    }

    @Test
    void aRunStillRunningOrWaiting_saysWhenItWillBeJudged() {
        assertThat(outcomeLine(run(RunState.RUN_STATE_RUNNING, SERVICE), DECIDED))
                .isEqualTo("outcome      not observed yet: judged a window after the run ends");
        assertThat(outcomeLine(run(RunState.RUN_STATE_AWAITING_APPROVAL, SERVICE), Optional.empty()))
                .startsWith("outcome      not observed yet: judged a window after the decision");
    }

    @Test
    void aFinishedRunWithoutADecision_saysThereIsNothingToJudge() {
        assertThat(outcomeLine(run(RunState.RUN_STATE_INTERRUPTED, SERVICE), Optional.empty()))
                .isEqualTo("outcome      none: no decision was recorded to judge");
    }
}
