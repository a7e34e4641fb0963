package io.commandcenter.hub.predict.sql;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

/**
 * Row of {@code model_run}: a run that raised a prediction ({@code PREDICTION}, runs = 1), or the
 * aggregate of an entity's other runs over one minute ({@code AGGREGATE}, runs = how many).
 */
@Entity
@Table(name = "model_run")
public class ModelRunEntity {
    @Id
    @Column(name = "run_id")
    private String runId;
    @Column(name = "project_id")
    private String projectId;
    @Column(name = "model_id")
    private String modelId;
    @Column(name = "target_kind")
    private String targetKind;
    @Column(name = "target_id")
    private String targetId;
    @Column(name = "run_kind")
    private String runKind;
    @Column(name = "runs")
    private int runs;
    @Column(name = "input_json")
    private String inputJson;
    @Column(name = "output_json")
    private String outputJson;
    @Column(name = "confidence")
    private Double confidence;
    @Column(name = "executed_at")
    private OffsetDateTime executedAt;

    protected ModelRunEntity() {
    }

    public ModelRunEntity(String runId, String projectId, String modelId, String targetKind, String targetId,
                          String runKind, int runs, String inputJson, String outputJson, Double confidence,
                          OffsetDateTime executedAt) {
        this.runId = runId;
        this.projectId = projectId;
        this.modelId = modelId;
        this.targetKind = targetKind;
        this.targetId = targetId;
        this.runKind = runKind;
        this.runs = runs;
        this.inputJson = inputJson;
        this.outputJson = outputJson;
        this.confidence = confidence;
        this.executedAt = executedAt;
    }

    public String getRunId() {
        return runId;
    }

    public String getProjectId() {
        return projectId;
    }

    public String getModelId() {
        return modelId;
    }

    public String getTargetKind() {
        return targetKind;
    }

    public String getTargetId() {
        return targetId;
    }

    public String getRunKind() {
        return runKind;
    }

    public int getRuns() {
        return runs;
    }

    public String getInputJson() {
        return inputJson;
    }

    public String getOutputJson() {
        return outputJson;
    }

    public Double getConfidence() {
        return confidence;
    }

    public OffsetDateTime getExecutedAt() {
        return executedAt;
    }
}
