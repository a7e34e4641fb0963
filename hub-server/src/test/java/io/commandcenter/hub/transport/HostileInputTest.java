package io.commandcenter.hub.transport;

import com.google.protobuf.ByteString;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import io.commandcenter.common.error.grpc.GrpcErrors;
import io.commandcenter.hub.runtime.Hub;
import io.commandcenter.hub.runtime.HubSettings;
import io.commandcenter.hub.testing.Credentials;
import io.commandcenter.hub.testing.Ingest;
import io.commandcenter.hub.testing.LogCapture;
import io.commandcenter.hub.testing.RawCall;
import io.commandcenter.models.artifact.ModelArtifact;
import io.commandcenter.models.artifact.SidecarJson;
import io.commandcenter.models.bootstrap.BootstrapModels;
import io.commandcenter.proto.v1.HealthSample;
import io.commandcenter.proto.v1.IngestRequest;
import io.commandcenter.proto.v1.IngestResponse;
import io.commandcenter.proto.v1.ListModelsRequest;
import io.commandcenter.proto.v1.ModelRegistryServiceGrpc;
import io.commandcenter.proto.v1.RegisterModelRequest;
import io.commandcenter.proto.v1.TelemetryRecord;
import io.commandcenter.proto.v1.TelemetryServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.MetadataUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The inputs an outside probe broke the hub with (issue 17), each answered as bad input on an
 * assembled hub over a standard client (Netty, default 8 KiB of trailers): unparseable bytes,
 * errors echoing hundreds of long values, model sidecars the registry could not take.
 */
class HostileInputTest {
    @TempDir
    static Path dir;
    static Hub hub;
    static ManagedChannel channel;
    static LogCapture log;

    @BeforeAll
    static void start() {
        log = LogCapture.start();
        hub = Hub.start(HubSettings.defaults(dir, 0), Clock.systemUTC());
        channel = NettyChannelBuilder.forAddress("localhost", hub.grpcPort()).usePlaintext().build();
    }

    @AfterAll
    static void stop() {
        channel.shutdownNow();
        hub.close();
        log.close();
    }

    static Metadata admin(String project) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
                "Bearer " + Credentials.adminToken(hub));
        headers.put(Metadata.Key.of("x-cc-project", Metadata.ASCII_STRING_MARSHALLER), project);
        return headers;
    }

    static ErrorInfo info(Status status, Metadata trailers) throws Exception {
        return StatusProto.fromStatusAndTrailers(status, trailers).getDetailsList().stream()
                .filter(a -> a.is(ErrorInfo.class)).findFirst().orElseThrow().unpack(ErrorInfo.class);
    }

    static <T> T detail(StatusRuntimeException e, Class<T> type) {
        return StatusProto.fromThrowable(e).getDetailsList().stream().filter(a -> a.is(
                type.asSubclass(com.google.protobuf.Message.class))).findFirst().map(a -> {
                    try {
                        return a.unpack(type.asSubclass(com.google.protobuf.Message.class));
                    } catch (com.google.protobuf.InvalidProtocolBufferException x) {
                        throw new AssertionError(x);
                    }
                }).map(type::cast).orElseThrow();
    }

    @Test
    void unparseableBytes_areInvalidArgumentNamingTheMessage_andAThousandOfThemLogOneLine() throws Exception {
        int before = malformedLines();

        RawCall.Answer first = RawCall.send(channel, "commandcenter.v1.RemediateService/ListWorkflows",
                new byte[]{-1, -1, -1, -1, -1, -1}, admin("hostile"));
        for (int i = 0; i < 999; i++) {
            assertThat(RawCall.send(channel, "commandcenter.v1.TelemetryService/Ingest",
                    new byte[]{-1, -1, -1, -1, -1, -1}, admin("hostile")).code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        }

        assertThat(first.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(first.status().getDescription()).contains("commandcenter.v1.ListWorkflowsRequest");
        assertThat(info(first.status(), first.trailers()).getReason()).isEqualTo("MALFORMED_REQUEST");
        assertThat(malformedLines() - before).as("one line for one kind of failure").isEqualTo(1);
        assertThat(log.lines()).noneSatisfy(line -> assertThat(line).contains("Application error processing RPC"));
        assertThat(TelemetryServiceGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils
                .newAttachHeadersInterceptor(admin("hostile"))).listHealthSamples(
                io.commandcenter.proto.v1.ListHealthSamplesRequest.getDefaultInstance()).getSamplesList())
                .as("the ingest streams the refused calls opened were released").isEmpty();
        assertThat(ingest("hostile", sample("after", "api")).join().getAccepted()).isEqualTo(1);
    }

    static int malformedLines() {
        return (int) log.lines().stream().filter(l -> l.contains("unparseable request refused")).count();
    }

    static IngestRequest sample(String id, String service) {
        return IngestRequest.newBuilder().setRecord(TelemetryRecord.newBuilder().setHealthSample(HealthSample
                .newBuilder().setRecordId(id).setService(service).setLatencyMs(10).setTime(com.google.protobuf
                        .Timestamp.newBuilder().setSeconds(Instant.now().getEpochSecond() - 10)))).build();
    }

    static CompletableFuture<IngestResponse> ingest(String project, IngestRequest... requests) {
        return Ingest.call(TelemetryServiceGrpc.newStub(channel).withInterceptors(MetadataUtils
                .newAttachHeadersInterceptor(admin(project))), java.util.List.of(requests));
    }

    @Test
    void anIngestRefusingAHundredLongIds_answersAnErrorAStandardClientReads_withTheCounts() throws Exception {
        IngestRequest[] requests = new IngestRequest[101];
        requests[0] = sample("fine-1", "api");
        for (int i = 1; i <= 100; i++) {
            requests[i] = sample(i + "-" + "x".repeat(i == 50 ? 1 << 20 : 1000), "api");
        }

        StatusRuntimeException e = Ingest.failure(ingest("long-ids", requests));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(StatusProto.fromThrowable(e).getSerializedSize()).isLessThanOrEqualTo(GrpcErrors.MAX_ERROR_BYTES);
        ErrorInfo info = detail(e, ErrorInfo.class);
        assertThat(info.getReason()).isEqualTo("RECORDS_REJECTED");
        assertThat(info.getMetadataMap()).containsEntry("accepted", "1").containsEntry("rejected", "100");
        BadRequest bad = detail(e, BadRequest.class);
        assertThat(bad.getFieldViolations(0).getField()).isEqualTo("records[1].health_sample.record_id");
        assertThat(Integer.parseInt(info.getMetadataOrThrow(GrpcErrors.VIOLATIONS_OMITTED)))
                .isEqualTo(100 - bad.getFieldViolationsCount());
        assertThat(detail(e, IngestResponse.class).getAccepted()).isEqualTo(1);
    }

    static RegisterModelRequest model(Consumer<Map<String, Object>> edit) {
        ModelArtifact health = new BootstrapModels().load("service_health");
        Map<String, Object> sidecar = io.commandcenter.common.json.Json.parseObject(new String(
                new SidecarJson().write(health.metadata()), StandardCharsets.UTF_8));
        sidecar.put("version", "7.0.0");
        edit.accept(sidecar);
        return RegisterModelRequest.newBuilder().setOnnx(ByteString.copyFrom(health.onnx()))
                .setSidecarJson(io.commandcenter.common.json.Json.write(sidecar)).build();
    }

    static StatusRuntimeException registerRefused(RegisterModelRequest request) {
        var models = ModelRegistryServiceGrpc.newBlockingStub(channel).withInterceptors(
                MetadataUtils.newAttachHeadersInterceptor(admin("models")));
        return catchThrowableOfType(StatusRuntimeException.class, () -> models.registerModel(request));
    }

    @Test
    void registerModel_withASidecarThatIsNullOrNamesTooLong_isInvalidArgumentNamingTheField_andRegistersNothing() {
        var models = ModelRegistryServiceGrpc.newBlockingStub(channel).withInterceptors(
                MetadataUtils.newAttachHeadersInterceptor(admin("models")));
        var before = models.listModels(ListModelsRequest.getDefaultInstance()).getModelsList();

        StatusRuntimeException nullSidecar = registerRefused(model(s -> { }).toBuilder().setSidecarJson("null").build());
        StatusRuntimeException nullName = registerRefused(model(s -> s.put("name", null)));
        StatusRuntimeException longName = registerRefused(model(s -> s.put("name", "n".repeat(300))));
        StatusRuntimeException longVersion = registerRefused(model(s -> s.put("version", "1".repeat(300))));
        StatusRuntimeException longReason = registerRefused(model(s -> { }).toBuilder().setPromote(true)
                .setReason("r".repeat(513)).build());

        for (StatusRuntimeException e : java.util.List.of(nullSidecar, nullName, longName, longVersion, longReason)) {
            assertThat(e.getStatus().getCode()).as(String.valueOf(e.getStatus())).isEqualTo(Status.Code.INVALID_ARGUMENT);
        }
        assertThat(detail(nullSidecar, BadRequest.class).getFieldViolations(0).getField()).isEqualTo("sidecar_json");
        assertThat(detail(longName, BadRequest.class).getFieldViolations(0).getField()).isEqualTo("sidecar_json.name");
        assertThat(detail(longVersion, BadRequest.class).getFieldViolations(0).getField())
                .isEqualTo("sidecar_json.version");
        assertThat(detail(longReason, BadRequest.class).getFieldViolations(0).getField()).isEqualTo("reason");
        assertThat(models.listModels(ListModelsRequest.getDefaultInstance()).getModelsList()).isEqualTo(before);
    }

    @Test
    void aHealthCheckOfAHugeServiceName_isNotFound_inAnAnswerAStandardClientReads() {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> HealthGrpc
                .newBlockingStub(channel).check(HealthCheckRequest.newBuilder().setService("s".repeat(1 << 20)).build()));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(e.getStatus().getDescription()).hasSizeLessThan(1024);
    }

    @Test
    void aQueryForTheYearOneBillion_isOutOfRange_namingTheField() {
        var telemetry = TelemetryServiceGrpc.newBlockingStub(channel).withInterceptors(
                MetadataUtils.newAttachHeadersInterceptor(admin("times")));

        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> telemetry.listHealthSamples(
                io.commandcenter.proto.v1.ListHealthSamplesRequest.newBuilder().setStartTime(com.google.protobuf.Timestamp
                        .newBuilder().setSeconds(31_556_889_832_780_799L)).build()));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(detail(e, ErrorInfo.class).getReason()).isEqualTo("OUT_OF_RANGE");
        assertThat(detail(e, BadRequest.class).getFieldViolations(0).getField()).isEqualTo("start_time");
    }
}
