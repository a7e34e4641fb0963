package io.commandcenter.hub.memory;

import io.commandcenter.hub.remediate.RemediationEngine;
import io.commandcenter.hub.runtime.Hub;
import io.commandcenter.hub.runtime.HubSettings;
import io.commandcenter.hub.testing.GrpcFixture;
import io.commandcenter.hub.testing.Ingest;
import io.commandcenter.hub.testing.Series;
import io.commandcenter.memory.MemoryFilter;
import io.commandcenter.proto.v1.ApproveRequest;
import io.commandcenter.proto.v1.GetMemoryRequest;
import io.commandcenter.proto.v1.GetPredictionRequest;
import io.commandcenter.proto.v1.IngestRequest;
import io.commandcenter.proto.v1.ListApprovalsRequest;
import io.commandcenter.proto.v1.ListPredictionsRequest;
import io.commandcenter.proto.v1.Memory;
import io.commandcenter.proto.v1.MemoryServiceGrpc;
import io.commandcenter.proto.v1.PredictServiceGrpc;
import io.commandcenter.proto.v1.Prediction;
import io.commandcenter.proto.v1.PutWorkflowRequest;
import io.commandcenter.proto.v1.RemediateServiceGrpc;
import io.commandcenter.proto.v1.SearchMemoryRequest;
import io.commandcenter.proto.v1.TelemetryServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The loop on an assembled hub: a service degrades, the hub predicts, a workflow runs, its outcome is
 * judged and remembered; when the service degrades the same way again, the new prediction carries
 * the first incident — with its action and outcome — over gRPC, and no other project sees it.
 */
class MemoryHubTest {
    static final String WORKFLOW = """
            name: remediate-any
            trigger:
              on: [prediction.created]
            nodes:
              - id: restart_service
                agent: devops
                action: restart
                inputs:
                  service: $entity.id
            """;
    @TempDir
    Path dir;
    Hub hub;
    ManagedChannel channel;

    @BeforeEach
    void start() {
        HubSettings settings = HubSettings.defaults(dir, 0)
                .withRemediate(RemediationEngine.Settings.defaults().withOutcomeWindow(Duration.ofMillis(300)));
        hub = Hub.start(settings, Clock.systemUTC());
        channel = NettyChannelBuilder.forAddress("localhost", hub.grpcPort()).usePlaintext()
                .intercept(io.commandcenter.hub.testing.Credentials.admin(hub)).build();
    }

    @AfterEach
    void stop() {
        channel.shutdownNow();
        hub.close();
    }

    private void ingest(String project, List<IngestRequest> requests) {
        Ingest.call(GrpcFixture.scoped(TelemetryServiceGrpc.newStub(channel), project), requests).join();
        hub.engine().sync();
    }

    /** The same degradation again, with record ids of its own (ids are idempotency keys). */
    private static List<IngestRequest> again(String tag, List<IngestRequest> series) {
        return series.stream().map(r -> r.toBuilder().setRecord(r.getRecord().toBuilder().setHealthSample(
                r.getRecord().getHealthSample().toBuilder().setRecordId(tag + "-"
                        + r.getRecord().getHealthSample().getRecordId()))).build()).toList();
    }

    private void approveWhatWaits(String project) {
        var remediate = GrpcFixture.scoped(RemediateServiceGrpc.newBlockingStub(channel), project);
        remediate.listApprovals(ListApprovalsRequest.getDefaultInstance()).getApprovalsList().forEach(a ->
                remediate.approve(ApproveRequest.newBuilder().setApprovalId(a.getApprovalId())
                        .setReason("same as last time").build()));
    }

    @Test
    void theSecondIncidentOfAService_carriesTheFirst_withItsActionAndOutcome() {
        GrpcFixture.scoped(RemediateServiceGrpc.newBlockingStub(channel), "shop")
                .putWorkflow(PutWorkflowRequest.newBuilder().setYaml(WORKFLOW).build());
        Instant end = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(8));

        ingest("shop", Series.degrading("checkout", 240, 40, end, 7));
        var predict = GrpcFixture.scoped(PredictServiceGrpc.newBlockingStub(channel), "shop");
        Prediction first = predict.listPredictions(ListPredictionsRequest.getDefaultInstance()).getPredictions(0);
        assertThat(first.getSimilarList()).as("nothing to remember yet").isEmpty();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            approveWhatWaits("shop");
            return hub.memory().count("shop", MemoryFilter.ALL) == 1;
        });
        io.commandcenter.memory.Memory remembered = hub.memory().list("shop", MemoryFilter.ALL, 1,
                java.util.Optional.empty()).get(0);
        assertThat(remembered.entity()).isEqualTo("service/checkout");
        assertThat(remembered.action()).isEqualTo("restart");
        assertThat(remembered.metadata()).containsEntry("predictionId", first.getPredictionId());

        ingest("shop", again("second", Series.degrading("checkout", 240, 40, end.plus(Duration.ofHours(6)), 11)));

        List<Prediction> predictions = predict.listPredictions(ListPredictionsRequest.getDefaultInstance())
                .getPredictionsList();
        assertThat(predictions).hasSize(2);
        Prediction second = predictions.get(0);
        assertThat(second.getSimilarList()).singleElement().satisfies(s -> {
            assertThat(s.getMemoryId()).isEqualTo(remembered.id());
            assertThat(s.getEntity()).isEqualTo("service/checkout");
            assertThat(s.getAction()).isEqualTo("restart");
            assertThat(s.getOutcome()).isEqualTo(remembered.outcome()).isIn("recovered", "not_recovered", "worse");
            assertThat(s.getSimilarity()).isGreaterThanOrEqualTo(0.6); // cc.memory.min-similarity
            assertThat(s.getTime().getSeconds()).isEqualTo(first.getCreateTime().getSeconds());
        });
        if (!remembered.outcome().equals("recovered")) {
            // restart did not recover the one similar incident: whatever the model said, it is not first
            assertThat(second.getRecommendedAction()).isNotEqualTo("restart");
        } else if (second.getRecommendedAction().equals("restart")) {
            assertThat(second.getRecommendationNote()).isEqualTo("restart recovered 1 of 1 similar incident");
        }
        // stored with the prediction: GetPrediction reads the same similar incidents back
        assertThat(predict.getPrediction(GetPredictionRequest.newBuilder().setPredictionId(second.getPredictionId())
                .build()).getPrediction()).isEqualTo(second);
        Memory viaGrpc = GrpcFixture.scoped(MemoryServiceGrpc.newBlockingStub(channel), "shop")
                .getMemory(GetMemoryRequest.newBuilder().setMemoryId(remembered.id()).build()).getMemory();
        assertThat(viaGrpc.getOutcome()).isEqualTo(remembered.outcome());

        // another project with the same trouble sees none of it
        ingest("other", Series.degrading("checkout", 240, 40, end, 7));
        Prediction elsewhere = GrpcFixture.scoped(PredictServiceGrpc.newBlockingStub(channel), "other")
                .listPredictions(ListPredictionsRequest.getDefaultInstance()).getPredictions(0);
        assertThat(elsewhere.getSimilarList()).isEmpty();
        assertThat(GrpcFixture.scoped(MemoryServiceGrpc.newBlockingStub(channel), "other")
                .searchMemory(SearchMemoryRequest.newBuilder().addAllVector(viaGrpc.getVectorList()).setK(10).build())
                .getMatchesList()).isEmpty();
    }

    @Test
    void theLearningLoopsDataCollector_labelsWhatTheMemoryHoldsAsRecovered_andNothingElse() {
        Instant end = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        // a quiet service the hub raised nothing on, so no feedback labels its rows
        ingest("lab", Series.degrading("api", 120, 0, end, 3));
        io.commandcenter.hub.project.ProjectId lab = io.commandcenter.hub.project.ProjectId.of("lab");
        java.util.function.Supplier<Long> labelled = () -> hub.learningLoop().snapshot(lab, "service_health", end).incidentRows();
        assertThat(labelled.get()).isZero();

        Instant incident = end.minus(Duration.ofMinutes(60));
        float[] vector = io.commandcenter.hub.memory.IncidentVectors.vector(java.util.Map.of(), List.of());
        // an agent remembers an incident on the service that a restart recovered, one on another service,
        // and one that was not recovered: only the first is a confirmed incident of api
        hub.memory().add(io.commandcenter.memory.Memory.builder().id("agent-1").project("lab").entity("service/api")
                .kind("remediation").at(incident).vector(vector).action("devops.restart").outcome("recovered").build());
        hub.memory().add(io.commandcenter.memory.Memory.builder().id("agent-2").project("lab").entity("service/db")
                .kind("remediation").at(incident).vector(vector).action("devops.restart").outcome("recovered").build());
        hub.memory().add(io.commandcenter.memory.Memory.builder().id("agent-3").project("lab").entity("service/api")
                .kind("remediation").at(end.minus(Duration.ofMinutes(20))).vector(vector).action("devops.restart")
                .outcome("not_recovered").build());

        assertThat(labelled.get()).isEqualTo(io.commandcenter.models.train.bootstrap.ServiceHealthTraining.HORIZON);
        // another project's memory labels nothing here
        assertThat(hub.learningLoop().snapshot(io.commandcenter.hub.project.ProjectId.of("shop"), "service_health", end)
                .incidentRows()).isZero();
    }

    @Test
    void memories_surviveARestartOfTheHub() {
        var api = GrpcFixture.scoped(MemoryServiceGrpc.newBlockingStub(channel), "keep");
        api.addMemory(io.commandcenter.proto.v1.AddMemoryRequest.newBuilder().setMemory(Memory.newBuilder()
                .setMemoryId("kept").setEntity("service/a").setKind("agent.note").setOutcome("recovered"))
                .putFeatures("persist", 2).build());
        channel.shutdownNow();
        hub.close();

        start();

        Memory kept = GrpcFixture.scoped(MemoryServiceGrpc.newBlockingStub(channel), "keep")
                .getMemory(GetMemoryRequest.newBuilder().setMemoryId("kept").build()).getMemory();
        assertThat(kept.getOutcome()).isEqualTo("recovered");
        assertThat(hub.memory().labelledIncidents("keep", Instant.EPOCH, 10)).extracting(m -> m.id())
                .containsExactly("kept");
    }
}
