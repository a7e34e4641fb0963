package io.commandcenter.hub.workflow;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Every workflow's idempotency key begins with its name, whatever the document wrote. */
class WorkflowKeyTemplateTest {
    final WorkflowParser parser = new WorkflowParser(CapabilityCatalog.builtIn());

    String key(String name, String keyLine) {
        return parser.parse("name: " + name + "\ntrigger: {on: [prediction.created]}\n" + keyLine
                + "nodes:\n  - {id: a, agent: devops, action: restart}\n").idempotencyKey().render(
                Bindings.of(Map.of("workflow", Map.of("name", name), "trigger", Map.of("id", "t-1"))));
    }

    @Test
    void theDefaultKey_isUnchanged() {
        assertThat(parser.parse(SeedWorkflows.AUTO_RESTART).idempotencyKey().source())
                .isEqualTo(Workflow.DEFAULT_IDEMPOTENCY_KEY);
        assertThat(key("w", "")).isEqualTo("w:t-1");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "$trigger.id                 | w:t-1",
            "'key-$trigger.id'           | w:key-t-1",
            "'$workflow.name:$trigger.id' | w:t-1",
            "'${workflow.name}/$trigger.id' | w/t-1",
            "'$trigger.id-$workflow.name' | w:t-1-w",
            "'$workflow.name$trigger.id' | w:wt-1",
            "'$workflow.name.$trigger.id' | w:w.t-1"})
    void aCustomKey_beginsWithTheWorkflowsName_unlessItAlreadyDoes(String written, String rendered) {
        assertThat(key("w", "idempotency_key: " + written + "\n")).isEqualTo(rendered);
    }

    @Test
    void twoWorkflowsWithTheSameCustomKey_renderDifferentKeys() {
        assertThat(key("a", "idempotency_key: $trigger.id\n")).isNotEqualTo(key("b", "idempotency_key: $trigger.id\n"));
    }
}
