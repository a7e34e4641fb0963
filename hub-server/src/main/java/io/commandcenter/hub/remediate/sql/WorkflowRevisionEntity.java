package io.commandcenter.hub.remediate.sql;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.time.OffsetDateTime;
import java.util.Objects;

/** Row of {@code workflow_revision}. Fields are read by {@link JpaRemediationStore} only. */
@Entity
@Table(name = "workflow_revision")
@IdClass(WorkflowRevisionEntity.Key.class)
public class WorkflowRevisionEntity {
    @Id
    @Column(name = "project_id")
    String projectId;
    @Id
    @Column(name = "name")
    String name;
    @Id
    @Column(name = "revision")
    int revision;
    @Column(name = "source_text")
    String sourceText;
    @Column(name = "sha256")
    String sha256;
    @Column(name = "created_at")
    OffsetDateTime createdAt;
    @Column(name = "created_by")
    String createdBy;

    /** Primary key. */
    public static class Key implements Serializable {
        private static final long serialVersionUID = 1L;
        String projectId;
        String name;
        int revision;

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && revision == k.revision && Objects.equals(projectId, k.projectId)
                    && Objects.equals(name, k.name);
        }

        @Override
        public int hashCode() {
            return Objects.hash(projectId, name, revision);
        }
    }
}
