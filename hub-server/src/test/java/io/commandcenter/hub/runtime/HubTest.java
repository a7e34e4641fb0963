package io.commandcenter.hub.runtime;

import com.google.protobuf.DescriptorProtos;
import com.google.protobuf.Descriptors;
import com.google.rpc.BadRequest;
import io.commandcenter.hub.persistence.Database;
import io.commandcenter.hub.testing.GrpcFixture;
import io.commandcenter.hub.testing.Ingest;
import io.commandcenter.hub.testing.ManifestJar;
import io.commandcenter.hub.testing.SchedulerFixture;
import io.commandcenter.proto.v1.AuditProto;
import io.commandcenter.proto.v1.CommonProto;
import io.commandcenter.proto.v1.EventsProto;
import io.commandcenter.proto.v1.IngestRequest;
import io.commandcenter.proto.v1.IngestResponse;
import io.commandcenter.proto.v1.IngestStreamRequest;
import io.commandcenter.proto.v1.IngestStreamResponse;
import io.commandcenter.proto.v1.ListHealthSamplesRequest;
import io.commandcenter.proto.v1.ModelsProto;
import io.commandcenter.proto.v1.PredictProto;
import io.commandcenter.proto.v1.PutWorkflowRequest;
import io.commandcenter.proto.v1.RemediateProto;
import io.commandcenter.proto.v1.RemediateServiceGrpc;
import io.commandcenter.proto.v1.ScheduleProto;
import io.commandcenter.proto.v1.TelemetryProto;
import io.commandcenter.proto.v1.TelemetryServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static io.commandcenter.hub.testing.Records.request;
import static io.commandcenter.hub.testing.Records.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/** The assembled hub on a real port and a real embedded database. */
public class HubTest {
    /** The generated descriptors of every {@code commandcenter.v1} proto file. */
    public static final List<Descriptors.FileDescriptor> CONTRACTS = List.of(AuditProto.getDescriptor(), CommonProto.getDescriptor(),
            EventsProto.getDescriptor(), ModelsProto.getDescriptor(), PredictProto.getDescriptor(),
            RemediateProto.getDescriptor(), ScheduleProto.getDescriptor(), TelemetryProto.getDescriptor(),
            io.commandcenter.proto.v1.KeysProto.getDescriptor(), io.commandcenter.proto.v1.StatsProto.getDescriptor(),
            io.commandcenter.proto.v1.MemoryProto.getDescriptor());

    @TempDir
    Path dir;
    Hub hub;
    ManagedChannel channel;

    @AfterEach
    void stop() {
        if (channel != null) {
            channel.shutdownNow();
        }
        if (hub != null) {
            hub.close();
        }
    }

    /** A channel to a hub, with its administrator key. */
    ManagedChannel connect(Hub hub) {
        return connect(hub.grpcPort(), io.commandcenter.hub.testing.Credentials.adminToken(hub));
    }

    ManagedChannel connect(int port, String token) {
        return NettyChannelBuilder.forAddress("localhost", port).usePlaintext()
                .intercept(io.commandcenter.hub.testing.Credentials.bearer(token)).build();
    }

    static IngestResponse ingest(TelemetryServiceGrpc.TelemetryServiceStub stub, List<IngestRequest> requests) {
        return Ingest.call(stub, requests).join();
    }

    /**
     * Every service declared in the {@code commandcenter.v1} proto files (read from their generated
     * descriptors), the health service and server reflection (v1 and v1alpha).
     */
    @SuppressWarnings("deprecation") // v1alpha reflection is served on purpose, for older clients
    static Set<String> everyServiceTheHubServes() {
        Set<String> names = new TreeSet<>();
        for (Descriptors.FileDescriptor file : CONTRACTS) {
            file.getServices().forEach(service -> names.add(service.getFullName()));
        }
        names.add(io.commandcenter.proto.inference.GRPCInferenceServiceGrpc.SERVICE_NAME);
        names.addAll(List.of(HealthGrpc.SERVICE_NAME, ServerReflectionGrpc.SERVICE_NAME,
                io.grpc.reflection.v1alpha.ServerReflectionGrpc.SERVICE_NAME));
        return names;
    }

    @Test
    void theContractsListed_areEveryProtoFileOfCommandcenterV1() throws Exception {
        Set<String> packaged = new TreeSet<>();
        try (InputStream in = HubTest.class.getResourceAsStream("/proto/commandcenter.protoset")) {
            assertThat(in).as("the proto jar's descriptor set").isNotNull();
            for (DescriptorProtos.FileDescriptorProto file : DescriptorProtos.FileDescriptorSet.parseFrom(in)
                    .getFileList()) {
                if (file.getPackage().equals("commandcenter.v1")) {
                    packaged.add(file.getName());
                }
            }
        }

        assertThat(CONTRACTS).extracting(Descriptors.FileDescriptor::getName)
                .containsExactlyInAnyOrderElementsOf(packaged);
    }

    @Test
    void reflection_listsEveryServiceTheHubServes_andHealthSaysServing() throws Exception {
        hub = Hub.start(HubSettings.defaults(dir, 0), Clock.systemUTC());
        channel = connect(hub);

        CompletableFuture<List<String>> names = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> reflection = ServerReflectionGrpc.newStub(channel)
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
        reflection.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        reflection.onCompleted();

        assertThat(new TreeSet<>(names.get(10, TimeUnit.SECONDS))).isEqualTo(everyServiceTheHubServes());
        HealthCheckResponse health = HealthGrpc.newBlockingStub(channel)
                .check(HealthCheckRequest.newBuilder().setService("commandcenter.v1.TelemetryService").build());
        assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
        assertThat(hub.isReady()).isTrue();
        assertThat(hub.isLive()).isTrue();
    }

    @Test
    void aWorkflowNamingAnAgentConnectedToTheScheduler_isStored_andRefusedBeforeTheAgentConnects() {
        hub = Hub.start(HubSettings.defaults(dir, 0), Clock.systemUTC());
        channel = connect(hub);
        PutWorkflowRequest put = PutWorkflowRequest.newBuilder().setYaml("""
                name: retrain
                trigger:
                  schedule: "0 3 * * *"
                nodes:
                  - id: ticket
                    agent: ticketing
                    action: openTicket
                """).build();
        var workflows = GrpcFixture.scoped(RemediateServiceGrpc.newBlockingStub(channel), "lab");
        StatusRuntimeException refused = catchThrowableOfType(() -> workflows.putWorkflow(put),
                StatusRuntimeException.class);

        // not a built-in agent (trainer is, since the learning loop's agents are)
        SchedulerFixture.connectIdle(hub.scheduler(), "ticketing", Set.of("openTicket"), 1, "lab");

        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(StatusProto.fromThrowable(refused).getDetailsList()).filteredOn(a -> a.is(BadRequest.class))
                .singleElement().satisfies(a -> assertThat(a.unpack(BadRequest.class).getFieldViolationsList())
                        .singleElement().satisfies(v -> {
                            assertThat(v.getField()).isEqualTo("nodes[0].agent");
                            assertThat(v.getDescription()).startsWith("line 6, column 12: unknown agent 'ticketing'");
                        }));
        assertThat(workflows.putWorkflow(put).getCreated()).isTrue();
    }

    @Test
    void aMessageLargerThanTheLimit_isRefusedWithResourceExhausted_andTheHubCarriesOn() {
        hub = Hub.start(HubSettings.defaults(dir, 0), Clock.systemUTC());
        channel = connect(hub);
        var stub = GrpcFixture.scoped(TelemetryServiceGrpc.newStub(channel), "alpha");
        IngestRequest huge = request(sample("big", "api", Instant.now(), 1)
                .putMetrics("m", 1).setRecordId("x".repeat(5 << 20)));

        assertThatThrownBy(() -> ingest(stub, List.of(huge)))
                .hasCauseInstanceOf(StatusRuntimeException.class)
                .satisfies(e -> assertThat(((StatusRuntimeException) e.getCause()).getStatus().getCode())
                        .isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
        assertThat(ingest(stub, List.of(request(sample("ok", "api", Instant.now(), 1)))).getAccepted()).isEqualTo(1);
    }

    @Test
    void aHubWithoutACluster_keepsItsDecisionFactsInMemory() {
        HubSettings alone = HubSettings.defaults(dir, 0);
        assertThat(alone.hazelcast()).as("cc.hazelcast.mode=none").isEmpty();

        hub = Hub.start(alone, Clock.systemUTC());

        assertThat(hub.remediation().isSoleWriter()).isTrue();
    }

    @Test
    void dataSurvivesAStopAndStart_onTheSameDataDirectory() {
        hub = Hub.start(HubSettings.defaults(dir, 0), Clock.systemUTC());
        channel = connect(hub);
        var stub = GrpcFixture.scoped(TelemetryServiceGrpc.newStub(channel), "alpha");
        ingest(stub, List.of(request(sample("s-1", "api", Instant.now(), 1)), request(sample("s-2", "api", Instant.now(), 2))));
        channel.shutdownNow();
        hub.close();

        hub = Hub.start(HubSettings.defaults(dir, 0), Clock.systemUTC());
        channel = connect(hub);

        var samples = GrpcFixture.scoped(TelemetryServiceGrpc.newBlockingStub(channel), "alpha")
                .listHealthSamples(ListHealthSamplesRequest.getDefaultInstance());
        assertThat(samples.getSamplesCount()).isEqualTo(2);
    }

    @Test
    void everyAcknowledgedRecord_survivesTheHubProcessBeingKilled() throws Exception {
        Path portFile = dir.resolve("port");
        Path dataDir = dir.resolve("data");
        Path classPath = ManifestJar.write(System.getProperty("java.class.path"), dir.resolve("classpath.jar"));
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classPath.toString(), "io.commandcenter.hub.testing.HubMain",
                dataDir.toString(), portFile.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("hub.log").toFile()).start();
        try {
            await().atMost(60, TimeUnit.SECONDS).until(() -> Files.exists(portFile) || !process.isAlive());
            assertThat(process.isAlive()).as("hub process started; its log:%n%s",
                    Files.exists(dir.resolve("hub.log")) ? Files.readString(dir.resolve("hub.log")) : "(none)").isTrue();
            channel = connect(Integer.parseInt(Files.readString(portFile).trim()),
                    Files.readString(dataDir.resolve("admin.key")).strip());
            AtomicLong settledThrough = new AtomicLong(-1);
            CompletableFuture<Void> enoughAcked = new CompletableFuture<>();
            StreamObserver<IngestStreamRequest> stream = GrpcFixture.scoped(TelemetryServiceGrpc.newStub(channel), "alpha")
                    .ingestStream(new StreamObserver<>() {
                        @Override
                        public void onNext(IngestStreamResponse ack) {
                            settledThrough.set(ack.getSettledThrough());
                            if (ack.getSettledThrough() >= 2_999) {
                                enoughAcked.complete(null);
                            }
                        }

                        @Override
                        public void onError(Throwable t) {
                            enoughAcked.complete(null);
                        }

                        @Override
                        public void onCompleted() {
                        }
                    });
            List<IngestStreamRequest> requests = new ArrayList<>();
            Instant now = Instant.now();
            for (int i = 0; i < 20_000; i++) {
                requests.add(IngestStreamRequest.newBuilder()
                        .setRecord(request(sample("k-" + i, "api", now.minusMillis(i), i)).getRecord()).build());
            }
            requests.forEach(stream::onNext);
            enoughAcked.get(60, TimeUnit.SECONDS);

            process.destroyForcibly(); // SIGKILL: no shutdown hook, no clean close
            process.waitFor(30, TimeUnit.SECONDS);
            long acked = settledThrough.get() + 1;

            try (Database database = Database.open(HubSettings.defaults(dataDir, 0).database());
                 var connection = database.dataSource().getConnection();
                 var count = connection.prepareStatement(
                         "SELECT COUNT(*) FROM health_sample WHERE project_id = 'alpha'").executeQuery()) {
                count.next();
                assertThat(acked).isGreaterThanOrEqualTo(3_000);
                assertThat(count.getLong(1)).as("every acknowledged record is in the database")
                        .isGreaterThanOrEqualTo(acked);
            }
        } finally {
            process.destroyForcibly();
        }
    }
}
