package io.commandcenter.hub.predict.sql;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

/** Row of {@code prediction}. */
@Entity
@Table(name = "prediction")
public class PredictionEntity {
    @Id
    @Column(name = "prediction_id")
    private String predictionId;
    @Column(name = "project_id")
    private String projectId;
    @Column(name = "target_entity")
    private String targetEntity;
    @Column(name = "target_id")
    private String targetId;
    @Column(name = "prediction_type")
    private String predictionType;
    @Column(name = "risk")
    private double risk;
    @Column(name = "confidence")
    private double confidence;
    @Column(name = "confidence_terms_json")
    private String confidenceTermsJson;
    @Column(name = "recommended_action")
    private String recommendedAction;
    @Column(name = "factors_json")
    private String factorsJson;
    @Column(name = "model_name")
    private String modelName;
    @Column(name = "model_version")
    private String modelVersion;
    @Column(name = "threshold")
    private double threshold;
    @Column(name = "trace_id")
    private String traceId;
    @Column(name = "model_run_id")
    private String modelRunId;
    @Column(name = "observed_at")
    private OffsetDateTime observedAt;
    @Column(name = "created_at")
    private OffsetDateTime createdAt;
    @Column(name = "memory_json")
    private String memoryJson = "{}";

    protected PredictionEntity() {
    }

    public PredictionEntity(String predictionId, String projectId, String targetEntity, String targetId,
                            String predictionType, double risk, double confidence, String confidenceTermsJson,
                            String recommendedAction, String factorsJson, String modelName, String modelVersion,
                            double threshold, String traceId, String modelRunId, OffsetDateTime observedAt,
                            OffsetDateTime createdAt) {
        this.predictionId = predictionId;
        this.projectId = projectId;
        this.targetEntity = targetEntity;
        this.targetId = targetId;
        this.predictionType = predictionType;
        this.risk = risk;
        this.confidence = confidence;
        this.confidenceTermsJson = confidenceTermsJson;
        this.recommendedAction = recommendedAction;
        this.factorsJson = factorsJson;
        this.modelName = modelName;
        this.modelVersion = modelVersion;
        this.threshold = threshold;
        this.traceId = traceId;
        this.modelRunId = modelRunId;
        this.observedAt = observedAt;
        this.createdAt = createdAt;
    }

    /** Memory's advice: similar incidents and the recommendation's note (V11). */
    public String getMemoryJson() {
        return memoryJson == null ? "{}" : memoryJson;
    }

    public void setMemoryJson(String value) {
        this.memoryJson = value;
    }

    public String getPredictionId() {
        return predictionId;
    }

    public String getProjectId() {
        return projectId;
    }

    public String getTargetEntity() {
        return targetEntity;
    }

    public String getTargetId() {
        return targetId;
    }

    public String getPredictionType() {
        return predictionType;
    }

    public double getRisk() {
        return risk;
    }

    public double getConfidence() {
        return confidence;
    }

    public String getConfidenceTermsJson() {
        return confidenceTermsJson;
    }

    public String getRecommendedAction() {
        return recommendedAction;
    }

    public String getFactorsJson() {
        return factorsJson;
    }

    public String getModelName() {
        return modelName;
    }

    public String getModelVersion() {
        return modelVersion;
    }

    public double getThreshold() {
        return threshold;
    }

    public String getTraceId() {
        return traceId;
    }

    public String getModelRunId() {
        return modelRunId;
    }

    public OffsetDateTime getObservedAt() {
        return observedAt;
    }

    public OffsetDateTime getCreatedAt() {
        return createdAt;
    }
}
