package io.commandcenter.hub.telemetry;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/** The result of one audit of an entity against a policy suite, with its per-control results. */
public record AuditRecord(String recordId, String auditId, EntityId target, String suite, Status status,
                          Instant time, List<ComplianceRecord> results, String summary) implements TelemetryRecord {

    /** The overall result of an audit. */
    public enum Status { PASSED, FAILED, ERROR }

    public AuditRecord {
        Objects.requireNonNull(recordId, "recordId");
        Objects.requireNonNull(auditId, "auditId");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(suite, "suite");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(time, "time");
        results = List.copyOf(results);
        Objects.requireNonNull(summary, "summary");
    }

    @Override
    public String subject() {
        return "audit.result." + status.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public AuditRecord withRecordId(String newId) {
        return new AuditRecord(newId, auditId, target, suite, status, time, results, summary);
    }

    /** The result of one control. */
    public record ComplianceRecord(String controlId, ComplianceStatus status, Severity severity, String message) {
        public ComplianceRecord {
            Objects.requireNonNull(controlId, "controlId");
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(severity, "severity");
            Objects.requireNonNull(message, "message");
        }
    }

    /** Whether an entity complies with a control. */
    public enum ComplianceStatus { COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE, ERROR }

    /** How serious a failed control is. */
    public enum Severity { LOW, MEDIUM, HIGH, CRITICAL }
}
