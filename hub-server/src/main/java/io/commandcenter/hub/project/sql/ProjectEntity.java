package io.commandcenter.hub.project.sql;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

/** Row of {@code project}. Projects are created the first time data arrives for them. */
@Entity
@Table(name = "project")
public class ProjectEntity {
    @Id
    @Column(name = "project_id")
    private String projectId;
    @Column(name = "created_at")
    private OffsetDateTime createdAt;

    protected ProjectEntity() {
    }

    public ProjectEntity(String projectId, OffsetDateTime createdAt) {
        this.projectId = projectId;
        this.createdAt = createdAt;
    }

    public String getProjectId() {
        return projectId;
    }

    public OffsetDateTime getCreatedAt() {
        return createdAt;
    }
}
