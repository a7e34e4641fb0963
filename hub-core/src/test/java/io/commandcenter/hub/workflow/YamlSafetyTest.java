package io.commandcenter.hub.workflow;

import io.commandcenter.common.error.FieldViolation;
import org.junit.jupiter.api.Test;

import static io.commandcenter.hub.workflow.Refusals.refuseOnce;
import static org.assertj.core.api.Assertions.assertThat;

/** Hostile or surprising YAML is refused before it can cost anything or change meaning. */
class YamlSafetyTest {
    final WorkflowParser parser = new WorkflowParser(CapabilityCatalog.builtIn());

    @Test
    void aDocumentOver64KiB_isRefusedWhereItCrossesTheLimit() {
        String padding = ("# " + "x".repeat(98) + "\n").repeat(700); // 70,000 bytes of comments
        FieldViolation v = refuseOnce(parser, SeedWorkflows.AUTO_RESTART + padding);

        assertThat(v.field()).isEmpty();
        assertThat(v.message()).matches("line \\d+, column \\d+: the document is longer than 65536 bytes \\(64 KiB\\)");
    }

    @Test
    void multiByteCharacters_countAsTheirUtf8Bytes() {
        String padding = "# " + "é".repeat(33_000) + "\n"; // 33,000 characters, 66,000 bytes
        FieldViolation v = refuseOnce(parser, SeedWorkflows.AUTO_RESTART + padding);

        assertThat(v.message()).contains("longer than 65536 bytes");
    }

    @Test
    void nestingDeeperThanTwelveLevels_isRefused() {
        String deep = "[".repeat(20_000) + "]".repeat(20_000);
        FieldViolation v = refuseOnce(parser, "name: w\ndescription: " + deep + "\n");

        assertThat(v.message()).isEqualTo("line 2, column 25: the document nests deeper than 12 levels");
    }

    @Test
    void anAliasBomb_isRefusedBeforeItExpands() {
        StringBuilder bomb = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for (char c = 'b'; c <= 'j'; c++) {
            String previous = "*" + (char) (c - 1);
            bomb.append(c).append(": &").append(c).append(" [").append(String.join(", ",
                    java.util.Collections.nCopies(9, previous))).append("]\n");
        }
        FieldViolation v = refuseOnce(parser, bomb.toString());

        assertThat(v.message()).startsWith("line 3, column 36: more than 16 aliases");
    }

    @Test
    void aFewAliasesThatExpandTooFar_areRefusedByTheNodeBudget() {
        String items = String.join(", ", java.util.Collections.nCopies(2000, "x"));
        String yaml = "a: &a [" + items + "]\nb: &b [*a, *a, *a, *a, *a]\nc: [*b, *b, *b]\n";

        FieldViolation v = refuseOnce(parser, yaml);

        assertThat(v.message()).contains("the document expands to more than 20000 values through aliases");
    }

    @Test
    void aRecursiveAlias_isRefused() {
        FieldViolation v = refuseOnce(parser, "name: w\ndescription: &d [*d]\n");

        assertThat(v.field()).isEqualTo("description");
        assertThat(v.message()).isEqualTo("line 2, column 14: an alias refers to a node that contains it");
    }

    @Test
    void aCustomTag_isRefused() {
        FieldViolation v = refuseOnce(parser, SeedWorkflows.AUTO_RESTART.replace("service: $entity.id",
                "service: !!java.lang.ProcessBuilder [rm]"));

        assertThat(v.message()).startsWith("line 11, column 16: tag '!!java.lang.ProcessBuilder' is not allowed");
    }

    @Test
    void aLocalTag_isRefused() {
        FieldViolation v = refuseOnce(parser, "name: !shell w\n");

        assertThat(v.message()).startsWith("line 1, column 7: tag '!shell' is not allowed");
    }

    @Test
    void binaryAndSetTags_areRefused() {
        assertThat(refuseOnce(parser, "name: !!binary aGk=\n").message()).contains("tag '!!binary' is not allowed");
        assertThat(refuseOnce(parser, "name: !!set {a}\n").message()).contains("tag '!!set' is not allowed");
    }

    @Test
    void coreSchemaTags_areAccepted() {
        Workflow w = parser.parse(SeedWorkflows.AUTO_RESTART.replace("name: auto-restart", "name: !!str auto-restart"));

        assertThat(w.name()).isEqualTo("auto-restart");
    }

    @Test
    void aMergeKey_isRefused() {
        FieldViolation v = refuseOnce(parser, "defaults: &d {agent: devops}\nnodes:\n  - <<: *d\n    id: a\n");

        assertThat(v.message()).isEqualTo("line 3, column 5: merge keys (<<) are not supported; write the keys out");
    }

    @Test
    void aNonStringKey_isRefused() {
        FieldViolation v = refuseOnce(parser, SeedWorkflows.AUTO_RESTART.replace("service: $entity.id", "3: $entity.id"));

        assertThat(v.field()).isEqualTo("nodes[0].inputs");
        assertThat(v.message()).startsWith("line 11, column 7: keys must be strings; got a int");
    }

    @Test
    void aDuplicateKey_isRefused() {
        FieldViolation v = refuseOnce(parser, SeedWorkflows.AUTO_RESTART + "name: other\n");

        assertThat(v.field()).isEqualTo("name");
        assertThat(v.message()).isEqualTo("line 17, column 1: duplicate key 'name' (first at line 1)");
    }

    @Test
    void twoDocuments_areRefused() {
        FieldViolation v = refuseOnce(parser, SeedWorkflows.AUTO_RESTART + "---\n" + SeedWorkflows.RETRAIN);

        assertThat(v.message()).startsWith("line 17, column 1: not valid YAML: but found another document");
    }

    @Test
    void anEmptyDocument_isRefused() {
        FieldViolation v = refuseOnce(parser, "# nothing\n");

        assertThat(v.message()).contains("the document is empty");
    }

    @Test
    void aRootThatIsNotAMapping_isRefused() {
        FieldViolation v = refuseOnce(parser, "- name: w\n");

        assertThat(v.message()).isEqualTo("line 1, column 1: a workflow is a mapping (name:, trigger:, nodes:), not a list");
    }

    @Test
    void yaml11Booleans_areStrings_soOnIsAKey() {
        Workflow w = parser.parse(SeedWorkflows.AUTO_RESTART.replace("recommendedAction: restart", "recommendedAction: yes"));

        assertThat(w.trigger().matches("prediction.created", java.util.Map.of("recommendedAction", "yes"))).isTrue();
    }
}
