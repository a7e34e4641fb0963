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

    /**
     * Every REST endpoint: method, path (ids that need not exist), and the role that may call it; but
     * {@code GET api/audit/verify}, which needs an administrator of every project (RestFuzzIT calls it).
     */
    static final List<String[]> ENDPOINTS = List.of(
            new String[]{"GET", "api/samples", "viewer"}, new String[]{"GET", "api/events?pattern=hub.health.*", "viewer"},
            new String[]{"POST", "api/predict", "viewer"}, new String[]{"GET", "api/predictions", "viewer"},
            new String[]{"GET", "api/predictions/p-1", "viewer"}, new String[]{"GET", "api/workflows", "viewer"},
            new String[]{"GET", "api/workflows/w", "viewer"}, new String[]{"PUT", "api/workflows", "admin"},
            new String[]{"POST", "api/workflows/w/dry-run", "viewer"},
            new String[]{"POST", "api/workflows/w/trigger", "operator"}, new String[]{"GET", "api/runs", "viewer"},
            new String[]{"GET", "api/runs/r-1", "viewer"}, new String[]{"POST", "api/runs/r-1/cancel", "operator"},
            new String[]{"GET", "api/approvals", "viewer"}, new String[]{"GET", "api/approvals/a-1", "viewer"},
            new String[]{"POST", "api/approvals/a-1/approve", "operator"},
            new String[]{"POST", "api/approvals/a-1/reject", "operator"}, new String[]{"GET", "api/autonomy", "viewer"},
            new String[]{"PUT", "api/autonomy", "operator"}, new String[]{"GET", "api/prediction-actions", "viewer"},
            new String[]{"GET", "api/whoami", "viewer"}, new String[]{"GET", "api/model-runs", "viewer"},
            new String[]{"GET", "api/model-runs/r-1", "viewer"},
            new String[]{"GET", "api/audit", "viewer"}, new String[]{"GET", "api/stats", "viewer"},
            new String[]{"POST", "api/predictions/p-1/label", "operator"},
            new String[]{"POST", "api/incidents", "operator"}, new String[]{"GET", "api/feedback", "viewer"},
            new String[]{"POST", "api/models/nope/train", "admin"},
            new String[]{"POST", "api/memories", "operator"}, new String[]{"POST", "api/memories/search", "viewer"},
            new String[]{"GET", "api/memories", "viewer"}, new String[]{"GET", "api/memories/m-1", "viewer"},
            new String[]{"DELETE", "api/memories/m-1", "operator"});

    /** The status of one endpoint called with {@code authorization} (none when null) in {@code project}. */
    int status(String[] endpoint, String authorization, String project) throws Exception {
        java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(client.base.resolve(endpoint[1]))
                .timeout(java.time.Duration.ofSeconds(30)).header("X-CC-Project", project)
                .header("Content-Type", "application/json")
                .method(endpoint[0], endpoint[0].equals("GET") ? java.net.http.HttpRequest.BodyPublishers.noBody()
                        : java.net.http.HttpRequest.BodyPublishers.ofString("{}"));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        if (endpoint[1].startsWith("api/events")) {
            // a stream that would stay open: only its first answer matters
            return client.http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        }
        return client.http.send(b.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    /** A token of the IT's identity provider (src/it/jwt: the hub is configured with its public key). */
    static String idpToken(String user, String group, String project, java.time.Instant expires) throws Exception {
        var key = com.nimbusds.jose.jwk.RSAKey.parse(java.nio.file.Files.readString(
                java.nio.file.Path.of("src/it/jwt/signing-key.json")));
        var jwt = new com.nimbusds.jwt.SignedJWT(new com.nimbusds.jose.JWSHeader.Builder(
                com.nimbusds.jose.JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
                new com.nimbusds.jwt.JWTClaimsSet.Builder().issuer("https://idp.example.test/realms/ops").subject(user)
                        .audience("commandcenter").claim("groups", List.of(group)).claim("cc_project", project)
                        .expirationTime(java.util.Date.from(expires)).build());
        jwt.sign(new com.nimbusds.jose.crypto.RSASSASigner(key));
        return "Bearer " + UsedSecrets.add(jwt.serialize());
    }

    @Test
    void anIdentityProvidersToken_isCheckedOnRest_asAKeyIs() throws Exception {
        String p = project();
        java.time.Instant inAnHour = java.time.Instant.now().plusSeconds(3600);
        String operator = idpToken("ana", "operator", p, inAnHour);
        String viewer = idpToken("vi", "viewer", p, inAnHour);
        String[] runs = {"GET", "api/runs", "viewer"};
        String[] workflows = {"PUT", "api/workflows", "admin"};

        assertThat(status(runs, operator, p)).isEqualTo(200);
        assertThat(status(runs, operator, project())).as("another project").isEqualTo(403);
        assertThat(status(workflows, operator, p)).as("an administrator's operation").isEqualTo(403);
        assertThat(status(new String[]{"GET", "api/autonomy", "viewer"}, viewer, p)).isEqualTo(200);
        HttpResponse<String> expired = client.http.send(java.net.http.HttpRequest.newBuilder(client.base.resolve(
                "api/runs")).header("Authorization", idpToken("ana", "operator", p, java.time.Instant.now()
                .minusSeconds(3600))).header("X-CC-Project", p).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(expired.statusCode()).isEqualTo(401);
        assertThat(expired.body()).contains("TOKEN_EXPIRED");
    }

    @Test
    void everyRestEndpoint_needsAKey_andEachRoleGetsExactlyWhatTheTableSays() throws Exception {
        String p = project();
        var keys = io.commandcenter.proto.v1.KeyServiceGrpc.newBlockingStub(client.channel);
        java.util.Map<String, String> tokens = new java.util.LinkedHashMap<>();
        for (String role : List.of("viewer", "operator", "admin")) {
            tokens.put(role, "Bearer " + UsedSecrets.add(keys.createKey(io.commandcenter.proto.v1.CreateKeyRequest
                    .newBuilder().setName("it-" + role).setProjectId(p).setRole(io.commandcenter.proto.v1.KeyRole
                            .valueOf("KEY_ROLE_" + role.toUpperCase(java.util.Locale.ROOT))).build()).getToken()));
        }
        java.util.Map<String, Integer> rank = java.util.Map.of("viewer", 0, "operator", 1, "admin", 2);

        for (String[] endpoint : ENDPOINTS) {
            if (endpoint[1].startsWith("api/events")) {
                continue; // a permitted stream stays open; it is checked without a key below
            }
            assertThat(status(endpoint, null, p)).as(endpoint[0] + " " + endpoint[1] + " without a key").isEqualTo(401);
            for (var role : tokens.entrySet()) {
                int code = status(endpoint, role.getValue(), p);
                boolean allowed = rank.get(role.getKey()) >= rank.get(endpoint[2]);
                if (allowed) {
                    assertThat(code).as(role.getKey() + " " + endpoint[0] + " " + endpoint[1]).isNotIn(401, 403);
                } else {
                    assertThat(code).as(role.getKey() + " " + endpoint[0] + " " + endpoint[1]).isEqualTo(403);
                }
            }
            assertThat(status(endpoint, tokens.get("admin"), project())).as("another project")
                    .isEqualTo(403);
        }
        assertThat(status(ENDPOINTS.get(1), null, p)).as("SSE without a key").isEqualTo(401);
        HttpResponse<String> denied = client.http.send(java.net.http.HttpRequest.newBuilder(
                client.base.resolve("api/runs")).header("Authorization", "Bearer cck_0000000000000000_"
                        + "x".repeat(43)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(denied.statusCode()).isEqualTo(401);
        assertThat(denied.body()).contains("\"status\":\"UNAUTHENTICATED\"").contains("CREDENTIALS_INVALID")
                .doesNotContain("x".repeat(43));
        assertThat(client.http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:"
                + HubClient.HTTP_PORT + "/health/ready")).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                .as("health needs no key").isEqualTo(200);
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
     * Every service of every {@code commandcenter.v1} file (and KServe v2's {@code inference}) in the contracts' descriptor set, with
     * health and reflection (v1 and v1alpha): what reflection must list, no more, no less.
     */
    @SuppressWarnings("deprecation")
    static java.util.Set<String> everyServiceTheHubServes() throws java.io.IOException {
        java.util.Set<String> names = new java.util.TreeSet<>();
        try (java.io.InputStream in = HubIT.class.getResourceAsStream("/proto/commandcenter.protoset")) {
            assertThat(in).as("the proto jar's descriptor set").isNotNull();
            for (com.google.protobuf.DescriptorProtos.FileDescriptorProto file
                    : com.google.protobuf.DescriptorProtos.FileDescriptorSet.parseFrom(in).getFileList()) {
                if (file.getPackage().equals("commandcenter.v1") || file.getPackage().equals("inference")) {
                    file.getServiceList().forEach(service -> names.add(file.getPackage() + "." + service.getName()));
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
    void metrics_areServedInThePrometheusTextFormat_withoutAKey_andCountWhatWasIngested() throws Exception {
        String project = project();
        client.ingest(project, samples(7, "metered")).get(60, TimeUnit.SECONDS);

        HttpResponse<String> metrics = client.http.send(java.net.http.HttpRequest.newBuilder(base.toURI()
                .resolve("metrics")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(metrics.statusCode()).as("metrics need no key, as health").isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type").orElse(""))
                .startsWith("text/plain").contains("version=0.0.4");
        assertThat(metrics.body()).contains("# TYPE cc_ingest_records_total counter")
                .contains("cc_ingest_records_total{project=\"" + project + "\",kind=\"health_sample\","
                        + "outcome=\"stored\"} 7\n")
                .contains("# TYPE cc_model_scoring_duration_seconds histogram")
                .contains("# TYPE cc_remediation_decisions_total counter")
                .contains("# TYPE cc_scheduler_agents gauge")
                .contains("cc_hazelcast_cluster_members ")
                .contains("jvm_threads_current ");
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
        HttpResponse<String> badStep = client.get("/api/model-runs?step=soon", project());
        HttpResponse<String> tinyStep = client.get("/api/model-runs?step=10ms", project());
        HttpResponse<String> goodStep = client.get("/api/model-runs?kind=AGGREGATE&since=24h&step=10m", project());

        assertThat(badProject.statusCode()).isEqualTo(400);
        assertThat(badProject.body()).contains("\"reason\":\"INVALID_PROJECT\"").contains("\"field\":\"x-cc-project\"");
        assertThat(badLimit.statusCode()).isEqualTo(400);
        assertThat(badLimit.body()).contains("\"field\":\"limit\"");
        assertThat(badToken.statusCode()).isEqualTo(400);
        assertThat(badToken.body()).contains("\"reason\":\"INVALID_PAGE_TOKEN\"");
        assertThat(badPattern.statusCode()).isEqualTo(400);
        assertThat(badPattern.body()).contains("\"reason\":\"INVALID_PATTERN\"");
        assertThat(badStep.statusCode()).isEqualTo(400);
        assertThat(badStep.body()).contains("\"reason\":\"BAD_FORMAT\"").contains("\"field\":\"step\"");
        assertThat(tinyStep.statusCode()).isEqualTo(400);
        assertThat(tinyStep.body()).contains("\"reason\":\"OUT_OF_RANGE\"").contains("\"field\":\"step\"");
        assertThat(goodStep.statusCode()).isEqualTo(200);
        assertThat(goodStep.body()).contains("\"runs\":[]");
    }

    HttpResponse<String> post(String path, String body, String project) throws Exception {
        return client.http.send(java.net.http.HttpRequest.newBuilder(client.base.resolve(path))
                .timeout(java.time.Duration.ofSeconds(30)).header("X-CC-Project", project)
                .header("Authorization", HubClient.ADMIN.header()).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void trainModel_overRest_startsTheLearningLoopsRun_andNamesBadInput() throws Exception {
        String project = project();
        HttpResponse<String> started = post("api/models/service_health/train", "{\"reason\":\"after review\"}", project);
        HttpResponse<String> bare = post("api/models/service_health/train", "", project);
        HttpResponse<String> badName = post("api/models/Bad-Name/train", "{}", project);
        HttpResponse<String> longReason = post("api/models/service_health/train",
                "{\"reason\":\"" + "x".repeat(513) + "\"}", project);
        HttpResponse<String> unknown = post("api/models/nope/train", "{}", project);

        assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
        assertThat(started.body()).contains("\"workflow\":\"retrain-predictive-models\"").contains("\"mode\":\"manual\"")
                .contains("\"kind\":\"model\"").contains("\"id\":\"service_health\"");
        assertThat(bare.statusCode()).as("one retraining of a model at a time, or a second run: " + bare.body())
                .isIn(200, 412);
        assertThat(badName.statusCode()).isEqualTo(400);
        assertThat(badName.body()).contains("\"field\":\"name\"");
        assertThat(longReason.statusCode()).isEqualTo(400);
        assertThat(longReason.body()).contains("\"field\":\"reason\"");
        assertThat(unknown.statusCode()).isEqualTo(404);
    }

    @Test
    void auditLedger_overRest_listsWhatWasDoneOverGrpc_verifies_andNamesBadInput() throws Exception {
        String project = project();
        scoped(io.commandcenter.proto.v1.RemediateServiceGrpc.newBlockingStub(client.channel), project)
                .setAutonomy(io.commandcenter.proto.v1.SetAutonomyRequest.newBuilder().setPaused(true)
                        .setReason("audit it").build());

        HttpResponse<String> listed = client.get("/api/audit?action=AUTONOMY_CHANGED&action=WORKFLOW_CHANGED", project);
        HttpResponse<String> verified = client.get("/api/audit/verify", project);
        HttpResponse<String> badAction = client.get("/api/audit?action=NOPE", project);
        HttpResponse<String> badAnchor = client.get("/api/audit/verify?anchor=twelve", project);
        HttpResponse<String> badHash = client.get("/api/audit/verify?anchor=1:abc", project);

        assertThat(listed.statusCode()).isEqualTo(200);
        assertThat(listed.body()).contains("\"action\":\"AUTONOMY_CHANGED\"").contains("\"project\":\"" + project + "\"")
                .contains("\"subject\":\"autonomy:" + project + "\"").contains("audit it");
        assertThat(verified.statusCode()).isEqualTo(200);
        assertThat(verified.body()).contains("\"intact\":true").contains("\"head\":{");
        assertThat(badAction.statusCode()).isEqualTo(400);
        assertThat(badAction.body()).contains("\"field\":\"actions[0]\"");
        assertThat(badAnchor.statusCode()).isEqualTo(400);
        assertThat(badAnchor.body()).contains("\"field\":\"anchor\"");
        assertThat(badHash.statusCode()).isEqualTo(400);
        assertThat(badHash.body()).contains("\"field\":\"anchors[0].hash\"");
    }

    @Test
    void sse_streamsStoredSamplesAsEvents_onlyOfTheCallersProject() throws Exception {
        String project = project();
        String other = project();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        HttpRequest request = HubClient.authorized(client.base.resolve("api/events?pattern=hub.health.*&project="
                        + project))
                .header("Accept", "text/event-stream").build();
        HttpResponse<InputStream> response = client.http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        readLines(response, lines);
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

    /**
     * Session 14: revoking the key that opened an SSE stream ends it at once: a last {@code event: error}
     * naming {@code KEY_REVOKED}, then the end of the stream; what is ingested afterwards reaches a
     * stream of a working key, and not it.
     */
    @Test
    void sse_aRevokedKeysStream_endsWithKeyRevoked() throws Exception {
        String project = project();
        var keys = io.commandcenter.proto.v1.KeyServiceGrpc.newBlockingStub(client.channel);
        var created = keys.createKey(io.commandcenter.proto.v1.CreateKeyRequest.newBuilder().setName("it-sse")
                .setProjectId(project).setRole(io.commandcenter.proto.v1.KeyRole.KEY_ROLE_VIEWER).build());
        String token = UsedSecrets.add(created.getToken());
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        HttpRequest request = HttpRequest.newBuilder(client.base.resolve("api/events?pattern=hub.health.*"))
                .header("Authorization", "Bearer " + token).header("X-CC-Project", project)
                .header("Accept", "text/event-stream").build();
        HttpResponse<InputStream> response = client.http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        java.util.concurrent.CountDownLatch ended = readLines(response, lines);
        BlockingQueue<String> working = new LinkedBlockingQueue<>();
        HttpResponse<InputStream> workingResponse = client.http.send(HubClient.authorized(client.base.resolve(
                "api/events?pattern=hub.health.*&project=" + project)).header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(workingResponse.statusCode()).isEqualTo(200);
        readLines(workingResponse, working);
        try {
            assertThat(nextData(lines, "started")).contains("\"projectId\":\"" + project + "\"");
            assertThat(nextData(working, "started")).contains("\"projectId\":\"" + project + "\"");

            keys.revokeKey(io.commandcenter.proto.v1.RevokeKeyRequest.newBuilder()
                    .setKeyId(created.getKey().getKeyId()).build());

            // heartbeats keep coming on a stream that does not end: look for the error within 30 s in all
            java.util.concurrent.CompletableFuture<String> error = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return nextData(lines, "error");
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(error.get(30, TimeUnit.SECONDS)).contains("\"reason\":\"KEY_REVOKED\"");
            assertThat(ended.await(30, TimeUnit.SECONDS)).as("the stream ends").isTrue();
            client.ingest(project, samples(1, "after")).get(60, TimeUnit.SECONDS);
            assertThat(nextData(working, null)).as("published after the revocation").contains("\"recordId\":\"after-0\"");
            assertThat(lines).noneMatch(l -> l.contains("after-0"));
        } finally {
            response.body().close();
            workingResponse.body().close();
        }
    }

    /**
     * Issue 17 item 7: an SSE client that goes away (its connection closed, nothing said) gives its
     * subscription back within seconds — the hub's heartbeat (cc.events.sse-heartbeat, 1 s) finds
     * the connection dead. Before, a comment every 15 s held the slot for up to that long.
     */
    @Test
    void sse_aClientThatDisappears_releasesItsSubscriptionWithinSeconds() throws Exception {
        String project = project();
        int during;
        try (java.net.Socket socket = new java.net.Socket("localhost", HubClient.HTTP_PORT)) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(("GET " + client.base.getPath() + "api/events?pattern=hub.health.* HTTP/1.1\r\n"
                    + "Host: localhost\r\nAccept: text/event-stream\r\nAuthorization: " + HubClient.ADMIN.header()
                    + "\r\nX-CC-Project: " + project + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String line;
            do {
                line = in.readLine();
                assertThat(line).as("the stream starts").isNotNull();
            } while (!line.startsWith("event: started") && !line.startsWith("event:started"));
            during = subscribers();
        }
        long dropped = System.nanoTime();

        org.awaitility.Awaitility.await().atMost(6, TimeUnit.SECONDS).until(() -> subscribers() < during);
        System.out.printf("SSE: a dropped client's subscription released after %d ms%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - dropped));
    }

    /** Event subscriptions the hub holds now (the liveness check's data). */
    int subscribers() throws Exception {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"subscribers\"\\s*:\\s*(\\d+)")
                .matcher(client.get("/health/live", null).body());
        assertThat(m.find()).as("/health/live reports subscribers").isTrue();
        return Integer.parseInt(m.group(1));
    }

    @Test
    void aDegradingService_becomesAPrediction_readableOverRest_countedByApiStats_andPredictAnswersOnDemand() throws Exception {
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

        HttpResponse<String> onDemand = client.http.send(HubClient.authorized(client.base.resolve("api/predict"))
                .header("X-CC-Project", project).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"entity\":{\"kind\":\"service\",\"id\":\"payments\"}}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> bad = client.http.send(HubClient.authorized(client.base.resolve("api/predict"))
                .header("X-CC-Project", project).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"entity\":{\"kind\":\"service\"}}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(onDemand.statusCode()).isEqualTo(200);
        assertThat(onDemand.body()).contains("\"risk\":").contains("\"modelVersion\":\"2.5.0\"");
        // a change from another site's page is refused before anything runs; the hub's own origin passes
        HttpResponse<String> foreign = client.http.send(HubClient.authorized(client.base.resolve("api/predict"))
                .header("X-CC-Project", project).header("Content-Type", "application/json")
                .header("Origin", "https://evil.example")
                .POST(HttpRequest.BodyPublishers.ofString("{\"entity\":{\"kind\":\"service\",\"id\":\"payments\"}}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(foreign.body()).contains("CROSS_ORIGIN");
        String own = client.base.getScheme() + "://" + client.base.getAuthority();
        HttpResponse<String> console = client.http.send(HubClient.authorized(client.base.resolve("api/predict"))
                .header("X-CC-Project", project).header("Content-Type", "application/json").header("Origin", own)
                .POST(HttpRequest.BodyPublishers.ofString("{\"entity\":{\"kind\":\"service\",\"id\":\"payments\"}}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(console.statusCode()).as(console.body()).isEqualTo(200);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("\"field\":\"entity.id\"");
        HttpResponse<String> models = client.get("/health/ready", null);
        assertThat(models.statusCode()).isEqualTo(200);

        // GET /api/stats mirrors GetStats: the same figures for the same project and window
        var stats = scoped(io.commandcenter.proto.v1.StatsServiceGrpc.newBlockingStub(client.channel), project);
        org.awaitility.Awaitility.await().atMost(60, TimeUnit.SECONDS).untilAsserted(() -> {
            HttpResponse<String> rest = client.get("/api/stats?since=1h", project);
            var grpc = stats.getStats(io.commandcenter.proto.v1.GetStatsRequest.newBuilder()
                    .setWindow(com.google.protobuf.Duration.newBuilder().setSeconds(3600)).build());
            assertThat(rest.statusCode()).isEqualTo(200);
            assertThat(grpc.getPredictions()).isPositive();
            assertThat(rest.body()).contains("\"predictions\":\"" + grpc.getPredictions() + "\"")
                    .contains("\"hubId\":\"" + grpc.getHubId() + "\"")
                    .contains("\"averageConfidence\":" + grpc.getAverageConfidence());
        });
        assertThat(client.get("/api/stats", project()).body()).as("another project").contains("\"predictions\":\"0\"");
        HttpResponse<String> badSince = client.get("/api/stats?since=yesterday", project);
        HttpResponse<String> tooLong = client.get("/api/stats?since=25h", project);
        assertThat(badSince.statusCode()).isEqualTo(400);
        assertThat(badSince.body()).contains("\"field\":\"since\"").contains("BAD_FORMAT");
        assertThat(tooLong.statusCode()).isEqualTo(400);
        assertThat(tooLong.body()).contains("\"field\":\"since\"").contains("OUT_OF_RANGE");
    }

    @Test
    void aNodeClientBuiltOnlyFromTheProtoFiles_ingestsListsAndFollowsEvents() throws Exception {
        java.nio.file.Path client = java.nio.file.Path.of(System.getProperty("repo.root"), "examples", "node-client");
        run(client, 300, "npm", "ci", "--no-audit", "--no-fund");

        String output = run(client, 120, "node", "client.mjs", "--hub", "localhost:" + HubClient.GRPC_PORT,
                "--project", project(), "--token", HubClient.ADMIN.token());

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

    /** Reads an SSE response's lines into {@code lines} on a thread of its own; counts down when the stream ends. */
    static java.util.concurrent.CountDownLatch readLines(HttpResponse<InputStream> response, BlockingQueue<String> lines) {
        java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                }
            } catch (java.io.IOException ignored) {
                // the test closed the stream
            }
            ended.countDown();
        });
        reader.setDaemon(true);
        reader.start();
        return ended;
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
