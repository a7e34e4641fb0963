package io.commandcenter.hub.workflow;

import io.commandcenter.common.error.CommandCenterException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class CatalogAndDurationsTest {
    @Test
    void theBuiltInCatalog_knowsOnlyTheAgentsEveryHubRuns() {
        CapabilityCatalog catalog = CapabilityCatalog.builtIn();

        assertThat(catalog.knows("devops", "restart")).isTrue();
        assertThat(catalog.knows("notifier", "webhook")).isTrue();
        assertThat(catalog.knows("devops", "sendSlack")).isFalse();
        assertThat(catalog.actionsOf("nobody")).isEmpty();
        assertThat(catalog.agents()).containsExactlyInAnyOrder("devops", "notifier");
    }

    @Test
    void theRetrainingAgents_areNotBuiltIn_butKnownThroughASecondCatalog() {
        CapabilityCatalog builtIn = CapabilityCatalog.builtIn();
        CapabilityCatalog connected = builtIn.and(SeedWorkflows.RETRAINING_AGENTS);

        for (String agent : SeedWorkflows.RETRAINING_AGENTS.agents()) {
            assertThat(builtIn.actionsOf(agent)).as(agent).isEmpty();
        }
        assertThat(connected.knows("registry", "updateModelRegistry")).isTrue();
        assertThat(connected.knows("trainer", "trainModel")).isTrue();
        assertThat(connected.agents()).containsExactlyInAnyOrder("devops", "notifier", "data-collector", "trainer",
                "evaluator", "registry");
    }

    @Test
    void combinedCatalogs_knowWhatEitherKnows_andMergeAnAgentsActions() {
        CapabilityCatalog extra = CapabilityCatalog.of(Map.of("devops", Set.of("drain"), "pager", Set.of("page")));
        CapabilityCatalog both = CapabilityCatalog.builtIn().and(extra);

        assertThat(both.actionsOf("devops")).containsExactlyInAnyOrder("restart", "scale", "rollback", "drain");
        assertThat(both.knows("pager", "page")).isTrue();
        assertThat(both.agents()).contains("pager", "devops");
    }

    @Test
    void aCatalogGivenOnlyActionsOf_stillValidatesWorkflows() {
        CapabilityCatalog lambda = agent -> agent.equals("devops") ? Set.of("restart") : Set.of();
        WorkflowParser parser = new WorkflowParser(lambda);

        assertThat(parser.parse("name: w\ntrigger: {on: hub.health}\nnodes: [{id: a, agent: devops, action: restart}]\n")
                .node("a").action()).isEqualTo("restart");
        assertThat(Refusals.refuseOnce(parser, "name: w\ntrigger: {on: hub.health}\nnodes: [{id: a, agent: ops, action: restart}]\n")
                .message()).isEqualTo("line 3, column 24: unknown agent 'ops'");
    }

    @ParameterizedTest
    @CsvSource({"500ms, PT0.5S", "30s, PT30S", "5m, PT5M", "2h, PT2H", "1d, PT24H", "PT5M, PT5M", "p1dt2h, PT26H",
            "0s, PT0S"})
    void durations_readShortAndIsoForms(String text, String expected) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.parse(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"60", "5 minutes", "1.5h", "-5s", "-PT5M", "PT", "5M", "1h30m", ""})
    void badDurations_areRefused(String text) {
        CommandCenterException e = catchThrowableOfType(() -> Durations.parse(text), CommandCenterException.class);

        assertThat(e.reason()).isEqualTo("DURATION_INVALID");
    }

    @Test
    void durations_formatInTheirShortestExactForm() {
        assertThat(Durations.format(Duration.ofMinutes(30))).isEqualTo("30m");
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(Durations.format(Duration.ofDays(7))).isEqualTo("7d");
        assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
    }
}
