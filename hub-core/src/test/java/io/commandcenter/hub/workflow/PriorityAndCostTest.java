package io.commandcenter.hub.workflow;

import io.commandcenter.common.error.FieldViolation;
import org.junit.jupiter.api.Test;

import static io.commandcenter.hub.workflow.Refusals.refuseOnce;
import static org.assertj.core.api.Assertions.assertThat;

/** A workflow's priority and a node's cost: what the scheduler's fair queueing weighs them by. */
class PriorityAndCostTest {
    final WorkflowParser parser = new WorkflowParser(CapabilityCatalog.builtIn());

    static String workflow(String priority, String cost) {
        return """
                name: w
                %s
                trigger:
                  on: prediction.created
                nodes:
                  - id: a
                    agent: devops
                    action: restart
                %s
                """.formatted(priority, cost);
    }

    @Test
    void withoutEither_priorityIsFiveAndCostIsOne() {
        Workflow w = parser.parse(SeedWorkflows.AUTO_RESTART);

        assertThat(w.priority()).isEqualTo(5);
        assertThat(w.nodes()).allSatisfy(n -> assertThat(n.cost()).isEqualTo(1.0));
    }

    @Test
    void written_theyAreTaken() {
        Workflow w = parser.parse(workflow("priority: 9", "    cost: 2.5"));

        assertThat(w.priority()).isEqualTo(9);
        assertThat(w.node("a").cost()).isEqualTo(2.5);
    }

    @Test
    void aPriorityOutsideOneToTen_isRefusedAtItsLine() {
        for (String bad : new String[] {"0", "11", "-1", "high", "5.5"}) {
            FieldViolation v = refuseOnce(parser, workflow("priority: " + bad, ""));

            assertThat(v.field()).as(bad).isEqualTo("priority");
            assertThat(v.message()).as(bad).startsWith("line 2, column 11: ");
        }
    }

    @Test
    void aCostOfZeroOrLess_orAboveTheSchedulersLimit_isRefused() {
        FieldViolation zero = refuseOnce(parser, workflow("", "    cost: 0"));
        FieldViolation negative = refuseOnce(parser, workflow("", "    cost: -2"));
        FieldViolation huge = refuseOnce(parser, workflow("", "    cost: 2000000"));

        assertThat(zero.field()).isEqualTo("nodes[0].cost");
        assertThat(zero.message()).isEqualTo("line 9, column 11: nodes[0].cost must be above 0");
        assertThat(negative.field()).isEqualTo("nodes[0].cost");
        assertThat(huge.field()).isEqualTo("nodes[0].cost");
    }
}
