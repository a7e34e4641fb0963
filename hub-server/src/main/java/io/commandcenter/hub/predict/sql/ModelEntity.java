package io.commandcenter.hub.predict.sql;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

/** Row of {@code model}: one registered version in one project. */
@Entity
@Table(name = "model")
public class ModelEntity {
    @Id
    @Column(name = "model_id")
    private String modelId;
    @Column(name = "project_id")
    private String projectId;
    @Column(name = "name")
    private String name;
    @Column(name = "version")
    private String version;
    @Column(name = "model_type")
    private String type;
    @Column(name = "path")
    private String path;
    @Column(name = "onnx_sha256")
    private String onnxSha256;
    @Column(name = "threshold")
    private double threshold;
    @Column(name = "metrics_json")
    private String metricsJson;
    @Column(name = "created_at")
    private OffsetDateTime createdAt;
    @Column(name = "sidecar_sha256")
    private String sidecarSha256;

    protected ModelEntity() {
    }

    public ModelEntity(String modelId, String projectId, String name, String version, String type, String path,
                       String onnxSha256, double threshold, String metricsJson, OffsetDateTime createdAt,
                       String sidecarSha256) {
        this.sidecarSha256 = sidecarSha256 == null || sidecarSha256.isEmpty() ? null : sidecarSha256;
        this.modelId = modelId;
        this.projectId = projectId;
        this.name = name;
        this.version = version;
        this.type = type;
        this.path = path;
        this.onnxSha256 = onnxSha256;
        this.threshold = threshold;
        this.metricsJson = metricsJson;
        this.createdAt = createdAt;
    }

    /** Null for a version registered before V13. */
    public String getSidecarSha256() {
        return sidecarSha256;
    }

    public String getModelId() {
        return modelId;
    }

    public String getProjectId() {
        return projectId;
    }

    public String getName() {
        return name;
    }

    public String getVersion() {
        return version;
    }

    public String getType() {
        return type;
    }

    public String getPath() {
        return path;
    }

    public String getOnnxSha256() {
        return onnxSha256;
    }

    public double getThreshold() {
        return threshold;
    }

    public String getMetricsJson() {
        return metricsJson;
    }

    public OffsetDateTime getCreatedAt() {
        return createdAt;
    }
}
