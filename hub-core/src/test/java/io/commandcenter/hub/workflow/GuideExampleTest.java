package io.commandcenter.hub.workflow;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The example workflow of the operator guide (section 15) parses, and means what the guide says. */
class GuideExampleTest {

    static String example() throws Exception {
        Path guide = Files.exists(Path.of("../docs/phase12-intelligence.md")) ? Path.of("../docs/phase12-intelligence.md")
                : Path.of("docs/phase12-intelligence.md");
        Matcher m = Pattern.compile("```yaml\\n(name: heal-checkout\\n.*?)```", Pattern.DOTALL)
                .matcher(Files.readString(guide));
        assertThat(m.find()).as("the guide's heal-checkout example").isTrue();
        return m.group(1);
    }

    @Test
    void theGuidesExample_parses_withTheDagItDescribes() throws Exception {
        Workflow w = new WorkflowParser(CapabilityCatalog.builtIn()).parse(example());

        assertThat(w.name()).isEqualTo("heal-checkout");
        assertThat(w.roots()).containsExactlyInAnyOrder("page", "restart");
        assertThat(w.dependenciesOf("report")).containsExactlyInAnyOrder("page", "restart");
        assertThat(w.compensationFor("restart")).hasValueSatisfying(n -> assertThat(n.id()).isEqualTo("rollback"));
        assertThat(w.approval().minConfidence()).isEqualTo(0.85);
        assertThat(w.blastRadius().maxPerHour()).isEqualTo(2);
        assertThat(w.node("restart").retry().maxAttempts()).isEqualTo(3);
    }
}
