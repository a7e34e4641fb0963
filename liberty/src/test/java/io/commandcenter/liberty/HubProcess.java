package io.commandcenter.liberty;

import io.commandcenter.proto.v1.Agent;
import io.commandcenter.proto.v1.ListAgentsRequest;
import io.commandcenter.proto.v1.ScheduleServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A hub running as an operating-system process from the packaged server ({@code target/hub.jar}),
 * configured only by environment variables, as an operator runs it: either {@code java -jar hub.jar}
 * or {@code wlp/bin/server run hub} of an unpacked copy. Its console goes to {@code console.log} in
 * its directory; {@link #describe()} shows the end of it when an assertion fails.
 */
final class HubProcess {
    /** The packaged server the build made (the module's artifact). */
    static final Path HUB_JAR = Path.of(System.getProperty("hub.jar", "target/hub.jar"));
    /**
     * JVM options of a test hub (Liberty's JVM_ARGS, after jvm.options): a small heap, and the client
     * compiler only, which halves the start of three hubs on two cores (~25 s instead of ~55 s).
     */
    static final String TEST_JVM_ARGS = "-Xmx384m -XX:TieredStopAtLevel=1";

    final String hubId;
    final int httpPort;
    final int grpcPort;
    final Path dir;
    final Path console;
    final Process process;
    final AdminKey admin;
    final ManagedChannel channel;
    /** {@code http}, or {@code https} for a hub started with CC_TLS=on (its port is then CC_HTTPS_PORT). */
    final String scheme;
    private final HttpClient http;

    private HubProcess(String hubId, int httpPort, int grpcPort, Path dir, Path dataDir, Path console,
                       Process process, Path trusted) {
        this.hubId = hubId;
        this.httpPort = httpPort;
        this.grpcPort = grpcPort;
        this.dir = dir;
        this.console = console;
        this.process = process;
        this.admin = new AdminKey(dataDir.resolve("admin.key"));
        this.scheme = trusted == null ? "http" : "https";
        HttpClient.Builder client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5));
        try {
            if (trusted == null) {
                this.channel = NettyChannelBuilder.forAddress("localhost", grpcPort).usePlaintext()
                        .intercept(admin.interceptor()).build();
            } else {
                client.sslContext(trusting(trusted));
                this.channel = NettyChannelBuilder.forAddress("localhost", grpcPort,
                        io.grpc.TlsChannelCredentials.newBuilder().trustManager(trusted.toFile()).build())
                        .intercept(admin.interceptor()).build();
            }
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot trust " + trusted + ": " + e, e);
        }
        this.http = client.build();
    }

    /** A TLS context trusting the PEM certificate(s) in {@code pem} only. */
    static javax.net.ssl.SSLContext trusting(Path pem) throws IOException, java.security.GeneralSecurityException {
        java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
        store.load(null, null);
        int i = 0;
        try (var in = Files.newInputStream(pem)) {
            for (var cert : java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("trusted-" + i++, cert);
            }
        }
        var trust = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory
                .getDefaultAlgorithm());
        trust.init(store);
        var context = javax.net.ssl.SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    /**
     * Starts {@code command} in {@code dir} with the environment of this JVM minus every hub and
     * Liberty setting it may carry (CC_*, WLP_*, JVM_ARGS), plus {@code env}; JAVA_HOME is this JVM's.
     * The ports in {@code env} (CC_HTTP_PORT, CC_GRPC_PORT, CC_HAZELCAST_PORT) must be free.
     */
    static HubProcess start(List<String> command, Path dir, Map<String, String> env) throws IOException {
        return start(command, dir, env, null);
    }

    /**
     * As {@link #start(List, Path, Map)}, for a hub started with {@code CC_TLS=on}: its HTTPS port
     * ({@code CC_HTTPS_PORT}) and its gRPC port are reached over TLS trusting {@code trusted} (PEM).
     */
    static HubProcess start(List<String> command, Path dir, Map<String, String> env, Path trusted)
            throws IOException {
        String hubId = env.get("CC_HUB_ID");
        int http = Integer.parseInt(env.get(trusted == null ? "CC_HTTP_PORT" : "CC_HTTPS_PORT"));
        int grpc = Integer.parseInt(env.get("CC_GRPC_PORT"));
        for (String port : List.of("CC_HTTP_PORT", "CC_HTTPS_PORT", "CC_GRPC_PORT", "CC_HAZELCAST_PORT")) {
            if (env.containsKey(port) && Integer.parseInt(env.get(port)) > 0) {
                requireFree(Integer.parseInt(env.get(port)), hubId);
            }
        }
        Files.createDirectories(dir);
        Path console = dir.resolve("console.log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(console.toFile());
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(k -> k.startsWith("CC_") || k.startsWith("WLP_") || k.equals("JVM_ARGS"));
        environment.put("JAVA_HOME", System.getProperty("java.home"));
        environment.putAll(env);
        return new HubProcess(hubId, http, grpc, dir, Path.of(env.getOrDefault("CC_DATA_DIR", dir.resolve("data").toString())),
                console, builder.start(), trusted);
    }

    private static void requireFree(int port, String hubId) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(port));
        } catch (IOException e) {
            throw new IllegalStateException("port " + port + " for hub " + hubId
                    + " is taken: is a hub of an earlier run still up?", e);
        }
    }

    /** The {@code java} of this JVM: the packaged server needs a JDK and nothing else. */
    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * Unpacks the packaged server's {@code wlp/} into {@code target} (a fresh directory) with its scripts
     * executable, as {@code unzip hub.jar} does, and returns the {@code wlp} directory.
     */
    static Path unpack(Path jar, Path target) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (ZipEntry entry : zip.stream().toList()) {
                Path out = target.resolve(entry.getName()).normalize();
                if (!entry.getName().startsWith("wlp/") || !out.startsWith(target)) {
                    continue;
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                    continue;
                }
                Files.createDirectories(out.getParent());
                try (InputStream in = zip.getInputStream(entry)) {
                    Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
                }
                if (entry.getName().startsWith("wlp/bin/") && !entry.getName().endsWith(".jar")) {
                    out.toFile().setExecutable(true);
                }
            }
        }
        return target.resolve("wlp");
    }

    /** Deletes a directory tree if it exists. */
    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** GET on the hub's HTTP port; a refused connection is an exception. */
    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(scheme + "://localhost:" + httpPort + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Whether {@code /health/ready} answers 200 now. */
    boolean ready() {
        try {
            return get("/health/ready").statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The agents this hub's scheduler lists (every hub of its cluster), over gRPC. */
    List<Agent> agents() {
        return ScheduleServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .listAgents(ListAgentsRequest.getDefaultInstance()).getAgentsList();
    }

    /** The JVMs of this hub: the process itself and, for {@code java -jar}, the server it launched. */
    Stream<ProcessHandle> processes() {
        return Stream.concat(process.descendants(), Stream.of(process.toHandle()));
    }

    /** Kills the hub at once, like {@code kill -9}: no shutdown of any kind runs. */
    void kill() throws InterruptedException {
        List<ProcessHandle> all = processes().toList();
        all.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle p : all) {
            p.onExit().orTimeout(30, TimeUnit.SECONDS).join();
        }
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Stops the hub as Ctrl-C or SIGTERM does (orderly), killing whatever is left after {@code grace}. */
    void stop(Duration grace) throws InterruptedException {
        channel.shutdownNow();
        List<ProcessHandle> all = processes().toList();
        process.destroy();
        long deadline = System.nanoTime() + grace.toNanos();
        for (ProcessHandle p : all) {
            long left = Math.max(0, deadline - System.nanoTime());
            try {
                p.onExit().get(left, TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                p.destroyForcibly();
            }
        }
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** The hub, its state and the end of its console, for assertion messages. */
    String describe() {
        String tail;
        try {
            List<String> lines = Files.readAllLines(console, StandardCharsets.UTF_8);
            tail = String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            tail = "(no console: " + e + ")";
        }
        return "hub " + hubId + " (http " + httpPort + ", gRPC " + grpcPort + ", "
                + (process.isAlive() ? "running" : "exited " + process.exitValue()) + "), console " + console
                + ":\n" + tail;
    }
}
