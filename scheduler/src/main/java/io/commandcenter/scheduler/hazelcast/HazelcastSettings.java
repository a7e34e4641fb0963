package io.commandcenter.scheduler.hazelcast;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * How a hub joins the scheduler's Hazelcast cluster. Membership is by configuration only: TCP-IP
 * with the members listed one by one; multicast, auto-detection and phone-home are off.
 *
 * @param mode         EMBEDDED: this hub is a member (holds data, runs the entry processors);
 *                     CLIENT: it connects to members (other hubs) and holds no data
 * @param clusterName  hubs with the same name form one cluster
 * @param members      {@code host:port} of the members to join (embedded: the other members, this
 *                     one may be listed too; client: the members to connect to); empty: alone
 * @param host         interface to bind and advertise (embedded), e.g. {@code 127.0.0.1}; null: Hazelcast picks
 * @param port         member port (embedded); no auto-increment, so a taken port fails the start
 * @param backupCount  synchronous backups of every scheduler structure, 1 to 6
 * @param partitionCount Hazelcast partitions (271 by default; every member must agree)
 * @param instanceName name of the instance in logs (the hub id)
 * @param classLoader  class loader for Hazelcast's config (inside an application server: the
 *                     application's), or null
 */
public record HazelcastSettings(Mode mode, String clusterName, List<String> members, String host, int port,
                                int backupCount, int partitionCount, String instanceName, ClassLoader classLoader) {
    public enum Mode {
        EMBEDDED,
        CLIENT
    }

    public static final int DEFAULT_PORT = 5701;
    public static final String DEFAULT_CLUSTER = "commandcenter";

    public HazelcastSettings {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(clusterName, "clusterName");
        Objects.requireNonNull(instanceName, "instanceName");
        members = List.copyOf(members);
        for (String member : members) {
            int colon = member.lastIndexOf(':');
            if (colon <= 0 || colon == member.length() - 1) {
                throw new IllegalArgumentException("members are host:port, one by one (no ranges): '" + member + "'");
            }
            try {
                int p = Integer.parseInt(member.substring(colon + 1));
                if (p < 1 || p > 65535) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad port in member '" + member + "'", e);
            }
        }
        if (mode == Mode.CLIENT && members.isEmpty()) {
            throw new IllegalArgumentException("a client needs at least one member address");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1 to 65535, got " + port);
        }
        if (backupCount < 1 || backupCount > 6) {
            throw new IllegalArgumentException("backupCount must be 1 to 6 (the scheduler never runs without a backup)");
        }
        if (partitionCount < 1) {
            throw new IllegalArgumentException("partitionCount must be >= 1");
        }
    }

    /** An embedded member on a host and port, joining the listed members. */
    public static HazelcastSettings embedded(String instanceName, String host, int port, List<String> members) {
        return new HazelcastSettings(Mode.EMBEDDED, DEFAULT_CLUSTER, members, host, port, 1, 271, instanceName, null);
    }

    /** A client of the listed members. */
    public static HazelcastSettings client(String instanceName, List<String> members) {
        return new HazelcastSettings(Mode.CLIENT, DEFAULT_CLUSTER, members, null, DEFAULT_PORT, 1, 271, instanceName,
                null);
    }

    public HazelcastSettings withClusterName(String value) {
        return new HazelcastSettings(mode, value, members, host, port, backupCount, partitionCount, instanceName,
                classLoader);
    }

    public HazelcastSettings withPartitionCount(int value) {
        return new HazelcastSettings(mode, clusterName, members, host, port, backupCount, value, instanceName,
                classLoader);
    }

    public HazelcastSettings withClassLoader(ClassLoader value) {
        return new HazelcastSettings(mode, clusterName, members, host, port, backupCount, partitionCount, instanceName,
                value);
    }

    /**
     * Reads the settings from configuration properties (the hub passes its MicroProfile Config;
     * environment variables map by the usual rule, {@code cc.hazelcast.members} ↔
     * {@code CC_HAZELCAST_MEMBERS}). Missing or empty properties take the defaults:
     *
     * <pre>
     * cc.hazelcast.mode        embedded | client               (embedded)
     * cc.hazelcast.cluster     cluster name                    (commandcenter)
     * cc.hazelcast.members     host:port,host:port             (empty: alone)
     * cc.hazelcast.host        interface to bind and advertise (Hazelcast's choice)
     * cc.hazelcast.port        member port                     (5701)
     * cc.hazelcast.backups     synchronous backups, 1 to 6     (1)
     * cc.hazelcast.partitions  partition count                 (271)
     * </pre>
     *
     * @throws IllegalArgumentException naming the property at fault
     */
    public static HazelcastSettings from(String instanceName, Function<String, String> property) {
        String mode = value(property, "cc.hazelcast.mode", "embedded").toUpperCase(Locale.ROOT);
        List<String> members = new ArrayList<>();
        for (String m : value(property, "cc.hazelcast.members", "").split(",")) {
            if (!m.isBlank()) {
                members.add(m.strip());
            }
        }
        try {
            return new HazelcastSettings(Mode.valueOf(mode), value(property, "cc.hazelcast.cluster", DEFAULT_CLUSTER),
                    members, emptyToNull(value(property, "cc.hazelcast.host", "")),
                    Integer.parseInt(value(property, "cc.hazelcast.port", Integer.toString(DEFAULT_PORT))),
                    Integer.parseInt(value(property, "cc.hazelcast.backups", "1")),
                    Integer.parseInt(value(property, "cc.hazelcast.partitions", "271")), instanceName, null);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid cc.hazelcast.* setting: " + e.getMessage(), e);
        }
    }

    private static String value(Function<String, String> property, String name, String fallback) {
        String v = property.apply(name);
        return v == null || v.isBlank() ? fallback : v.strip();
    }

    private static String emptyToNull(String s) {
        return s.isEmpty() ? null : s;
    }
}
