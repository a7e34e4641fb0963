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
import io.commandcenter.scheduler.task.Task;
import io.commandcenter.scheduler.task.TaskSpec;
import io.commandcenter.scheduler.task.TaskState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class HubAgentsTest {
    final Clock clock = Clock.systemUTC();
    final ExecutorService network = Executors.newSingleThreadExecutor();
    /** The agent types whose disconnect reached the state. */
    final List<String> disconnected = new CopyOnWriteArrayList<>();
    /** Disconnects of agent type {@code held} wait here until the test releases them (a pool that does not answer). */
    final CountDownLatch heldDisconnectEntered = new CountDownLatch(1);
    final CountDownLatch releaseHeldDisconnect = new CountDownLatch(1);
    /** Leases handed back to the pool after an agent refused its assignment. */
    final AtomicInteger returnedLeases = new AtomicInteger();
    /**
     * A state whose pool of agent type {@code first} is gone by the time the agents disconnect, and whose pool of
     * agent type {@code held} holds a disconnect until the test releases it. A lease handed back is counted and
     * refused (in manual mode a refusing agent would otherwise be handed its task again and again).
     */
    final Scheduler scheduler = Scheduler.start(SchedulerSettings.defaults("hub-t").withBackground(false),
            new ForwardingSchedulerState(new InMemorySchedulerState(clock)) {
                @Override
                public <R> R pool(String agentType, PoolConfig config, PoolOp<R> op) {
                    if (op instanceof PoolOps.Disconnect) {
                        if (agentType.equals("first")) {
                            throw new IllegalStateException("the pool's member has left");
                        }
                        if (agentType.equals("held")) {
                            heldDisconnectEntered.countDown();
                            awaitUninterruptibly(releaseHeldDisconnect);
                        }
                        disconnected.add(agentType);
                    }
                    if (op instanceof PoolOps.ReturnLease) {
                        returnedLeases.incrementAndGet();
                        throw new IllegalStateException("test: a lease was handed back");
                    }
                    return super.pool(agentType, config, op);
                }
            }, new InMemoryMesh(new InMemoryMesh.Network(network)), clock);

    static void awaitUninterruptibly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @AfterEach
    void stop() {
        releaseHeldDisconnect.countDown();
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

    @Test
    void close_whileOneAgentsDisconnectWaits_theAgentsAfterItStayConnected_andRunWhatTheyAreGiven() throws Exception {
        HubAgents agents = HubAgents.start(scheduler, "hub-t", 1, List.of(
                new HubAgents.Agent("held", Set.of("one"), (action, inputs) -> ActionResult.done("")),
                new HubAgents.Agent("second", Set.of("two"), (action, inputs) -> ActionResult.done("ran"))));
        Thread closing = new Thread(agents::close, "closing-agents");
        closing.start();
        assertThat(heldDisconnectEntered.await(30, TimeUnit.SECONDS)).as("the held agent's disconnect waits").isTrue();

        Task task = scheduler.submit(TaskSpec.of("p", "second.two")).task();
        scheduler.runPending(); // delivers on this thread: a refusal would be counted by now

        assertThat(returnedLeases).as("no agent refused its assignment").hasValue(0);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(scheduler.get("p", task.id()).state()).isEqualTo(TaskState.SUCCEEDED));
        assertThat(closing.isAlive()).as("the close still waits on the held disconnect").isTrue();

        releaseHeldDisconnect.countDown();
        closing.join(Duration.ofSeconds(30).toMillis());
        assertThat(closing.isAlive()).isFalse();
        assertThat(disconnected).containsExactly("held", "second");
        assertThat(agents.awaitStopped(Duration.ofSeconds(30))).as("both heartbeat threads ended").isTrue();
    }
}
