package io.commandcenter.hub.testing;

import io.commandcenter.hub.runtime.Hub;
import io.commandcenter.hub.runtime.HubSettings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Starts a hub in its own JVM for crash tests: {@code HubMain <data dir> <port file>}. Writes the
 * gRPC port to the port file once ready, then runs until killed.
 */
public final class HubMain {
    private HubMain() {
    }

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        Hub hub = Hub.start(HubSettings.defaults(dataDir, 0), Clock.systemUTC());
        Path tmp = Path.of(args[1] + ".tmp");
        Files.writeString(tmp, Integer.toString(hub.grpcPort()));
        Files.move(tmp, Path.of(args[1]));
        Thread.currentThread().join();
    }
}
