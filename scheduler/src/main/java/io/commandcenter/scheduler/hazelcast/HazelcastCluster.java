package io.commandcenter.scheduler.hazelcast;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;

import java.lang.System.Logger.Level;

/**
 * A hub's place in the scheduler's Hazelcast cluster: an embedded member (the default) or a
 * client of existing members, with the scheduler's {@link #state() state} and {@link #mesh() mesh}
 * over it. Closing shuts the instance down (always close it, in a {@code finally}: Hazelcast's
 * threads keep a JVM alive).
 *
 * <pre>
 * try (HazelcastCluster cluster = HazelcastCluster.start(settings);
 *      Scheduler scheduler = Scheduler.start(schedulerSettings, cluster.state(), cluster.mesh(), clock)) {
 *     ...
 * }
 * </pre>
 */
public final class HazelcastCluster implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(HazelcastCluster.class.getName());

    private final HazelcastSettings settings;
    private final HazelcastInstance instance;
    private final HazelcastSchedulerState state;
    private final HazelcastSchedulerMesh mesh;

    private HazelcastCluster(HazelcastSettings settings, HazelcastInstance instance) {
        this.settings = settings;
        this.instance = instance;
        this.state = new HazelcastSchedulerState(instance);
        this.mesh = new HazelcastSchedulerMesh(instance);
    }

    /**
     * Starts an embedded member (joining the configured members) or connects a client.
     *
     * @throws com.hazelcast.core.HazelcastException when the port is taken or (client) no member answers
     */
    public static HazelcastCluster start(HazelcastSettings settings) {
        long started = System.nanoTime();
        HazelcastInstance instance = settings.mode() == HazelcastSettings.Mode.EMBEDDED
                ? Hazelcast.newHazelcastInstance(Configs.member(settings))
                : HazelcastClient.newHazelcastClient(Configs.client(settings));
        try {
            HazelcastCluster cluster = new HazelcastCluster(settings, instance);
            LOG.log(Level.INFO, "hub {0} joined Hazelcast cluster {1} as {2} in {3} ms ({4} members)",
                    settings.instanceName(), settings.clusterName(), settings.mode(),
                    (System.nanoTime() - started) / 1_000_000, instance.getCluster().getMembers().size());
            return cluster;
        } catch (RuntimeException e) {
            instance.shutdown();
            throw e;
        }
    }

    public HazelcastSchedulerState state() {
        return state;
    }

    public HazelcastSchedulerMesh mesh() {
        return mesh;
    }

    /** The Hazelcast instance (for health checks and tests). */
    public HazelcastInstance instance() {
        return instance;
    }

    public HazelcastSettings settings() {
        return settings;
    }

    /** Members in the cluster as this hub sees it. */
    public int memberCount() {
        return instance.getCluster().getMembers().size();
    }

    /** Leaves the cluster gracefully (partitions migrate first when this is a member). */
    @Override
    public void close() {
        if (instance.getLifecycleService().isRunning()) {
            instance.shutdown();
        }
    }
}
