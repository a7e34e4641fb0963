package io.commandcenter.hub.workflow;

import io.commandcenter.common.error.FieldViolation;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.commandcenter.hub.workflow.Refusals.refuse;
import static io.commandcenter.hub.workflow.Refusals.refuseOnce;
import static org.assertj.core.api.Assertions.assertThat;

/** Bad documents an author can write, each refused with the field and the line. */
class WorkflowRefusalTest {
    final WorkflowParser parser = new WorkflowParser(CapabilityCatalog.builtIn());
    final WorkflowParser retraining = SeedWorkflows.parserWithRetrainingAgents();

    static String twoNodes(String first, String second) {
        return """
                name: w
                trigger:
                  on: prediction.created
                nodes:
                  - id: a
                    agent: devops
                    action: restart
                %s
                  - id: b
                    agent: notifier
                    action: sendSlack
                %s
                """.formatted(first, second);
    }

    @Test
    void malformedYaml_isRefusedWithTheParsersPosition() {
        FieldViolation v = refuseOnce(parser, "name: w\ntrigger:\n  on: [prediction.created\nnodes: []\n");

        assertThat(v.field()).isEmpty();
        assertThat(v.message()).startsWith("line 4, column 6: not valid YAML: ");
    }

    @Test
    void anUnknownKey_isRefusedWithASuggestion() {
        FieldViolation v = refuseOnce(parser, twoNodes("    inptus: {x: y}", ""));

        assertThat(v.field()).isEqualTo("nodes[0].inptus");
        assertThat(v.message()).startsWith("line 8, column 5: unknown key 'inptus' in nodes[0] (did you mean 'inputs'?)");
    }

    @Test
    void anUnknownTopLevelKey_isRefused() {
        FieldViolation v = refuseOnce(parser, "nme: w\n" + SeedWorkflows.AUTO_RESTART.substring("name: auto-restart\n".length())
                + "name: x\n");

        assertThat(v.field()).isEqualTo("nme");
        assertThat(v.message()).contains("line 1, column 1: unknown key 'nme' (did you mean 'name'?)");
    }

    @Test
    void anUnknownAgent_isRefusedAtItsLine() {
        FieldViolation v = refuseOnce(parser, SeedWorkflows.AUTO_RESTART.replace("agent: devops", "agent: devopz"));

        assertThat(v.field()).isEqualTo("nodes[0].agent");
        assertThat(v.message()).startsWith("line 8, column 12: unknown agent 'devopz' (did you mean 'devops'?)")
                .endsWith("; known agents: devops, notifier");
    }

    @Test
    void anUnknownAction_isRefusedListingTheAgentsActions() {
        FieldViolation v = refuseOnce(parser, SeedWorkflows.AUTO_RESTART.replace("action: restart", "action: reboot"));

        assertThat(v.field()).isEqualTo("nodes[0].action");
        assertThat(v.message()).isEqualTo("line 9, column 13: agent 'devops' has no action 'reboot'; its actions: "
                + "restart, rollback, scale");
    }

    @Test
    void aCycleInDependsOn_isRefusedNamingTheCycle() {
        FieldViolation v = refuseOnce(parser, twoNodes("    depends_on: [b]", "    depends_on: [a]"));

        assertThat(v.field()).isEqualTo("nodes[0].depends_on[0]");
        assertThat(v.message()).isEqualTo("line 8, column 18: depends_on forms a cycle: a -> b -> a "
                + "(each depends on the next)");
    }

    @Test
    void aNodeDependingOnItself_isRefused() {
        FieldViolation v = refuseOnce(parser, twoNodes("    depends_on: [a]", ""));

        assertThat(v.field()).isEqualTo("nodes[0].depends_on[0]");
        assertThat(v.message()).contains("cannot depend on itself");
    }

    @Test
    void dependsOnAnUnknownNode_isRefusedWithASuggestion() {
        FieldViolation v = refuseOnce(parser, twoNodes("", "    depends_on: [aa]"));

        assertThat(v.field()).isEqualTo("nodes[1].depends_on[0]");
        assertThat(v.message()).isEqualTo("line 12, column 18: depends_on names unknown node 'aa' (did you mean 'a'?)");
    }

    @Test
    void aDuplicateNodeId_isRefusedPointingAtBoth() {
        FieldViolation v = refuseOnce(parser, twoNodes("", "").replace("id: b", "id: a"));

        assertThat(v.field()).isEqualTo("nodes[1].id");
        assertThat(v.message()).isEqualTo("line 9, column 9: duplicate node id 'a' (first at nodes[0], line 5, column 9)");
    }

    @Test
    void anEscapingExpression_isRefusedAtLoad() {
        FieldViolation v = refuseOnce(parser, twoNodes("    inputs: {service: \"${T(java.lang.Runtime)}\"}", ""));

        assertThat(v.field()).isEqualTo("nodes[0].inputs.service");
        assertThat(v.message()).startsWith("line 8, column 23: input 'service': at character 1: "
                + "'${T(java.lang.Runtime)}' is not a reference");
    }

    @Test
    void commandSubstitution_isRefusedAtLoad() {
        FieldViolation v = refuseOnce(parser, twoNodes("    inputs:\n      cmd: \"x $(rm -rf /)\"", ""));

        assertThat(v.field()).isEqualTo("nodes[0].inputs.cmd");
        assertThat(v.message()).startsWith("line 9, column 12: input 'cmd': at character 3: '$(' is not allowed");
    }

    @Test
    void readingTheOutputOfANodeThatIsNotADependency_isRefused() {
        FieldViolation v = refuseOnce(parser, twoNodes("    depends_on: []\n    inputs: {x: $nodes.b.output.pid}",
                "    depends_on: [a]"));

        assertThat(v.field()).isEqualTo("nodes[0].inputs.x");
        assertThat(v.message()).isEqualTo("line 9, column 17: input 'x': node 'a' reads $nodes.b.output.pid but does "
                + "not depend on 'b' (directly or through others), so that output may not exist yet; add it to depends_on");
    }

    @Test
    void anUnknownReference_isRefusedWithASuggestion() {
        FieldViolation v = refuseOnce(parser, twoNodes("    inputs: {x: $entity.idd}", ""));

        assertThat(v.message()).contains("unknown reference $entity.idd (did you mean 'id'?); $entity has id, kind");
    }

    @Test
    void aScheduleOnlyWorkflow_cannotReadTheEntity() {
        FieldViolation v = refuseOnce(retraining, SeedWorkflows.RETRAIN.replace("    action: trainModel",
                "    action: trainModel\n    inputs: {target: $entity.id}"));

        assertThat(v.field()).isEqualTo("nodes[1].inputs.target");
        assertThat(v.message()).contains("this workflow has no event trigger (trigger.on), so there is no $entity");
    }

    @Test
    void nestedInputs_areRefused() {
        FieldViolation v = refuseOnce(parser, twoNodes("    inputs:\n      labels: {team: sre}", ""));

        assertThat(v.field()).isEqualTo("nodes[0].inputs.labels");
        assertThat(v.message()).contains("nested lists and maps are not allowed");
    }

    @Test
    void emptyNodes_areRefused() {
        FieldViolation v = refuseOnce(parser, "name: w\ntrigger: {on: prediction.created}\nnodes: []\n");

        assertThat(v.field()).isEqualTo("nodes");
        assertThat(v.message()).isEqualTo("line 3, column 8: nodes needs at least one node");
    }

    @Test
    void missingRequiredFields_areEachReported() {
        List<FieldViolation> violations = refuse(parser, "description: nothing else\n");

        assertThat(violations).extracting(FieldViolation::field).containsExactly("name", "trigger", "nodes");
    }

    @Test
    void badDurations_areRefusedNamingTheForms() {
        List<FieldViolation> violations = refuse(parser, twoNodes("    timeout: 60\n    retry: {backoff: 5 minutes}",
                "") + "deadline: -PT5M\napproval: {expires_after: 0s}\n");

        assertThat(violations).extracting(FieldViolation::field)
                .containsExactly("approval.expires_after", "deadline", "nodes[0].retry.backoff", "nodes[0].timeout");
        assertThat(violations.get(3).message()).isEqualTo("line 8, column 14: nodes[0].timeout: '60' has no unit; "
                + "write a whole number with a unit (500ms, 30s, 5m, 2h, 1d) or ISO-8601 (PT5M)");
        assertThat(violations.get(0).message()).contains("must be from 1s to 7d");
    }

    @Test
    void aBadCron_isRefusedNamingTheCronField() {
        FieldViolation v = refuseOnce(retraining, SeedWorkflows.RETRAIN.replace("0 3 * * *", "0 25 * * *"));

        assertThat(v.field()).isEqualTo("trigger.schedule");
        assertThat(v.message()).isEqualTo("line 3, column 13: cron '0 25 * * *': hour field '25' value 25 is out of "
                + "range 0-23");
    }

    @Test
    void anUnknownTimezone_isRefusedWithASuggestion() {
        FieldViolation v = refuseOnce(retraining, SeedWorkflows.RETRAIN.replace("  schedule:", "  timezone: Europe/Pariss\n  schedule:"));

        assertThat(v.field()).isEqualTo("trigger.timezone");
        assertThat(v.message()).startsWith("line 3, column 13: unknown time zone 'Europe/Pariss'")
                .endsWith("(did you mean 'Europe/Paris'?)");
    }

    @Test
    void aTriggerWithNeitherOnNorSchedule_isRefused() {
        FieldViolation v = refuseOnce(retraining, SeedWorkflows.RETRAIN.replace("  schedule: \"0 3 * * *\"", "  schedule:"));

        assertThat(v.field()).isEqualTo("trigger");
        assertThat(v.message()).contains("trigger needs 'on' (event subjects), 'schedule' (cron), or both");
    }

    @Test
    void aBadName_isRefused() {
        FieldViolation v = refuseOnce(parser, SeedWorkflows.AUTO_RESTART.replace("name: auto-restart", "name: Auto Restart"));

        assertThat(v.field()).isEqualTo("name");
        assertThat(v.message()).startsWith("line 1, column 7: name 'Auto Restart' must be 1-64 lowercase letters");
    }

    @Test
    void onFailureNamingADependency_isRefused() {
        FieldViolation v = refuseOnce(parser, twoNodes("    on_failure: b\n    depends_on: []", "    depends_on: [a]"));

        assertThat(v.field()).isEqualTo("nodes[1].depends_on");
        assertThat(v.message()).contains("'b' is the on_failure of 'a' and runs only when that fails; it cannot have depends_on");
    }

    @Test
    void onFailureNamingAnUnknownNode_isRefused() {
        FieldViolation v = refuseOnce(parser, twoNodes("    on_failure: rollback", ""));

        assertThat(v.field()).isEqualTo("nodes[0].on_failure");
        assertThat(v.message()).isEqualTo("line 8, column 17: on_failure names unknown node 'rollback'");
    }

    @Test
    void aCompensatingNode_cannotBeADependency() {
        String yaml = twoNodes("    on_failure: b\n    depends_on: []", "") + """
                  - id: c
                    agent: notifier
                    action: webhook
                    depends_on: [b]
                """;

        FieldViolation v = refuseOnce(parser, yaml);

        assertThat(v.field()).isEqualTo("nodes[2].depends_on[0]");
        assertThat(v.message()).contains("'b' is the on_failure of 'a' and runs only when that fails; it cannot be a dependency");
    }

    @Test
    void filtersOnUnknownPredictionFields_andOrderOperatorsOnText_areRefused() {
        List<FieldViolation> violations = refuse(parser, SeedWorkflows.AUTO_RESTART.replace("recommendedAction: restart",
                "recomendedAction: restart\n    risk: {gte: high}"));

        assertThat(violations).extracting(FieldViolation::field)
                .containsExactly("trigger.filters.recomendedAction", "trigger.filters.risk.gte");
        assertThat(violations.get(0).message()).contains("(did you mean 'recommendedAction'?)");
        assertThat(violations.get(1).message()).isEqualTo("line 6, column 17: gte compares numbers; got 'high'");
    }

    @Test
    void outOfRangeNumbers_areRefused() {
        List<FieldViolation> violations = refuse(parser, SeedWorkflows.AUTO_RESTART
                + "approval: {min_confidence: 1.5}\nconcurrency: {per_target: 0}\nblast_radius: {max_per_hour: 2.5}\n");

        assertThat(violations).extracting(FieldViolation::field)
                .containsExactly("approval.min_confidence", "concurrency.per_target", "blast_radius.max_per_hour");
    }

    @Test
    void aRetryWhoseCapIsBelowItsBackoff_isRefused() {
        FieldViolation v = refuseOnce(parser, twoNodes("    retry: {max_attempts: 3, backoff: 10s, max_backoff: 5s}", ""));

        assertThat(v.field()).isEqualTo("nodes[0].retry.max_backoff");
        assertThat(v.message()).contains("max_backoff (5s) must not be shorter than backoff (10s)");
    }

    @Test
    void anIdempotencyKeyReadingTheRunId_isRefused() {
        FieldViolation v = refuseOnce(parser, SeedWorkflows.AUTO_RESTART + "idempotency_key: \"$run.id\"\n");

        assertThat(v.field()).isEqualTo("idempotency_key");
        assertThat(v.message()).contains("is new for every run");
    }

    @Test
    void manyProblems_areAllReportedAtOnce() {
        List<FieldViolation> violations = refuse(parser, SeedWorkflows.AUTO_RESTART.replace("agent: devops", "agent: x")
                .replace("action: sendSlack", "action: sendSlak"));

        assertThat(violations).extracting(FieldViolation::field)
                .containsExactly("nodes[0].agent", "nodes[1].action");
    }
}
