package io.commandcenter.hub.workflow;

import io.commandcenter.common.error.CommandCenterException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class TemplateTest {
    final Bindings bindings = Bindings.of(Map.of(
            "entity", Map.of("id", "veria-api", "kind", "service"),
            "prediction", Map.of("risk", 0.92, "confidence", 0.950, "threshold", 3.0),
            "trigger", Map.of("time", Instant.parse("2026-03-01T10:00:00Z")),
            "nodes", Map.of("restart-service", Map.of("output", Map.of("pid", 4711)))));

    @Test
    void bareAndBracedReferences_renderTheirValues() {
        assertThat(Template.parse("Service $entity.id (${entity.kind}) at risk $prediction.risk").render(bindings))
                .isEqualTo("Service veria-api (service) at risk 0.92");
    }

    @Test
    void numbers_renderWithoutTrailingZeros_andInstantsAsIso() {
        assertThat(Template.parse("$prediction.confidence $prediction.threshold $trigger.time").render(bindings))
                .isEqualTo("0.95 3 2026-03-01T10:00:00Z");
    }

    @Test
    void aDoubleDollar_isALiteralDollar() {
        assertThat(Template.parse("costs $$5, $$entity.id").render(bindings)).isEqualTo("costs $5, $entity.id");
    }

    @Test
    void aTrailingDot_isText() {
        assertThat(Template.parse("restarted $entity.id.").render(bindings)).isEqualTo("restarted veria-api.");
    }

    @Test
    void textAfterAReference_staysText_andIsNeverExecuted() {
        Template t = Template.parse("$entity.id;rm -rf /");

        assertThat(t.references()).extracting(Template.Reference::dotted).containsExactly("entity.id");
        assertThat(t.render(bindings)).isEqualTo("veria-api;rm -rf /");
    }

    @Test
    void aValueLookingLikeAnExpression_isSubstitutedAsData() {
        Bindings hostile = Bindings.of(Map.of("entity", Map.of("id", "$(reboot) ${T(java.lang.Runtime)} `id`")));

        assertThat(Template.parse("svc=$entity.id").render(hostile)).isEqualTo("svc=$(reboot) ${T(java.lang.Runtime)} `id`");
    }

    @Test
    void literalBackticks_areText() {
        assertThat(Template.parse("`$entity.id` restarted").render(bindings)).isEqualTo("`veria-api` restarted");
    }

    @Test
    void bracedReferences_mayNameNodeIdsWithHyphens() {
        assertThat(Template.parse("pid ${nodes.restart-service.output.pid}").render(bindings)).isEqualTo("pid 4711");
    }

    @ParameterizedTest
    @ValueSource(strings = {"$(whoami)", "x $`id`", "${T(java.lang.Runtime).getRuntime().exec('x')}",
            "${entity.id;rm -rf /}", "$entity.__class__", "$entity.id()", "$entity.id[0]", "${entity['id']}",
            "${ entity.id }", "${}", "${entity.id", "cost $5", "$", "$ x", "$entity.getClass()"})
    void escapesAndNonReferences_areRefusedWhenParsed(String text) {
        CommandCenterException e = catchThrowableOfType(() -> Template.parse(text), CommandCenterException.class);

        assertThat(e).isNotNull();
        assertThat(e.reason()).isEqualTo("TEMPLATE_INVALID");
        assertThat(e.getMessage()).startsWith("at character ");
    }

    @Test
    void aMissingValue_failsRenderingNamingThePath() {
        assertThatThrownBy(() -> Template.parse("$prediction.model").render(bindings))
                .isInstanceOfSatisfying(CommandCenterException.class, e -> {
                    assertThat(e.reason()).isEqualTo("TEMPLATE_UNRESOLVED");
                    assertThat(e.violations().get(0).field()).isEqualTo("prediction.model");
                    assertThat(e.getMessage()).contains("no value for $prediction.model");
                });
    }

    @Test
    void aMapIsNotAValue() {
        assertThatThrownBy(() -> Template.parse("$entity").render(bindings)).isInstanceOf(CommandCenterException.class);
    }

    @Test
    void references_areListedInOrder() {
        assertThat(Template.parse("$a.b ${c.d} $$e $f").references()).extracting(Template.Reference::dotted)
                .containsExactly("a.b", "c.d", "f");
    }

    @Test
    void runBindings_exposeEveryRoot() {
        Bindings run = new RunBindings().workflow("auto-restart", "7").run("r-1")
                .trigger("p-1", "prediction.created.risk", Instant.parse("2026-03-01T10:00:00Z"))
                .prediction(Map.of("targetId", "veria-api", "entity", "service", "risk", 0.9))
                .nodeOutput("restart", Map.of("pid", 12)).build();

        assertThat(List.of("workflow.name", "workflow.revision", "run.id", "trigger.id", "trigger.subject",
                "trigger.time", "entity.id", "entity.kind", "prediction.risk", "nodes.restart.output.pid"))
                .map(p -> run.lookup(p).orElse("<missing>"))
                .containsExactly("auto-restart", "7", "r-1", "p-1", "prediction.created.risk", "2026-03-01T10:00:00Z",
                        "veria-api", "service", "0.9", "12");
    }
}
