package io.commandcenter.scheduler.hazelcast;

import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.ReplicatedMapConfig;

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

    private Configs() {
    }

    /** A member's configuration. */
    public static Config member(HazelcastSettings s) {
        Config config = new Config();
        config.setInstanceName(s.instanceName() + "-" + Long.toHexString(System.nanoTime()));
        config.setClusterName(s.clusterName());
        if (s.classLoader() != null) {
            config.setClassLoader(s.classLoader());
        }
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "jdk");
        config.setProperty("hazelcast.partition.count", Integer.toString(s.partitionCount()));
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        NetworkConfig network = config.getNetworkConfig();
        network.setPort(s.port()).setPortAutoIncrement(false);
        if (s.host() != null) {
            network.getInterfaces().setEnabled(true).addInterface(s.host());
            network.setPublicAddress(s.host() + ":" + s.port());
        }
        network.getRestApiConfig().setEnabled(false);
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true);
        String self = s.host() == null ? null : s.host() + ":" + s.port();
        for (String member : s.members()) {
            join.getTcpIpConfig().addMember(member);
        }
        if (self != null && s.members().isEmpty()) {
            join.getTcpIpConfig().addMember(self);
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
}
