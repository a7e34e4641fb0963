package io.commandcenter.hub.predict;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import io.commandcenter.hub.runtime.Hub;
import io.commandcenter.hub.runtime.HubSettings;
import io.commandcenter.hub.testing.GrpcFixture;
import io.commandcenter.hub.testing.Ingest;
import io.commandcenter.hub.testing.Records;
import io.commandcenter.hub.testing.SchedulerFixture;
import io.commandcenter.hub.testing.Series;
import io.commandcenter.models.artifact.ModelArtifact;
import io.commandcenter.models.artifact.SidecarJson;
import io.commandcenter.models.bootstrap.BootstrapModels;
import io.commandcenter.proto.v1.BacktestRequest;
import io.commandcenter.proto.v1.BacktestResponse;
import io.commandcenter.proto.v1.BacktestStart;
import io.commandcenter.proto.v1.EntityRef;
import io.commandcenter.proto.v1.EventServiceGrpc;
import io.commandcenter.proto.v1.FeatureInput;
import io.commandcenter.proto.v1.GetModelRequest;
import io.commandcenter.proto.v1.GetModelResponse;
import io.commandcenter.proto.v1.GetPredictionRequest;
import io.commandcenter.proto.v1.HealthSample;
import io.commandcenter.proto.v1.ListModelsRequest;
import io.commandcenter.proto.v1.ListModelsResponse;
import io.commandcenter.proto.v1.ListPredictionsRequest;
import io.commandcenter.proto.v1.ListPredictionsResponse;
import io.commandcenter.proto.v1.Model;
import io.commandcenter.proto.v1.ModelRegistryServiceGrpc;
import io.commandcenter.proto.v1.PredictRequest;
import io.commandcenter.proto.v1.PredictResponse;
import io.commandcenter.proto.v1.PredictServiceGrpc;
import io.commandcenter.proto.v1.Prediction;
import io.commandcenter.proto.v1.PromoteModelRequest;
import io.commandcenter.proto.v1.RegisterModelRequest;
import io.commandcenter.proto.v1.SubscribeRequest;
import io.commandcenter.proto.v1.SubscribeResponse;
import io.commandcenter.proto.v1.TelemetryServiceGrpc;
import io.commandcenter.proto.v1.WindowInput;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The predictive engine and its services in an assembled hub (real port, embedded database, ONNX Runtime). */
class PredictiveHubTest {
    @TempDir
    Path dir;
    Hub hub;
    ManagedChannel channel;

    @BeforeEach
    void start() {
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

    ModelRegistryServiceGrpc.ModelRegistryServiceBlockingStub models(String project) {
        return GrpcFixture.scoped(ModelRegistryServiceGrpc.newBlockingStub(channel), project);
    }

    void ingest(String project, List<io.commandcenter.proto.v1.IngestRequest> requests) {
        Ingest.call(GrpcFixture.scoped(TelemetryServiceGrpc.newStub(channel), project), requests).join();
        hub.engine().sync();
    }

    /** The version of the shipped service_health model (the bootstrap champion). */
    static final String SHIPPED = new BootstrapModels().load("service_health").metadata().version();

    static <T extends com.google.protobuf.Message> T detail(StatusRuntimeException e, Class<T> type) {
        return StatusProto.fromThrowable(e).getDetailsList().stream().filter(a -> a.is(type)).findFirst().map(a -> {
            try {
                return a.unpack(type);
            } catch (InvalidProtocolBufferException ex) {
                throw new AssertionError(ex);
            }
        }).orElseThrow();
    }

    static double riskMax(io.commandcenter.proto.v1.ModelRun run) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"riskMax\":([0-9.]+)").matcher(run.getOutputJson());
        assertThat(m.find()).as(run.getOutputJson()).isTrue();
        return Double.parseDouble(m.group(1));
    }

    static void assertStatus(Runnable call, Status.Code code, String reason) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(code);
            assertThat(detail(e, ErrorInfo.class).getReason()).isEqualTo(reason);
        });
    }

    @Test
    void aDegradingService_raisesOnePrediction_explained_published_andListedOnlyInItsProject() throws Exception {
        BlockingQueue<SubscribeResponse> events = new LinkedBlockingQueue<>();
        GrpcFixture.scoped(EventServiceGrpc.newStub(channel), "shop").subscribe(
                SubscribeRequest.newBuilder().setPattern("prediction.created").build(), collect(events));
        assertThat(events.poll(10, TimeUnit.SECONDS).hasStarted()).isTrue();
        Instant end = Instant.now().truncatedTo(ChronoUnit.SECONDS);

        ingest("shop", Series.degrading("checkout", 240, 40, end, 7));
        assertThat(hub.engine().stats().runs()).as("every record is scored").isEqualTo(280);

        ListPredictionsResponse listed = predict("shop").listPredictions(ListPredictionsRequest.getDefaultInstance());
        assertThat(listed.getPredictionsList()).singleElement().satisfies(p -> {
            assertThat(p.getTarget().getKind()).isEqualTo("service");
            assertThat(p.getTarget().getId()).isEqualTo("checkout");
            assertThat(p.getPredictionType()).isEqualTo("risk");
            assertThat(p.getRisk()).isGreaterThanOrEqualTo(p.getThreshold());
            assertThat(p.getConfidence()).isBetween(0.0, 1.0);
            assertThat(p.getFactorsList()).isNotEmpty();
            assertThat(p.getFactors(0).getContribution()).isPositive();
            assertThat(p.getRecommendedAction()).isIn("restart", "scale", "notify");
            assertThat(p.getModel()).isEqualTo("service_health");
            assertThat(p.getTraceId()).hasSize(32);
            // raised early in the degradation — before the service is down (the ramp takes 10 samples) —
            // and not during the steady part
            Instant onset = end.minus(39, ChronoUnit.MINUTES);
            assertThat(Instant.ofEpochSecond(p.getObservedTime().getSeconds()))
                    .isBetween(onset, onset.plus(3, ChronoUnit.MINUTES));
        });
        Prediction prediction = listed.getPredictions(0);
        assertThat(predict("shop").getPrediction(GetPredictionRequest.newBuilder()
                .setPredictionId(prediction.getPredictionId()).build()).getPrediction()).isEqualTo(prediction);
        assertThat(predict("other").listPredictions(ListPredictionsRequest.getDefaultInstance()).getPredictionsList())
                .isEmpty();
        assertStatus(() -> predict("other").getPrediction(GetPredictionRequest.newBuilder()
                .setPredictionId(prediction.getPredictionId()).build()), Status.Code.NOT_FOUND, "PREDICTION_NOT_FOUND");

        SubscribeResponse event = events.poll(10, TimeUnit.SECONDS);
        assertThat(event).isNotNull();
        assertThat(event.getEvent().getSubject()).isEqualTo("prediction.created.risk");
        var payload = event.getEvent().getPayload().getFieldsMap();
        assertThat(payload).containsKeys("type", "entity", "id", "risk", "recommendedAction", "model", "timestamp",
                "confidence", "factors", "predictionId");
        assertThat(payload.get("model").getStringValue()).isEqualTo("service_health_v" + SHIPPED);
        assertThat(payload.get("predictionId").getStringValue()).isEqualTo(prediction.getPredictionId());
        assertThat(event.getEvent().getTrace().getTraceparent()).contains(prediction.getTraceId());
    }

    @Test
    void modelRuns_keepTheRunBehindEachPredictionWhole_andTheOthersAsAggregates() {
        ingest("runs", Series.degrading("checkout", 240, 40, Instant.now().truncatedTo(ChronoUnit.SECONDS), 7));
        Prediction p = predict("runs").listPredictions(ListPredictionsRequest.getDefaultInstance()).getPredictions(0);

        var whole = predict("runs").getModelRun(io.commandcenter.proto.v1.GetModelRunRequest.newBuilder()
                .setRunId(p.getModelRunId()).build()).getRun();

        assertThat(whole.getKind()).isEqualTo(io.commandcenter.proto.v1.ModelRunKind.MODEL_RUN_KIND_PREDICTION);
        assertThat(whole.getTarget().getId()).isEqualTo("checkout");
        assertThat(whole.getRuns()).isEqualTo(1);
        assertThat(whole.getInputJson()).contains("\"features\"").contains("\"metrics\"");
        assertThat(whole.getOutputJson()).contains("\"factors\"");
        assertThat(whole.getConfidence()).isEqualTo(p.getConfidence());
        assertStatus(() -> predict("other").getModelRun(io.commandcenter.proto.v1.GetModelRunRequest.newBuilder()
                .setRunId(p.getModelRunId()).build()), Status.Code.NOT_FOUND, "MODEL_RUN_NOT_FOUND");

        // the other runs are stored per minute, when the minute ends or the engine stops
        stop();
        start();
        var aggregates = predict("runs").listModelRuns(io.commandcenter.proto.v1.ListModelRunsRequest.newBuilder()
                .setTargetId("checkout").setKind(io.commandcenter.proto.v1.ModelRunKind.MODEL_RUN_KIND_AGGREGATE)
                .setPageSize(1000).build()).getRunsList();
        assertThat(aggregates).isNotEmpty().allSatisfy(r -> assertThat(r.getOutputJson()).contains("\"riskMax\""));
        assertThat(aggregates.stream().mapToInt(io.commandcenter.proto.v1.ModelRun::getRuns).sum())
                .as("every scored record but the one that raised the prediction").isEqualTo(279);
        // downsampled (the console's older history): each entity's riskiest aggregate per two minutes
        var stepped = predict("runs").listModelRuns(io.commandcenter.proto.v1.ListModelRunsRequest.newBuilder()
                .setTargetId("checkout").setKind(io.commandcenter.proto.v1.ModelRunKind.MODEL_RUN_KIND_AGGREGATE)
                .setPageSize(1000).setStep(com.google.protobuf.Duration.newBuilder().setSeconds(120)).build())
                .getRunsList();
        java.util.Map<Long, Double> peaks = aggregates.stream().collect(java.util.stream.Collectors.toMap(
                r -> r.getExecuteTime().getSeconds() / 120, PredictiveHubTest::riskMax, Math::max));
        assertThat(stepped).hasSize(peaks.size()).allSatisfy(r -> assertThat(riskMax(r))
                .isEqualTo(peaks.get(r.getExecuteTime().getSeconds() / 120)));
        assertStatus(() -> predict("runs").listModelRuns(io.commandcenter.proto.v1.ListModelRunsRequest.newBuilder()
                        .setStep(com.google.protobuf.Duration.newBuilder().setNanos(500_000_000)).build()),
                Status.Code.INVALID_ARGUMENT, "OUT_OF_RANGE");
        var first = predict("runs").listModelRuns(io.commandcenter.proto.v1.ListModelRunsRequest.newBuilder()
                .setPageSize(1).build());
        assertThat(first.getRunsList()).hasSize(1);
        assertStatus(() -> predict("runs").listModelRuns(io.commandcenter.proto.v1.ListModelRunsRequest.newBuilder()
                        .setTargetId("other").setPageToken(first.getNextPageToken()).build()),
                Status.Code.INVALID_ARGUMENT, "INVALID_PAGE_TOKEN");
    }

    @Test
    void anEntitysLiveRisk_isPublishedWhenItMoves_notForEveryRecord() throws Exception {
        BlockingQueue<SubscribeResponse> events = new LinkedBlockingQueue<>();
        GrpcFixture.scoped(EventServiceGrpc.newStub(channel), "risky").subscribe(
                SubscribeRequest.newBuilder().setPattern("entity.risk").build(), collect(events));
        assertThat(events.poll(10, TimeUnit.SECONDS).hasStarted()).isTrue();

        ingest("risky", Series.degrading("cart", 240, 40, Instant.now().truncatedTo(ChronoUnit.SECONDS), 7));

        List<com.google.protobuf.Struct> risks = new java.util.ArrayList<>();
        for (SubscribeResponse e = events.poll(5, TimeUnit.SECONDS); e != null; e = events.poll(1, TimeUnit.SECONDS)) {
            assertThat(e.getEvent().getSubject()).isEqualTo("entity.risk.service");
            risks.add(e.getEvent().getPayload());
        }
        assertThat(risks).as("the moves of 280 scored records").hasSizeBetween(2, 279);
        assertThat(risks.get(0).getFieldsMap()).containsKeys("entity", "id", "risk", "threshold", "model",
                "modelVersion", "type", "observedTime");
        assertThat(risks.get(0).getFieldsOrThrow("id").getStringValue()).isEqualTo("cart");
        assertThat(risks.get(0).getFieldsOrThrow("model").getStringValue()).isEqualTo("service_health");
        double threshold = risks.get(0).getFieldsOrThrow("threshold").getNumberValue();
        assertThat(risks).as("the degradation is seen crossing the threshold")
                .anySatisfy(r -> assertThat(r.getFieldsOrThrow("risk").getNumberValue()).isLessThan(threshold))
                .anySatisfy(r -> assertThat(r.getFieldsOrThrow("risk").getNumberValue())
                        .isGreaterThanOrEqualTo(threshold));
    }

    @Test
    void aFreshRestartPrediction_makesTheMeshSchedulerHoldADevopsSlotForItsRemediation() {
        int before = SchedulerFixture.reserved(hub.scheduler(), "shop", "devops");

        // the degradation is the last six minutes, so the prediction is fresh (its confidence well above 0)
        ingest("shop", Series.degrading("checkout", 240, 6, Instant.now().truncatedTo(ChronoUnit.SECONDS), 7));

        Prediction raised = predict("shop").listPredictions(ListPredictionsRequest.getDefaultInstance())
                .getPredictions(0);
        assertThat(before).isZero();
        assertThat(raised.getRecommendedAction()).as("failing checks and requests recommend a restart")
                .isEqualTo("restart");
        assertThat(raised.getRisk() * raised.getConfidence()).as("risk × confidence, terms %s",
                raised.getConfidenceTerms()).isGreaterThan(0.05);
        // devops has 4 slots; one prediction (risk × confidence ≤ 1) holds ⌈risk × confidence − 0.05⌉ = 1
        await().atMost(Duration.ofSeconds(10))
                .until(() -> SchedulerFixture.reserved(hub.scheduler(), "shop", "devops") == 1);
        assertThat(SchedulerFixture.reserved(hub.scheduler(), "shop", "notifier")).isZero();
    }

    @Test
    void aSteadyService_raisesNothing_butItsRunsAreKeptAsAggregates() {
        ingest("quiet", Series.degrading("billing", 300, 0, Instant.now().truncatedTo(ChronoUnit.SECONDS), 3));

        assertThat(predict("quiet").listPredictions(ListPredictionsRequest.getDefaultInstance()).getPredictionsCount())
                .isZero();
        assertThat(hub.engine().stats().runs()).isPositive();
        assertThat(hub.engine().stats().raised()).isZero();
    }

    @Test
    void predict_onAWindow_anEntity_andFeatures_scoresAndExplains() {
        Instant end = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        List<io.commandcenter.proto.v1.IngestRequest> series = Series.degrading("cart", 200, 20, end, 11);
        ingest("p", series);
        WindowInput.Builder window = WindowInput.newBuilder();
        series.forEach(r -> window.addSamples(r.getRecord().getHealthSample().toBuilder().clearService()));

        PredictResponse byWindow = predict("p").predict(PredictRequest.newBuilder().setWindow(window).build());
        PredictResponse byEntity = predict("p").predict(PredictRequest.newBuilder()
                .setEntity(EntityRef.newBuilder().setKind("service").setId("cart")).build());

        for (PredictResponse r : List.of(byWindow, byEntity)) {
            assertThat(r.getModel()).isEqualTo("service_health");
            assertThat(r.getModelVersion()).isEqualTo(SHIPPED);
            assertThat(r.getAlarm()).isTrue();
            assertThat(r.getFactorsList()).hasSize(3);
        }
        assertThat(byWindow.getRisk()).as("the window replays what the live pipeline saw")
                .isCloseTo(byEntity.getRisk(), org.assertj.core.data.Offset.offset(1e-6));

        FeatureInput.Builder features = FeatureInput.newBuilder();
        hub.registry().metadata(hub.registry().resolve(io.commandcenter.hub.project.ProjectId.of("p"),
                "workflow_failure", "")).features().forEach(f -> features.putValues(f, 0.0));
        PredictResponse byFeatures = predict("p").predict(PredictRequest.newBuilder().setModel("workflow_failure")
                .setFeatures(features).build());
        assertThat(byFeatures.getRisk()).isBetween(0.0, 1.0);
        assertThat(byFeatures.getAlarm()).isFalse();
    }

    @Test
    void predictFeatures_everyFeaturePlusAnUnknownOne_isRefusedNamingTheUnknownOne() {
        FeatureInput.Builder features = FeatureInput.newBuilder();
        List<String> names = hub.registry().metadata(hub.registry().resolve(io.commandcenter.hub.project.ProjectId.of("p"),
                "workflow_failure", "")).features();
        names.forEach(f -> features.putValues(f, 0.0));
        features.putValues("bogus", 1);
        assertThatThrownBy(() -> predict("p").predict(PredictRequest.newBuilder().setModel("workflow_failure")
                .setFeatures(features).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(detail(e, ErrorInfo.class).getReason()).isEqualTo("FEATURES_INVALID");
                    assertThat(detail(e, BadRequest.class).getFieldViolationsList())
                            .extracting(BadRequest.FieldViolation::getField).containsExactly("features.values[bogus]");
                });
        // one feature left out and one unknown in its place: the same count of values, both named
        FeatureInput.Builder swapped = FeatureInput.newBuilder();
        names.subList(1, names.size()).forEach(f -> swapped.putValues(f, 0.0));
        swapped.putValues("bogus", 1);
        assertThatThrownBy(() -> predict("p").predict(PredictRequest.newBuilder().setModel("workflow_failure")
                .setFeatures(swapped).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(
                        detail(e, BadRequest.class).getFieldViolationsList()).extracting(BadRequest.FieldViolation::getField)
                        .containsExactlyInAnyOrder("features.values[" + names.get(0) + "]", "features.values[bogus]"));
    }

    @Test
    void predictFeatures_thousandsOfUnknownNames_areAnsweredWithTheFirstFewViolations() {
        FeatureInput.Builder features = FeatureInput.newBuilder();
        hub.registry().metadata(hub.registry().resolve(io.commandcenter.hub.project.ProjectId.of("p"),
                "workflow_failure", "")).features().forEach(f -> features.putValues(f, 0.0));
        for (int i = 0; i < 5_000; i++) {
            features.putValues("bogus_" + i, 1);
        }
        assertThatThrownBy(() -> predict("p").predict(PredictRequest.newBuilder().setModel("workflow_failure")
                .setFeatures(features).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(detail(e, ErrorInfo.class).getReason()).isEqualTo("FEATURES_INVALID");
                    // the hub stops looking after the cap (the status details are trimmed further to fit)
                    assertThat(e.getStatus().getDescription()).startsWith(
                            io.commandcenter.hub.predict.PredictionService.MAX_VIOLATIONS + " feature(s) wrong");
                    assertThat(detail(e, BadRequest.class).getFieldViolationsList()).isNotEmpty()
                            .allSatisfy(v -> assertThat(v.getField()).startsWith("features.values[bogus_"));
                });
    }

    @Test
    void predict_badRequests_nameWhatIsWrong() {
        assertStatus(() -> predict("p").predict(PredictRequest.getDefaultInstance()), Status.Code.INVALID_ARGUMENT,
                "REQUIRED");
        assertStatus(() -> predict("p").predict(PredictRequest.newBuilder().setModel("workflow_failure")
                .setFeatures(FeatureInput.newBuilder().putValues("fail_rate", 0.1).putValues("bogus", 1)).build()),
                Status.Code.INVALID_ARGUMENT, "FEATURES_INVALID");
        assertStatus(() -> predict("p").predict(PredictRequest.newBuilder().setModel("no_such_model")
                .setFeatures(FeatureInput.newBuilder().putValues("x", 1)).build()), Status.Code.NOT_FOUND,
                "MODEL_NOT_FOUND");
        assertStatus(() -> predict("p").predict(PredictRequest.newBuilder().setModel("Bad-Name")
                .setFeatures(FeatureInput.newBuilder().putValues("x", 1)).build()), Status.Code.INVALID_ARGUMENT,
                "INVALID_ARGUMENT");
        assertStatus(() -> predict("p").predict(PredictRequest.newBuilder()
                .setEntity(EntityRef.newBuilder().setKind("service").setId("never-seen")).build()),
                Status.Code.NOT_FOUND, "ENTITY_NOT_FOUND");
        Instant now = Instant.now();
        assertThatThrownBy(() -> predict("p").predict(PredictRequest.newBuilder().setWindow(WindowInput.newBuilder()
                .addSamples(HealthSample.newBuilder().setTime(Records.ts(now)).setLatencyMs(1))
                .addSamples(HealthSample.newBuilder().setTime(Records.ts(now.minusSeconds(60))).setLatencyMs(1))).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(
                        detail(e, BadRequest.class).getFieldViolations(0).getField()).isEqualTo("window.samples[1].time"));
        assertThatThrownBy(() -> predict("p").predict(PredictRequest.newBuilder().setWindow(WindowInput.newBuilder()
                .addSamples(HealthSample.newBuilder().setTime(Records.ts(now)).setLatencyMs(Double.NaN))).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(
                        detail(e, BadRequest.class).getFieldViolations(0).getField()).isEqualTo("window.samples[0].latency_ms"));
        assertStatus(() -> predict("p").getPrediction(GetPredictionRequest.getDefaultInstance()),
                Status.Code.INVALID_ARGUMENT, "REQUIRED");
        assertStatus(() -> predict("p").listPredictions(ListPredictionsRequest.newBuilder().setPageToken("nope").build()),
                Status.Code.INVALID_ARGUMENT, "INVALID_PAGE_TOKEN");
        assertStatus(() -> predict("p").listPredictions(ListPredictionsRequest.newBuilder().setPageSize(-2).build()),
                Status.Code.INVALID_ARGUMENT, "OUT_OF_RANGE");
    }

    @Test
    void aProject_startsWithTheBootstrapModels_eachItsNamesChampion() {
        ListModelsResponse models = models("fresh").listModels(ListModelsRequest.getDefaultInstance());

        assertThat(models.getModelsList()).extracting(Model::getName)
                .containsExactlyInAnyOrder("service_health", "compliance_risk", "workflow_failure");
        assertThat(models.getModelsList()).allSatisfy(m -> {
            assertThat(m.getChampion()).isTrue();
            assertThat(m.getMetricsMap()).isNotEmpty();
            assertThat(m.getPath()).endsWith(m.getName() + "-" + m.getVersion() + ".onnx");
            assertThat(m.getOnnxSha256()).hasSize(64);
        });
        GetModelResponse health = models("fresh").getModel(GetModelRequest.newBuilder().setName("service_health").build());
        assertThat(health.getChampionHistoryList()).singleElement().satisfies(p -> {
            assertThat(p.getPromotedBy()).isEqualTo("bootstrap");
            assertThat(p.hasEndTime()).isFalse();
        });
    }

    static RegisterModelRequest register(ModelArtifact artifact, String version, byte[] onnx,
                                         Consumer<java.util.Map<String, Object>> edit) {
        var sidecar = io.commandcenter.common.json.Json.parseObject(new String(
                new SidecarJson().write(artifact.metadata()), java.nio.charset.StandardCharsets.UTF_8));
        sidecar.put("version", version);
        edit.accept(sidecar);
        return RegisterModelRequest.newBuilder().setOnnx(ByteString.copyFrom(onnx))
                .setSidecarJson(io.commandcenter.common.json.Json.write(sidecar)).build();
    }

    @Test
    void modelReads_badRequests_nameWhatIsWrong() {
        assertStatus(() -> models("p").getModel(GetModelRequest.getDefaultInstance()), Status.Code.INVALID_ARGUMENT,
                "REQUIRED");
        assertStatus(() -> models("p").getModel(GetModelRequest.newBuilder().setName("service_health")
                .setVersion("bad version!").build()), Status.Code.INVALID_ARGUMENT, "INVALID_ARGUMENT");
        assertStatus(() -> models("p").getModel(GetModelRequest.newBuilder().setName("unknown_model").build()),
                Status.Code.NOT_FOUND, "MODEL_NOT_FOUND");
        assertStatus(() -> models("p").listModels(ListModelsRequest.newBuilder().setName("Not-A-Name").build()),
                Status.Code.INVALID_ARGUMENT, "INVALID_ARGUMENT");
        assertStatus(() -> models("p").promoteModel(PromoteModelRequest.newBuilder().setName("service_health").build()),
                Status.Code.INVALID_ARGUMENT, "REQUIRED");
    }

    @Test
    void registerAndPromote_switchTheChampion_keepHistory_andSurviveARestart() throws Exception {
        ModelArtifact health = new BootstrapModels().load("service_health");
        models("m").listModels(ListModelsRequest.getDefaultInstance());

        var registered = models("m").registerModel(register(health, "1.1.0", health.onnx(), s -> { }));
        var promoted = models("m").promoteModel(PromoteModelRequest.newBuilder().setName("service_health")
                .setVersion("1.1.0").setReason("better on last week's data").build());

        assertThat(registered.getModel().getChampion()).isFalse();
        assertThat(promoted.getPreviousVersion()).isEqualTo(SHIPPED);
        assertThat(promoted.getModel().getChampion()).isTrue();
        GetModelResponse history = models("m").getModel(GetModelRequest.newBuilder().setName("service_health").build());
        assertThat(history.getModel().getVersion()).isEqualTo("1.1.0");
        assertThat(history.getChampionHistoryList()).extracting(p -> p.getVersion() + ":" + p.hasEndTime())
                .containsExactly("1.1.0:false", SHIPPED + ":true");
        assertThat(models("other").getModel(GetModelRequest.newBuilder().setName("service_health").build())
                .getModel().getVersion()).as("champions are per project").isEqualTo(SHIPPED);

        channel.shutdownNow();
        hub.close();
        hub = Hub.start(HubSettings.defaults(dir, 0), Clock.systemUTC());
        channel = NettyChannelBuilder.forAddress("localhost", hub.grpcPort()).usePlaintext()
                .intercept(io.commandcenter.hub.testing.Credentials.admin(hub)).build();

        assertThat(models("m").getModel(GetModelRequest.newBuilder().setName("service_health").build())
                .getModel().getVersion()).isEqualTo("1.1.0");
    }

    @Test
    void register_refusesConflictsMismatchesAndModelsThatCannotExplain() throws Exception {
        ModelArtifact health = new BootstrapModels().load("service_health");
        ModelArtifact workflow = new BootstrapModels().load("workflow_failure");
        models("r").listModels(ListModelsRequest.getDefaultInstance());

        assertStatus(() -> models("r").registerModel(register(health, SHIPPED, workflow.onnx(), s -> { })),
                Status.Code.ALREADY_EXISTS, "MODEL_VERSION_CONFLICT");
        assertStatus(() -> models("r").registerModel(register(health, "2.9.0", workflow.onnx(), s -> { })),
                Status.Code.INVALID_ARGUMENT, "MODEL_INPUT_MISMATCH");
        assertStatus(() -> models("r").registerModel(register(health, "3.0.0", health.onnx(), s -> s.put("reference", java.util.List.of()))),
                Status.Code.FAILED_PRECONDITION, "MODEL_NOT_EXPLAINABLE");
        assertStatus(() -> models("r").registerModel(RegisterModelRequest.newBuilder()
                .setOnnx(ByteString.copyFromUtf8("x")).setSidecarJson("{not json").build()),
                Status.Code.INVALID_ARGUMENT, "SIDECAR_INVALID");
        assertStatus(() -> models("r").registerModel(RegisterModelRequest.getDefaultInstance()),
                Status.Code.INVALID_ARGUMENT, "REQUIRED");
        assertStatus(() -> models("r").promoteModel(PromoteModelRequest.newBuilder().setName("service_health")
                .setVersion("9.9.9").build()), Status.Code.NOT_FOUND, "MODEL_NOT_FOUND");
        assertThat(models("r").listModels(ListModelsRequest.newBuilder().setName("service_health").build())
                .getModelsList()).extracting(Model::getVersion).containsExactly(SHIPPED);
    }

    /** Scores features of zeros with a project's version of a model; the factors name that version's features. */
    PredictResponse scoreZeros(String project, String name, String version) {
        FeatureInput.Builder features = FeatureInput.newBuilder();
        hub.registry().metadata(hub.registry().resolve(io.commandcenter.hub.project.ProjectId.of(project), name,
                version)).features().forEach(f -> features.putValues(f, 0.0));
        return predict(project).predict(PredictRequest.newBuilder().setModel(name).setModelVersion(version)
                .setFeatures(features).build());
    }

    @Test
    void versionsArePerProject_twoProjectsEachRegisterTheirOwnSameVersion_andNeitherSeesTheOther() throws Exception {
        ModelArtifact workflow = new BootstrapModels().load("workflow_failure");
        ModelArtifact compliance = new BootstrapModels().load("compliance_risk");
        // project b's "workflow_failure 9.0.0" is another model: other bytes, other features
        var a = models("a").registerModel(register(workflow, "9.0.0", workflow.onnx(), s -> { }).toBuilder()
                .setPromote(true).build());
        var b = models("b").registerModel(register(compliance, "9.0.0", compliance.onnx(),
                s -> s.put("name", "workflow_failure")).toBuilder().setPromote(true).build());

        assertThat(a.getModel().getOnnxSha256()).isEqualTo(workflow.onnxSha256());
        assertThat(b.getModel().getOnnxSha256()).isEqualTo(compliance.onnxSha256());
        assertThat(b.getModel().getChampion()).isTrue();
        for (int round = 0; round < 2; round++) {
            for (String project : List.of("a", "b")) {
                ModelArtifact own = project.equals("a") ? workflow : compliance;
                GetModelResponse got = models(project).getModel(GetModelRequest.newBuilder()
                        .setName("workflow_failure").build());
                assertThat(got.getModel().getVersion()).isEqualTo("9.0.0");
                assertThat(got.getModel().getOnnxSha256()).as(project).isEqualTo(own.onnxSha256());
                PredictResponse scored = scoreZeros(project, "workflow_failure", "9.0.0");
                assertThat(scored.getModelVersion()).isEqualTo("9.0.0");
                assertThat(scored.getFactorsList()).extracting(io.commandcenter.proto.v1.Factor::getFeature)
                        .as("project %s scores with its own 9.0.0", project)
                        .isSubsetOf(own.metadata().features());
            }
            // both survive a restart that loads each from its own files
            channel.shutdownNow();
            hub.close();
            hub = Hub.start(HubSettings.defaults(dir, 0), Clock.systemUTC());
            channel = NettyChannelBuilder.forAddress("localhost", hub.grpcPort()).usePlaintext()
                    .intercept(io.commandcenter.hub.testing.Credentials.admin(hub)).build();
        }
        // a third content of 9.0.0 conflicts only with the project's own, and says nothing of the other
        assertThatThrownBy(() -> models("b").registerModel(register(workflow, "9.0.0", workflow.onnx(), s -> { })))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
                    assertThat(e.getStatus().getDescription()).doesNotContain("project a", "\"a\"");
                });
        // equal bytes in a third project are the same model, registered without a conflict
        assertThat(models("c").registerModel(register(workflow, "9.0.0", workflow.onnx(), s -> { }))
                .getModel().getOnnxSha256()).isEqualTo(workflow.onnxSha256());
    }

    /** Scores features of zeros, named as {@code features} are, with the project's champion of {@code name}. */
    PredictResponse scoreChampion(String project, String name, List<String> featureNames) {
        FeatureInput.Builder features = FeatureInput.newBuilder();
        featureNames.forEach(f -> features.putValues(f, 0.0));
        return predict(project).predict(PredictRequest.newBuilder().setModel(name).setFeatures(features).build());
    }

    @Test
    void byDefault_noPredictRunsOnTheEventLoop() {
        List<String> names = new BootstrapModels().load("workflow_failure").metadata().features();
        for (int i = 0; i < 3; i++) {
            scoreChampion("q", "workflow_failure", names);
        }
        assertThat(hub.callExecutors().atOnceCalls()).as("cc.grpc.predict-on-event-loop is off by default").isZero();
    }

    @Test
    void predictByFeatures_withItsKeyCached_isAnsweredOnTheEventLoop_whatMayWaitIsHandedOff_andChecksStay() {
        channel.shutdownNow();
        hub.close();
        HubSettings defaults = HubSettings.defaults(dir, 0);
        hub = Hub.start(defaults.withGrpc(defaults.grpc().withPredictOnEventLoop(true)), Clock.systemUTC());
        channel = NettyChannelBuilder.forAddress("localhost", hub.grpcPort()).usePlaintext()
                .intercept(io.commandcenter.hub.testing.Credentials.admin(hub)).build();
        var calls = hub.callExecutors();
        ModelArtifact workflow = new BootstrapModels().load("workflow_failure");
        List<String> names = workflow.metadata().features();
        // the first call reads the key and bootstraps the project: neither on the event loop
        scoreChampion("q", "workflow_failure", names);
        assertThat(calls.atOnceCalls()).isZero();
        long handed = calls.handedOff();
        assertThat(handed).as("a project to bootstrap is handed off from the quick pool").isEqualTo(1);

        assertThat(scoreChampion("q", "workflow_failure", names).getModelVersion())
                .isEqualTo(workflow.metadata().version());
        assertThat(calls.atOnceCalls()).isEqualTo(1);
        assertThat(calls.handedOff()).as("the loaded champion answers on the loop").isEqualTo(handed);
        // an unknown feature is still named, answered on the loop
        List<String> plusUnknown = new ArrayList<>(names);
        plusUnknown.add("no_such_feature");
        assertStatus(() -> scoreChampion("q", "workflow_failure", plusUnknown), Status.Code.INVALID_ARGUMENT,
                "FEATURES_INVALID");
        assertThat(calls.atOnceCalls()).isEqualTo(2);
        assertThat(calls.handedOff()).isEqualTo(handed);

        // a version by number (a database read, perhaps a load), another project (bootstrapped on first use), a
        // window and an entity: each starts on the loop and is handed off before it can wait
        FeatureInput.Builder features = FeatureInput.newBuilder();
        names.forEach(f -> features.putValues(f, 0.0));
        assertThat(predict("q").predict(PredictRequest.newBuilder().setModel("workflow_failure")
                .setModelVersion(workflow.metadata().version()).setFeatures(features).build()).getModelVersion())
                .isEqualTo(workflow.metadata().version());
        assertThat(scoreChampion("other", "workflow_failure", names).getModelVersion())
                .isEqualTo(workflow.metadata().version());
        assertStatus(() -> predict("q").predict(PredictRequest.newBuilder().setWindow(WindowInput.getDefaultInstance())
                .build()), Status.Code.INVALID_ARGUMENT, "REQUIRED");
        assertStatus(() -> predict("q").predict(PredictRequest.newBuilder().setEntity(EntityRef.newBuilder()
                .setKind("service").setId("nobody")).build()), Status.Code.NOT_FOUND, "ENTITY_NOT_FOUND");
        assertThat(calls.atOnceCalls()).isEqualTo(6);
        assertThat(calls.handedOff()).isEqualTo(handed + 4);
    }

    @Test
    void aPromotionAndARollback_changeTheFeaturesPredictScoresWith_onTheNextCall() throws Exception {
        ModelArtifact workflow = new BootstrapModels().load("workflow_failure");
        ModelArtifact compliance = new BootstrapModels().load("compliance_risk");
        List<String> before = workflow.metadata().features();
        List<String> after = compliance.metadata().features();
        assertThat(after).as("the two versions must differ in their features").isNotEqualTo(before);
        // warm: the shipped champion's schema is in use before the promotion
        for (int i = 0; i < 3; i++) {
            assertThat(scoreChampion("pr", "workflow_failure", before).getModelVersion())
                    .isEqualTo(workflow.metadata().version());
        }
        // "workflow_failure 9.2.0" with other features becomes the champion: the very next call scores with them
        models("pr").registerModel(register(compliance, "9.2.0", compliance.onnx(),
                s -> s.put("name", "workflow_failure")).toBuilder().setPromote(true).build());
        PredictResponse promoted = scoreChampion("pr", "workflow_failure", after);
        assertThat(promoted.getModelVersion()).isEqualTo("9.2.0");
        assertThat(promoted.getFactorsList()).extracting(io.commandcenter.proto.v1.Factor::getFeature)
                .isNotEmpty().isSubsetOf(after);
        assertStatus(() -> scoreChampion("pr", "workflow_failure", before), Status.Code.INVALID_ARGUMENT,
                "FEATURES_INVALID");
        // rolled back: the shipped version's features again, the new version's refused
        models("pr").promoteModel(PromoteModelRequest.newBuilder().setName("workflow_failure")
                .setVersion(workflow.metadata().version()).setReason("rollback").build());
        PredictResponse rolledBack = scoreChampion("pr", "workflow_failure", before);
        assertThat(rolledBack.getModelVersion()).isEqualTo(workflow.metadata().version());
        assertThat(rolledBack.getFactorsList()).extracting(io.commandcenter.proto.v1.Factor::getFeature)
                .isNotEmpty().isSubsetOf(before);
        assertStatus(() -> scoreChampion("pr", "workflow_failure", after), Status.Code.INVALID_ARGUMENT,
                "FEATURES_INVALID");
    }

    @Test
    void twoProjects_equalOnnxBytesWithOtherSidecars_areTwoModels_eachLoadedWithItsOwnSidecar() throws Exception {
        ModelArtifact workflow = new BootstrapModels().load("workflow_failure");
        // as two projects' challengers trained on the same data: the same ONNX bytes, another threshold and lineage
        var a = models("sa").registerModel(register(workflow, "9.1.0", workflow.onnx(), s -> {
            s.put("threshold", 0.25);
            s.put("provenance", java.util.Map.of("parent", "1.0.0", "data_hash", "aaa"));
        }).toBuilder().setPromote(true).build());
        var b = models("sb").registerModel(register(workflow, "9.1.0", workflow.onnx(), s -> {
            s.put("threshold", 0.75);
            s.put("provenance", java.util.Map.of("parent", "1.0.0", "data_hash", "bbb"));
        }).toBuilder().setPromote(true).build());
        assertThat(a.getModel().getOnnxSha256()).isEqualTo(b.getModel().getOnnxSha256()).isEqualTo(workflow.onnxSha256());
        assertThat(b.getModel().getChampion()).isTrue();
        for (int round = 0; round < 2; round++) {
            for (String project : List.of("sa", "sb")) {
                double own = project.equals("sa") ? 0.25 : 0.75;
                GetModelResponse got = models(project).getModel(GetModelRequest.newBuilder()
                        .setName("workflow_failure").build());
                assertThat(got.getModel().getVersion()).isEqualTo("9.1.0");
                assertThat(got.getModel().getThreshold()).as("%s's own sidecar, round %d", project, round).isEqualTo(own);
                io.commandcenter.hub.project.ProjectId id = io.commandcenter.hub.project.ProjectId.of(project);
                var meta = hub.registry().metadata(hub.registry().resolve(id, "workflow_failure", "9.1.0"));
                assertThat(meta.threshold()).as("the loaded version of %s", project).isEqualTo(own);
                assertThat(meta.provenance()).containsEntry("data_hash", project.equals("sa") ? "aaa" : "bbb");
                assertThat(scoreZeros(project, "workflow_failure", "9.1.0").getModelVersion()).isEqualTo("9.1.0");
            }
            // both survive a restart that loads each from its own files (and the database)
            channel.shutdownNow();
            hub.close();
            hub = Hub.start(HubSettings.defaults(dir, 0), Clock.systemUTC());
            channel = NettyChannelBuilder.forAddress("localhost", hub.grpcPort()).usePlaintext()
                    .intercept(io.commandcenter.hub.testing.Credentials.admin(hub)).build();
        }
        // the same bytes and sidecar again is the same version; other sidecar bytes in the same project conflict
        assertThat(models("sa").registerModel(register(workflow, "9.1.0", workflow.onnx(), s -> {
            s.put("threshold", 0.25);
            s.put("provenance", java.util.Map.of("parent", "1.0.0", "data_hash", "aaa"));
        })).getModel().getThreshold()).isEqualTo(0.25);
        assertStatus(() -> models("sa").registerModel(register(workflow, "9.1.0", workflow.onnx(),
                s -> s.put("threshold", 0.75))), Status.Code.ALREADY_EXISTS, "MODEL_VERSION_CONFLICT");
    }

    @Test
    void registerWithPromote_isOneUnit_aBadReasonRegistersNothing_andChangesNoChampion() throws Exception {
        ModelArtifact health = new BootstrapModels().load("service_health");
        models("u").listModels(ListModelsRequest.getDefaultInstance());

        assertThatThrownBy(() -> models("u").registerModel(register(health, "7.0.0", health.onnx(), s -> { })
                .toBuilder().setPromote(true).setReason("x".repeat(600)).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(detail(e, ErrorInfo.class).getReason()).isEqualTo("TOO_LONG");
                    assertThat(detail(e, BadRequest.class).getFieldViolationsList())
                            .extracting(BadRequest.FieldViolation::getField).containsExactly("reason");
                });

        assertThat(models("u").listModels(ListModelsRequest.newBuilder().setName("service_health").build())
                .getModelsList()).extracting(Model::getVersion).containsExactly(SHIPPED);
        GetModelResponse champion = models("u").getModel(GetModelRequest.newBuilder().setName("service_health").build());
        assertThat(champion.getModel().getVersion()).as("scoring kept its champion").isEqualTo(SHIPPED);
        assertThat(champion.getChampionHistoryList()).hasSize(1);
        assertThat(hub.registry().champion(io.commandcenter.hub.project.ProjectId.of("u"), "service_health")
                .orElseThrow().version()).isEqualTo(SHIPPED);

        // the same call with a valid reason registers and promotes, both stored
        var ok = models("u").registerModel(register(health, "7.0.0", health.onnx(), s -> { })
                .toBuilder().setPromote(true).setReason("measured better").build());
        assertThat(ok.getModel().getChampion()).isTrue();
        assertThat(models("u").getModel(GetModelRequest.newBuilder().setName("service_health").build())
                .getChampionHistoryList()).extracting(p -> p.getVersion() + ":" + p.getReason())
                .containsExactly("7.0.0:measured better", SHIPPED + ":shipped with the hub");
    }

    @Test
    void rollback_restoresThePreviousChampionAtOnce_asANewPeriod_andRefusesWhatItCannot() throws Exception {
        ModelArtifact health = new BootstrapModels().load("service_health");
        models("rb").listModels(ListModelsRequest.getDefaultInstance());
        models("rb").registerModel(register(health, "1.1.0", health.onnx(), s -> { }).toBuilder().setPromote(true)
                .setReason("retrained").build());

        var back = models("rb").rollbackModel(io.commandcenter.proto.v1.RollbackModelRequest.newBuilder()
                .setName("service_health").setReason("paged twice").build());

        assertThat(back.getModel().getVersion()).isEqualTo(SHIPPED);
        assertThat(back.getPreviousVersion()).isEqualTo("1.1.0");
        assertThat(hub.registry().champion(io.commandcenter.hub.project.ProjectId.of("rb"), "service_health")
                .orElseThrow().version()).as("scoring switched").isEqualTo(SHIPPED);
        assertThat(models("rb").getModel(GetModelRequest.newBuilder().setName("service_health").build())
                .getChampionHistoryList()).extracting(p -> p.getVersion() + ":" + p.getReason())
                .containsExactly(SHIPPED + ":rollback from 1.1.0: paged twice", "1.1.0:retrained",
                        SHIPPED + ":shipped with the hub");
        // a second rollback goes back to the one before the current: 1.1.0
        assertThat(models("rb").rollbackModel(io.commandcenter.proto.v1.RollbackModelRequest.newBuilder()
                .setName("service_health").build()).getModel().getVersion()).isEqualTo("1.1.0");

        assertStatus(() -> models("fresh-rb").rollbackModel(io.commandcenter.proto.v1.RollbackModelRequest.newBuilder()
                .setName("service_health").build()), Status.Code.FAILED_PRECONDITION, "NO_PREVIOUS_CHAMPION");
        assertStatus(() -> models("rb").rollbackModel(io.commandcenter.proto.v1.RollbackModelRequest.newBuilder()
                .setName("no_such_model").build()), Status.Code.NOT_FOUND, "MODEL_NOT_FOUND");
        assertStatus(() -> models("rb").rollbackModel(io.commandcenter.proto.v1.RollbackModelRequest.getDefaultInstance()),
                Status.Code.INVALID_ARGUMENT, "REQUIRED");
        assertStatus(() -> models("rb").rollbackModel(io.commandcenter.proto.v1.RollbackModelRequest.newBuilder()
                .setName("service_health").setReason("x".repeat(513)).build()), Status.Code.INVALID_ARGUMENT, "TOO_LONG");
    }

    @Test
    void backtest_overGrpc_scoresEveryRowInOrder_likeTheOfflineReplay() throws Exception {
        StringBuilder csv = new StringBuilder("t,latency,errors,label\n");
        for (int t = 0; t < 600; t++) {
            boolean incident = t >= 500 && t < 530;
            csv.append(t).append(',').append(incident ? 400 + t % 7 : 100 + t % 5).append(',')
                    .append(incident ? 0.3 : 0.001).append(',').append(incident ? 1 : 0).append('\n');
        }
        List<BacktestResponse> responses = new ArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        StreamObserver<BacktestRequest> stream = GrpcFixture.scoped(PredictServiceGrpc.newStub(channel), "b")
                .backtest(collect(responses, done));
        stream.onNext(BacktestRequest.newBuilder().setStart(BacktestStart.newBuilder().setLabelColumn("label")).build());
        byte[] bytes = csv.toString().getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i += 1000) {
            stream.onNext(BacktestRequest.newBuilder()
                    .setCsvChunk(ByteString.copyFrom(bytes, i, Math.min(1000, bytes.length - i))).build());
        }
        stream.onCompleted();
        done.get(60, TimeUnit.SECONDS);

        List<io.commandcenter.proto.v1.BacktestRow> rows = responses.stream().filter(BacktestResponse::hasRows)
                .flatMap(r -> r.getRows().getRowsList().stream()).toList();
        var offline = io.commandcenter.inference.onnx.OfflineBacktest.run(new BootstrapModels().load("service_health"),
                new io.commandcenter.models.backtest.SeriesCsv("label").read(new java.io.StringReader(csv.toString())));
        assertThat(rows).hasSize(600);
        for (int i = 0; i < 600; i++) {
            assertThat(rows.get(i).getTimestamp()).isEqualTo(Integer.toString(i));
            assertThat(rows.get(i).getRisk()).isCloseTo(offline.rows().get(i).risk(), org.assertj.core.data.Offset.offset(1e-9));
        }
        var summary = responses.get(responses.size() - 1).getSummary();
        assertThat(summary.getLabelled()).isTrue();
        assertThat(summary.getIncidentRecall()).as("the one incident is caught").isEqualTo(1.0);
    }

    @Test
    void backtest_badStreams_areRefused() throws Exception {
        CompletableFuture<Void> noStart = new CompletableFuture<>();
        StreamObserver<BacktestRequest> a = GrpcFixture.scoped(PredictServiceGrpc.newStub(channel), "b")
                .backtest(collect(new ArrayList<>(), noStart));
        a.onNext(BacktestRequest.newBuilder().setCsvChunk(ByteString.copyFromUtf8("t,x\n1,2\n")).build());
        a.onCompleted();
        // one after the other: a hub runs one backtest at a time (BacktestLimitsTest)
        noStart.handle((v, t) -> null).get(30, TimeUnit.SECONDS);
        CompletableFuture<Void> badCsv = new CompletableFuture<>();
        StreamObserver<BacktestRequest> b = GrpcFixture.scoped(PredictServiceGrpc.newStub(channel), "b")
                .backtest(collect(new ArrayList<>(), badCsv));
        b.onNext(BacktestRequest.newBuilder().setStart(BacktestStart.getDefaultInstance()).build());
        b.onNext(BacktestRequest.newBuilder().setCsvChunk(ByteString.copyFromUtf8("t,x\n1,2\n2,3,4\n")).build());
        b.onCompleted();

        for (CompletableFuture<Void> call : List.of(noStart, badCsv)) {
            StatusRuntimeException e = Ingest.failure(call);
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        }
    }

    static <T> StreamObserver<T> collect(BlockingQueue<T> into) {
        return new StreamObserver<>() {
            @Override
            public void onNext(T value) {
                into.add(value);
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
            }
        };
    }

    static <T> StreamObserver<T> collect(List<T> into, CompletableFuture<Void> done) {
        return new StreamObserver<>() {
            @Override
            public void onNext(T value) {
                into.add(value);
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                done.complete(null);
            }
        };
    }

}
