package io.commandcenter.hub.agents;

import io.commandcenter.scheduler.Scheduler;
import io.commandcenter.scheduler.SchedulerSettings;
import io.commandcenter.scheduler.agents.AgentState;
import io.commandcenter.scheduler.agents.AgentView;
import io.commandcenter.scheduler.mesh.InMemoryMesh;
import io.commandcenter.scheduler.pool.PoolConfig;
import io.commandcenter.scheduler.pool.PoolOp;
import io.commandcenter.scheduler.pool.PoolOps;
import io.commandcenter.scheduler.state.ForwardingSchedulerState;
import io.commandcenter.scheduler.state.InMemorySchedulerState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

class HubAgentsTest {
    final Clock clock = Clock.systemUTC();
    final ExecutorService network = Executors.newSingleThreadExecutor();
    /** The agent types whose disconnect reached the state. */
    final List<String> disconnected = new CopyOnWriteArrayList<>();
    /** A state whose pool of agent type {@code first} is gone by the time the agents disconnect. */
    final Scheduler scheduler = Scheduler.start(SchedulerSettings.defaults("hub-t").withBackground(false),
            new ForwardingSchedulerState(new InMemorySchedulerState(clock)) {
                @Override
                public <R> R pool(String agentType, PoolConfig config, PoolOp<R> op) {
                    if (op instanceof PoolOps.Disconnect) {
                        if (agentType.equals("first")) {
                            throw new IllegalStateException("the pool's member has left");
                        }
                        disconnected.add(agentType);
                    }
                    return super.pool(agentType, config, op);
                }
            }, new InMemoryMesh(new InMemoryMesh.Network(network)), clock);

    @AfterEach
    void stop() {
        scheduler.close();
        network.shutdownNow();
    }

    @Test
    void close_whenOneAgentsDisconnectThrows_stillDisconnectsTheOthers_andEndsEveryHeartbeat() {
        HubAgents agents = HubAgents.start(scheduler, "hub-t", 1, List.of(
                new HubAgents.Agent("first", Set.of("one"), (action, inputs) -> ActionResult.done("")),
                new HubAgents.Agent("second", Set.of("two"), (action, inputs) -> ActionResult.done(""))));

        agents.close();

        assertThat(disconnected).containsExactly("second");
        assertThat(scheduler.agents(null, "second").agents()).extracting(AgentView::state)
                .containsExactly(AgentState.DISCONNECTED);
        assertThat(scheduler.agents(null, "first").agents()).as("its disconnect failed: left to the sweeps")
                .extracting(AgentView::state).containsExactly(AgentState.CONNECTED);
        assertThat(agents.awaitStopped(Duration.ofSeconds(30))).as("both heartbeat threads ended").isTrue();
    }
}
