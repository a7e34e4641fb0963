package io.commandcenter.scheduler.hazelcast;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * How a hub joins the scheduler's Hazelcast cluster. Membership is by configuration only: TCP-IP
 * with the members listed one by one; multicast, auto-detection and phone-home are off. A member
 * binds one interface (loopback unless told otherwise), talks only to the hosts on its allow-list
 * and admits only the members on it, and refuses Hazelcast clients unless they are switched on
 * (what this does and does not protect: the scheduler's README, "Isolation").
 *
 * @param mode         EMBEDDED: this hub is a member (holds data, runs the entry processors);
 *                     CLIENT: it connects to members (other hubs) and holds no data
 * @param clusterName  hubs with the same name form one cluster (one name per environment)
 * @param members      {@code host:port} of the members to join (embedded: the other members, this
 *                     one may be listed too; client: the members to connect to); empty: alone
 * @param host         the one address the member binds and advertises (embedded); null or blank:
 *                     {@value #DEFAULT_HOST}. Never the wildcard: a member does not listen on every interface
 * @param port         member port (embedded); no auto-increment, so a taken port fails the start
 * @param clients      whether the member accepts Hazelcast clients (hubs in CLIENT mode) on its port;
 *                     off: the port speaks the member protocol only and a client is disconnected
 * @param allow        who may connect besides the members listed and this member itself:
 *                     {@code host} (any port of that host) or {@code host:port} entries, e.g. the
 *                     hosts of hubs that join as clients
 * @param backupCount  synchronous backups of every scheduler structure, 1 to 6
 * @param partitionCount Hazelcast partitions (271 by default; every member must agree)
 * @param shutdownWait how long a member's close waits, at most, for its partitions to be handed over
 *                     (Hazelcast's {@code hazelcast.graceful.shutdown.max.wait}, whole seconds, rounded up;
 *                     a {@code -D} of that property on the JVM wins); after it the member leaves without
 *                     the hand-over, and a partition whose only copy was on it is lost. Embedded only
 * @param instanceName name of the instance in logs (the hub id)
 * @param classLoader  class loader for Hazelcast's config (inside an application server: the
 *                     application's), or null
 */
public record HazelcastSettings(Mode mode, String clusterName, List<String> members, String host, int port,
                                boolean clients, List<String> allow, int backupCount, int partitionCount,
                                Duration shutdownWait, String instanceName, ClassLoader classLoader) {
    public enum Mode {
        EMBEDDED,
        CLIENT
    }

    public static final int DEFAULT_PORT = 5701;
    public static final String DEFAULT_CLUSTER = "commandcenter";
    /** The interface a member binds when none is configured: loopback, so nothing off this machine reaches it. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /**
     * How long a member's close waits for the hand-over when none is configured: long enough for a rolling
     * restart's migrations on a loaded machine, bounded beside a member that does not answer.
     */
    public static final Duration DEFAULT_SHUTDOWN_WAIT = Duration.ofSeconds(60);
    private static final Set<String> WILDCARDS = Set.of("0.0.0.0", "::", "0:0:0:0:0:0:0:0", "*");

    public HazelcastSettings {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(clusterName, "clusterName");
        Objects.requireNonNull(instanceName, "instanceName");
        if (clusterName.isBlank()) {
            throw new IllegalArgumentException("cc.hazelcast.cluster must not be blank");
        }
        members = List.copyOf(members);
        for (String member : members) {
            try {
                HostPort.parse(member, true);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("cc.hazelcast.members are host:port, one by one (no ranges): "
                        + e.getMessage(), e);
            }
        }
        if (mode == Mode.CLIENT && members.isEmpty()) {
            throw new IllegalArgumentException("cc.hazelcast.members: a client needs at least one member address");
        }
        host = host == null || host.isBlank() ? DEFAULT_HOST : host.strip();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1); // an IPv6 literal as written in a URL
        }
        if (host.isEmpty() || host.chars().anyMatch(c -> Character.isWhitespace(c) || c == '[' || c == ']')) {
            throw new IllegalArgumentException("cc.hazelcast.host must be one address or host name, got '" + host + "'");
        }
        if (host.indexOf(':') >= 0 && host.indexOf(':') == host.lastIndexOf(':')) {
            throw new IllegalArgumentException("cc.hazelcast.host takes no port (that is cc.hazelcast.port), got '"
                    + host + "'");
        }
        if (WILDCARDS.contains(host)) {
            throw new IllegalArgumentException("cc.hazelcast.host must name one interface, not the wildcard '" + host
                    + "' (every interface)");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("cc.hazelcast.port must be 1 to 65535, got " + port);
        }
        allow = List.copyOf(allow);
        for (String entry : allow) {
            try {
                HostPort.parse(entry, false);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("cc.hazelcast.allow entries are host or host:port: "
                        + e.getMessage(), e);
            }
        }
        if (backupCount < 1 || backupCount > 6) {
            throw new IllegalArgumentException("cc.hazelcast.backups must be 1 to 6 (the scheduler never runs without "
                    + "a backup), got " + backupCount);
        }
        if (partitionCount < 1) {
            throw new IllegalArgumentException("cc.hazelcast.partitions must be >= 1, got " + partitionCount);
        }
        Objects.requireNonNull(shutdownWait, "shutdownWait");
        if (shutdownWait.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("cc.hazelcast.shutdown-wait must be at least PT1S, got " + shutdownWait);
        }
    }

    /**
     * Whether the settings name no other member: {@code members} empty or only this member's own
     * {@code host:port}. Only such a member may treat "alone in its cluster" as "no other hub writes
     * the database" (ADR 0027): a member configured with peers can be alone because a join timed out,
     * a partition cut it off or a pause got it removed, while those peers still write.
     */
    public boolean namesNoPeer() {
        String self = host + ":" + port;
        return members.stream().allMatch(m -> m.equals(self));
    }

    /** An embedded member on a host and port, joining the listed members (clients off, nothing else allowed). */
    public static HazelcastSettings embedded(String instanceName, String host, int port, List<String> members) {
        return new HazelcastSettings(Mode.EMBEDDED, DEFAULT_CLUSTER, members, host, port, false, List.of(), 1, 271,
                DEFAULT_SHUTDOWN_WAIT, instanceName, null);
    }

    /** A client of the listed members (which must accept clients: {@link #withClients(boolean)}). */
    public static HazelcastSettings client(String instanceName, List<String> members) {
        return new HazelcastSettings(Mode.CLIENT, DEFAULT_CLUSTER, members, null, DEFAULT_PORT, false, List.of(), 1,
                271, DEFAULT_SHUTDOWN_WAIT, instanceName, null);
    }

    public HazelcastSettings withClusterName(String value) {
        return new HazelcastSettings(mode, value, members, host, port, clients, allow, backupCount, partitionCount,
                shutdownWait, instanceName, classLoader);
    }

    public HazelcastSettings withPartitionCount(int value) {
        return new HazelcastSettings(mode, clusterName, members, host, port, clients, allow, backupCount, value,
                shutdownWait, instanceName, classLoader);
    }

    public HazelcastSettings withClassLoader(ClassLoader value) {
        return new HazelcastSettings(mode, clusterName, members, host, port, clients, allow, backupCount,
                partitionCount, shutdownWait, instanceName, value);
    }

    /** Accept (true) or refuse (false, the default) Hazelcast clients on this member's port. */
    public HazelcastSettings withClients(boolean value) {
        return new HazelcastSettings(mode, clusterName, members, host, port, value, allow, backupCount,
                partitionCount, shutdownWait, instanceName, classLoader);
    }

    /** How long a member's close waits, at most, for its partitions to be handed over. */
    public HazelcastSettings withShutdownWait(Duration value) {
        return new HazelcastSettings(mode, clusterName, members, host, port, clients, allow, backupCount,
                partitionCount, value, instanceName, classLoader);
    }

    /** The whole seconds of {@link #shutdownWait}, rounded up: what Hazelcast's property takes. */
    public long shutdownWaitSeconds() {
        return shutdownWait.plusNanos(999_999_999).getSeconds();
    }

    /** Extra {@code host} or {@code host:port} entries on the allow-list. */
    public HazelcastSettings withAllow(List<String> value) {
        return new HazelcastSettings(mode, clusterName, members, host, port, clients, value, backupCount,
                partitionCount, shutdownWait, instanceName, classLoader);
    }

    /**
     * Reads the settings from configuration properties (the hub passes its MicroProfile Config;
     * environment variables map by the usual rule, {@code cc.hazelcast.members} ↔
     * {@code CC_HAZELCAST_MEMBERS}). Missing or empty properties take the defaults:
     *
     * <pre>
     * cc.hazelcast.mode        embedded | client                          (embedded)
     * cc.hazelcast.cluster     cluster name, one per environment          (commandcenter)
     * cc.hazelcast.members     host:port,host:port                        (empty: alone)
     * cc.hazelcast.host        the one address to bind and advertise      (127.0.0.1)
     * cc.hazelcast.port        member port                                (5701)
     * cc.hazelcast.clients     on | off: accept Hazelcast clients         (off)
     * cc.hazelcast.allow       host or host:port entries allowed besides
     *                          the members and this member                (empty)
     * cc.hazelcast.backups     synchronous backups, 1 to 6                (1)
     * cc.hazelcast.partitions  partition count                            (271)
     * cc.hazelcast.shutdown-wait  a member's close waits this long at most
     *                          for its partitions' hand-over (ISO-8601)   (PT60S)
     * </pre>
     *
     * @throws IllegalArgumentException naming the property at fault
     */
    public static HazelcastSettings from(String instanceName, Function<String, String> property) {
        String mode = value(property, "cc.hazelcast.mode", "embedded").toUpperCase(Locale.ROOT);
        if (!Set.of("EMBEDDED", "CLIENT").contains(mode)) {
            throw new IllegalArgumentException("cc.hazelcast.mode must be embedded or client, got '"
                    + property.apply("cc.hazelcast.mode") + "'");
        }
        return new HazelcastSettings(Mode.valueOf(mode), value(property, "cc.hazelcast.cluster", DEFAULT_CLUSTER),
                list(property, "cc.hazelcast.members"), value(property, "cc.hazelcast.host", DEFAULT_HOST),
                integer(property, "cc.hazelcast.port", DEFAULT_PORT), onOff(property, "cc.hazelcast.clients"),
                list(property, "cc.hazelcast.allow"), integer(property, "cc.hazelcast.backups", 1),
                integer(property, "cc.hazelcast.partitions", 271),
                duration(property, "cc.hazelcast.shutdown-wait", DEFAULT_SHUTDOWN_WAIT), instanceName, null);
    }

    private static String value(Function<String, String> property, String name, String fallback) {
        String v = property.apply(name);
        return v == null || v.isBlank() ? fallback : v.strip();
    }

    private static List<String> list(Function<String, String> property, String name) {
        List<String> values = new ArrayList<>();
        for (String v : value(property, name, "").split(",")) {
            if (!v.isBlank()) {
                values.add(v.strip());
            }
        }
        return values;
    }

    private static int integer(Function<String, String> property, String name, int fallback) {
        String v = value(property, name, Integer.toString(fallback));
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, got '" + v + "'", e);
        }
    }

    private static Duration duration(Function<String, String> property, String name, Duration fallback) {
        String v = value(property, name, "");
        try {
            return v.isEmpty() ? fallback : Duration.parse(v.toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(name + " must be an ISO-8601 duration such as PT60S, got '" + v + "'", e);
        }
    }

    private static boolean onOff(Function<String, String> property, String name) {
        String v = value(property, name, "off").toLowerCase(Locale.ROOT);
        return switch (v) {
            case "on", "true" -> true;
            case "off", "false" -> false;
            default -> throw new IllegalArgumentException(name + " must be on or off, got '" + v + "'");
        };
    }
}
