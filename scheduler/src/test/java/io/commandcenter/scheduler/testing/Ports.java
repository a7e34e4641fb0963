package io.commandcenter.scheduler.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Free loopback ports for test members and servers that must be told their port before they bind
 * it (Hazelcast members list each other's), all below Linux's ephemeral range (32768-60999), from
 * which the kernel picks the local port of every outgoing connection: a member on such a port can
 * have it taken by any connection before it binds it, and once a member on it is killed, another
 * member's reconnection to it can be given that very port and connect to itself (a TCP
 * simultaneous open on loopback); Hazelcast then takes the dead member's address for its own and
 * fails calls with "Connecting to self!". A port is handed out once per JVM.
 */
public final class Ports {
    private static final int LOW = 20_000;
    private static final int HIGH = 32_000;
    private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();

    private Ports() {
    }

    /** A port free now in 20000-31999, not handed out before in this JVM. */
    public static int free() {
        SplittableRandom random = new SplittableRandom();
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = random.nextInt(LOW, HIGH);
            if (!GIVEN.add(port)) {
                continue;
            }
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException taken) {
                // another process holds it: try another
            }
        }
        throw new IllegalStateException("no free port in " + LOW + "-" + (HIGH - 1));
    }
}
