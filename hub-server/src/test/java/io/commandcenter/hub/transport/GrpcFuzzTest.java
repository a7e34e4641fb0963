package io.commandcenter.hub.transport;

import com.google.protobuf.Descriptors;
import com.google.rpc.ErrorInfo;
import io.commandcenter.common.error.grpc.GrpcErrors;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.runtime.Hub;
import io.commandcenter.hub.runtime.HubSettings;
import io.commandcenter.hub.runtime.HubTest;
import io.commandcenter.hub.remediate.grpc.RemediateServiceTest;
import io.commandcenter.hub.testing.Credentials;
import io.commandcenter.hub.testing.Ingest;
import io.commandcenter.hub.testing.LogCapture;
import io.commandcenter.hub.testing.ProtoFuzz;
import io.commandcenter.hub.testing.RawCall;
import io.commandcenter.proto.v1.HealthSample;
import io.commandcenter.proto.v1.IngestRequest;
import io.commandcenter.proto.v1.ListHealthSamplesRequest;
import io.commandcenter.proto.v1.ListWorkflowsRequest;
import io.commandcenter.proto.v1.RemediateServiceGrpc;
import io.commandcenter.proto.v1.TelemetryRecord;
import io.commandcenter.proto.v1.TelemetryServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.MetadataUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every RPC the hub serves, sent malformed and hostile input generated from the contracts'
 * descriptors ({@link ProtoFuzz}: every field of every request spoiled in turn, the empty message,
 * unparseable bytes), on an assembled hub with the administrator's key. For bad input the hub never
 * answers INTERNAL or UNKNOWN, every refusal is one of its own errors (an {@code ErrorInfo} of
 * domain {@value GrpcErrors#DOMAIN}, small enough for a standard client), a refused call stores
 * nothing (keys, workflows, telemetry, runs, approvals, models, tasks and audit entries other than
 * REQUEST_DENIED are counted around each call), and the hub still answers afterwards.
 * Deterministic: the inputs come from a fixed seed.
 *
 * <p>Its time is thousands of small calls, so it grows with the machine's load (13 s quiet, 78 s at
 * load 18): no budget on the whole run. A hang is caught where it happens instead: each call has
 * its own deadline ({@link RawCall}, 30 s, thousands of times a call's usual few milliseconds) and not
 * answering within it is a fault like a crash; each count of what the hub holds has a query timeout
 * as long. The run's timeout is only a backstop for a hang neither bound sees.
 */
class GrpcFuzzTest {
    static final long SEED = 1713;
    static final String PROJECT = "fuzz";
    /**
     * Codes a refusal of bad input may never carry; DEADLINE_EXCEEDED: the hub did not answer within
     * the call's deadline (it never answers that code itself).
     */
    static final Set<Status.Code> CRASHES = Set.of(Status.Code.INTERNAL, Status.Code.UNKNOWN, Status.Code.DATA_LOSS,
            Status.Code.UNIMPLEMENTED, Status.Code.DEADLINE_EXCEEDED);
    /** How long one count of what the hub holds may take, like a call's deadline. */
    static final int QUERY_SECONDS = 30;

    @TempDir
    static Path dir;
    static Hub hub;
    static ManagedChannel channel;
    static Metadata headers;
    static LogCapture log;

    @BeforeAll
    static void start() {
        log = LogCapture.start();
        HubSettings defaults = HubSettings.defaults(dir, 0);
        // thousands of calls with one key: the per-caller rate limit is tested elsewhere (CallRateHubTest)
        hub = Hub.start(defaults.withSecurity(defaults.security().withCallRate(0, 1)), Clock.systemUTC());
        // a standard client: default 8 KiB metadata limit, so an oversized error shows up here as it would there
        channel = NettyChannelBuilder.forAddress("localhost", hub.grpcPort()).usePlaintext()
                .maxInboundMessageSize(8 << 20).build();
        headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
                "Bearer " + Credentials.adminToken(hub));
        headers.put(Metadata.Key.of("x-cc-project", Metadata.ASCII_STRING_MARSHALLER), PROJECT);
    }

    @AfterAll
    static void stop() {
        channel.shutdownNow();
        hub.close();
        log.close();
    }

    /** Every file whose services the hub serves: the contracts, health, and reflection (v1 and v1alpha). */
    @SuppressWarnings("deprecation")
    static List<Descriptors.FileDescriptor> served() {
        List<Descriptors.FileDescriptor> files = new ArrayList<>(HubTest.CONTRACTS);
        files.add(io.commandcenter.proto.inference.GrpcPredictV2.getDescriptor());
        files.add(io.grpc.health.v1.HealthProto.getDescriptor());
        files.add(io.grpc.reflection.v1.ServerReflectionProto.getDescriptor());
        files.add(io.grpc.reflection.v1alpha.ServerReflectionProto.getDescriptor());
        return files;
    }

    /** One answer: its code, what was wrong with it (null when nothing), the first response (null when none). */
    record Answer(Status.Code code, String fault, byte[] response) {
    }

    /**
     * Valid requests of the RPCs whose validation goes deep, so each spoiled field is checked with the
     * rest of the request right ({@link ProtoFuzz#inputs(Descriptors.Descriptor, com.google.protobuf.Message)}).
     */
    static Map<Descriptors.Descriptor, com.google.protobuf.Message> examples() {
        var now = com.google.protobuf.Timestamp.newBuilder().setSeconds(Instant.now().getEpochSecond() - 60).build();
        var record = TelemetryRecord.newBuilder().setHealthSample(HealthSample.newBuilder().setRecordId("fuzz-1")
                .setService("checkout").setTime(now).setLatencyMs(12).setErrorRate(0.01)).build();
        var target = io.commandcenter.proto.v1.EntityRef.newBuilder().setKind("service").setId("checkout").build();
        var health = new io.commandcenter.models.bootstrap.BootstrapModels().load("service_health");
        var sidecar = io.commandcenter.common.json.Json.parseObject(new String(
                new io.commandcenter.models.artifact.SidecarJson().write(health.metadata()),
                java.nio.charset.StandardCharsets.UTF_8));
        sidecar.put("version", "9.9.9");
        var infer = io.commandcenter.proto.inference.ModelInferRequest.newBuilder().setModelName("service_health");
        for (String feature : health.metadata().features()) {
            infer.addInputs(io.commandcenter.proto.inference.ModelInferRequest.InferInputTensor.newBuilder()
                    .setName(feature).setDatatype("FP32").addShape(1).setContents(
                            io.commandcenter.proto.inference.InferTensorContents.newBuilder().addFp32Contents(0.5f)));
        }
        Map<Descriptors.Descriptor, com.google.protobuf.Message> examples = new HashMap<>();
        examples.put(infer.getDescriptorForType(), infer.build());
        for (com.google.protobuf.Message m : List.of(
                IngestRequest.newBuilder().setRecord(record).build(),
                io.commandcenter.proto.v1.IngestStreamRequest.newBuilder().setRecord(record).build(),
                io.commandcenter.proto.v1.PredictRequest.newBuilder().setEntity(target).build(),
                io.commandcenter.proto.v1.SubmitTaskRequest.newBuilder().setCapability("devops.restart")
                        .setTarget(target).setInputs(com.google.protobuf.Struct.newBuilder().putFields("service",
                                com.google.protobuf.Value.newBuilder().setStringValue("checkout").build())).build(),
                io.commandcenter.proto.v1.RegisterModelRequest.newBuilder()
                        .setOnnx(com.google.protobuf.ByteString.copyFrom(health.onnx()))
                        .setSidecarJson(io.commandcenter.common.json.Json.write(sidecar)).build(),
                io.commandcenter.proto.v1.PutWorkflowRequest.newBuilder().setYaml(RemediateServiceTest.NOTIFY
                        .replace("tell-someone", "fuzz-1").replace("prediction.created", "fuzz.never")).build(),
                io.commandcenter.proto.v1.CreateKeyRequest.newBuilder().setName("fuzz").setProjectId(PROJECT)
                        .setRole(io.commandcenter.proto.v1.KeyRole.KEY_ROLE_VIEWER).build(),
                io.commandcenter.proto.v1.ConnectAgentRequest.newBuilder().setRegister(
                        io.commandcenter.proto.v1.AgentRegistration.newBuilder().setAgentId("fuzz-agent")
                                .setAgentType("devops").addActions("*").setCapacity(1).addProjects(PROJECT)).build())) {
            examples.put(m.getDescriptorForType(), m);
        }
        return examples;
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES) // a backstop, not a budget: each call and count has its own bound
    void everyRpc_answersHostileInput_withoutCrashing_storesNothingWhenItRefuses_andKeepsAnswering() throws Exception {
        ProtoFuzz fuzz = new ProtoFuzz(SEED, Instant.now());
        Map<Descriptors.Descriptor, com.google.protobuf.Message> examples = examples();
        Map<String, Integer> byCode = new TreeMap<>();
        List<String> faults = new ArrayList<>();
        List<String> tokens = new ArrayList<>(List.of(Credentials.adminToken(hub)));
        int inputs = 0;
        int methods = 0;
        for (Descriptors.FileDescriptor file : served()) {
            for (Descriptors.ServiceDescriptor service : file.getServices()) {
                for (Descriptors.MethodDescriptor method : service.getMethods()) {
                    methods++;
                    String name = service.getFullName() + "/" + method.getName();
                    for (ProtoFuzz.Input input : fuzz.inputs(method.getInputType(),
                            examples.get(method.getInputType()))) {
                        inputs++;
                        Map<String, Object> before = stored();
                        Answer answer = call(name, input.bytes(), !name.startsWith("grpc."));
                        byCode.merge(answer.code().name(), 1, Integer::sum);
                        if (answer.response() != null && name.endsWith("/CreateKey")) {
                            tokens.add(io.commandcenter.proto.v1.CreateKeyResponse.parseFrom(answer.response()).getToken());
                        }
                        if (answer.fault() != null) {
                            faults.add(name + " [" + input.label() + "]: " + answer.fault());
                        } else if (answer.code() != Status.Code.OK) {
                            Map<String, Object> after = stored();
                            if (!after.equals(before)) {
                                faults.add(name + " [" + input.label() + "]: refused with " + answer.code()
                                        + " but stored something: " + before + " -> " + after);
                            }
                        }
                    }
                }
            }
        }
        System.out.printf("gRPC fuzz: %d inputs to %d RPCs (seed %d), answers by code %s, %d faults%n", inputs,
                methods, SEED, byCode, faults.size());

        assertThat(faults).as("answers that crashed, broke the error contract or stored something").isEmpty();
        assertThat(methods).isEqualTo(AccessTable.all().size());
        assertHubStillAnswers();
        assertThat(tokens).as("keys the run used (the admin's, and those CreateKey made)").hasSizeGreaterThan(1);
        assertNothingLogged(log.lines(), tokens);
    }

    /**
     * No key (nor its secret alone) in any line the hub logged, and no raw control character from
     * the input: a request's text is escaped before it reaches a log line, so it cannot forge one.
     */
    static void assertNothingLogged(List<String> lines, List<String> tokens) {
        assertThat(lines).as("the hub logged").isNotEmpty();
        assertThat(lines).as("log lines holding a key or its secret").filteredOn(line -> tokens.stream().anyMatch(
                t -> line.contains(t) || line.contains(secretOf(t)))).isEmpty();
        assertThat(lines).as("log lines with a raw control character from the input")
                .filteredOn(line -> line.chars().anyMatch(c -> c == 0 || c == 7 || c == 0x1b || c == '\r')).isEmpty();
    }

    /**
     * A token's secret, parsed as the hub parses it: the secret is base64url and may itself hold '_', so the
     * text after the last '_' can be a few characters (or none) that every line contains.
     */
    static String secretOf(String token) {
        return io.commandcenter.hub.security.KeyTokens.parse(token).orElseThrow(
                () -> new AssertionError("not a key token: " + token)).secret();
    }

    /** Health, a read and a write that must still work after everything above. */
    static void assertHubStillAnswers() {
        assertThat(HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance()).getStatus())
                .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
        var telemetry = TelemetryServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
        var sample = HealthSample.newBuilder().setRecordId("after-fuzz").setService("checkout")
                .setTime(com.google.protobuf.Timestamp.newBuilder().setSeconds(Instant.now().getEpochSecond() - 5))
                .setLatencyMs(12).build();
        var ingest = Ingest.call(TelemetryServiceGrpc.newStub(channel).withInterceptors(
                MetadataUtils.newAttachHeadersInterceptor(headers)), List.of(IngestRequest.newBuilder()
                .setRecord(TelemetryRecord.newBuilder().setHealthSample(sample)).build()));

        assertThat(ingest.join().getAccepted()).isEqualTo(1);
        assertThat(telemetry.listHealthSamples(ListHealthSamplesRequest.newBuilder().setService("checkout").build())
                .getSamplesList()).anySatisfy(s -> assertThat(s.getRecordId()).isEqualTo("after-fuzz"));
        assertThat(RemediateServiceGrpc.newBlockingStub(channel).withInterceptors(
                MetadataUtils.newAttachHeadersInterceptor(headers)).listWorkflows(ListWorkflowsRequest
                .getDefaultInstance())).isNotNull();
    }

    /** Sends {@code bytes} as the one request of {@code method}; what came back, and what was wrong with it. */
    static Answer call(String method, byte[] bytes, boolean hubService) throws Exception {
        RawCall.Answer answer = RawCall.send(channel, method, bytes, headers);
        return new Answer(answer.code(), fault(answer.status(), answer.trailers(), hubService), answer.response());
    }

    /**
     * What is wrong with a refusal: a crash code, or for the hub's own services no ErrorInfo of the
     * hub's or an error too large (grpc's health and reflection answer in their own way).
     */
    static String fault(Status status, Metadata trailers, boolean hubService) {
        if (status.isOk()) {
            return null;
        }
        String description = String.valueOf(status.getDescription());
        String shown = description.length() > 300 ? description.substring(0, 300) + "…" : description;
        if (CRASHES.contains(status.getCode())) {
            return status.getCode() + ": " + shown;
        }
        if (!hubService) {
            return null;
        }
        com.google.rpc.Status details = StatusProto.fromStatusAndTrailers(status, trailers);
        if (details == null || details.getDetailsList().stream().noneMatch(a -> a.is(ErrorInfo.class))) {
            return status.getCode() + " without the hub's ErrorInfo: " + shown;
        }
        int size = details.getSerializedSize() + description.length();
        if (size > GrpcErrors.MAX_ERROR_BYTES + 1024) {
            return status.getCode() + " error of " + size + " bytes: " + shown;
        }
        return null;
    }

    private static Statement timed(Statement statement) throws SQLException {
        statement.setQueryTimeout(QUERY_SECONDS);
        return statement;
    }

    /** What the hub holds that a refused call must not change. */
    static Map<String, Object> stored() throws SQLException {
        Map<String, Object> counts = new TreeMap<>();
        try (Connection c = hub.database().dataSource().getConnection(); Statement s = timed(c.createStatement());
             ResultSet r = s.executeQuery("SELECT"
                     + " (SELECT COUNT(*) FROM api_key), (SELECT COUNT(*) FROM workflow_revision),"
                     + " (SELECT COUNT(*) FROM health_sample), (SELECT COUNT(*) FROM audit),"
                     + " (SELECT COUNT(*) FROM task), (SELECT COUNT(*) FROM workflow_run),"
                     + " (SELECT COUNT(*) FROM remediation_run), (SELECT COUNT(*) FROM approval),"
                     + " (SELECT COUNT(*) FROM model), (SELECT COUNT(*) FROM model_champion),"
                     + " (SELECT COUNT(*) FROM autonomy), (SELECT COUNT(*) FROM project),"
                     + " (SELECT COUNT(*) FROM audit_entry WHERE action <> 'REQUEST_DENIED')")) {
            r.next();
            String[] names = {"keys", "workflows", "samples", "audit results", "task records", "run records",
                    "runs", "approvals", "models", "champions", "autonomy", "projects", "audit entries"};
            for (int i = 0; i < names.length; i++) {
                counts.put(names[i], r.getLong(i + 1));
            }
        }
        counts.put("scheduled tasks", hub.scheduler().tasks(PROJECT, Set.of(), null, null, 10_000, "").items().size());
        counts.put("models in memory", hub.registry().list(ProjectId.of(PROJECT), "").stream()
                .map(m -> m.metadata().name() + ":" + m.metadata().version() + (m.champion() ? "*" : "")).sorted()
                .toList());
        return counts;
    }
}
