package io.commandcenter.scheduler.hazelcast;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Who a member deals with: the members listed ({@code cc.hazelcast.members}), this member itself,
 * and the extra entries of {@code cc.hazelcast.allow}. An entry is {@code host:port} (that member
 * only) or {@code host} (any port of that host). Host names are resolved when a connection is
 * checked, not when the list is built (the JVM caches lookups), so a hub listed by name may come up
 * after this one.
 *
 * <p>Two questions, asked by {@link MemberGate}: may a connection <em>from</em> this address be
 * accepted (the source port of a TCP connection says nothing, so only the host counts), and may this
 * member address ({@code host:port}, as connected to or as advertised in a join request) take part.
 */
final class AllowList {
    private final List<HostPort> entries;

    AllowList(List<HostPort> entries) {
        this.entries = List.copyOf(new LinkedHashSet<>(entries));
    }

    /** The members listed, this member itself, then the extra entries; duplicates once. */
    static AllowList of(HazelcastSettings settings) {
        List<HostPort> entries = new ArrayList<>();
        for (String member : settings.members()) {
            entries.add(HostPort.parse(member, true));
        }
        entries.add(new HostPort(settings.host(), settings.port()));
        for (String entry : settings.allow()) {
            entries.add(HostPort.parse(entry, false));
        }
        return new AllowList(entries);
    }

    List<HostPort> entries() {
        return entries;
    }

    /** Whether a connection whose other end is {@code remote} may be accepted: some entry's host is that address. */
    boolean allowsHost(InetAddress remote) {
        return entries.stream().anyMatch(e -> resolves(e.host(), remote));
    }

    /** Whether the member at {@code address:port} may take part: an entry of that host with that port, or with any. */
    boolean allowsMember(InetAddress address, int port) {
        return entries.stream().anyMatch(e -> (e.anyPort() || e.port() == port) && resolves(e.host(), address));
    }

    /** As {@link #allowsMember(InetAddress, int)}, for an address as written (a name is resolved; unknown: refused). */
    boolean allowsMember(String host, int port) {
        for (InetAddress address : resolve(host)) {
            if (allowsMember(address, port)) {
                return true;
            }
        }
        return false;
    }

    private static boolean resolves(String host, InetAddress address) {
        return resolve(host).contains(address);
    }

    private static List<InetAddress> resolve(String host) {
        try {
            return List.of(InetAddress.getAllByName(host));
        } catch (UnknownHostException | SecurityException e) {
            return List.of();
        }
    }

    @Override
    public String toString() {
        return entries.stream().map(HostPort::toString).collect(Collectors.joining(", ", "[", "]"));
    }
}
