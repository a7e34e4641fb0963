package io.commandcenter.hub.predict.grpc;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.hub.predict.ChampionPeriod;
import io.commandcenter.hub.predict.ModelRegistry;
import io.commandcenter.hub.predict.RegisteredModel;
import io.commandcenter.hub.predict.ShadowScoring;
import io.commandcenter.hub.project.Caller;
import io.commandcenter.hub.telemetry.grpc.TelemetryProtoMapper;
import io.commandcenter.hub.transport.grpc.CallContext;
import io.commandcenter.common.error.grpc.GrpcErrors;
import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.models.artifact.ModelArtifact;
import io.commandcenter.models.artifact.ModelMetadata;
import io.commandcenter.models.artifact.SidecarJson;
import io.commandcenter.proto.v1.ChampionPeriod.Builder;
import io.commandcenter.proto.v1.GetModelRequest;
import io.commandcenter.proto.v1.GetModelResponse;
import io.commandcenter.proto.v1.ListModelsRequest;
import io.commandcenter.proto.v1.ListModelsResponse;
import io.commandcenter.proto.v1.ModelRegistryServiceGrpc;
import io.commandcenter.proto.v1.PromoteModelRequest;
import io.commandcenter.proto.v1.PromoteModelResponse;
import io.commandcenter.proto.v1.RollbackModelRequest;
import io.commandcenter.proto.v1.RegisterModelRequest;
import io.commandcenter.proto.v1.RegisterModelResponse;
import io.commandcenter.common.error.Violations;
import io.commandcenter.hub.project.ProjectId;
import java.util.List;
import io.commandcenter.hub.remediate.RunRecord;
import io.commandcenter.hub.remediate.grpc.RemediateProtos;
import io.commandcenter.proto.v1.TrainModelRequest;
import io.commandcenter.proto.v1.TrainModelResponse;
import io.grpc.stub.StreamObserver;

import java.nio.charset.StandardCharsets;

/** {@code ModelRegistryService}: validate, call {@link ModelRegistry}, map. */
public final class ModelRegistryGrpcService extends ModelRegistryServiceGrpc.ModelRegistryServiceImplBase {
    /** The longest promotion reason (the champion history keeps it). */
    private static final int MAX_REASON = 512;
    private final ModelRegistry registry;
    private final Training training;
    private final ShadowScoring shadows;
    private final java.util.function.BiFunction<ProjectId, String, List<io.commandcenter.hub.learning.ShadowGates.Gate>>
            waits;

    /** What starts a retraining: the learning loop's run of its workflow on the model. */
    @FunctionalInterface
    public interface Training {
        RunRecord train(ProjectId project, String name, String by, String reason);
    }

    public ModelRegistryGrpcService(ModelRegistry registry) {
        this(registry, (project, name, by, reason) -> {
            throw new CommandCenterException(ErrorKind.UNAVAILABLE, "TRAINING_UNAVAILABLE",
                    "this hub does not retrain models");
        });
    }

    public ModelRegistryGrpcService(ModelRegistry registry, Training training) {
        this(registry, training, new ShadowScoring(1));
    }

    public ModelRegistryGrpcService(ModelRegistry registry, Training training, ShadowScoring shadows) {
        this(registry, training, shadows, (project, name) -> List.of());
    }

    /** @param waits a model's shadow waits before promotion in a project, newest first (the learning loop's gate) */
    public ModelRegistryGrpcService(ModelRegistry registry, Training training, ShadowScoring shadows,
                                    java.util.function.BiFunction<ProjectId, String,
                                            List<io.commandcenter.hub.learning.ShadowGates.Gate>> waits) {
        this.registry = registry;
        this.training = training;
        this.shadows = shadows;
        this.waits = waits;
    }

    @Override
    public void listModels(ListModelsRequest request, StreamObserver<ListModelsResponse> observer) {
        try {
            PredictGrpcService.checkModel(request.getName(), "", "name", "");
            ListModelsResponse.Builder response = ListModelsResponse.newBuilder();
            registry.list(CallContext.caller().project(), request.getName())
                    .forEach(m -> response.addModels(PredictProtos.toProto(m)));
            observer.onNext(response.build());
            observer.onCompleted();
        } catch (RuntimeException e) {
            observer.onError(GrpcErrors.toStatus(e));
        }
    }

    @Override
    public void getModel(GetModelRequest request, StreamObserver<GetModelResponse> observer) {
        try {
            requireName(request.getName());
            PredictGrpcService.checkModel(request.getName(), request.getVersion(), "name", "version");
            var project = CallContext.caller().project();
            RegisteredModel model = registry.get(project, request.getName(), request.getVersion());
            GetModelResponse.Builder response = GetModelResponse.newBuilder().setModel(PredictProtos.toProto(model));
            for (ChampionPeriod p : registry.history(project, request.getName())) {
                Builder period = io.commandcenter.proto.v1.ChampionPeriod.newBuilder().setVersion(p.version())
                        .setStartTime(TelemetryProtoMapper.timestamp(p.start())).setPromotedBy(p.promotedBy())
                        .setReason(p.reason());
                if (p.end() != null) {
                    period.setEndTime(TelemetryProtoMapper.timestamp(p.end()));
                }
                response.addChampionHistory(period);
            }
            shadows.report(project, request.getName()).ifPresent(r -> response.setShadow(
                    io.commandcenter.proto.v1.ShadowReport.newBuilder().setVersion(r.version())
                            .setStartTime(TelemetryProtoMapper.timestamp(r.since())).setRows(r.rows())
                            .setChampionAlarms(r.championAlarms()).setShadowAlarms(r.shadowAlarms())
                            .setBothAlarms(r.bothAlarms()).setAgreement(r.agreement())
                            .setMeanRiskDifference(r.meanRiskDifference())));
            for (var w : waits.apply(project, request.getName())) {
                var gate = io.commandcenter.proto.v1.ShadowGate.newBuilder().setVersion(w.version())
                        .setState(w.state().wireName()).setStartTime(TelemetryProtoMapper.timestamp(w.start()))
                        .setEndTime(TelemetryProtoMapper.timestamp(w.end())).setHoldoutReason(w.holdoutReason())
                        .setVerdict(w.verdict());
                if (w.decidedAt() != null) {
                    gate.setDecideTime(TelemetryProtoMapper.timestamp(w.decidedAt()));
                }
                response.addShadowGates(gate);
            }
            observer.onNext(response.build());
            observer.onCompleted();
        } catch (RuntimeException e) {
            observer.onError(GrpcErrors.toStatus(e));
        }
    }

    @Override
    public void registerModel(RegisterModelRequest request, StreamObserver<RegisterModelResponse> observer) {
        try {
            Caller caller = CallContext.caller();
            if (request.getOnnx().isEmpty()) {
                throw CommandCenterException.invalid("REQUIRED", "onnx", "onnx (the model file) is required");
            }
            if (request.getSidecarJson().isBlank()) {
                throw CommandCenterException.invalid("REQUIRED", "sidecar_json", "sidecar_json (the model's metadata) is required");
            }
            if (request.getReason().length() > MAX_REASON) {
                throw CommandCenterException.invalid("TOO_LONG", "reason", "reason is longer than " + MAX_REASON
                        + " characters");
            }
            ModelMetadata metadata;
            try {
                metadata = new SidecarJson().read(request.getSidecarJson().getBytes(StandardCharsets.UTF_8));
            } catch (CommandCenterException | IllegalArgumentException | NullPointerException
                     | java.io.UncheckedIOException e) {
                throw CommandCenterException.invalid("SIDECAR_INVALID", "sidecar_json", "the sidecar is not valid: " + e.getMessage());
            }
            // the name and version become a file name and keys: the same rules as every read
            requireName(metadata.name(), "sidecar_json.name");
            PredictGrpcService.checkModel(metadata.name(), metadata.version(), "sidecar_json.name",
                    "sidecar_json.version");
            ModelRegistry.Registration registration = registry.register(caller.project(),
                    new ModelArtifact(metadata, request.getOnnx().toByteArray()), request.getPromote(),
                    caller.principal(), request.getReason());
            observer.onNext(RegisterModelResponse.newBuilder().setModel(PredictProtos.toProto(registration.model()))
                    .addAllWarnings(registration.warnings()).build());
            observer.onCompleted();
        } catch (RuntimeException e) {
            observer.onError(GrpcErrors.toStatus(e));
        }
    }

    @Override
    public void promoteModel(PromoteModelRequest request, StreamObserver<PromoteModelResponse> observer) {
        try {
            requireName(request.getName());
            if (request.getVersion().isEmpty()) {
                throw CommandCenterException.invalid("REQUIRED", "version", "version is required");
            }
            PredictGrpcService.checkModel(request.getName(), request.getVersion(), "name", "version");
            if (request.getReason().length() > MAX_REASON) {
                throw CommandCenterException.invalid("TOO_LONG", "reason", "reason is longer than " + MAX_REASON
                        + " characters");
            }
            Caller caller = CallContext.caller();
            ModelRegistry.Promotion promotion = registry.promote(caller.project(), request.getName(),
                    request.getVersion(), caller.principal(), request.getReason());
            observer.onNext(PromoteModelResponse.newBuilder().setModel(PredictProtos.toProto(promotion.model()))
                    .setPreviousVersion(promotion.previousVersion().orElse("")).build());
            observer.onCompleted();
        } catch (RuntimeException e) {
            observer.onError(GrpcErrors.toStatus(e));
        }
    }

    @Override
    public void rollbackModel(RollbackModelRequest request, StreamObserver<PromoteModelResponse> observer) {
        try {
            requireName(request.getName());
            PredictGrpcService.checkModel(request.getName(), "", "name", "");
            if (request.getReason().length() > ModelRegistry.MAX_REASON) {
                throw CommandCenterException.invalid("TOO_LONG", "reason", "reason is longer than 512 characters");
            }
            Caller caller = CallContext.caller();
            ModelRegistry.Promotion promotion = registry.rollback(caller.project(), request.getName(),
                    caller.principal(), request.getReason());
            observer.onNext(PromoteModelResponse.newBuilder().setModel(PredictProtos.toProto(promotion.model()))
                    .setPreviousVersion(promotion.previousVersion().orElse("")).build());
            observer.onCompleted();
        } catch (RuntimeException e) {
            observer.onError(GrpcErrors.toStatus(e));
        }
    }

    @Override
    public void trainModel(TrainModelRequest request, StreamObserver<TrainModelResponse> observer) {
        try {
            observer.onNext(trainModel(CallContext.caller(), request));
            observer.onCompleted();
        } catch (RuntimeException e) {
            observer.onError(GrpcErrors.toStatus(e));
        }
    }

    /**
     * Starts a retraining of the named model (REST mirrors it).
     *
     * @throws CommandCenterException INVALID naming {@code name} or {@code reason}; NOT_FOUND; PRECONDITION
     */
    public TrainModelResponse trainModel(Caller caller, TrainModelRequest request) {
        Violations v = new Violations();
        if (request.getName().isEmpty()) {
            v.add("name", "REQUIRED", "name is required");
        } else if (!PredictGrpcService.isModelName(request.getName())) {
            v.add("name", "BAD_FORMAT", "a model name is [a-z][a-z0-9_]*, at most 64 characters");
        }
        if (request.getReason().length() > MAX_REASON) {
            v.add("reason", "TOO_LONG", "reason is longer than " + MAX_REASON + " characters");
        }
        v.throwIfAny("INVALID_ARGUMENT", "invalid request");
        RunRecord run = training.train(caller.project(), request.getName(), caller.principal(), request.getReason());
        return TrainModelResponse.newBuilder().setRun(RemediateProtos.run(run, java.util.Optional.empty())).build();
    }

    private static void requireName(String name) {
        requireName(name, "name");
    }

    private static void requireName(String name, String field) {
        if (name == null || name.isEmpty()) {
            throw CommandCenterException.invalid("REQUIRED", field, field + " is required");
        }
    }
}
