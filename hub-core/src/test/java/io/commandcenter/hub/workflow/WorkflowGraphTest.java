package io.commandcenter.hub.workflow;

import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.common.error.CommandCenterException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The sequential rule, DAGs with branches and joins, and compensating nodes. */
class WorkflowGraphTest {
    final WorkflowParser parser = new WorkflowParser(CapabilityCatalog.builtIn());
    final WorkflowParser retraining = SeedWorkflows.parserWithRetrainingAgents();

    static final String DIAMOND = """
            name: diamond
            trigger: {on: prediction.created}
            nodes:
              - id: notify_end
                agent: notifier
                action: sendSlack
                depends_on: [restart, scale]
                inputs: {message: "restart pid $nodes.restart.output.pid, scale ${nodes.check-load.output.replicas}"}
              - id: restart
                agent: devops
                action: restart
                depends_on: [check-load]
                on_failure: rollback
              - id: check-load
                agent: devops
                action: scale
              - id: scale
                agent: devops
                action: scale
                depends_on: [check-load]
                on_failure: rollback
              - id: rollback
                agent: devops
                action: rollback
                inputs: {service: $entity.id, load: "${nodes.check-load.output.replicas}"}
              - id: audit
                agent: notifier
                action: webhook
            """;

    @Test
    void withoutAnyDependsOn_nodesRunInListOrder() {
        Workflow w = retraining.parse(SeedWorkflows.RETRAIN);

        assertThat(w.sequential()).isTrue();
        assertThat(w.roots()).containsExactly("collect");
        assertThat(w.dependenciesOf("evaluate")).containsExactly("train");
        assertThat(w.dependents("train")).containsExactly("evaluate");
        assertThat(w.ancestorsOf("register")).containsExactlyInAnyOrder("collect", "train", "evaluate");
    }

    @Test
    void inSequence_aLaterNodeMayReadAnEarlierNodesOutput() {
        Workflow w = retraining.parse(SeedWorkflows.RETRAIN.replace("    action: validate",
                "    action: validate\n    inputs: {model: $nodes.train.output.version}"));

        assertThat(w.node("evaluate").inputs()).containsKey("model");
    }

    @Test
    void oneDependsOn_turnsTheListIntoADag_withBranchesAndAJoin() {
        Workflow w = parser.parse(DIAMOND);

        assertThat(w.sequential()).isFalse();
        assertThat(w.roots()).containsExactly("check-load", "audit");
        assertThat(w.order()).containsExactly("check-load", "restart", "scale", "notify_end", "audit");
        assertThat(w.dependents("check-load")).containsExactly("restart", "scale");
        assertThat(w.dependenciesOf("notify_end")).containsExactly("restart", "scale");
        assertThat(w.ancestorsOf("notify_end")).containsExactlyInAnyOrder("restart", "scale", "check-load");
    }

    @Test
    void theOrder_putsEveryNodeAfterItsDependencies() {
        Workflow w = parser.parse(DIAMOND);

        for (String id : w.order()) {
            for (String dependency : w.dependenciesOf(id)) {
                assertThat(w.order().indexOf(dependency)).as(dependency + " before " + id)
                        .isLessThan(w.order().indexOf(id));
            }
        }
    }

    @Test
    void aCompensatingNode_isOutsideTheOrder_andRunsForTheNodesNamingIt() {
        Workflow w = parser.parse(DIAMOND);

        assertThat(w.order()).doesNotContain("rollback");
        assertThat(w.node("rollback").compensating()).isTrue();
        assertThat(w.dependenciesOf("rollback")).isEmpty();
        assertThat(w.compensationFor("restart")).map(WorkflowNode::id).contains("rollback");
        assertThat(w.compensationFor("scale")).map(WorkflowNode::id).contains("rollback");
        assertThat(w.compensationFor("notify_end")).isEmpty();
    }

    @Test
    void inSequence_aCompensatingNodeIsLeftOutOfTheChain() {
        Workflow w = parser.parse("""
                name: w
                trigger: {on: prediction.created}
                nodes:
                  - {id: restart, agent: devops, action: restart, on_failure: rollback}
                  - {id: rollback, agent: devops, action: rollback}
                  - {id: notify, agent: notifier, action: sendSlack}
                """);

        assertThat(w.order()).containsExactly("restart", "notify");
        assertThat(w.dependenciesOf("notify")).containsExactly("restart");
    }

    @Test
    void aCompensatingNode_mayOnlyReadWhatEveryNodeItCompensatesDependsOn() {
        String yaml = DIAMOND.replace("load: \"${nodes.check-load.output.replicas}\"", "pid: $nodes.restart.output.pid");

        CommandCenterException e = catchThrowableOfType(() -> parser.parse(yaml), CommandCenterException.class);

        assertThat(e.violations()).singleElement().satisfies(v -> {
            assertThat(v.field()).isEqualTo("nodes[4].inputs.pid");
            assertThat(v.message()).contains("node 'rollback' reads $nodes.restart.output.pid but does not depend on 'restart'");
        });
    }

    @Test
    void renderingANodesInputs_readsTheOutputsOfItsDependencies() {
        Workflow w = parser.parse(DIAMOND);
        Bindings bindings = new RunBindings().prediction(Map.of("targetId", "api", "entity", "service"))
                .nodeOutput("restart", Map.of("pid", 42)).nodeOutput("check-load", Map.of("replicas", 3)).build();

        assertThat(w.node("notify_end").renderInputs(bindings)).containsExactly(
                Map.entry("message", "restart pid 42, scale 3"));
        assertThat(w.node("rollback").renderInputs(bindings)).containsExactly(
                Map.entry("service", "api"), Map.entry("load", "3"));
    }

    @Test
    void anUnknownNodeId_isNotFound() {
        CommandCenterException e = catchThrowableOfType(() -> parser.parse(DIAMOND).dependenciesOf("nope"), CommandCenterException.class);

        assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND);
        assertThat(e.reason()).isEqualTo("WORKFLOW_NODE_NOT_FOUND");
    }

    @Test
    void aThreeNodeCycle_isNamedInFull() {
        String yaml = """
                name: w
                trigger: {on: prediction.created}
                nodes:
                  - {id: a, agent: devops, action: restart, depends_on: [c]}
                  - {id: b, agent: devops, action: restart, depends_on: [a]}
                  - {id: c, agent: devops, action: restart, depends_on: [b]}
                  - {id: d, agent: devops, action: restart}
                """;

        CommandCenterException e = catchThrowableOfType(() -> parser.parse(yaml), CommandCenterException.class);

        assertThat(e.violations()).singleElement().satisfies(v -> {
            assertThat(v.field()).isEqualTo("nodes[0].depends_on[0]");
            assertThat(v.message()).isEqualTo("line 4, column 58: depends_on forms a cycle: a -> c -> b -> a "
                    + "(each depends on the next)");
        });
    }

    @Test
    void numbersAndBooleansInInputs_areTakenAsWritten() {
        Workflow w = parser.parse("""
                name: w
                trigger: {on: prediction.created}
                nodes:
                  - id: a
                    agent: devops
                    action: scale
                    inputs: {replicas: 3, ratio: 0.50, force: true}
                """);

        assertThat(w.node("a").renderInputs(name -> java.util.Optional.empty()))
                .containsExactly(Map.entry("replicas", "3"), Map.entry("ratio", "0.50"), Map.entry("force", "true"));
    }

    @Test
    void everySectionWritten_isRead() {
        Workflow w = parser.parse("""
                name: guarded-restart
                description: restart with guard rails
                trigger:
                  on: [prediction.created.risk]
                  filters: {risk: {gte: 0.8}}
                  schedule: "*/5 * * * *"
                  timezone: Europe/Paris
                approval: {min_confidence: 0.75, expires_after: PT10M}
                concurrency: {per_target: 2}
                blast_radius: {max_per_hour: 0}
                deadline: 2h
                idempotency_key: "$workflow.name/$entity.id/$trigger.id"
                nodes:
                  - {id: a, agent: devops, action: restart}
                """);

        assertThat(w.description()).isEqualTo("restart with guard rails");
        assertThat(w.trigger().schedule()).isPresent();
        assertThat(w.approval()).isEqualTo(new Approval(0.75, java.time.Duration.ofMinutes(10)));
        assertThat(w.concurrency().perTarget()).isEqualTo(2);
        assertThat(w.blastRadius().maxPerHour()).isZero();
        assertThat(w.deadline()).isEqualTo(java.time.Duration.ofHours(2));
        assertThat(w.idempotencyKey().references()).hasSize(3);
    }

    static String chain(int nodes) {
        StringBuilder yaml = new StringBuilder("name: long\ntrigger: {on: prediction.created}\nnodes:\n");
        for (int i = 0; i < nodes; i++) {
            yaml.append("  - id: n").append(i).append("\n    agent: devops\n    action: restart\n")
                    .append(i == 0 ? "    depends_on: []\n" : "    depends_on: [n" + (i - 1) + "]\n")
                    .append("    inputs: {service: $entity.id").append(i == 0 ? "" : ", pid: $nodes.n0.output.pid")
                    .append("}\n");
        }
        return yaml.toString();
    }

    @Test
    void aHundredNodes_parse_andTheLastMayReadTheFirstThroughTheChain() {
        Workflow w = parser.parse(chain(100));

        assertThat(w.order()).hasSize(100).startsWith("n0", "n1").endsWith("n99");
        assertThat(w.ancestorsOf("n99")).hasSize(99);
    }

    @Test
    void aHundredAndOneNodes_areRefused() {
        assertThat(Refusals.refuseOnce(parser, chain(101)).message()).isEqualTo("line 4, column 3: at most 100 nodes, got 101");
    }
}
