package io.commandcenter.hub.runtime;

import io.commandcenter.hub.agents.AgentSettings;
import io.commandcenter.hub.agents.CommandExecutor;
import io.commandcenter.hub.agents.DevopsActions;
import io.commandcenter.hub.agents.HttpExecutor;
import io.commandcenter.hub.agents.HubAgents;
import io.commandcenter.hub.agents.NotifierActions;
import io.commandcenter.hub.agents.RegisteredAgents;
import io.commandcenter.hub.capacity.AnticipationFeed;
import io.commandcenter.hub.capacity.LoadAnticipation;
import io.commandcenter.hub.demo.DemoFleet;
import io.commandcenter.hub.events.EventBus;
import io.commandcenter.hub.events.TraceContext;
import io.commandcenter.hub.events.grpc.ProtoPayload;
import io.commandcenter.hub.project.Caller;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.transport.grpc.CallContext;
import io.commandcenter.hub.workflow.CapabilityCatalog;
import io.commandcenter.proto.v1.Assignment;
import io.commandcenter.proto.v1.Delegation;
import io.commandcenter.proto.v1.ScheduledTask;
import io.commandcenter.scheduler.DaemonThreads;
import io.commandcenter.scheduler.Scheduler;
import io.commandcenter.scheduler.events.SchedulerEvent;
import io.commandcenter.scheduler.grpc.CallScope;
import io.commandcenter.scheduler.grpc.ScheduleGrpcService;
import io.commandcenter.scheduler.grpc.ScheduleProtoMapper;
import io.commandcenter.scheduler.hazelcast.HazelcastCluster;
import io.commandcenter.scheduler.mesh.InMemoryMesh;
import io.commandcenter.scheduler.state.InMemorySchedulerState;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The hub's part of the mesh: its Hazelcast member (or client, or nothing when alone), the
 * scheduler on it, the bridge that publishes every scheduler event of the cluster on this hub's
 * bus ({@code mesh.schedule.*}), the feeds from the bus to the scheduler (agents' health samples,
 * predictions announcing remediation work), the built-in agents and {@code ScheduleService}.
 */
final class Mesh implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Mesh.class.getName());
    /** How long {@link #close} waits for the agents to disconnect, and then, in all, for its threads to end. */
    static final Duration STOP_BOUND = Duration.ofSeconds(5);

    private final String hubId;
    private final HazelcastCluster cluster;
    private final ExecutorService localMesh;
    private final Scheduler scheduler;
    private final AutoCloseable bridge;
    /** The bus's events to the scheduler: agents' health, anticipation; each on a thread of its own. */
    private final List<MeshFeed> feeds;
    private final HubAgents agents;
    private final ScheduleGrpcService grpcService;

    private Mesh(String hubId, HazelcastCluster cluster, ExecutorService localMesh, Scheduler scheduler,
                 AutoCloseable bridge, List<MeshFeed> feeds, HubAgents agents, ScheduleGrpcService grpcService) {
        this.hubId = hubId;
        this.cluster = cluster;
        this.localMesh = localMesh;
        this.scheduler = scheduler;
        this.bridge = bridge;
        this.feeds = feeds;
        this.agents = agents;
        this.grpcService = grpcService;
    }

    static Mesh start(HubSettings settings, EventBus bus, Optional<DemoFleet> demo, Clock clock) {
        return start(settings, bus, demo, clock, List.of());
    }

    /** The mesh with more built-in agents beside devops and notifier (the learning loop's). */
    static Mesh start(HubSettings settings, EventBus bus, Optional<DemoFleet> demo, Clock clock,
                      List<HubAgents.Agent> more) {
        HazelcastCluster cluster = null;
        ExecutorService localMesh = null;
        Scheduler scheduler = null;
        AutoCloseable bridge = null;
        List<MeshFeed> feeds = new ArrayList<>();
        try {
            if (settings.hazelcast().isPresent()) {
                cluster = HazelcastCluster.start(settings.hazelcast().get().withClassLoader(Mesh.class.getClassLoader()));
                scheduler = Scheduler.start(settings.scheduler(), cluster.state(), cluster.mesh(), clock);
            } else {
                localMesh = Executors.newSingleThreadExecutor(DaemonThreads.numbered("cc-mesh-"));
                scheduler = Scheduler.start(settings.scheduler(), new InMemorySchedulerState(clock),
                        new InMemoryMesh(new InMemoryMesh.Network(localMesh)), clock);
            }
            SplittableRandom random = new SplittableRandom();
            bridge = scheduler.subscribe(event -> publish(bus, event, random));
            feeds.add(MeshFeed.start(bus, AgentHealthFeed.SUBJECTS, new AgentHealthFeed(scheduler),
                    "cc-mesh-feed-health-" + settings.hubId()));
            Scheduler live = scheduler;
            feeds.add(MeshFeed.start(bus, AnticipationFeed.SUBJECTS, new AnticipationFeed(new LoadAnticipation(
                    CapabilityCatalog.builtIn(), project -> RegisteredAgents.of(live, project),
                    settings.scheduler().anticipationHorizon()), scheduler),
                    "cc-mesh-feed-anticipation-" + settings.hubId()));
            AgentSettings a = settings.agents();
            HttpExecutor http = new HttpExecutor(a.timeout());
            List<HubAgents.Agent> builtIn = new ArrayList<>(HubAgents.builtIn(
                    new DevopsActions(demo, settings.defaultProject().value(), a.adminEndpoints(),
                            new CommandExecutor(a.commands(), a.timeout()), http),
                    new NotifierActions(a.slackWebhook(), a.webhooks(), http)));
            builtIn.addAll(more);
            HubAgents agents = HubAgents.start(scheduler, settings.hubId(), a.capacity(), builtIn);
            ScheduleGrpcService grpc = new ScheduleGrpcService(scheduler, () -> {
                Caller caller = CallContext.caller();
                // the key's id owns the agents it registers (auth off: one anonymous owner)
                return new CallScope(caller.project().value(), "key:" + caller.who().keyId(),
                        caller.who().allProjects());
            }, ScheduleGrpcService.Options.DEFAULT);
            LOG.log(System.Logger.Level.INFO, "mesh scheduler of hub {0} ready: {1}", settings.hubId(),
                    cluster == null ? "alone (state in memory)" : cluster.memberCount() + " member(s) in cluster "
                            + settings.hazelcast().get().clusterName());
            return new Mesh(settings.hubId(), cluster, localMesh, scheduler, bridge, List.copyOf(feeds), agents, grpc);
        } catch (RuntimeException e) {
            closeQuietly(bridge);
            feeds.forEach(MeshFeed::stop);
            if (scheduler != null) {
                scheduler.close();
            }
            if (cluster != null) {
                cluster.close();
            }
            if (localMesh != null) {
                localMesh.shutdownNow();
            }
            throw e;
        }
    }

    /** A scheduler event of any hub, on this hub's bus, with its protobuf payload built only if read. */
    private static void publish(EventBus bus, SchedulerEvent event, SplittableRandom random) {
        ProjectId project;
        try {
            project = ProjectId.of(event.project());
        } catch (RuntimeException e) {
            return;
        }
        String type = event instanceof SchedulerEvent.AssignmentMade ? Assignment.getDescriptor().getFullName()
                : event instanceof SchedulerEvent.TaskDelegated ? Delegation.getDescriptor().getFullName()
                : ScheduledTask.getDescriptor().getFullName();
        TraceContext trace;
        synchronized (random) {
            trace = TraceContext.newRoot(random);
        }
        bus.publish(project, event.subject(), trace, new ProtoPayload(type, event,
                () -> ScheduleProtoMapper.payload(event)));
    }

    Scheduler scheduler() {
        return scheduler;
    }

    ScheduleGrpcService grpcService() {
        return grpcService;
    }

    /**
     * For a hub closing, once its learning steps were asked to stop: waits, at most {@code bound} in all, until
     * the agents that are not interruptible have reported their last results and this hub's scheduler events
     * so far have reached the listeners here (a lone hub's mesh), so that the workflow engine records those
     * results before it closes. In a cluster the events ride on Hazelcast: the task results stay in the
     * cluster's state, where the run's next owner (or this hub, restarted) finds them.
     *
     * @return false when the bound passed first
     */
    boolean settle(Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        boolean settled = agents.awaitUninterrupted(bound)
                && scheduler.flushEvents(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        if (settled && localMesh != null) {
            try {
                localMesh.submit(() -> { }).get(Math.max(0, deadline - System.nanoTime()),
                        TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException e) {
                settled = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                settled = false;
            }
        }
        return settled;
    }

    /**
     * Closes the agents (waiting at most 5 s for them to disconnect), the feeds, the scheduler and the cluster (a
     * graceful shutdown, bounded: {@code cc.hazelcast.shutdown-wait}), then waits (at most 5 s in all) until
     * the agents' heartbeat threads, the feeds' threads and the disconnects have ended: one blocked on a pool of a
     * member that cannot be reached ends when the cluster closes.
     */
    @Override
    public void close() {
        // a disconnect waits on the agent's pool: on a member that cannot be reached, until Hazelcast gives up on it
        // (60 s by default); the close goes on after the bound, and closing the cluster ends that wait
        Thread disconnects = DaemonThreads.named("cc-mesh-disconnect-" + hubId).newThread(() -> {
            try {
                agents.close();
            } catch (RuntimeException | Error e) {
                LOG.log(System.Logger.Level.WARNING, "hub " + hubId + ": closing the built-in agents failed", e);
                if (e instanceof VirtualMachineError fatal) {
                    throw fatal;
                }
            }
        });
        disconnects.start();
        if (!join(disconnects, STOP_BOUND)) {
            LOG.log(System.Logger.Level.WARNING, "hub {0}: the built-in agents have not disconnected within 5 s (a pool"
                    + " cannot be reached); the mesh closes without waiting for them", hubId);
        }
        feeds.forEach(MeshFeed::stop);
        closeQuietly(bridge);
        scheduler.close();
        if (cluster != null) {
            cluster.close();
        }
        long deadline = System.nanoTime() + STOP_BOUND.toNanos();
        if (!agents.awaitStopped(STOP_BOUND)) {
            LOG.log(System.Logger.Level.WARNING, "a built-in agent's heartbeat thread still runs 5 s after the mesh closed");
        }
        for (MeshFeed feed : feeds) {
            if (!feed.awaitStopped(left(deadline))) {
                LOG.log(System.Logger.Level.WARNING, "a feed's thread still runs 5 s after the mesh closed");
                break;
            }
        }
        if (!join(disconnects, left(deadline))) {
            LOG.log(System.Logger.Level.WARNING, "a built-in agent's disconnect still runs 5 s after the mesh closed");
        }
        if (localMesh != null) {
            // it hands scheduler events to listeners that may write the database: never interrupted
            io.commandcenter.common.concurrent.Shutdowns.closeWithoutInterrupt(localMesh,
                    Duration.ofSeconds(5), "the mesh's event delivery");
        }
    }

    private static Duration left(long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    /** Waits at most {@code bound} for {@code thread} to end; false when it still runs. */
    private static boolean join(Thread thread, Duration bound) {
        try {
            thread.join(Math.max(1, bound.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !thread.isAlive();
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.DEBUG, "close: {0}", e.getMessage());
        }
    }

    /** The Hazelcast member (or client) of this hub, empty when it runs alone. */
    public Optional<HazelcastCluster> cluster() {
        return Optional.ofNullable(cluster);
    }
}
