package io.commandcenter.benchmarks.scheduler;

import io.commandcenter.scheduler.hazelcast.HazelcastCluster;
import io.commandcenter.scheduler.hazelcast.HazelcastSettings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Embedded Hazelcast members on loopback for the scheduler benchmarks (TCP-IP, members listed one by one). */
final class BenchCluster implements AutoCloseable {
    final List<HazelcastCluster> members = new ArrayList<>();

    BenchCluster(int size) {
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            ports.add(freePort());
        }
        List<String> addresses = ports.stream().map(p -> "127.0.0.1:" + p).toList();
        String name = "bench-" + UUID.randomUUID();
        try {
            for (int i = 0; i < size; i++) {
                members.add(HazelcastCluster.start(HazelcastSettings.embedded("hub-" + i, "127.0.0.1", ports.get(i),
                        addresses).withClusterName(name)));
            }
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (members.get(0).memberCount() < size && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Hazelcast and the scheduler log warnings only. */
    static void quietLogs() {
        Logger.getLogger("").setLevel(Level.WARNING);
        for (var h : Logger.getLogger("").getHandlers()) {
            h.setLevel(Level.WARNING);
        }
        Logger.getLogger("com.hazelcast").setLevel(Level.SEVERE);
    }

    static String option(String[] args, String name, String fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }

    @Override
    public void close() {
        for (HazelcastCluster m : members) {
            try {
                m.instance().getLifecycleService().terminate();
            } catch (RuntimeException ignored) {
                // already gone
            }
        }
    }
}
