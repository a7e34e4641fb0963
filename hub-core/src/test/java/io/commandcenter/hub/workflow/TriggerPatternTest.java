package io.commandcenter.hub.workflow;

import io.commandcenter.common.error.FieldViolation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static io.commandcenter.hub.workflow.Refusals.refuse;
import static io.commandcenter.hub.workflow.Refusals.refuseOnce;
import static org.assertj.core.api.Assertions.assertThat;

/** A {@code trigger.on} pattern that could never match a subject the hub publishes is refused, with where and why. */
class TriggerPatternTest {
    final WorkflowParser parser = new WorkflowParser(CapabilityCatalog.builtIn());

    static String withOn(String on) {
        return "name: w\ntrigger:\n  on: " + on + "\nnodes:\n  - {id: a, agent: devops, action: restart}\n";
    }

    @Test
    void aCommaInOnePattern_isRefused_pointingToTheListForm() {
        FieldViolation v = refuseOnce(parser, withOn("[\"prediction.created,approval\"]"));

        assertThat(v.field()).isEqualTo("trigger.on[0]");
        assertThat(v.message()).startsWith("line 3, column 8: ")
                .contains("one pattern with a comma").contains("on: [prediction.created, approval]");
    }

    @Test
    void aFirstTokenNoSubjectHas_isRefused_withDidYouMean() {
        FieldViolation v = refuseOnce(parser, withOn("[approval, predictions.created]"));

        assertThat(v.field()).isEqualTo("trigger.on[1]");
        assertThat(v.message()).startsWith("line 3, column 18: ")
                .contains("no event subject starts with 'predictions' (did you mean 'prediction'?)")
                .contains("subjects start with approval, audit, entity, hub, mesh, model, prediction, remediation, task,"
                        + " workflow");
    }

    @Test
    void aSecondTokenNoSubjectUnderItsRootHas_isRefused_withTheOneThereIs() {
        FieldViolation v = refuseOnce(parser, withOn("prediction.crated"));

        assertThat(v.field()).isEqualTo("trigger.on");
        assertThat(v.message()).contains("no event subject starts with 'prediction.crated'"
                + " (did you mean 'prediction.created'?)");
    }

    @Test
    void aGreaterThanWildcard_isRefused_sayingAPrefixAlreadyMatchesEverythingBelow() {
        FieldViolation v = refuseOnce(parser, withOn("[prediction.created.>]"));

        assertThat(v.field()).isEqualTo("trigger.on[0]");
        assertThat(v.message()).contains("'>' is not a wildcard here").contains("write 'prediction.created'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"hub.health.api*", "prediction.*created", "hub.heal*"})
    void aStarInsideAToken_isRefused(String pattern) {
        FieldViolation v = refuseOnce(parser, withOn("[\"" + pattern + "\"]"));

        assertThat(v.field()).isEqualTo("trigger.on[0]");
        assertThat(v.message()).contains("'*' stands for one whole token");
    }

    @Test
    void everyBadPattern_isReportedAtOnce_eachAtItsPlace() {
        List<FieldViolation> violations = refuse(parser, withOn(
                "[prediction.created, \"a,b\", predictions, hub.*, workflow.runs, audit.result.>]"));

        assertThat(violations).extracting(FieldViolation::field)
                .containsExactly("trigger.on[1]", "trigger.on[2]", "trigger.on[4]", "trigger.on[5]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"prediction.created", "prediction.created.risk", "prediction", "*", "*.created",
            "hub.health.*", "hub.health.agent.devops", "audit.result.failed", "task.failed", "workflow.run.failed",
            "entity.risk", "approval.requested", "approval", "remediation.outcome.worse", "mesh.schedule.assignment",
            "model.train.requested", "prediction.*"})
    void patternsOfSubjectsTheHubPublishes_areAccepted(String pattern) {
        Workflow w = parser.parse(withOn("[\"" + pattern + "\"]"));

        assertThat(w.trigger().on()).singleElement().hasToString(pattern);
    }

    @Test
    void aStoredRevision_withPatternsTheRulesRefuse_parsesAsWritten_warningOncePerPattern() {
        java.util.List<String> warnings = new java.util.ArrayList<>();
        Workflow w = parser.parseStored(withOn("[prediction.created, predictions.created, \"approval,task\"]"),
                warnings::add);

        assertThat(w.trigger().on()).extracting(Object::toString)
                .containsExactly("prediction.created", "predictions.created", "approval,task");
        assertThat(warnings).hasSize(2);
        assertThat(warnings.get(0)).startsWith("trigger.on[1] (line 3, column 28: no event subject starts with "
                + "'predictions'");
        assertThat(warnings.get(1)).startsWith("trigger.on[2] (").contains("one pattern with a comma");
    }

    @Test
    void aStoredRevision_withAPatternThatNeverParsed_isStillRefused() {
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> parser.parseStored(withOn("[\"a..b\"]"),
                s -> { })))
                .hasMessageContaining("trigger.on[0]").hasMessageContaining("empty token");
    }
}
