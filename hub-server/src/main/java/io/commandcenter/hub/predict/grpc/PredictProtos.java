package io.commandcenter.hub.predict.grpc;

import io.commandcenter.hub.predict.PredictionRecord;
import io.commandcenter.hub.predict.RegisteredModel;
import io.commandcenter.hub.telemetry.grpc.TelemetryProtoMapper;
import io.commandcenter.inference.ModelKey;
import io.commandcenter.inference.RiskPrediction;
import io.commandcenter.models.confidence.Confidence;
import io.commandcenter.models.explain.Factor;
import io.commandcenter.proto.v1.ConfidenceTerms;
import io.commandcenter.proto.v1.EntityRef;
import io.commandcenter.proto.v1.Model;
import io.commandcenter.proto.v1.ModelType;
import io.commandcenter.proto.v1.Prediction;
import io.commandcenter.proto.v1.PredictionCreated;
import io.commandcenter.proto.v1.PredictResponse;

import java.util.List;

/** Predictions and models, domain → wire. */
public final class PredictProtos {
    private PredictProtos() {
    }

    public static Prediction toProto(PredictionRecord p) {
        return Prediction.newBuilder()
                .setPredictionId(p.id())
                .setProjectId(p.project().value())
                .setTarget(EntityRef.newBuilder().setKind(p.targetKind()).setId(p.targetId()))
                .setPredictionType(p.type())
                .setRisk(p.risk())
                .setConfidence(p.confidence().value())
                .setConfidenceTerms(terms(p.confidence()))
                .setRecommendedAction(p.recommendedAction())
                .addAllFactors(factors(p.factors()))
                .setModel(p.modelName())
                .setModelVersion(p.modelVersion())
                .setThreshold(p.threshold())
                .setTraceId(p.traceId())
                .setCreateTime(TelemetryProtoMapper.timestamp(p.createdAt()))
                .setModelRunId(p.modelRunId())
                .setObservedTime(TelemetryProtoMapper.timestamp(p.observedAt()))
                .addAllSimilar(p.similar().stream().map(PredictProtos::similar).toList())
                .setRecommendationNote(p.recommendationNote())
                .build();
    }

    /** A similar past incident a prediction carries (section 20). */
    static io.commandcenter.proto.v1.SimilarIncident similar(io.commandcenter.hub.predict.SimilarIncident s) {
        return io.commandcenter.proto.v1.SimilarIncident.newBuilder().setMemoryId(s.memoryId()).setEntity(s.entity())
                .setTime(TelemetryProtoMapper.timestamp(s.at())).setSimilarity(s.similarity()).setAction(s.action())
                .setOutcome(s.outcome()).build();
    }

    /** The event payload: the seed's fields plus confidence, factors and the prediction's id. */
    /** A stored model run. */
    public static io.commandcenter.proto.v1.ModelRun toProto(io.commandcenter.hub.predict.ModelRun r) {
        return io.commandcenter.proto.v1.ModelRun.newBuilder().setRunId(r.runId()).setModelId(r.modelId())
                .setTarget(io.commandcenter.proto.v1.EntityRef.newBuilder().setKind(r.targetKind()).setId(r.targetId()))
                .setKind(switch (r.kind()) {
                    case PREDICTION -> io.commandcenter.proto.v1.ModelRunKind.MODEL_RUN_KIND_PREDICTION;
                    case AGGREGATE -> io.commandcenter.proto.v1.ModelRunKind.MODEL_RUN_KIND_AGGREGATE;
                })
                .setRuns(r.runs()).setInputJson(r.inputJson()).setOutputJson(r.outputJson())
                .setConfidence(r.confidence() == null ? 0 : r.confidence())
                .setExecuteTime(TelemetryProtoMapper.timestamp(r.executedAt())).build();
    }

    /** The payload of {@code entity.risk.<kind>}. */
    public static io.commandcenter.proto.v1.EntityRisk risk(io.commandcenter.hub.predict.RiskReading r) {
        return io.commandcenter.proto.v1.EntityRisk.newBuilder().setEntity(r.entity().kind()).setId(r.entity().id())
                .setRisk(r.risk()).setThreshold(r.threshold()).setModel(r.model()).setModelVersion(r.modelVersion())
                .setType(r.type()).setObservedTime(TelemetryProtoMapper.timestamp(r.observedAt())).build();
    }

    public static PredictionCreated event(PredictionRecord p) {
        return PredictionCreated.newBuilder()
                .setType(p.type())
                .setEntity(p.targetKind())
                .setId(p.targetId())
                .setRisk(p.risk())
                .setRecommendedAction(p.recommendedAction())
                .setModel(p.modelName() + "_v" + p.modelVersion())
                .setTimestamp(TelemetryProtoMapper.timestamp(p.createdAt()))
                .setConfidence(p.confidence().value())
                .addAllFactors(factors(p.factors()))
                .setPredictionId(p.id())
                .build();
    }

    public static PredictResponse toProto(ModelKey key, RiskPrediction p) {
        return PredictResponse.newBuilder().setBackend(p.backend())
                .setRisk(p.risk())
                .setConfidence(p.confidence().value())
                .setConfidenceTerms(terms(p.confidence()))
                .setThreshold(p.threshold())
                .setAlarm(p.alarm())
                .setRecommendedAction(p.recommendedAction())
                .addAllFactors(factors(p.factors()))
                .setModel(key.name())
                .setModelVersion(key.version())
                .build();
    }

    public static Model toProto(RegisteredModel m) {
        return Model.newBuilder()
                .setModelId(m.modelId())
                .setProjectId(m.project().value())
                .setName(m.name())
                .setVersion(m.version())
                .setType(switch (m.metadata().type()) {
                    case PREDICTIVE -> ModelType.MODEL_TYPE_PREDICTIVE;
                    case CLASSIFIER -> ModelType.MODEL_TYPE_CLASSIFIER;
                    case RECOMMENDER -> ModelType.MODEL_TYPE_RECOMMENDER;
                })
                .setPath(m.path())
                .putAllMetrics(m.metadata().metrics())
                .setThreshold(m.metadata().threshold())
                .addAllFeatures(m.metadata().features())
                .setChampion(m.champion())
                .setCreateTime(TelemetryProtoMapper.timestamp(m.createdAt()))
                .setPipeline(m.metadata().pipeline())
                .setDataHash(m.metadata().dataHash() == null ? "" : m.metadata().dataHash())
                .setTrainingWindow(m.metadata().trainingWindow() == null ? "" : m.metadata().trainingWindow())
                .setCodeVersion(m.metadata().codeVersion() == null ? "" : m.metadata().codeVersion())
                .setOnnxSha256(m.onnxSha256())
                .putAllProvenance(m.metadata().provenance() == null ? java.util.Map.of() : m.metadata().provenance())
                .build();
    }

    static ConfidenceTerms terms(Confidence c) {
        return ConfidenceTerms.newBuilder().setCalibration(c.calibration()).setAmount(c.amount())
                .setFreshness(c.freshness()).setAgreement(c.agreement()).build();
    }

    static List<io.commandcenter.proto.v1.Factor> factors(List<Factor> factors) {
        return factors.stream().map(f -> io.commandcenter.proto.v1.Factor.newBuilder().setFeature(f.feature())
                .setMetric(f.metric() == null ? "" : f.metric()).setValue(f.value())
                .setContribution(f.contribution()).build()).toList();
    }
}
