package io.commandcenter.hub.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.SplittableRandom;

/** Ports for tests whose members must be told their port before they bind it (Hazelcast). */
public final class FreePorts {
    private FreePorts() {
    }

    /**
     * A port free now, below Linux's ephemeral range (32768 and up): a port the kernel hands out for
     * port 0 can be taken by any outgoing connection before the member binds it.
     */
    public static int belowEphemeral() {
        SplittableRandom random = new SplittableRandom();
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = random.nextInt(20_000, 32_000);
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IllegalStateException("no free port in 20000-32000");
    }
}
