package io.commandcenter.hub.workflow;

import io.commandcenter.common.error.FieldViolation;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SeedWorkflowTest {
    final WorkflowParser parser = new WorkflowParser(CapabilityCatalog.builtIn());

    @Test
    void autoRestart_asWrittenInTheSeed_parsesIntoTwoSequentialNodes() {
        Workflow w = parser.parse(SeedWorkflows.AUTO_RESTART);

        assertThat(w.name()).isEqualTo("auto-restart");
        assertThat(w.sequential()).isTrue();
        assertThat(w.order()).containsExactly("restart_service", "notify");
        assertThat(w.roots()).containsExactly("restart_service");
        assertThat(w.dependenciesOf("notify")).containsExactly("restart_service");
        WorkflowNode restart = w.node("restart_service");
        assertThat(restart.agent()).isEqualTo("devops");
        assertThat(restart.action()).isEqualTo("restart");
        assertThat(restart.inputs().get("service").source()).isEqualTo("$entity.id");
    }

    @Test
    void autoRestart_startsOnARestartPrediction_andRendersItsInputs() {
        Workflow w = parser.parse(SeedWorkflows.AUTO_RESTART);
        Map<String, Object> prediction = Map.of("recommendedAction", "restart", "entity", "service",
                "targetId", "veria-api", "risk", 0.92);
        Bindings bindings = new RunBindings().prediction(prediction).build();

        assertThat(w.trigger().matches("prediction.created.risk", prediction)).isTrue();
        assertThat(w.trigger().matches("prediction.created.risk", Map.of("recommendedAction", "scale"))).isFalse();
        assertThat(w.node("restart_service").renderInputs(bindings)).containsEntry("service", "veria-api");
        assertThat(w.node("notify").renderInputs(bindings))
                .containsEntry("message", "Service veria-api restarted after predicted failure.");
    }

    @Test
    void retrain_asWrittenInTheSeed_runsItsFourNodesInListOrderAtThreeUtc_onceItsAgentsAreKnown() {
        Workflow w = SeedWorkflows.parserWithRetrainingAgents().parse(SeedWorkflows.RETRAIN);

        assertThat(w.order()).containsExactly("collect", "train", "evaluate", "register");
        assertThat(w.node("collect").inputs()).isEmpty();
        assertThat(w.trigger().onEvents()).isFalse();
        assertThat(w.trigger().timezone()).isEqualTo(ZoneOffset.UTC);
        assertThat(w.trigger().nextFire(Instant.parse("2026-03-01T10:00:00Z")))
                .contains(Instant.parse("2026-03-02T03:00:00Z"));
        assertThat(w.trigger().matches("prediction.created.risk", Map.of())).isFalse();
    }

    @Test
    void retrain_withTheBuiltInAgentsAlone_isRefused_namingEachUnknownAgentAtItsLine() {
        var violations = Refusals.refuse(parser, SeedWorkflows.RETRAIN);

        assertThat(violations).extracting(FieldViolation::field)
                .containsExactly("nodes[0].agent", "nodes[1].agent", "nodes[2].agent", "nodes[3].agent");
        assertThat(violations).extracting(FieldViolation::message).satisfiesExactly(
                m -> assertThat(m).startsWith("line 6, column 12: unknown agent 'data-collector'"),
                m -> assertThat(m).startsWith("line 9, column 12: unknown agent 'trainer'"),
                m -> assertThat(m).startsWith("line 12, column 12: unknown agent 'evaluator'"),
                m -> assertThat(m).startsWith("line 15, column 12: unknown agent 'registry'"));
        assertThat(violations).allSatisfy(v -> assertThat(v.message()).endsWith("; known agents: devops, notifier"));
    }

    @Test
    void everyDefault_isFilledIn_whenTheDocumentOmitsIt() {
        Workflow w = parser.parse(SeedWorkflows.AUTO_RESTART);
        WorkflowNode node = w.node("notify");

        assertThat(w.description()).isEmpty();
        assertThat(w.approval().minConfidence()).isEqualTo(0.9);
        assertThat(w.approval().expiresAfter()).isEqualTo(Duration.ofMinutes(30));
        assertThat(w.concurrency().perTarget()).isEqualTo(1);
        assertThat(w.blastRadius().maxPerHour()).isEqualTo(3);
        assertThat(w.deadline()).isEqualTo(Duration.ofMinutes(30));
        assertThat(w.idempotencyKey().source()).isEqualTo("$workflow.name:$trigger.id");
        assertThat(node.timeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(node.onFailure()).isEmpty();
        assertThat(node.compensating()).isFalse();
        assertThat(node.retry()).isEqualTo(new RetryPolicy(1, Duration.ofSeconds(1), Duration.ofSeconds(30), 2.0,
                0.2, java.util.Set.of()));
    }

    @Test
    void theApprovalDefault_asksAHumanBelowNinetyPercentConfidence() {
        Approval approval = parser.parse(SeedWorkflows.AUTO_RESTART).approval();

        assertThat(approval.needsHuman(0.89)).isTrue();
        assertThat(approval.needsHuman(0.9)).isFalse();
    }

    @Test
    void theSha256_isOfTheNormalizedText_soLineEndingsAndABomDoNotMakeANewRevision() {
        Workflow unix = parser.parse(SeedWorkflows.AUTO_RESTART);
        Workflow windows = parser.parse("\uFEFF" + SeedWorkflows.AUTO_RESTART.replace("\n", "\r\n"));
        Workflow edited = parser.parse(SeedWorkflows.AUTO_RESTART + "# reviewed\n");

        assertThat(windows.sha256()).isEqualTo(unix.sha256()).hasSize(64).matches("[0-9a-f]+");
        assertThat(edited.sha256()).isNotEqualTo(unix.sha256());
        assertThat(windows.source()).isEqualTo(SeedWorkflows.AUTO_RESTART);
    }

    @Test
    void theIdempotencyKey_rendersPerWorkflowAndTrigger() {
        Workflow w = parser.parse(SeedWorkflows.AUTO_RESTART);
        Bindings bindings = new RunBindings().workflow("auto-restart", "3").trigger("p-42", "prediction.created.risk",
                Instant.parse("2026-03-01T10:00:00Z")).build();

        assertThat(w.idempotencyKey().render(bindings)).isEqualTo("auto-restart:p-42");
    }
}
