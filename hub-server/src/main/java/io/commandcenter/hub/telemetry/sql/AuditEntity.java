package io.commandcenter.hub.telemetry.sql;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.JoinColumns;
import jakarta.persistence.OneToMany;
import jakarta.persistence.OrderBy;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.List;

/** Row of {@code audit}, with its compliance results. */
@Entity
@Table(name = "audit")
@IdClass(RecordKey.class)
public class AuditEntity {
    @Id
    @Column(name = "project_id")
    private String projectId;
    @Id
    @Column(name = "record_id")
    private String recordId;
    @Column(name = "audit_id")
    private String auditId;
    @Column(name = "target_kind")
    private String targetKind;
    @Column(name = "target_id")
    private String targetId;
    @Column(name = "suite")
    private String suite;
    @Column(name = "status")
    private String status;
    @Column(name = "audit_time")
    private OffsetDateTime auditTime;
    @Column(name = "summary")
    private String summary;
    @Column(name = "received_at")
    private OffsetDateTime receivedAt;
    @OneToMany
    @JoinColumns({
            @JoinColumn(name = "project_id", referencedColumnName = "project_id", insertable = false, updatable = false),
            @JoinColumn(name = "record_id", referencedColumnName = "record_id", insertable = false, updatable = false)
    })
    @OrderBy("resultIndex")
    private List<ComplianceResultEntity> results;

    protected AuditEntity() {
    }

    public String getProjectId() {
        return projectId;
    }

    public String getRecordId() {
        return recordId;
    }

    public String getAuditId() {
        return auditId;
    }

    public String getTargetKind() {
        return targetKind;
    }

    public String getTargetId() {
        return targetId;
    }

    public String getSuite() {
        return suite;
    }

    public String getStatus() {
        return status;
    }

    public OffsetDateTime getAuditTime() {
        return auditTime;
    }

    public String getSummary() {
        return summary;
    }

    public OffsetDateTime getReceivedAt() {
        return receivedAt;
    }

    public List<ComplianceResultEntity> getResults() {
        return results;
    }
}
