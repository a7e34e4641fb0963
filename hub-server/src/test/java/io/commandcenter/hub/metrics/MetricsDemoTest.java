package io.commandcenter.hub.metrics;

import io.commandcenter.hub.predict.PredictionRecord;
import io.commandcenter.hub.predict.PredictionRepository;
import io.commandcenter.hub.predict.sql.JpaPredictionRepository;
import io.commandcenter.hub.testing.Credentials;
import io.commandcenter.hub.testing.GrpcFixture;
import io.commandcenter.hub.testing.Ingest;
import io.commandcenter.hub.testing.Records;
import io.commandcenter.proto.v1.TelemetryServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import io.commandcenter.common.json.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The metrics of a real hub after real activity: the live demo's whole loop (samples, a prediction,
 * an automatic restart through the scheduler, its outcome; a less certain case a person rejects),
 * a record validation refuses, a person's label and a declared incident nothing predicted. Every
 * family of guide section 21 is in the exposition, with the values that activity implies.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MetricsDemoTest {
    @TempDir
    static java.nio.file.Path dir;
    static DemoHubFixture demo;
    static ManagedChannel channel;
    static PrometheusServer prometheus;

    // the demo's loop takes ~20 s on a quiet machine, far more on a busy one: more than the 60 s default
    @org.junit.jupiter.api.Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
    @BeforeAll
    static void start() throws Exception {
        demo = DemoHubFixture.start(dir);
        channel = NettyChannelBuilder.forAddress("localhost", demo.hub.grpcPort()).usePlaintext()
                .intercept(Credentials.admin(demo.hub)).build();
        // a real Prometheus scrapes the demo hub every second from the start, as it would in production
        Path config = Files.writeString(dir.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: commandcenter
                    metrics_path: /metrics
                    static_configs:
                      - targets: ["%s"]
                        labels:
                          hub: hub-local
                """.formatted(demo.target()));
        PrometheusServer.promtool("check", "config", config.toString());
        Files.createDirectories(dir.resolve("prometheus"));
        prometheus = PrometheusServer.start(config, dir.resolve("prometheus"));
        await().atMost(90, TimeUnit.SECONDS).pollInterval(1, TimeUnit.SECONDS)
                .until(() -> prometheus.query("up{job=\"commandcenter\"} == 1").size() == 1);
        demo.awaitLoop();
    }

    @AfterAll
    static void stop() {
        if (prometheus != null) {
            prometheus.close();
        }
        if (channel != null) {
            channel.shutdownNow();
        }
        if (demo != null) {
            demo.close();
        }
    }

    /** Every sample line of the exposition: {@code name{labels}} to value. */
    static Map<String, Double> samples(String text) {
        Map<String, Double> out = new TreeMap<>();
        Pattern line = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\\{.*\\})?) (\\S+)$");
        for (String l : text.split("\n")) {
            if (l.startsWith("#") || l.isEmpty()) {
                continue;
            }
            Matcher m = line.matcher(l);
            assertThat(m.matches()).as("a sample line: %s", l).isTrue();
            out.put(m.group(1), Double.parseDouble(m.group(2).replace("+Inf", "Infinity")));
        }
        return out;
    }

    static double sum(Map<String, Double> samples, String name, String... labels) {
        return samples.entrySet().stream().filter(e -> e.getKey().equals(name) || e.getKey().startsWith(name + "{"))
                .filter(e -> List.of(labels).stream().allMatch(l -> e.getKey().contains(l)))
                .mapToDouble(Map.Entry::getValue).sum();
    }

    @Test
    @Order(1)
    void afterTheDemoLoop_theExpositionShowsIngestPredictionsRemediationSchedulerAndQuality() {
        // a record validation refuses: counted by kind and reason
        var refused = Ingest.call(GrpcFixture.scoped(TelemetryServiceGrpc.newStub(channel), "default"),
                List.of(Records.request(Records.sample("bad-1", "checkout-api", Instant.now(), Double.NaN))));
        assertThat(Ingest.failure(refused).getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        // a person labels the first prediction a false alarm; an incident nobody predicted is declared
        PredictionRecord first = firstPrediction();
        demo.hub.feedback().label(DemoHubFixture.PROJECT, first.id(), "false_alarm", "drill", "ana");
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        demo.hub.feedback().declare(DemoHubFixture.PROJECT, "service", "no-such-service", now.minusSeconds(600),
                now.minusSeconds(300), "disk full", "ana");

        var before = demo.hub.engine().stats();
        String text = demo.registry().scrape();
        var after = demo.hub.engine().stats();
        Map<String, Double> s = samples(text);

        // ingest: the demo's samples stored, the refused one counted by its reason
        assertThat(sum(s, "cc_ingest_records_total", "project=\"default\"", "kind=\"health_sample\"",
                "outcome=\"stored\"")).isGreaterThan(100);
        assertThat(s.get("cc_ingest_records_rejected_total{project=\"default\",kind=\"health_sample\","
                + "reason=\"NOT_FINITE\"}")).isEqualTo(1);
        assertThat(sum(s, "cc_ingest_batch_duration_seconds_count")).isPositive();
        assertThat(s).containsKey("cc_ingest_queue_records");
        // predictions: as many as the engine raised, each in the risk and confidence histograms
        double raised = sum(s, "cc_predictions_total", "model=\"service_health\"");
        assertThat(raised).isPositive().isBetween(before.raised() - 1.0, (double) after.raised());
        assertThat(sum(s, "cc_prediction_risk_count")).isEqualTo(raised);
        assertThat(sum(s, "cc_prediction_confidence_count")).isEqualTo(raised);
        assertThat(sum(s, "cc_model_runs_total", "model=\"service_health\"")).isPositive()
                .isBetween((double) before.runs() - 4096, (double) after.runs());
        assertThat(sum(s, "cc_model_scoring_duration_seconds_count")).isPositive();
        assertThat(s).containsKey("cc_engine_lag_seconds").containsKey("cc_engine_records_dropped_total")
                .containsKey("cc_events_dropped_total");
        assertThat(s.get("cc_events_published_total")).isPositive();
        // remediation: an automatic decision that ran and succeeded, its outcome, the rejected approval
        assertThat(sum(s, "cc_remediation_decisions_total", "mode=\"automatic\"", "reason=\"confident\""))
                .isPositive();
        assertThat(sum(s, "cc_remediation_decisions_total", "mode=\"approval\"")).isPositive();
        assertThat(sum(s, "cc_remediation_runs_total", "state=\"succeeded\"")).isPositive();
        assertThat(sum(s, "cc_remediation_runs_total", "state=\"rejected\"")).isEqualTo(1);
        assertThat(sum(s, "cc_remediation_outcomes_total", "decision=\"automatic\"")).isPositive();
        assertThat(sum(s, "cc_remediation_approval_wait_seconds_count", "state=\"rejected\"")).isEqualTo(1);
        assertThat(s).containsKey("cc_remediation_approvals_pending{project=\"default\"}");
        assertThat(sum(s, "cc_remediation_prediction_to_action_seconds_count", "mode=\"automatic\""))
                .isPositive();
        // quality: the recovered outcome is a true positive, the rejection and the label false positives,
        // the declared window a missed incident of the champion
        assertThat(sum(s, "cc_quality_true_positives_total", "source=\"outcome\"")).isEqualTo(
                sum(s, "cc_remediation_outcomes_total", "outcome=\"recovered\""));
        assertThat(sum(s, "cc_quality_false_positives_total", "source=\"rejection\"")).isEqualTo(1);
        assertThat(sum(s, "cc_quality_false_positives_total", "source=\"person\"",
                "version=\"" + first.modelVersion() + "\"")).isEqualTo(1);
        assertThat(sum(s, "cc_quality_missed_incidents_total", "model=\"service_health\"")).isEqualTo(1);
        // scheduler: the restart was leased to an agent; agents by state; JVM and Hazelcast basics
        assertThat(sum(s, "cc_scheduler_assignments_total", "project=\"default\"")).isPositive();
        assertThat(sum(s, "cc_scheduler_task_changes_total", "change=\"succeeded\"")).isPositive();
        assertThat(sum(s, "cc_scheduler_agents", "agent_type=\"devops\"", "state=\"connected\"")).isPositive();
        // queue depth by project and agent type: the demo's project is a series even with nothing queued
        assertThat(s).containsKey("cc_scheduler_queue_tasks{project=\"default\",agent_type=\"devops\"}");
        // lease expiries are their own series from the first lease on (the demo's agents answer in time)
        assertThat(s).containsKey("cc_scheduler_lease_expiries_total{project=\"default\",agent_type=\"devops\"}");
        assertThat(s.get("jvm_memory_used_bytes{area=\"heap\"}")).isPositive();
        assertThat(s.get("jvm_threads_current")).isPositive();
        assertThat(s.get("process_cpu_seconds_total")).isPositive();
        assertThat(s).containsKey("cc_hazelcast_cluster_members");
        // no label carries an id: no prediction, run, record or entity id anywhere in the text
        assertThat(text).doesNotContain(first.id()).doesNotContain("run-").doesNotContain("bad-1")
                .doesNotContain("checkout-api").doesNotContain("no-such-service");
        // every family has HELP and TYPE, counters end in _total
        for (String l : text.split("\n")) {
            if (l.startsWith("# TYPE ") && l.endsWith(" counter")) {
                assertThat(l.split(" ")[2]).endsWith("_total");
            }
        }
    }

    /** One query of one dashboard panel. */
    record PanelQuery(String dashboard, String panel, String expr) {
        /** The query as Grafana sends it, its variables given values: all projects, a 30 s rate interval. */
        String resolved() {
            return expr.replace("$__rate_interval", "30s").replace("$__range", "1h").replace("$window", "1h")
                    .replace("$project", ".*");
        }
    }

    static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    static final Path DASHBOARDS = REPO.resolve("observability/grafana/dashboards");

    @SuppressWarnings("unchecked")
    static List<PanelQuery> dashboardQueries() throws IOException {
        List<PanelQuery> out = new ArrayList<>();
        try (var files = Files.list(DASHBOARDS)) {
            for (Path f : files.filter(x -> x.toString().endsWith(".json")).sorted().toList()) {
                Map<String, Object> d = Json.parseObject(Files.readString(f));
                for (Object p : Json.array(d, "panels")) {
                    Map<String, Object> panel = (Map<String, Object>) p;
                    List<Object> targets = Json.array(panel, "targets");
                    assertThat(targets).as("%s: panel %s has a query", f.getFileName(), panel.get("title"))
                            .isNotEmpty();
                    for (Object t : targets) {
                        out.add(new PanelQuery(Json.string(d, "title"), Json.string(panel, "title"),
                                Json.string((Map<String, Object>) t, "expr")));
                    }
                }
            }
        }
        return out;
    }

    // the demo's loop takes ~20 s on a quiet machine, far more on a busy one: more than the 60 s default
    @org.junit.jupiter.api.Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
    @Test
    @Order(2)
    void everyDashboardQuery_parses_andReturnsSeries_fromARealPrometheusScrapingTheDemoHub() throws Exception {
        // the repository's scrape config and provisioning files are what the guide says to use
        PrometheusServer.promtool("check", "config", REPO.resolve("observability/prometheus/prometheus.yml").toString());
        assertThat(REPO.resolve("observability/grafana/provisioning/datasources/prometheus.yml")).exists();
        assertThat(REPO.resolve("observability/grafana/provisioning/dashboards/commandcenter.yml")).exists();
        List<PanelQuery> queries = dashboardQueries();
        assertThat(queries.stream().map(PanelQuery::dashboard).distinct()).containsExactlyInAnyOrder(
                "CommandCenter / Risk Map", "CommandCenter / Auto-Remediation Timeline",
                "CommandCenter / Model Accuracy Trend", "CommandCenter / Operations");

        // every expression parses: promtool checks them as recording rules
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboards\n    rules:\n");
        for (int i = 0; i < queries.size(); i++) {
            rules.append("      - record: cc_dashboard_check:q").append(i).append("\n        expr: |\n          ")
                    .append(queries.get(i).resolved()).append('\n');
        }
        Path rulesFile = Files.writeString(dir.resolve("dashboard-rules.yml"), rules);
        assertThat(PrometheusServer.promtool("check", "rules", rulesFile.toString()))
                .contains("SUCCESS: " + queries.size() + " rules found");

        // every panel's query answers with at least one series holding a number
        Map<PanelQuery, String> failing = new java.util.LinkedHashMap<>();
        await().atMost(90, TimeUnit.SECONDS).pollInterval(2, TimeUnit.SECONDS).untilAsserted(() -> {
            failing.clear();
            for (PanelQuery q : queries) {
                var result = prometheus.query(q.resolved());
                if (result.isEmpty() || result.stream().noneMatch(r -> isFinite(r.getValue()))) {
                    failing.put(q, result.toString());
                }
            }
            assertThat(failing).as("panels whose query returned no series with a number").isEmpty();
        });
    }

    static boolean isFinite(String value) {
        try {
            return Double.isFinite(Double.parseDouble(value));
        } catch (NumberFormatException e) {
            return false;
        }
    }

    static PredictionRecord firstPrediction() {
        return new JpaPredictionRepository(demo.hub.database()).list(DemoHubFixture.PROJECT,
                new PredictionRepository.Query(null, null, null, null, 1, null, null)).get(0);
    }
}
