package io.commandcenter.liberty;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import io.commandcenter.proto.v1.IngestRequest;
import io.commandcenter.proto.v1.IngestResponse;
import io.commandcenter.proto.v1.ListHealthSamplesRequest;
import io.commandcenter.proto.v1.ListHealthSamplesResponse;
import io.commandcenter.proto.v1.TelemetryServiceGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.StatusProto;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.commandcenter.liberty.HubClient.sample;
import static io.commandcenter.liberty.HubClient.scoped;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hub as deployed on a real Open Liberty server: gRPC on its own port, REST, SSE and health
 * on Liberty's HTTP port, the embedded database in the server's data directory.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class HubIT {

    @Deployment(testable = false)
    static WebArchive hub() {
        return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("hub.war")));
    }

    final HubClient client = new HubClient();

    @ArquillianResource
    URL base;

    @BeforeEach
    void locate() throws Exception {
        client.base = base.toURI();
    }

    @AfterEach
    void close() {
        client.close();
    }

    /** A project of its own per test, so tests never see each other's data. */
    static String project() {
        return "it-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static List<IngestRequest> samples(int n, String service) {
        Instant now = Instant.now();
        List<IngestRequest> requests = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            requests.add(sample(service + "-" + i, service, now.minusSeconds(n - i), 10 + i));
        }
        return requests;
    }

    @Test
    void health_isUp_andReportsTheHub() throws Exception {
        HttpResponse<String> ready = client.get("/health/ready", null);
        HttpResponse<String> live = client.get("/health/live", null);

        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).contains("\"status\":\"UP\"").contains("\"hubId\":\"hub-it\"")
                .contains("\"grpcPort\":" + HubClient.GRPC_PORT);
        assertThat(live.statusCode()).isEqualTo(200);
        HealthCheckResponse grpcHealth = HealthGrpc.newBlockingStub(client.channel)
                .check(HealthCheckRequest.getDefaultInstance());
        assertThat(grpcHealth.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    }

    @Test
    void reflection_listsEveryService() throws Exception {
        CompletableFuture<List<String>> names = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> stream = ServerReflectionGrpc.newStub(client.channel)
                .serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse value) {
                        names.complete(value.getListServicesResponse().getServiceList().stream()
                                .map(ServiceResponse::getName).toList());
                    }

                    @Override
                    public void onError(Throwable t) {
                        names.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        stream.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        stream.onCompleted();

        assertThat(new java.util.TreeSet<>(names.get(30, TimeUnit.SECONDS))).isEqualTo(everyServiceTheHubServes());
    }

    /**
     * Every service of every {@code commandcenter.v1} file in the contracts' descriptor set, with
     * health and reflection (v1 and v1alpha): what reflection must list, no more, no less.
     */
    @SuppressWarnings("deprecation")
    static java.util.Set<String> everyServiceTheHubServes() throws java.io.IOException {
        java.util.Set<String> names = new java.util.TreeSet<>();
        try (java.io.InputStream in = HubIT.class.getResourceAsStream("/proto/commandcenter.protoset")) {
            assertThat(in).as("the proto jar's descriptor set").isNotNull();
            for (com.google.protobuf.DescriptorProtos.FileDescriptorProto file
                    : com.google.protobuf.DescriptorProtos.FileDescriptorSet.parseFrom(in).getFileList()) {
                if (file.getPackage().equals("commandcenter.v1")) {
                    file.getServiceList().forEach(service -> names.add("commandcenter.v1." + service.getName()));
                }
            }
        }
        assertThat(names).as("the contracts' services").contains("commandcenter.v1.TelemetryService");
        names.addAll(List.of(io.grpc.health.v1.HealthGrpc.SERVICE_NAME,
                io.grpc.reflection.v1.ServerReflectionGrpc.SERVICE_NAME,
                io.grpc.reflection.v1alpha.ServerReflectionGrpc.SERVICE_NAME));
        return names;
    }

    @Test
    void ingest_storesRecords_readableOverGrpcAndRest_andAResendStoresNothingTwice() throws Exception {
        String project = project();

        IngestResponse first = client.ingest(project, samples(20, "checkout")).get(60, TimeUnit.SECONDS);
        IngestResponse again = client.ingest(project, samples(20, "checkout")).get(60, TimeUnit.SECONDS);

        assertThat(first.getAccepted()).isEqualTo(20);
        assertThat(again.getAccepted()).isZero();
        assertThat(again.getDuplicates()).isEqualTo(20);
        ListHealthSamplesResponse listed = scoped(TelemetryServiceGrpc.newBlockingStub(client.channel), project)
                .listHealthSamples(ListHealthSamplesRequest.newBuilder().setPageSize(100).build());
        assertThat(listed.getSamplesCount()).isEqualTo(20);
        HttpResponse<String> rest = client.get("/api/samples?service=checkout&limit=5", project);
        assertThat(rest.statusCode()).isEqualTo(200);
        assertThat(rest.body()).contains("\"recordId\":\"checkout-19\"").contains("\"nextPageToken\":\"")
                .doesNotContain("\"nextPageToken\":\"\"");
    }

    @Test
    void ingest_badRecords_areRejectedByField_andTheOthersStored() throws Exception {
        String project = project();
        List<IngestRequest> requests = new ArrayList<>(samples(3, "api"));
        IngestRequest nan = sample("nan-1", "api", Instant.now(), Double.NaN);
        IngestRequest future = sample("future-1", "api", Instant.now().plusSeconds(86_400), 1);
        IngestRequest noService = sample("nosvc-1", "", Instant.now(), 1);
        requests.add(nan);
        requests.add(future);
        requests.add(noService);

        CompletableFuture<IngestResponse> result = client.ingest(project, requests);

        StatusRuntimeException error = (StatusRuntimeException) result.handle((v, t) ->
                t instanceof CompletionException ? t.getCause() : t).get(60, TimeUnit.SECONDS);
        assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        List<String> fields = StatusProto.fromThrowable(error).getDetailsList().stream()
                .filter(a -> a.is(BadRequest.class)).findFirst().map(a -> {
                    try {
                        return a.unpack(BadRequest.class);
                    } catch (InvalidProtocolBufferException e) {
                        throw new AssertionError(e);
                    }
                }).orElseThrow().getFieldViolationsList().stream().map(BadRequest.FieldViolation::getField).toList();
        assertThat(fields).containsExactly("records[3].health_sample.latency_ms", "records[4].health_sample.time",
                "records[5].health_sample.service");
        assertThat(scoped(TelemetryServiceGrpc.newBlockingStub(client.channel), project)
                .listHealthSamples(ListHealthSamplesRequest.getDefaultInstance()).getSamplesCount()).isEqualTo(3);
    }

    @Test
    void projects_neverSeeEachOthersData_overGrpcOrRest() throws Exception {
        String alpha = project();
        String beta = project();
        client.ingest(alpha, samples(4, "api")).get(60, TimeUnit.SECONDS);

        ListHealthSamplesResponse betaGrpc = scoped(TelemetryServiceGrpc.newBlockingStub(client.channel), beta)
                .listHealthSamples(ListHealthSamplesRequest.getDefaultInstance());
        HttpResponse<String> betaRest = client.get("/api/samples", beta);
        HttpResponse<String> alphaRest = client.get("/api/samples", alpha);

        assertThat(betaGrpc.getSamplesList()).isEmpty();
        assertThat(betaRest.body()).contains("\"samples\":[]");
        assertThat(alphaRest.body()).contains("api-3");
    }

    @Test
    void rest_badInput_answersWithTheFieldAtFault() throws Exception {
        HttpResponse<String> badProject = client.get("/api/samples", "Not Valid");
        HttpResponse<String> badLimit = client.get("/api/samples?limit=-1", project());
        HttpResponse<String> badToken = client.get("/api/samples?pageToken=zzz", project());
        HttpResponse<String> badPattern = client.get("/api/events?pattern=a..b", project());

        assertThat(badProject.statusCode()).isEqualTo(400);
        assertThat(badProject.body()).contains("\"reason\":\"INVALID_PROJECT\"").contains("\"field\":\"x-cc-project\"");
        assertThat(badLimit.statusCode()).isEqualTo(400);
        assertThat(badLimit.body()).contains("\"field\":\"limit\"");
        assertThat(badToken.statusCode()).isEqualTo(400);
        assertThat(badToken.body()).contains("\"reason\":\"INVALID_PAGE_TOKEN\"");
        assertThat(badPattern.statusCode()).isEqualTo(400);
        assertThat(badPattern.body()).contains("\"reason\":\"INVALID_PATTERN\"");
    }

    @Test
    void sse_streamsStoredSamplesAsEvents_onlyOfTheCallersProject() throws Exception {
        String project = project();
        String other = project();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        HttpRequest request = HttpRequest.newBuilder(client.base.resolve("api/events?pattern=hub.health.*&project="
                        + project))
                .header("Accept", "text/event-stream").build();
        HttpResponse<InputStream> response = client.http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                }
            } catch (java.io.IOException ignored) {
                // the test closed the stream
            }
        });
        reader.setDaemon(true);
        reader.start();
        try {
            assertThat(nextData(lines, "started")).contains("\"projectId\":\"" + project + "\"");

            client.ingest(other, samples(2, "noise")).get(60, TimeUnit.SECONDS);
            client.ingest(project, samples(3, "payments")).get(60, TimeUnit.SECONDS);

            for (int i = 0; i < 3; i++) {
                String data = nextData(lines, null);
                assertThat(data).contains("\"subject\":\"hub.health.payments\"")
                        .contains("\"recordId\":\"payments-" + i + "\"")
                        .contains("\"projectId\":\"" + project + "\"");
            }
        } finally {
            response.body().close();
        }
    }

    @Test
    void aDegradingService_becomesAPrediction_readableOverRest_andPredictAnswersOnDemand() throws Exception {
        String project = project();
        java.util.SplittableRandom random = new java.util.SplittableRandom(3);
        Instant end = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        List<IngestRequest> requests = new ArrayList<>();
        for (int i = 0; i < 280; i++) {
            double p = i < 240 ? 0 : Math.min(1, (i - 239) / 10.0);
            requests.add(IngestRequest.newBuilder().setRecord(io.commandcenter.proto.v1.TelemetryRecord.newBuilder()
                    .setHealthSample(io.commandcenter.proto.v1.HealthSample.newBuilder().setRecordId("pay-" + i)
                            .setService("payments").setTime(com.google.protobuf.Timestamp.newBuilder()
                                    .setSeconds(end.minusSeconds(60L * (279 - i)).getEpochSecond()))
                            .setLatencyMs(100 + 300 * p + random.nextDouble(-5, 5)).setErrorRate(0.001 + 0.4 * p)
                            .setUptime(1 - 0.5 * p))).build());
        }
        client.ingest(project, requests).get(60, TimeUnit.SECONDS);

        String[] listed = new String[1];
        org.awaitility.Awaitility.await().atMost(60, TimeUnit.SECONDS).until(() -> {
            listed[0] = client.get("/api/predictions", project).body();
            return listed[0].contains("predictionId");
        });
        assertThat(listed[0]).contains("\"target\":{\"kind\":\"service\",\"id\":\"payments\"}")
                .contains("\"model\":\"service_health\"").contains("\"factors\":[");
        String id = listed[0].replaceAll("(?s).*?\"predictionId\":\"([^\"]+)\".*", "$1");
        assertThat(client.get("/api/predictions/" + id, project).body()).contains(id);
        assertThat(client.get("/api/predictions/" + id, project()).statusCode()).isEqualTo(404);

        HttpResponse<String> onDemand = client.http.send(HttpRequest.newBuilder(client.base.resolve("api/predict"))
                .header("X-CC-Project", project).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"entity\":{\"kind\":\"service\",\"id\":\"payments\"}}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> bad = client.http.send(HttpRequest.newBuilder(client.base.resolve("api/predict"))
                .header("X-CC-Project", project).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"entity\":{\"kind\":\"service\"}}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(onDemand.statusCode()).isEqualTo(200);
        assertThat(onDemand.body()).contains("\"risk\":").contains("\"modelVersion\":\"2.0.0\"");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("\"field\":\"entity.id\"");
        HttpResponse<String> models = client.get("/health/ready", null);
        assertThat(models.statusCode()).isEqualTo(200);
    }

    @Test
    void aNodeClientBuiltOnlyFromTheProtoFiles_ingestsListsAndFollowsEvents() throws Exception {
        java.nio.file.Path client = java.nio.file.Path.of(System.getProperty("repo.root"), "examples", "node-client");
        run(client, 300, "npm", "ci", "--no-audit", "--no-fund");

        String output = run(client, 120, "node", "client.mjs", "--hub", "localhost:" + HubClient.GRPC_PORT,
                "--project", project());

        assertThat(output).contains("\"accepted\":3").contains("\"duplicates\":3")
                .contains("\"rejectedCode\":\"INVALID_ARGUMENT\"").contains("health_sample.latency_ms")
                .contains("\"events\":[\"hub.health.node-api\",\"hub.health.node-api\",\"hub.health.node-api\"]");
    }

    /** Runs a command, fails the test unless it exits 0 in time, returns what it printed. */
    static String run(java.nio.file.Path dir, int seconds, String... command) throws Exception {
        java.nio.file.Path log = java.nio.file.Files.createTempFile("cc-it-", ".log");
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        boolean finished = process.waitFor(seconds, TimeUnit.SECONDS);
        if (!finished) {
            process.destroyForcibly();
        }
        String output = java.nio.file.Files.readString(log);
        assertThat(finished && process.exitValue() == 0).as("%s exited 0 in %d s; output:%n%s",
                String.join(" ", command), seconds, output).isTrue();
        return output;
    }

    /** The data of the next SSE message with the given event name (null: unnamed). */
    static String nextData(BlockingQueue<String> lines, String name) throws InterruptedException {
        String event = null;
        while (true) {
            String line = lines.poll(30, TimeUnit.SECONDS);
            assertThat(line).as("an SSE line within 30 s").isNotNull();
            if (line.startsWith("event:")) {
                event = line.substring(6).strip();
            } else if (line.startsWith("data:")) {
                if (name == null ? event == null : name.equals(event)) {
                    return line.substring(5).strip();
                }
            } else if (line.isEmpty()) {
                event = null;
            }
        }
    }
}
