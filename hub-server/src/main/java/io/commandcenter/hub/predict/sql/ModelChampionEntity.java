package io.commandcenter.hub.predict.sql;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

/** Row of {@code model_champion}: a period during which a version was its name's champion. */
@Entity
@Table(name = "model_champion")
public class ModelChampionEntity {
    @Id
    @Column(name = "period_id")
    private String periodId;
    @Column(name = "project_id")
    private String projectId;
    @Column(name = "name")
    private String name;
    @Column(name = "version")
    private String version;
    @Column(name = "model_id")
    private String modelId;
    @Column(name = "start_time")
    private OffsetDateTime startTime;
    @Column(name = "end_time")
    private OffsetDateTime endTime;
    @Column(name = "promoted_by")
    private String promotedBy;
    @Column(name = "reason")
    private String reason;

    protected ModelChampionEntity() {
    }

    public ModelChampionEntity(String periodId, String projectId, String name, String version, String modelId,
                               OffsetDateTime startTime, String promotedBy, String reason) {
        this.periodId = periodId;
        this.projectId = projectId;
        this.name = name;
        this.version = version;
        this.modelId = modelId;
        this.startTime = startTime;
        this.promotedBy = promotedBy;
        this.reason = reason;
    }

    public String getPeriodId() {
        return periodId;
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

    public String getModelId() {
        return modelId;
    }

    public OffsetDateTime getStartTime() {
        return startTime;
    }

    public OffsetDateTime getEndTime() {
        return endTime;
    }

    public void end(OffsetDateTime when) {
        this.endTime = when;
    }

    public String getPromotedBy() {
        return promotedBy;
    }

    public String getReason() {
        return reason;
    }
}
