package io.commandcenter.hub.metrics;

import com.sun.net.httpserver.HttpServer;
import io.commandcenter.hub.demo.DemoSettings;
import io.commandcenter.hub.metrics.http.MetricsServlet;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.remediate.ApprovalRecord;
import io.commandcenter.hub.remediate.ApprovalState;
import io.commandcenter.hub.remediate.RemediationEngine;
import io.commandcenter.hub.runtime.Hub;
import io.commandcenter.hub.runtime.HubSettings;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * A real hub running the live demo, sped up (a tick every 100 ms: the first service degrades after
 * 12 s, the less certain one soon after), with its {@code /metrics} served over HTTP on a free
 * loopback port exactly as {@link MetricsServlet} serves it inside Liberty — what a Prometheus
 * scrapes.
 */
public final class DemoHubFixture implements AutoCloseable {
    public static final ProjectId PROJECT = ProjectId.of("default");

    public final Hub hub;
    final HttpServer http;

    private DemoHubFixture(Hub hub, HttpServer http) {
        this.hub = hub;
        this.http = http;
    }

    public static DemoHubFixture start(Path dir) throws IOException {
        return start(dir, io.commandcenter.hub.tracing.TracingSettings.off());
    }

    /** The demo hub, tracing every decision loop to {@code tracing}. */
    public static DemoHubFixture start(Path dir, io.commandcenter.hub.tracing.TracingSettings tracing)
            throws IOException {
        HubSettings settings = HubSettings.defaults(dir, 0)
                .withDemo(new DemoSettings(true, Duration.ofMillis(100), 120, 1_000_000, 42))
                .withRemediate(RemediationEngine.Settings.defaults().withOutcomeWindow(Duration.ofSeconds(6))
                        .withApprovalSweep(Duration.ofSeconds(1)));
        Hub hub = Hub.start(settings, Clock.systemUTC(), tracing);
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/metrics", exchange -> {
            byte[] body = hub.metrics().registry().scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", MetricsServlet.CONTENT_TYPE);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        http.start();
        return new DemoHubFixture(hub, http);
    }

    /** {@code host:port} of the metrics endpoint. */
    String target() {
        return "127.0.0.1:" + http.getAddress().getPort();
    }

    MetricRegistry registry() {
        return hub.metrics().registry();
    }

    /**
     * Waits for the demo's whole loop: an automatic restart that succeeded and whose outcome was
     * judged, and an approval for the less certain case, which a person rejects.
     */
    void awaitLoop() {
        HubMetrics m = hub.metrics();
        await().atMost(180, TimeUnit.SECONDS).pollInterval(500, TimeUnit.MILLISECONDS)
                .until(() -> m.outcomes.sum() > 0 && m.runs.sum(null, null, "succeeded") > 0);
        await().atMost(120, TimeUnit.SECONDS).pollInterval(500, TimeUnit.MILLISECONDS)
                .until(() -> !hub.remediation().approvals(PROJECT, ApprovalState.PENDING, 10).isEmpty());
        List<ApprovalRecord> pending = hub.remediation().approvals(PROJECT, ApprovalState.PENDING, 10);
        hub.remediation().reject(PROJECT, pending.get(0).approvalId(), "ana", "load test, not an incident");
    }

    /** Waits for the demo's first automatic restart to succeed and its outcome to be judged. */
    public void awaitAutomaticOutcome() {
        HubMetrics m = hub.metrics();
        await().atMost(180, TimeUnit.SECONDS).pollInterval(500, TimeUnit.MILLISECONDS)
                .until(() -> m.outcomes.sum() > 0 && m.runs.sum(null, null, "succeeded") > 0);
    }

    @Override
    public void close() {
        http.stop(0);
        hub.close();
    }
}
