package io.commandcenter.hub.feedback;

import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.runtime.Hub;
import io.commandcenter.hub.runtime.HubSettings;
import io.commandcenter.hub.telemetry.grpc.TelemetryProtoMapper;
import io.commandcenter.hub.testing.GrpcFixture;
import io.commandcenter.hub.testing.Ingest;
import io.commandcenter.hub.testing.Series;
import io.commandcenter.proto.v1.DeclareIncidentRequest;
import io.commandcenter.proto.v1.DeclareIncidentResponse;
import io.commandcenter.proto.v1.EntityRef;
import io.commandcenter.proto.v1.ExportFeedbackRequest;
import io.commandcenter.proto.v1.FeedbackRow;
import io.commandcenter.proto.v1.LabelPredictionRequest;
import io.commandcenter.proto.v1.LabelPredictionResponse;
import io.commandcenter.proto.v1.ListPredictionsRequest;
import io.commandcenter.proto.v1.Prediction;
import io.commandcenter.proto.v1.PredictServiceGrpc;
import io.commandcenter.proto.v1.TelemetryServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The feedback dataset over gRPC against an assembled hub: labels, declared incidents, the export. */
class FeedbackHubTest {
    @TempDir
    Path dir;
    Hub hub;
    ManagedChannel channel;

    @BeforeEach
    void start() {
        open();
    }

    void open() {
        hub = Hub.start(HubSettings.defaults(dir, 0), Clock.systemUTC());
        channel = NettyChannelBuilder.forAddress("localhost", hub.grpcPort()).usePlaintext()
                .intercept(io.commandcenter.hub.testing.Credentials.admin(hub)).build();
    }

    @AfterEach
    void stop() {
        channel.shutdownNow();
        hub.close();
    }

    PredictServiceGrpc.PredictServiceBlockingStub predict(String project) {
        return GrpcFixture.scoped(PredictServiceGrpc.newBlockingStub(channel), project);
    }

    void ingest(String project, List<io.commandcenter.proto.v1.IngestRequest> requests) {
        Ingest.call(GrpcFixture.scoped(TelemetryServiceGrpc.newStub(channel), project), requests).join();
        hub.engine().sync();
    }

    List<FeedbackRow> export(String project) {
        List<FeedbackRow> rows = new ArrayList<>();
        predict(project).exportFeedback(ExportFeedbackRequest.getDefaultInstance()).forEachRemaining(rows::add);
        return rows;
    }

    Prediction predictionOf(String project, String entity) {
        return predict(project).listPredictions(ListPredictionsRequest.newBuilder().setTargetId(entity).build())
                .getPredictions(0);
    }

    static DeclareIncidentRequest incident(String entity, Instant from, Instant to) {
        return DeclareIncidentRequest.newBuilder().setEntity(EntityRef.newBuilder().setKind("service").setId(entity))
                .setStartTime(TelemetryProtoMapper.timestamp(from)).setEndTime(TelemetryProtoMapper.timestamp(to))
                .setReason("disk full, paged at 02:10").build();
    }

    @Test
    void labelsAndDeclaredIncidents_becomeRows_withTheScoredInputVector_onlyInTheirProject() throws Exception {
        Instant end = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        ingest("fb", Series.degrading("checkout", 240, 40, end, 7));
        ingest("fb", Series.degrading("cart", 240, 40, end, 8));
        ingest("fb", Series.degrading("billing", 300, 0, end, 3)); // steady: raises nothing
        Prediction checkout = predictionOf("fb", "checkout");
        assertThat(export("fb")).as("nothing is labelled yet").isEmpty();

        LabelPredictionResponse labelled = predict("fb").labelPrediction(LabelPredictionRequest.newBuilder()
                .setPredictionId(checkout.getPredictionId()).setLabel("false_alarm").setReason("planned load test")
                .build());
        assertThat(labelled.getLabel().getLabel()).isEqualTo("false_alarm");
        assertThat(labelled.getLabel().getEntity().getId()).isEqualTo("checkout");

        // the aggregated runs of the steady service are stored when the hub stops
        channel.shutdownNow();
        hub.close();
        open();

        DeclareIncidentResponse declared = predict("fb").declareIncident(incident("billing",
                end.minus(Duration.ofHours(1)), end.plus(Duration.ofMinutes(10))));
        assertThat(declared.getRowsLabelled()).as("a missed incident labels the runs of its window").isPositive();
        Prediction cart = predictionOf("fb", "cart");
        predict("fb").declareIncident(incident("cart", end.minus(Duration.ofHours(1)), end.plus(Duration.ofMinutes(10))));

        List<FeedbackRow> rows = export("fb");
        List<String> features = hub.registry().metadata(hub.registry().resolve(ProjectId.of("fb"), "service_health",
                "")).features();
        FeedbackRow falseAlarm = rows.stream().filter(r -> r.getPredictionId().equals(checkout.getPredictionId()))
                .findFirst().orElseThrow();
        assertThat(falseAlarm.getLabel()).isZero();
        assertThat(falseAlarm.getSource()).isEqualTo("person");
        assertThat(falseAlarm.getReason()).isEqualTo("planned load test");
        assertThat(falseAlarm.getRunId()).isEqualTo(checkout.getModelRunId());
        assertThat(falseAlarm.getRisk()).isEqualTo(checkout.getRisk());
        assertThat(falseAlarm.getFeaturesMap().keySet()).as("the model's own input vector")
                .isSubsetOf(features).hasSizeGreaterThan(features.size() / 2);
        for (var f : checkout.getFactorsList()) {
            assertThat(falseAlarm.getFeaturesMap().get(f.getFeature())).as(f.getFeature())
                    .isCloseTo(f.getValue(), org.assertj.core.data.Offset.offset(1e-4));
        }
        assertThat(rows).filteredOn(r -> r.getEntity().getId().equals("cart")).isNotEmpty()
                .allSatisfy(r -> assertThat(r.getLabel()).isEqualTo(1))
                .anySatisfy(r -> assertThat(r.getPredictionId()).isEqualTo(cart.getPredictionId()));
        assertThat(rows).filteredOn(r -> r.getEntity().getId().equals("billing"))
                .hasSize(declared.getRowsLabelled()).allSatisfy(r -> {
                    assertThat(r.getLabel()).isEqualTo(1);
                    assertThat(r.getSource()).isEqualTo("declared");
                    assertThat(r.getPredictionId()).as("missed: it raised nothing").isEmpty();
                    assertThat(r.getFeaturesMap()).isNotEmpty();
                });
        assertThat(rows).extracting(r -> r.getTime().getSeconds()).isSorted();
        assertThat(export("other")).as("another project sees none of it").isEmpty();

        // a person changes their mind: the latest label wins
        predict("fb").labelPrediction(LabelPredictionRequest.newBuilder().setPredictionId(checkout.getPredictionId())
                .setLabel("incident").build());
        assertThat(export("fb")).filteredOn(r -> r.getPredictionId().equals(checkout.getPredictionId()))
                .singleElement().satisfies(r -> assertThat(r.getLabel()).isEqualTo(1));

        // labels of another project's prediction are refused without saying it exists
        assertStatus(() -> predict("other").labelPrediction(LabelPredictionRequest.newBuilder()
                .setPredictionId(checkout.getPredictionId()).setLabel("incident").build()),
                Status.Code.NOT_FOUND, "PREDICTION_NOT_FOUND", null);
    }

    @Test
    void badFeedback_isRefused_namingTheField() {
        Instant now = Instant.now();
        assertStatus(() -> predict("b").labelPrediction(LabelPredictionRequest.newBuilder().setLabel("incident")
                .build()), Status.Code.INVALID_ARGUMENT, "REQUIRED", "prediction_id");
        assertStatus(() -> predict("b").labelPrediction(LabelPredictionRequest.newBuilder().setPredictionId("p1")
                .setLabel("maybe").build()), Status.Code.INVALID_ARGUMENT, "INVALID_ARGUMENT", "label");
        assertStatus(() -> predict("b").labelPrediction(LabelPredictionRequest.newBuilder().setPredictionId("p1")
                .setLabel("incident").setReason("x".repeat(1025)).build()), Status.Code.INVALID_ARGUMENT, "TOO_LONG",
                "reason");
        assertStatus(() -> predict("b").labelPrediction(LabelPredictionRequest.newBuilder().setPredictionId("p1")
                .setLabel("incident").setReason("a\u0000b").build()), Status.Code.INVALID_ARGUMENT, "NUL_CHARACTER",
                "reason");
        assertStatus(() -> predict("b").declareIncident(incident("db", now, now.plusSeconds(60)).toBuilder()
                .setReason("a\u0000b").build()), Status.Code.INVALID_ARGUMENT, "NUL_CHARACTER", "reason");
        assertStatus(() -> predict("b").labelPrediction(LabelPredictionRequest.newBuilder().setPredictionId("p1")
                .setLabel("incident").build()), Status.Code.NOT_FOUND, "PREDICTION_NOT_FOUND", null);
        assertStatus(() -> predict("b").declareIncident(incident("db", now, now.minusSeconds(1))),
                Status.Code.INVALID_ARGUMENT, "OUT_OF_RANGE", "end_time");
        assertStatus(() -> predict("b").declareIncident(incident("db", now, now.plus(Duration.ofDays(40)))),
                Status.Code.INVALID_ARGUMENT, "OUT_OF_RANGE", "end_time");
        assertStatus(() -> predict("b").declareIncident(incident("db", now, now.plusSeconds(60)).toBuilder()
                .clearStartTime().build()), Status.Code.INVALID_ARGUMENT, "REQUIRED", "start_time");
        assertStatus(() -> predict("b").declareIncident(incident("", now, now.plusSeconds(60))),
                Status.Code.INVALID_ARGUMENT, "INVALID_ARGUMENT", "entity.id");
        assertStatus(() -> predict("b").exportFeedback(ExportFeedbackRequest.newBuilder().setLimit(-1).build())
                .hasNext(), Status.Code.INVALID_ARGUMENT, "OUT_OF_RANGE", "limit");
        assertStatus(() -> predict("b").exportFeedback(ExportFeedbackRequest.newBuilder().setModel("Bad Name!").build())
                .hasNext(), Status.Code.INVALID_ARGUMENT, "INVALID_ARGUMENT", "model");
    }

    static void assertStatus(Runnable call, Status.Code code, String reason, String field) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(code);
            var details = StatusProto.fromThrowable(e).getDetailsList();
            try {
                assertThat(details.stream().filter(a -> a.is(ErrorInfo.class)).findFirst().orElseThrow()
                        .unpack(ErrorInfo.class).getReason()).isEqualTo(reason);
                if (field != null) {
                    assertThat(details.stream().filter(a -> a.is(BadRequest.class)).findFirst().orElseThrow()
                            .unpack(BadRequest.class).getFieldViolationsList())
                            .extracting(BadRequest.FieldViolation::getField).contains(field);
                }
            } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
                throw new AssertionError(ex);
            }
        });
    }
}
