package io.commandcenter.hub.capacity;

import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.workflow.CapabilityCatalog;
import io.commandcenter.scheduler.task.Capability;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.commandcenter.hub.testing.Predictions.prediction;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoadAnticipationTest {
    static final Duration HORIZON = Duration.ofMinutes(5);
    final List<ProjectId> asked = new ArrayList<>();

    LoadAnticipation rule(Map<String, Set<String>> registered) {
        return new LoadAnticipation(CapabilityCatalog.builtIn(), project -> {
            asked.add(project);
            return CapabilityCatalog.of(registered);
        }, HORIZON);
    }

    @Test
    void aRestartPrediction_announcesDevopsRestart_withItsRiskConfidenceAndTheHorizon() {
        LoadAnticipation.Announcement a = rule(Map.of()).of(prediction("p-1", "shop", "restart", 0.93, 0.8))
                .orElseThrow();

        assertThat(a).isEqualTo(new LoadAnticipation.Announcement("p-1", new Capability("devops", "restart"), 0.93, 0.8,
                HORIZON));
    }

    @Test
    void theBuiltInAgent_isPreferred_whenARegisteredTypeRunsTheSameAction() {
        LoadAnticipation rule = rule(Map.of("autoscaler", Set.of("scale")));

        assertThat(rule.of(prediction("p-1", "shop", "scale", 0.9, 0.9)).orElseThrow().capability())
                .isEqualTo(new Capability("devops", "scale"));
    }

    @Test
    void anActionOnlyARegisteredTypeRuns_isAnnounced_toTheFirstSuchTypeByName_ofThePredictionsProject() {
        LoadAnticipation rule = rule(Map.of("kube", Set.of("drain", "cordon"), "fleet", Set.of("drain"),
                "aaa", Set.of("page")));

        assertThat(rule.of(prediction("p-1", "shop", "drain", 0.9, 0.9)).orElseThrow().capability())
                .isEqualTo(new Capability("fleet", "drain"));
        assertThat(asked).containsExactly(ProjectId.of("shop"));
    }

    @Test
    void aNotifyPrediction_announcesNothing_becauseNoAgentTypeDeclaresNotify() {
        assertThat(rule(Map.of()).of(prediction("p-1", "shop", "notify", 0.95, 0.95))).isEmpty();
    }

    @Test
    void anAgentDeclaringOnlyEveryAction_doesNotCount() {
        assertThat(rule(Map.of("ops", Set.of("*"))).of(prediction("p-1", "shop", "drain", 0.95, 0.95))).isEmpty();
    }

    @Test
    void aRecommendedActionThatIsNoActionName_announcesNothing() {
        assertThat(rule(Map.of("ops", Set.of("drain"))).of(prediction("p-1", "shop", "", 0.95, 0.95))).isEmpty();
        assertThat(rule(Map.of("ops", Set.of("drain"))).of(prediction("p-1", "shop", "a.b", 0.95, 0.95))).isEmpty();
    }

    @Test
    void theHorizon_mustBePositive() {
        assertThatThrownBy(() -> new LoadAnticipation(CapabilityCatalog.builtIn(), p -> CapabilityCatalog.builtIn(),
                Duration.ZERO)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("horizon");
    }
}
