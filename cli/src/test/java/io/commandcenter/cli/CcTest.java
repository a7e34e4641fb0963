package io.commandcenter.cli;

import io.commandcenter.hub.runtime.Hub;
import io.commandcenter.hub.runtime.HubSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code cc} against a real hub (embedded database, gRPC on a free port) in this JVM. */
class CcTest {
    @TempDir
    static Path dir;
    static Hub hub;

    @BeforeAll
    static void start() {
        hub = Hub.start(HubSettings.defaults(dir.resolve("data"), 0), Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    record Result(int exit, String out, String err) {
    }

    static String token() {
        try {
            return Files.readString(hub.settings().security().adminKeyFile()).strip();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The version of the shipped service_health model (the bootstrap champion). */
    static final String SHIPPED = new io.commandcenter.models.bootstrap.BootstrapModels().load("service_health").metadata().version();

    static Result cc(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of("--hub", "localhost:" + hub.grpcPort(), "--token", token()));
        all.addAll(List.of(args));
        int exit = Cc.run(all.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(exit, out.toString(), err.toString());
    }

    /** A command line without --hub (offline commands). */
    static Result offline(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Cc.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(exit, out.toString(), err.toString());
    }

    static String project() {
        return "cli-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static Path csv(String name, int rows, String extra) throws Exception {
        StringBuilder text = new StringBuilder("timestamp,service,latency_ms,error_rate,queue_depth\n");
        LocalDateTime t0 = LocalDateTime.now(ZoneOffset.UTC).minusHours(1).withNano(0);
        for (int i = 0; i < rows; i++) {
            text.append(t0.plusSeconds(i).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")))
                    .append(",api,").append(10 + i).append(",0.01,").append(i).append('\n');
        }
        text.append(extra);
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    @Test
    void everySubcommand_answersHelp_withItsOwnUsage() {
        List<List<String>> commands = new ArrayList<>();
        collect(new picocli.CommandLine(new Cc(new java.io.BufferedReader(java.io.Reader.nullReader()), false)),
                List.of(), commands);
        assertThat(commands).as("runs, runs list, models history, ...").hasSizeGreaterThan(40);

        for (List<String> path : commands) {
            for (String flag : List.of("--help", "-h")) {
                List<String> args = new ArrayList<>(path);
                args.add(flag);
                Result r = offline(args.toArray(String[]::new));
                if (flag.equals("-h") && r.exit() != 0) {
                    continue; // a command whose -h means something else keeps it; --help is checked above
                }
                assertThat(r.exit()).as("cc %s %s: %s", String.join(" ", path), flag, r.err()).isZero();
                assertThat(r.out()).as("cc %s %s", String.join(" ", path), flag)
                        .contains("Usage: cc " + String.join(" ", path) + " ");
            }
        }
    }

    private static void collect(picocli.CommandLine command, List<String> path, List<List<String>> into) {
        command.getSubcommands().forEach((name, sub) -> {
            if (!sub.getCommandSpec().name().equals(name)) {
                return; // an alias
            }
            List<String> p = new ArrayList<>(path);
            p.add(name);
            into.add(p);
            collect(sub, p, into);
        });
    }

    @Test
    void status_listsServicesByReflection() {
        Result r = cc("status");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("SERVING").contains("commandcenter.v1.TelemetryService")
                .contains("commandcenter.v1.EventService");
    }

    @Test
    void status_ofAHubThatIsNotThere_exitsThree_withAClearMessage() {
        StringWriter err = new StringWriter();
        int exit = Cc.run(new String[]{"--hub", "localhost:1", "status"}, new PrintWriter(new StringWriter()),
                new PrintWriter(err, true));

        assertThat(exit).isEqualTo(3);
        assertThat(err.toString()).contains("cannot reach the hub");
    }

    @Test
    void ingest_storesEveryRow_andTwiceStoresNothingTwice() throws Exception {
        String project = project();
        Path file = csv("good.csv", 500, "");

        Result first = cc("--project", project, "ingest", "--file", file.toString());
        Result second = cc("--project", project, "ingest", "--file", file.toString(), "--json");

        assertThat(first.exit()).isZero();
        assertThat(first.out()).contains("accepted    500 stored");
        assertThat(second.exit()).isZero();
        assertThat(second.out()).contains("\"accepted\":0").contains("\"duplicates\":500");
        Result listed = cc("--project", project, "samples", "list", "--limit", "1000", "--json");
        assertThat(listed.out().lines()).hasSize(500);
    }

    @Test
    void ingest_reportsRejectedRowsByLineAndReason_storesTheRest_andExitsTwo() throws Exception {
        String project = project();
        Path file = csv("bad.csv", 3, "2026-01-01 10:00:00,api,oops,0,1\n2026-01-01 10:00:00,api,-5,0,1\n");

        Result r = cc("--project", project, "ingest", "--file", file.toString());

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.out()).contains("accepted    3 stored").contains("rejected    2")
                .contains("line 5: 'oops' is not a number")
                .contains("line 6: health_sample.latency_ms must be >= 0");
    }

    @Test
    void samplesList_filtersByServiceAndLimit() throws Exception {
        String project = project();
        cc("--project", project, "ingest", "--file", csv("list.csv", 30, "").toString());

        Result r = cc("--project", project, "samples", "list", "--service", "api", "--limit", "5");

        assertThat(r.exit()).isZero();
        assertThat(r.out().lines()).hasSize(6); // header + 5
        assertThat(r.out()).contains("queue_depth=29");
    }

    @Test
    void samplesList_badSince_isABadInputExit() {
        Result r = cc("samples", "list", "--since", "last tuesday");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--since");
    }

    /** A service that runs steadily for four hours, then degrades: latency, errors and failing checks. */
    static Path degrading(String name, String service) throws Exception {
        StringBuilder text = new StringBuilder("timestamp,service,latency_ms,error_rate,uptime\n");
        java.util.SplittableRandom random = new java.util.SplittableRandom(9);
        LocalDateTime end = LocalDateTime.now(ZoneOffset.UTC).withNano(0);
        for (int i = 0; i < 280; i++) {
            double p = i < 240 ? 0 : Math.min(1, (i - 239) / 10.0);
            text.append(end.minusMinutes(279 - i).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")))
                    .append(',').append(service).append(',')
                    .append(String.format(java.util.Locale.ROOT, "%.2f,%.4f,%.3f", 100 + 300 * p + random.nextDouble(-5, 5),
                            0.001 + 0.4 * p, 1 - 0.5 * p)).append('\n');
        }
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    @Test
    void predictions_listAndGet_showTheExplainedPredictionOfADegradingService() throws Exception {
        String project = project();
        cc("--project", project, "ingest", "--file", degrading("degrading.csv", "payments").toString());
        hub.engine().sync();

        Result list = cc("--project", project, "predictions", "list");
        Result json = cc("--project", project, "predictions", "list", "--json", "--entity", "payments");
        String id = json.out().lines().findFirst().orElseThrow().replaceAll(".*\"predictionId\":\"([^\"]+)\".*", "$1");
        Result get = cc("--project", project, "predictions", "get", id);

        assertThat(list.exit()).isZero();
        assertThat(list.out().lines()).hasSize(2).anyMatch(l -> l.contains("service/payments"));
        assertThat(get.out()).contains("risk ").contains("confidence").contains("factors").contains("service_health " + SHIPPED);
        assertThat(cc("--project", project, "predictions", "get", "no-such-id").exit()).isEqualTo(2);
        // the entity as the list prints it selects the same predictions; another kind of the same id selects none
        assertThat(cc("--project", project, "predictions", "list", "--json", "--entity", "service/payments").out())
                .isEqualTo(json.out());
        assertThat(cc("--project", project, "predictions", "list", "--entity", "job/payments").out()).isEqualTo("no predictions\n");
        assertThat(cc("--project", project, "predictions", "list", "--entity", "service/").err()).contains("--entity must be an entity");
        assertThat(cc("--project", project(), "predictions", "list").out()).contains("no predictions");
    }

    @Test
    void models_listAndPromote() {
        String project = project();

        Result list = cc("--project", project, "models", "list");
        Result promote = cc("--project", project, "models", "promote", "service_health", SHIPPED, "--reason", "test");
        Result missing = cc("--project", project, "models", "promote", "service_health", "7.0.0");

        assertThat(list.out()).contains("service_health").contains("compliance_risk").contains("workflow_failure");
        // a predictive model shows its per-incident F1 and its mean AUC, as its sidecar names them
        java.util.Map<String, Double> metrics = cc("--project", project, "models", "list", "--json", "--name", "service_health")
                .out().lines().map(l -> RemediateCliTest.<io.commandcenter.proto.v1.Model>parse(l, io.commandcenter.proto.v1.Model::newBuilder))
                .filter(io.commandcenter.proto.v1.Model::getChampion).findFirst().orElseThrow().getMetricsMap();
        assertThat(metrics).containsKeys("validation_incident_f1", "validation_mean_roc_auc");
        assertThat(list.out().lines().filter(l -> l.startsWith("service_health ") && l.contains(" yes ")))
                .singleElement().asString()
                .contains(String.format(java.util.Locale.ROOT, " %.3f ", metrics.get("validation_incident_f1")))
                .contains(String.format(java.util.Locale.ROOT, " %.3f ", metrics.get("validation_mean_roc_auc")));
        assertThat(promote.exit()).isZero();
        assertThat(promote.out()).contains("service_health " + SHIPPED + " is the champion");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("NOT_FOUND");
    }

    @Test
    void backtest_offlineAndThroughTheHub_giveTheSameRows_oneOutputRowPerInputRow() throws Exception {
        StringBuilder text = new StringBuilder("t,cpu,latency,label\n");
        for (int t = 0; t < 2000; t++) {
            boolean incident = t >= 1500 && t < 1540;
            text.append(t).append(',').append(0.3 + (t % 11) / 100.0).append(',')
                    .append(incident ? 500 + t % 9 : 100 + t % 7).append(',').append(incident ? 1 : 0).append('\n');
        }
        Path input = dir.resolve("series.csv");
        Files.writeString(input, text);

        Result offline = offline("backtest", "--input", input.toString(), "--output", dir.resolve("offline.csv").toString());
        Result viaHub = offline("--hub", "localhost:" + hub.grpcPort(), "--token", token(), "backtest", "--input", input.toString(),
                "--output", dir.resolve("hub.csv").toString());

        assertThat(offline.exit()).isZero();
        assertThat(offline.out()).contains("2,000 rows scored offline").contains("per incident").contains("(1 of 1 incidents)");
        assertThat(viaHub.out()).contains("on the hub");
        List<String> a = Files.readAllLines(dir.resolve("offline.csv"));
        List<String> b = Files.readAllLines(dir.resolve("hub.csv"));
        assertThat(a).hasSize(2001).first().isEqualTo("timestamp,risk,confidence,top_factor");
        assertThat(b).isEqualTo(a);
    }

    @Test
    void backtest_withSeveralEntities_needsEntity_andBadInputIsABadInputExit() throws Exception {
        Path input = dir.resolve("two.csv");
        Files.writeString(input, "t,service,x\n1,a,1\n2,b,2\n3,a,3\n");

        Result ambiguous = offline("backtest", "--input", input.toString(), "--output", dir.resolve("o.csv").toString());
        Result picked = offline("backtest", "--input", input.toString(), "--output", dir.resolve("o.csv").toString(),
                "--entity", "a");
        Result unknown = offline("backtest", "--input", input.toString(), "--output", dir.resolve("o.csv").toString(),
                "--entity", "zzz");

        assertThat(ambiguous.exit()).isEqualTo(2);
        assertThat(ambiguous.err()).contains("--entity");
        assertThat(picked.exit()).isZero();
        assertThat(Files.readAllLines(dir.resolve("o.csv"))).hasSize(3);
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(offline("backtest", "--input", dir.resolve("missing.csv").toString(), "--output", "x").exit()).isEqualTo(2);
    }

    @Test
    void events_followsNewSamples() throws Exception {
        String project = project();
        CompletableFuture<Result> following = CompletableFuture.supplyAsync(
                () -> cc("--project", project, "events", "--pattern", "hub.health.*", "--count", "2"));
        // the subscription is live once the hub counts it; only then is data sent
        org.awaitility.Awaitility.await().atMost(20, TimeUnit.SECONDS).until(() -> hub.bus().subscriberCount() > 0);


        cc("--project", project, "ingest", "--file", csv("events.csv", 2, "").toString());

        Result r = following.get(30, TimeUnit.SECONDS);
        assertThat(r.exit()).isZero();
        assertThat(r.out().lines()).hasSize(2).allMatch(line -> line.contains("hub.health.api"));
        assertThat(r.err()).contains("following 'hub.health.*' in project " + project);
    }

    @Test
    void events_withMaxBatch_printsEveryEventOfABurstOnce_inOrder() throws Exception {
        String project = project();
        int rows = 300;
        CompletableFuture<Result> following = CompletableFuture.supplyAsync(
                () -> cc("--project", project, "events", "--pattern", "hub.health.*", "--count", String.valueOf(rows),
                        "--max-batch", "50"));
        org.awaitility.Awaitility.await().atMost(20, TimeUnit.SECONDS).until(() -> hub.bus().subscriberCount() > 0);

        cc("--project", project, "ingest", "--file", csv("burst.csv", rows, "").toString());

        Result r = following.get(60, TimeUnit.SECONDS);
        assertThat(r.exit()).isZero();
        assertThat(r.err()).doesNotContain("dropped");
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(rows).allMatch(line -> line.contains("hub.health.api"));
        // row i has latency 10 + i: each row's event exactly once, in the file's order
        java.util.regex.Pattern latency = java.util.regex.Pattern.compile("\"latencyMs\":([0-9]+)\\.0");
        List<Integer> latencies = lines.stream().map(line -> {
            java.util.regex.Matcher m = latency.matcher(line);
            assertThat(m.find()).as(line).isTrue();
            return Integer.parseInt(m.group(1));
        }).toList();
        assertThat(latencies).containsExactlyElementsOf(java.util.stream.IntStream.range(10, 10 + rows).boxed().toList());
    }

    @Test
    void events_maxBatchOutOfRange_isABadInputExit_namingTheOption() {
        for (String bad : List.of("-1", "1001", "x")) {
            Result r = cc("events", "--max-batch", bad);

            assertThat(r.exit()).as(bad).isEqualTo(2);
            assertThat(r.err()).as(bad).contains("--max-batch");
        }
    }
}
