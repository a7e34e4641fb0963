package io.commandcenter.scheduler;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.scheduler.agents.AgentRegistration;
import io.commandcenter.scheduler.agents.AgentState;
import io.commandcenter.scheduler.leases.Revocation;
import io.commandcenter.scheduler.mesh.InMemoryMesh;
import io.commandcenter.scheduler.pool.Dispatched;
import io.commandcenter.scheduler.state.ForwardingSchedulerState;
import io.commandcenter.scheduler.state.InMemorySchedulerState;
import io.commandcenter.scheduler.testing.TestAgent;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class SchedulerStartTest {

    @Test
    void aStartThatFails_leavesNoThreadRunning() {
        // the state answers the subscriptions' set-up but not the pools' listing (a cluster not reachable yet)
        ForwardingSchedulerState unreachable = new ForwardingSchedulerState(new InMemorySchedulerState(Clock.systemUTC())) {
            @Override
            public Set<String> agentTypes() {
                throw CommandCenterException.unavailable("STATE_UNAVAILABLE", "no member answers", null);
            }
        };

        assertThatThrownBy(() -> Scheduler.start(SchedulerSettings.defaults("hub-failing"), unreachable,
                new InMemoryMesh(new InMemoryMesh.Network(Runnable::run)), Clock.systemUTC()))
                .isInstanceOf(CommandCenterException.class).hasMessageContaining("no member answers");

        // before: its dispatch, event and maintenance threads ran on, and the mesh still delivered to it
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet())
                .filteredOn(t -> t.isAlive() && t.getName().endsWith("-hub-failing")).isEmpty());
    }

    @Test
    void anAgentListenerThatFailsOnTheClose_doesNotStopTheCloseOfTheOthersNorOfTheThreads() {
        InMemorySchedulerState state = new InMemorySchedulerState(Clock.systemUTC());
        InMemoryMesh.Network network = new InMemoryMesh.Network(Runnable::run);
        Scheduler closing = Scheduler.start(SchedulerSettings.defaults("hub-closing"), state, new InMemoryMesh(network),
                Clock.systemUTC());
        try (Scheduler other = Scheduler.start(SchedulerSettings.defaults("hub-other").withBackground(false), state,
                new InMemoryMesh(network), Clock.systemUTC())) {
            // a stream whose transport is gone throws from its close (any listener may)
            closing.connect(AgentRegistration.of("broken", "devops", 1, "restart"), new AgentListener() {
                @Override
                public void onAssignment(Dispatched work) {
                }

                @Override
                public void onRevoked(Revocation revocation) {
                }

                @Override
                public void onClosed(CommandCenterException reason) {
                    throw new IllegalStateException("call already closed");
                }
            });
            TestAgent fine = TestAgent.connect(closing, AgentRegistration.of("fine", "devops", 1, "restart"));

            closing.close();

            // before: the close threw at the broken listener; the sessions after it, the disconnects, the dispatch
            // and event threads and the mesh subscriptions were left
            assertThat(fine.closedBy).isNotNull();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(other.agents(null, "devops").agents())
                    .hasSize(2).allSatisfy(a -> assertThat(a.state()).isEqualTo(AgentState.DISCONNECTED)));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet())
                    .filteredOn(t -> t.isAlive() && t.getName().endsWith("-hub-closing")).isEmpty());
        }
    }
}
