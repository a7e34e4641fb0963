package io.commandcenter.scheduler.hazelcast;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import com.hazelcast.core.HazelcastInstance;
import io.commandcenter.scheduler.DaemonThreads;

import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A hub's place in the scheduler's Hazelcast cluster: an embedded member (the default) or a
 * client of existing members, with the scheduler's {@link #state() state} and {@link #mesh() mesh}
 * over it. A member binds one address, deals only with the hosts and members on its allow-list and
 * refuses Hazelcast clients unless they are on ({@link HazelcastSettings}, {@link MemberGate}).
 * Closing shuts the instance down (always close it, in a {@code finally}: Hazelcast's threads keep
 * a JVM alive).
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
    /** How long {@link #close} waits for the cluster to say whether every partition has its backups. */
    static final Duration SAFE_CHECK_BOUND = Duration.ofSeconds(5);

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
     * Starts an embedded member (joining the configured members) or connects a client. A member
     * binds {@link HazelcastSettings#host()} only and enforces its allow-list ({@link MemberGate});
     * the line it logs first says what it binds, its cluster name, allow-list and whether it accepts
     * clients.
     *
     * @throws IllegalArgumentException naming {@code cc.hazelcast.host} when the host does not resolve,
     *         is not an address of this machine, or is loopback while the members listed are elsewhere
     * @throws com.hazelcast.core.HazelcastException when the port is taken or (client) no member answers
     */
    public static HazelcastCluster start(HazelcastSettings settings) {
        long started = System.nanoTime();
        HazelcastInstance instance;
        if (settings.mode() == HazelcastSettings.Mode.EMBEDDED) {
            InetAddress bind = bindAddress(settings);
            Config config = Configs.member(settings, bind);
            LOG.log(Level.INFO, "hub {0}: Hazelcast member bound to {1}:{2} only, cluster name \"{3}\", members {4}, "
                            + "allow-list {5}, Hazelcast clients {6}", settings.instanceName(), bind.getHostAddress(),
                    Integer.toString(settings.port()), settings.clusterName(), settings.members(),
                    AllowList.of(settings), settings.clients() ? "on" : "off");
            instance = MemberGate.startMember(config);
        } else {
            LOG.log(Level.INFO, "hub {0}: Hazelcast client of {1}, cluster name \"{2}\"", settings.instanceName(),
                    settings.members(), settings.clusterName());
            instance = HazelcastClient.newHazelcastClient(Configs.client(settings));
        }
        try {
            checkWireVersion(instance);
            HazelcastCluster cluster = new HazelcastCluster(settings, instance);
            LOG.log(Level.INFO, "hub {0} joined Hazelcast cluster {1} as {2} in {3} ms ({4} members)",
                    settings.instanceName(), settings.clusterName(), settings.mode(),
                    Long.toString((System.nanoTime() - started) / 1_000_000), instance.getCluster().getMembers().size());
            return cluster;
        } catch (RuntimeException e) {
            instance.shutdown();
            throw e;
        }
    }

    /**
     * Refuses a cluster whose members speak another scheduler wire version than this hub (their
     * {@value Serialization#WIRE_ATTRIBUTE} attribute; a member of version 1 has none): they would
     * form one cluster and fail at run time, when one reads what the other wrote. Members that join
     * later are checked by their own start.
     *
     * @throws IllegalStateException naming both versions and the member
     */
    static void checkWireVersion(HazelcastInstance instance) {
        String ours = Integer.toString(Serialization.WIRE_VERSION);
        for (Member member : instance.getCluster().getMembers()) {
            String theirs = member.getAttribute(Serialization.WIRE_ATTRIBUTE);
            if (!ours.equals(theirs)) {
                throw new IllegalStateException("Hazelcast member " + member.getAddress() + " speaks scheduler wire "
                        + "version " + (theirs == null ? "1 (no " + Serialization.WIRE_ATTRIBUTE + " attribute)" : theirs)
                        + ", this hub speaks version " + ours + ": hubs of both versions cannot share a cluster; "
                        + "upgrade every hub of the cluster together (stop all, start all)");
            }
        }
    }

    /**
     * The clock by which this member applies pool operations (the time a pool was reached,
     * {@link io.commandcenter.scheduler.pool.PoolState#reach}); the system clock unless set. For tests
     * on a hand-moved clock.
     */
    public HazelcastCluster applyClock(Clock clock) {
        instance.getUserContext().put(PoolProcessor.CLOCK, clock);
        return this;
    }

    /**
     * The address a member binds and advertises: {@code host} resolved, as a literal (other members
     * need no name lookup to reach it).
     *
     * @throws IllegalArgumentException naming {@code cc.hazelcast.host}
     */
    static InetAddress bindAddress(HazelcastSettings s) {
        InetAddress address;
        try {
            address = InetAddress.getByName(s.host());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("cc.hazelcast.host '" + s.host() + "' does not resolve", e);
        }
        if (address.isAnyLocalAddress()) {
            throw new IllegalArgumentException("cc.hazelcast.host must name one interface, not the wildcard '"
                    + s.host() + "'");
        }
        if (!address.isLoopbackAddress() && !isLocal(address)) {
            throw new IllegalArgumentException("cc.hazelcast.host " + s.host() + " (" + address.getHostAddress()
                    + ") is not an address of this machine");
        }
        if (address.isLoopbackAddress()) {
            for (String member : s.members()) {
                List<InetAddress> resolved = resolve(HostPort.parse(member, true).host());
                if (!resolved.isEmpty() && resolved.stream().noneMatch(InetAddress::isLoopbackAddress)) {
                    throw new IllegalArgumentException("cc.hazelcast.host is " + s.host() + " (loopback, the default) "
                            + "but cc.hazelcast.members lists " + member + ", which loopback cannot reach: set "
                            + "cc.hazelcast.host to this hub's address on the network the hubs share");
                }
            }
        }
        try {
            return InetAddress.getByAddress(address.getAddress());
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // cannot happen: a 4- or 16-byte address
        }
    }

    private static boolean isLocal(InetAddress address) {
        try {
            return NetworkInterface.getByInetAddress(address) != null;
        } catch (SocketException e) {
            return false;
        }
    }

    private static List<InetAddress> resolve(String host) {
        try {
            return List.of(InetAddress.getAllByName(host));
        } catch (UnknownHostException e) {
            return List.of(); // not known yet: Hazelcast keeps trying it, the gate refuses it meanwhile
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

    /**
     * Leaves the cluster gracefully. A member first asks whether every partition has its backups (what the hub's
     * {@code cc_hazelcast_partitions_unsafe} reports; {@link #SAFE_CHECK_BOUND} at most: beside a member that does
     * not answer, Hazelcast's own check waits as long as the shutdown may) and logs an ERROR when not, or when no
     * answer came. Then it hands its partitions over, for {@link HazelcastSettings#shutdownWait()} at most (a
     * {@code -Dhazelcast.graceful.shutdown.max.wait} wins), and after that stops without the hand-over: a partition
     * whose only copy was on this member is lost (a pool's queued tasks and leases, a target's gate, idempotency
     * keys). Calls still waiting on this member or client (a pool of a member that cannot be reached) then fail.
     */
    @Override
    public void close() {
        if (!instance.getLifecycleService().isRunning()) {
            return;
        }
        if (settings.mode() == HazelcastSettings.Mode.EMBEDDED) {
            reportUnsafePartitions();
        }
        instance.shutdown();
    }

    /** Logs an ERROR unless the cluster says, within {@link #SAFE_CHECK_BOUND}, that every partition has its backups. */
    private void reportUnsafePartitions() {
        FutureTask<Boolean> check = new FutureTask<>(() -> instance.getPartitionService().isClusterSafe());
        DaemonThreads.named("cc-hazelcast-safe-check-" + settings.instanceName()).newThread(check).start();
        String why;
        try {
            if (check.get(SAFE_CHECK_BOUND.toNanos(), TimeUnit.NANOSECONDS)) {
                return;
            }
            why = "some partitions lack their backups";
        } catch (TimeoutException e) {
            why = "the cluster has not said within " + SAFE_CHECK_BOUND.toSeconds() + " s whether every partition"
                    + " has its backups";
        } catch (ExecutionException e) {
            why = "the check whether every partition has its backups failed (" + e.getCause() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            why = "the check whether every partition has its backups was interrupted";
        }
        LOG.log(Level.ERROR, "hub {0} leaves Hazelcast cluster {1} while {2} (cc_hazelcast_partitions_unsafe): a"
                + " partition whose only copy is on this member is lost unless handed over within {3} s"
                + " (cc.hazelcast.shutdown-wait); in a rolling restart, stop the next hub only when"
                + " cc_hazelcast_partitions_unsafe is 0", settings.instanceName(), settings.clusterName(), why,
                Configs.gracefulShutdownWait(settings));
    }
}
