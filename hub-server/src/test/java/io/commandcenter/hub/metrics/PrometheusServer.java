package io.commandcenter.hub.metrics;

import io.commandcenter.common.json.Json;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * A real Prometheus (Debian's {@code prometheus}, installed by {@code bin/install-prometheus}) on a
 * free loopback port with a scratch data directory, and its {@code promtool}. Not found is a
 * failure, never a skip: the test set-up installs it.
 */
final class PrometheusServer implements AutoCloseable {
    static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
    static final Path PROMTOOL = Path.of("/usr/bin/promtool");

    private final Process process;
    private final int port;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private PrometheusServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static void requireInstalled() {
        if (!Files.isExecutable(PROMETHEUS) || !Files.isExecutable(PROMTOOL)) {
            throw new AssertionError("prometheus and promtool are required (Debian package prometheus):"
                    + " run bin/install-prometheus (.ci/run does)");
        }
    }

    /** Starts Prometheus with {@code config}, its data and log under {@code dir}; returns once it is ready. */
    static PrometheusServer start(Path config, Path dir) throws IOException {
        requireInstalled();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Process p = new ProcessBuilder(PROMETHEUS.toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        PrometheusServer server = new PrometheusServer(p, port);
        try {
            await().atMost(60, TimeUnit.SECONDS).pollInterval(200, TimeUnit.MILLISECONDS).ignoreExceptions()
                    .until(() -> {
                        if (!p.isAlive()) {
                            throw new AssertionError("prometheus exited: " + Files.readString(dir.resolve("prometheus.log")));
                        }
                        return server.get("/-/ready").statusCode() == 200;
                    });
        } catch (RuntimeException | AssertionError e) {
            server.close();
            throw e;
        }
        return server;
    }

    HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The result of an instant query: each series' labels and value (status must be success). */
    @SuppressWarnings("unchecked")
    List<Map.Entry<Map<String, Object>, String>> query(String expr) throws IOException, InterruptedException {
        HttpResponse<String> r = get("/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8));
        Map<String, Object> body = Json.parseObject(r.body());
        if (r.statusCode() != 200 || !"success".equals(body.get("status"))) {
            throw new AssertionError("query failed (" + r.statusCode() + "): " + expr + "\n" + r.body());
        }
        Map<String, Object> data = Json.object(body, "data");
        List<Map.Entry<Map<String, Object>, String>> out = new ArrayList<>();
        if ("scalar".equals(data.get("resultType"))) {
            List<Object> v = Json.array(data, "result");
            out.add(Map.entry(Map.of(), String.valueOf(v.get(1))));
            return out;
        }
        for (Object o : Json.array(data, "result")) {
            Map<String, Object> series = (Map<String, Object>) o;
            List<Object> v = (List<Object>) series.get("value");
            out.add(Map.entry((Map<String, Object>) series.get("metric"), String.valueOf(v.get(1))));
        }
        return out;
    }

    /** Runs promtool with the arguments; returns its output, failing on a non-zero exit. */
    static String promtool(String... args) throws IOException, InterruptedException {
        requireInstalled();
        List<String> command = new ArrayList<>(List.of(PROMTOOL.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("promtool " + String.join(" ", args) + " failed:\n" + out);
        }
        return out;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
