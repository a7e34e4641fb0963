package io.commandcenter.hub.agents;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.testing.SchedulerFixture;
import io.commandcenter.hub.workflow.CapabilityCatalog;
import io.commandcenter.hub.workflow.WorkflowParser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class RegisteredAgentsTest {
    final SchedulerFixture mesh = SchedulerFixture.start(Clock.systemUTC());

    @AfterEach
    void stop() {
        mesh.close();
    }

    @Test
    void anAgentThatConnected_isKnownWithTheActionsItRegistered_inTheProjectsItServes() {
        mesh.connect("trainer", Set.of("trainModel"), 1, "lab");

        CapabilityCatalog lab = RegisteredAgents.of(mesh.scheduler(), ProjectId.of("lab"));
        CapabilityCatalog shop = RegisteredAgents.of(mesh.scheduler(), ProjectId.of("shop"));
        CapabilityCatalog every = RegisteredAgents.everyProject(mesh.scheduler());

        assertThat(lab.actionsOf("trainer")).containsExactly("trainModel");
        assertThat(lab.knows("trainer", "trainModel")).isTrue();
        assertThat(lab.knows("trainer", "validate")).isFalse();
        assertThat(lab.agents()).containsExactly("trainer");
        assertThat(shop.actionsOf("trainer")).isEmpty();
        assertThat(shop.agents()).isEmpty();
        assertThat(every.knows("trainer", "trainModel")).isTrue();
    }

    @Test
    void nothingConnected_knowsNothing_andANameThatIsNoAgentType_isUnknown() {
        CapabilityCatalog every = RegisteredAgents.everyProject(mesh.scheduler());

        assertThat(every.agents()).isEmpty();
        assertThat(every.actionsOf("trainer")).isEmpty();
        assertThat(every.actionsOf("Not A Type!")).isEmpty();
    }

    @Test
    void anAgentDeclaringEveryAction_knowsAnyActionOfItsType() {
        mesh.connect("k8s", Set.of("*"), 2, "*");

        CapabilityCatalog shop = RegisteredAgents.of(mesh.scheduler(), ProjectId.of("shop"));

        assertThat(shop.knows("k8s", "drain")).isTrue();
        assertThat(shop.actionsOf("k8s")).containsExactly("*");
    }

    @Test
    void theParser_acceptsAConnectedAgentsAction_besidesTheBuiltInOnes() {
        WorkflowParser parser = new WorkflowParser(CapabilityCatalog.builtIn()
                .and(RegisteredAgents.everyProject(mesh.scheduler())));
        String workflow = "name: w\ntrigger: {schedule: \"0 3 * * *\"}\nnodes: [{id: t, agent: trainer, action: trainModel}]\n";
        CommandCenterException before = catchThrowableOfType(() -> parser.parse(workflow), CommandCenterException.class);

        mesh.connect("trainer", Set.of("trainModel"), 1, "lab");

        assertThat(before.kind()).isEqualTo(ErrorKind.INVALID);
        assertThat(before.violations().get(0).message()).contains("unknown agent 'trainer'");
        assertThat(parser.parse(workflow).node("t").agent()).isEqualTo("trainer");
    }

    @Test
    void aStoppedScheduler_failsTheCall_ratherThanClaimingNoAgents() {
        mesh.close();

        CommandCenterException e = catchThrowableOfType(
                () -> RegisteredAgents.everyProject(mesh.scheduler()).actionsOf("devops"), CommandCenterException.class);

        assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE);
    }
}
