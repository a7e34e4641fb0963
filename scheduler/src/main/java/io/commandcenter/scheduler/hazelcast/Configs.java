package io.commandcenter.scheduler.hazelcast;

import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.config.AdvancedNetworkConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.ReplicatedMapConfig;
import com.hazelcast.config.ServerSocketEndpointConfig;
import com.hazelcast.config.SocketInterceptorConfig;
import com.hazelcast.instance.EndpointQualifier;
import com.hazelcast.spi.MemberAddressProvider;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The Hazelcast configuration of a hub: the scheduler's structures (names, backups, in-memory
 * format), the join by explicit TCP-IP members, and the things STACK.md says to switch off
 * (multicast, auto-detection, phone-home). Logging goes through {@code java.util.logging}.
 */
public final class Configs {
    /** One entry per agent type; values kept as objects and changed only by entry processors. */
    public static final String POOLS = "cc-scheduler-pools";
    /** One entry per exclusive target with waiting or running tasks. */
    public static final String GATES = "cc-scheduler-gates";
    /** Idempotency keys, each with its time to live. */
    public static final String KEYS = "cc-scheduler-keys";
    /** Project weights, replicated to every member (read locally on each submission). */
    public static final String WEIGHTS = "cc-scheduler-weights";
    /** Scheduler events for every hub. */
    public static final String EVENTS = "cc-scheduler-events";
    /** Prefix of each hub's inbox topic (assignments and revocations for the agents it holds). */
    public static final String INBOX_PREFIX = "cc-scheduler-inbox-";
    /**
     * Hazelcast's bound on a graceful shutdown, in seconds: set from {@link HazelcastSettings#shutdownWait()},
     * unless given with {@code -D} on the JVM (which then wins).
     */
    static final String GRACEFUL_SHUTDOWN_WAIT = "hazelcast.graceful.shutdown.max.wait";

    private Configs() {
    }

    /** The seconds a member's graceful shutdown waits at most: the JVM's {@code -D}, else the settings'. */
    static String gracefulShutdownWait(HazelcastSettings s) {
        String given = System.getProperty(GRACEFUL_SHUTDOWN_WAIT);
        return given != null ? given : Long.toString(s.shutdownWaitSeconds());
    }

    /**
     * A member's configuration: bound to {@link HazelcastSettings#host()} only (advertised as the
     * same address), its sockets guarded by a {@link MemberGate} over the settings' {@link AllowList},
     * the member protocol only on its port unless {@link HazelcastSettings#clients() clients} are on.
     * Start it with {@link MemberGate#startMember(Config)}: a stock Hazelcast start ignores the gate.
     *
     * @param bindAddress the resolved {@code host} (see {@link HazelcastCluster#start})
     */
    static Config member(HazelcastSettings s, InetAddress bindAddress) {
        Config config = new Config();
        config.setInstanceName(s.instanceName() + "-" + Long.toHexString(System.nanoTime()));
        config.setClusterName(s.clusterName());
        if (s.classLoader() != null) {
            config.setClassLoader(s.classLoader());
        }
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "jdk");
        config.setProperty("hazelcast.partition.count", Integer.toString(s.partitionCount()));
        config.getMemberAttributeConfig().setAttribute(Serialization.WIRE_ATTRIBUTE,
                Integer.toString(Serialization.WIRE_VERSION));
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        // a graceful shutdown hands this member's partitions over; beside a member that cannot be reached it
        // would wait 600 s (Hazelcast's default), then leave without the hand-over anyway. A property set here
        // would win over the JVM's -D, so it is set only when there is none
        if (System.getProperty(GRACEFUL_SHUTDOWN_WAIT) == null) {
            config.setProperty(GRACEFUL_SHUTDOWN_WAIT, gracefulShutdownWait(s));
        }
        // the server socket on the one address, and connections to other members leave from it too
        // (so they see this member's address, the one on their allow-list)
        config.setProperty("hazelcast.socket.bind.any", "false");
        config.setProperty("hazelcast.socket.client.bind", "true");
        config.setProperty("hazelcast.socket.client.bind.any", "false");
        InetSocketAddress address = new InetSocketAddress(bindAddress, s.port());
        SocketInterceptorConfig gate = new SocketInterceptorConfig().setEnabled(true)
                .setImplementation(new MemberGate(AllowList.of(s)));
        JoinConfig join;
        if (s.clients()) {
            // one port for members and clients (Hazelcast's unified networking): client hubs keep
            // listing the members' ports, and the gate checks their hosts as well
            NetworkConfig network = config.getNetworkConfig();
            network.setPort(s.port()).setPortAutoIncrement(false);
            network.getMemberAddressProviderConfig().setEnabled(true).setImplementation(new BoundAddress(address));
            network.setSocketInterceptorConfig(gate);
            disableRest(network);
            join = network.getJoin();
        } else {
            // a member endpoint only: the port speaks the member protocol and drops anything else
            // (clients, REST, memcache) at the first bytes
            AdvancedNetworkConfig network = config.getAdvancedNetworkConfig().setEnabled(true);
            ServerSocketEndpointConfig member = new ServerSocketEndpointConfig();
            member.setPort(s.port()).setPortAutoIncrement(false);
            member.setSocketInterceptorConfig(gate);
            network.setMemberEndpointConfig(member);
            network.getMemberAddressProviderConfig().setEnabled(true).setImplementation(new BoundAddress(address));
            join = network.getJoin();
        }
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true);
        for (String m : s.members()) {
            join.getTcpIpConfig().addMember(m);
        }
        if (s.members().isEmpty()) {
            join.getTcpIpConfig().addMember(address.getAddress().getHostAddress() + ":" + s.port());
        }
        config.addMapConfig(new MapConfig(POOLS).setInMemoryFormat(InMemoryFormat.OBJECT)
                .setBackupCount(s.backupCount()).setAsyncBackupCount(0).setStatisticsEnabled(false));
        config.addMapConfig(new MapConfig(GATES).setInMemoryFormat(InMemoryFormat.OBJECT)
                .setBackupCount(s.backupCount()).setAsyncBackupCount(0));
        config.addMapConfig(new MapConfig(KEYS).setInMemoryFormat(InMemoryFormat.BINARY)
                .setBackupCount(s.backupCount()).setAsyncBackupCount(0));
        config.addReplicatedMapConfig(new ReplicatedMapConfig(WEIGHTS).setInMemoryFormat(InMemoryFormat.OBJECT));
        Serialization.register(config.getSerializationConfig());
        return config;
    }

    @SuppressWarnings("removal")
    private static void disableRest(NetworkConfig network) {
        network.getRestApiConfig().setEnabled(false);
    }

    /** A client's configuration. */
    public static ClientConfig client(HazelcastSettings s) {
        ClientConfig config = new ClientConfig();
        config.setInstanceName(s.instanceName() + "-" + Long.toHexString(System.nanoTime()));
        config.setClusterName(s.clusterName());
        if (s.classLoader() != null) {
            config.setClassLoader(s.classLoader());
        }
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "jdk");
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        for (String member : s.members()) {
            config.getNetworkConfig().addAddress(member);
        }
        config.getConnectionStrategyConfig().getConnectionRetryConfig().setClusterConnectTimeoutMillis(30_000);
        Serialization.register(config.getSerializationConfig());
        return config;
    }

    /** The one address a member binds and advertises (Hazelcast's address picker is not consulted). */
    record BoundAddress(InetSocketAddress address) implements MemberAddressProvider {
        @Override
        public InetSocketAddress getBindAddress() {
            return address;
        }

        @Override
        public InetSocketAddress getBindAddress(EndpointQualifier qualifier) {
            return address;
        }

        @Override
        public InetSocketAddress getPublicAddress() {
            return address;
        }

        @Override
        public InetSocketAddress getPublicAddress(EndpointQualifier qualifier) {
            return address;
        }
    }
}
