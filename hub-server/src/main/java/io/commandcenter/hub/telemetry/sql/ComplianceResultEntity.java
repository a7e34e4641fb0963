package io.commandcenter.hub.telemetry.sql;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.util.Objects;

/** Row of {@code compliance_result}: one control of an audit. */
@Entity
@Table(name = "compliance_result")
@IdClass(ComplianceResultEntity.Key.class)
public class ComplianceResultEntity {
    @Id
    @Column(name = "project_id")
    private String projectId;
    @Id
    @Column(name = "record_id")
    private String recordId;
    @Id
    @Column(name = "result_index")
    private int resultIndex;
    @Column(name = "control_id")
    private String controlId;
    @Column(name = "status")
    private String status;
    @Column(name = "severity")
    private String severity;
    @Column(name = "message")
    private String message;

    protected ComplianceResultEntity() {
    }

    public int getResultIndex() {
        return resultIndex;
    }

    public String getControlId() {
        return controlId;
    }

    public String getStatus() {
        return status;
    }

    public String getSeverity() {
        return severity;
    }

    public String getMessage() {
        return message;
    }

    /** Primary key: the audit's key and the result's position in it. */
    public static class Key implements Serializable {
        private static final long serialVersionUID = 1L;
        private String projectId;
        private String recordId;
        private int resultIndex;

        protected Key() {
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && resultIndex == k.resultIndex && Objects.equals(projectId, k.projectId)
                    && Objects.equals(recordId, k.recordId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(projectId, recordId, resultIndex);
        }
    }
}
