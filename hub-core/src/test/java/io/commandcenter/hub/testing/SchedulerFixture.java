package io.commandcenter.hub.testing;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.scheduler.AgentListener;
import io.commandcenter.scheduler.Scheduler;
import io.commandcenter.scheduler.SchedulerSettings;
import io.commandcenter.scheduler.agents.AgentRegistration;
import io.commandcenter.scheduler.leases.Revocation;
import io.commandcenter.scheduler.mesh.InMemoryMesh;
import io.commandcenter.scheduler.pool.Dispatched;
import io.commandcenter.scheduler.pool.PoolSummary;
import io.commandcenter.scheduler.state.InMemorySchedulerState;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A hub's scheduler alone in this process (state in memory, nothing in the background), and agents
 * that connect to a scheduler and never take work: for tests of what the hub tells the scheduler.
 */
public final class SchedulerFixture implements AutoCloseable {
    private static final AgentListener IDLE = new AgentListener() {
        @Override
        public void onAssignment(Dispatched work) {
            // holds the task without a word: its lease expires
        }

        @Override
        public void onRevoked(Revocation revocation) {
        }

        @Override
        public void onClosed(CommandCenterException reason) {
        }
    };

    private final ExecutorService network;
    private final Scheduler scheduler;

    private SchedulerFixture(ExecutorService network, Scheduler scheduler) {
        this.network = network;
        this.scheduler = scheduler;
    }

    public static SchedulerFixture start(Clock clock) {
        ExecutorService network = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "test-scheduler-mesh");
            t.setDaemon(true);
            return t;
        });
        return new SchedulerFixture(network, Scheduler.start(SchedulerSettings.defaults("hub-test").withBackground(false),
                new InMemorySchedulerState(clock), new InMemoryMesh(new InMemoryMesh.Network(network)), clock));
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    /** Connects an idle agent to this fixture's scheduler (see {@link #connectIdle}). */
    public void connect(String type, Set<String> actions, int capacity, String... projects) {
        connectIdle(scheduler, type, actions, capacity, projects);
    }

    /**
     * Connects an agent {@code <type>-1} of {@code type} declaring {@code actions}, serving
     * {@code projects} ({@code *}: all), that never works on what it is assigned.
     */
    public static void connectIdle(Scheduler scheduler, String type, Set<String> actions, int capacity,
                                   String... projects) {
        scheduler.connect(new AgentRegistration(type + "-1", type, actions, Map.of(), capacity, Set.of(projects)),
                IDLE);
    }

    /** Slots of the agent type held back for predicted remediation work, as the pools listing shows them. */
    public static int reserved(Scheduler scheduler, String project, String type) {
        List<PoolSummary> pools = scheduler.agents(project, type).pools();
        return pools.isEmpty() ? 0 : pools.get(0).reserved();
    }

    /** {@link #reserved(Scheduler, String, String)} of this fixture's scheduler. */
    public int reserved(String project, String type) {
        return reserved(scheduler, project, type);
    }

    @Override
    public void close() {
        scheduler.close();
        network.shutdownNow();
    }
}
