package io.commandcenter.hub.runtime;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code bin/hub} as an operator runs it, from a copy of the checkout's layout in a temporary directory: the
 * real script, and in place of Liberty's {@code wlp/bin/server} (and of {@code ./mvnw} for the build) a
 * small script that prints its process id and the settings it was handed, then waits like a server does.
 * What the script does before and around the server (checks, paths, signals) is observed without a
 * Liberty installation; the server itself is tested by the liberty module's ITs.
 */
class BinHubTest {
    private static final Path SCRIPT = Path.of(System.getProperty("repo.root", ".."), "bin", "hub");
    /** What the stand-ins print, one {@code NAME=value} a line, then {@code ready}. */
    private static final String REPORT = """
            #!/usr/bin/env bash
            echo "pid=$$"
            for v in CC_DATA_DIR WLP_OUTPUT_DIR CC_TLS_KEYSTORE CC_TLS_CLIENT_CA CC_AUTH_ADMIN_KEY_FILE \\
                    CC_MODELS_DIR CC_MEMORY_DIR; do
                echo "$v=${!v:-}"
            done
            echo ready
            exec sleep 600
            """;

    @TempDir
    Path dir;
    private Path root;
    private Path work;
    private Path war;
    private final List<Process> started = new ArrayList<>();

    @BeforeEach
    void checkout() throws IOException {
        root = dir.resolve("checkout");
        Files.createDirectories(root.resolve("bin"));
        Files.copy(SCRIPT, root.resolve("bin/hub"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.createDirectories(root.resolve("bin/lib"));
        Files.copy(SCRIPT.resolveSibling("lib/build"), root.resolve("bin/lib/build"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.copy(SCRIPT.resolveSibling("lib/java"), root.resolve("bin/lib/java"), StandardCopyOption.COPY_ATTRIBUTES);
        Path wlp = root.resolve("liberty/target/liberty/wlp");
        executable(wlp.resolve("bin/server"), REPORT);
        war = wlp.resolve("usr/servers/hub/apps/hub-server.war");
        Files.createDirectories(war.getParent());
        Files.writeString(war, "");
        work = Files.createDirectories(dir.resolve("work")).toRealPath();
    }

    @AfterEach
    void stop() {
        for (Process process : started) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    /** A SIGTERM to bin/hub is a SIGTERM to the server: the script and Liberty's both exec, one process. */
    @Test
    void sigtermToBinHub_reachesTheServerItself() throws Exception {
        Run run = run(Map.of());
        assertThat(run.lines).as(run.describe()).contains("ready", "pid=" + run.process.pid());

        run.process.destroy();
        assertThat(run.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(run.process.exitValue()).isEqualTo(143);
    }

    /** The server runs in $WLP_OUTPUT_DIR/hub: relative paths are made absolute against the caller's directory. */
    @Test
    void relativeFileSettings_meanTheCallersDirectory() throws Exception {
        Run run = run(Map.of("CC_DATA_DIR", "state", "CC_TLS_KEYSTORE", "certs/hub.p12", "CC_TLS_CLIENT_CA", "ca.pem",
                "CC_AUTH_ADMIN_KEY_FILE", "keys/../admin.key", "CC_MODELS_DIR", "models",
                "CC_MEMORY_DIR", "/srv/cc/memory"));
        assertThat(run.lines).as(run.describe()).contains(
                "CC_DATA_DIR=" + work.resolve("state"),
                "WLP_OUTPUT_DIR=" + work.resolve("state/liberty"),
                "CC_TLS_KEYSTORE=" + work.resolve("certs/hub.p12"),
                "CC_TLS_CLIENT_CA=" + work.resolve("ca.pem"),
                "CC_AUTH_ADMIN_KEY_FILE=" + work.resolve("admin.key"),
                "CC_MODELS_DIR=" + work.resolve("models"),
                "CC_MEMORY_DIR=/srv/cc/memory");
    }

    /** Liberty and the Maven wrapper run JAVA_HOME's java: that one is checked, for 17+. */
    @Test
    void aJavaHomeOlderThan17_isRefusedBeforeAnythingStarts() throws Exception {
        Path oldJdk = dir.resolve("jdk-11");
        executable(oldJdk.resolve("bin/java"), """
                #!/usr/bin/env bash
                echo 'Property settings:' >&2
                echo '    java.specification.version = 11' >&2
                echo 'openjdk version "11.0.22" 2024-01-16' >&2
                """);
        Run run = run(Map.of("JAVA_HOME", oldJdk.toString()));

        assertThat(run.lines).as(run.describe()).doesNotContain("ready");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.errors()).contains(oldJdk.resolve("bin/java") + " is Java 11", "17+", "JAVA_HOME");
    }

    /** A port another program answers on: refused on the terminal, naming the variable, before the server. */
    @ParameterizedTest
    @ValueSource(strings = {"CC_GRPC_PORT", "CC_HTTP_PORT", "CC_HAZELCAST_PORT"})
    void aPortInUse_isRefusedNamingItsVariable(String variable) throws Exception {
        try (ServerSocket other = new ServerSocket()) {
            other.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Run run = run(Map.of(variable, Integer.toString(other.getLocalPort())));

            assertThat(run.lines).as(run.describe()).doesNotContain("ready");
            assertThat(run.exit()).isEqualTo(1);
            assertThat(run.errors()).contains(variable + "=" + other.getLocalPort() + " is in use");
        }
    }

    /** A data directory that cannot be made (here: below a file) is named by its variable. */
    @Test
    void aDataDirectoryThatCannotBeMade_isNamed() throws Exception {
        Files.writeString(work.resolve("a-file"), "");
        Run run = run(Map.of("CC_DATA_DIR", "a-file/data"));

        assertThat(run.lines).as(run.describe()).doesNotContain("ready");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.errors()).contains("CC_DATA_DIR=" + work.resolve("a-file/data") + " cannot be created");
    }

    /** The first run's build is a child: a SIGTERM to bin/hub must not leave it running on its own. */
    @Test
    void sigtermDuringTheBuild_endsTheBuild() throws Exception {
        Files.delete(war);
        executable(root.resolve("mvnw"), REPORT);
        Map<String, String> env = new HashMap<>();
        env.put("CC_NO_BUILD", "");
        Run run = run(env);
        ProcessHandle build = ProcessHandle.of(pidOf(run)).orElseThrow();
        assertThat(build.pid()).isNotEqualTo(run.process.pid());

        try {
            run.process.destroy();
            assertThat(run.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(build.onExit().completeOnTimeout(null, 30, TimeUnit.SECONDS).get())
                    .as("the build (pid %d) still runs after bin/hub ended", build.pid()).isNotNull();
            assertThat(run.process.exitValue()).isEqualTo(143);
        } finally {
            build.destroyForcibly();   // no longer bin/hub's descendant when it was left behind
        }
    }

    /** Two first runs at once (or bin/hub and bin/cc, bin/lib/build): one build at a time, the second waits. */
    @Test
    void twoBuildsAtOnce_runOneAfterTheOther() throws Exception {
        Files.delete(war);
        executable(root.resolve("mvnw"), REPORT);
        Run first = run(Map.of("CC_NO_BUILD", ""));
        ProcessHandle firstBuild = ProcessHandle.of(pidOf(first)).orElseThrow();

        Path secondErrors = Files.createTempFile(dir, "stderr", ".txt");
        Process second = builder(Map.of("CC_NO_BUILD", ""), secondErrors).start();
        started.add(second);
        await().atMost(30, TimeUnit.SECONDS).until(() -> Files.readString(secondErrors).contains(
                "another build of this checkout runs (bin/hub or bin/cc): waiting for it") || !second.isAlive());
        assertThat(second.isAlive()).as(Files.readString(secondErrors)).isTrue();
        assertThat(firstBuild.isAlive()).isTrue();

        first.process.destroy();
        assertThat(firstBuild.onExit().completeOnTimeout(null, 30, TimeUnit.SECONDS).get()).isNotNull();
        Run then = new Run(second, readUntilReady(second), secondErrors);
        assertThat(pidOf(then)).as(then.describe()).isNotEqualTo(firstBuild.pid());
    }

    private static long pidOf(Run run) {
        return Long.parseLong(run.lines.stream().filter(l -> l.startsWith("pid=")).findFirst().orElseThrow(
                () -> new AssertionError("nothing started: " + run.describe())).substring(4));
    }

    private record Run(Process process, List<String> lines, Path stderr) {
        int exit() throws InterruptedException {
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("bin/hub ended").isTrue();
            return process.exitValue();
        }

        String errors() {
            try {
                return Files.readString(stderr);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String describe() {
            return "bin/hub printed " + lines + ", and on stderr:\n" + errors();
        }
    }

    /**
     * Starts bin/hub in {@link #work} with this JVM's java, free ports, no build, plus {@code env}; reads its
     * standard output up to the stand-in's {@code ready} (or its end, when bin/hub stops before).
     */
    private Run run(Map<String, String> env) throws IOException {
        Path stderr = Files.createTempFile(dir, "stderr", ".txt");
        Process process = builder(env, stderr).start();
        started.add(process);
        return new Run(process, readUntilReady(process), stderr);
    }

    private ProcessBuilder builder(Map<String, String> env, Path stderr) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(root.resolve("bin/hub").toString()).directory(work.toFile())
                .redirectError(stderr.toFile());
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(k -> k.startsWith("CC_") || k.startsWith("WLP_") || k.equals("JVM_ARGS"));
        environment.put("JAVA_HOME", System.getProperty("java.home"));
        environment.put("CC_NO_BUILD", "1");
        environment.put("CC_HUB_ID", "script-test");
        for (String port : List.of("CC_HTTP_PORT", "CC_GRPC_PORT", "CC_HAZELCAST_PORT")) {
            environment.put(port, Integer.toString(freePort()));
        }
        environment.putAll(env);
        return builder;
    }

    private static List<String> readUntilReady(Process process) throws IOException {
        List<String> lines = new ArrayList<>();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            lines.add(line);
            if (line.equals("ready")) {
                break;
            }
        }
        return lines;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void executable(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        assertThat(file.toFile().setExecutable(true)).isTrue();
    }
}
