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

    static Result cc(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of("--hub", "localhost:" + hub.grpcPort()));
        all.addAll(List.of(args));
        int exit = Cc.run(all.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
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
}
