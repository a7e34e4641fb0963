package io.commandcenter.hub.telemetry.sql;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

/** Row of {@code health_sample}. Read side only: ingest writes rows with JDBC batches. */
@Entity
@Table(name = "health_sample")
@IdClass(RecordKey.class)
public class HealthSampleEntity {
    @Id
    @Column(name = "project_id")
    private String projectId;
    @Id
    @Column(name = "record_id")
    private String recordId;
    @Column(name = "service")
    private String service;
    @Column(name = "sample_time")
    private OffsetDateTime sampleTime;
    @Column(name = "uptime")
    private Double uptime;
    @Column(name = "latency_ms")
    private Double latencyMs;
    @Column(name = "error_rate")
    private Double errorRate;
    @Column(name = "cpu")
    private Double cpu;
    @Column(name = "memory")
    private Double memory;
    @Column(name = "metrics_json")
    private String metricsJson;
    @Column(name = "received_at")
    private OffsetDateTime receivedAt;

    protected HealthSampleEntity() {
    }

    public String getProjectId() {
        return projectId;
    }

    public String getRecordId() {
        return recordId;
    }

    public String getService() {
        return service;
    }

    public OffsetDateTime getSampleTime() {
        return sampleTime;
    }

    public Double getUptime() {
        return uptime;
    }

    public Double getLatencyMs() {
        return latencyMs;
    }

    public Double getErrorRate() {
        return errorRate;
    }

    public Double getCpu() {
        return cpu;
    }

    public Double getMemory() {
        return memory;
    }

    public String getMetricsJson() {
        return metricsJson;
    }

    public OffsetDateTime getReceivedAt() {
        return receivedAt;
    }
}
