package io.commandcenter.hub.telemetry.grpc;

import com.google.protobuf.Duration;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import io.commandcenter.common.error.FieldViolation;
import io.commandcenter.common.error.Violations;
import io.commandcenter.hub.telemetry.AuditRecord;
import io.commandcenter.hub.telemetry.EntityId;
import io.commandcenter.hub.telemetry.HealthSampleRecord;
import io.commandcenter.hub.telemetry.RecordRules;
import io.commandcenter.hub.telemetry.StoredSample;
import io.commandcenter.hub.telemetry.TaskHistoryRecord;
import io.commandcenter.hub.telemetry.TelemetryRecord;
import io.commandcenter.hub.telemetry.WorkflowRunHistoryRecord;
import io.commandcenter.proto.v1.AuditResult;
import io.commandcenter.proto.v1.AuditStatus;
import io.commandcenter.proto.v1.ComplianceResult;
import io.commandcenter.proto.v1.ComplianceStatus;
import io.commandcenter.proto.v1.EntityRef;
import io.commandcenter.proto.v1.HealthSample;
import io.commandcenter.proto.v1.Severity;
import io.commandcenter.proto.v1.TaskRecord;
import io.commandcenter.proto.v1.TaskStatus;
import io.commandcenter.proto.v1.WorkflowRunRecord;
import io.commandcenter.proto.v1.WorkflowRunStatus;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Maps telemetry between the wire ({@code commandcenter.v1}) and the domain, validating on the
 * way in: presence, enums and timestamps here, value rules in {@link RecordRules}. Field paths
 * are relative to the record ({@code health_sample.latency_ms}). Times are kept to the
 * microsecond, the precision the database stores.
 */
public final class TelemetryProtoMapper {
    private final RecordRules rules;

    public TelemetryProtoMapper(RecordRules rules) {
        this.rules = rules;
    }

    /** A record from the wire: either valid ({@code record} set) or refused ({@code violations}). */
    public record Mapped(String recordId, TelemetryRecord record, List<FieldViolation> violations) {
        public boolean isValid() {
            return record != null;
        }
    }

    /** Validates and maps one record. */
    public Mapped fromProto(io.commandcenter.proto.v1.TelemetryRecord proto) {
        Violations v = new Violations();
        return switch (proto.getKindCase()) {
            case HEALTH_SAMPLE -> result(proto.getHealthSample().getRecordId(), health(proto.getHealthSample(), v), v);
            case AUDIT_RESULT -> result(proto.getAuditResult().getRecordId(), audit(proto.getAuditResult(), v), v);
            case TASK -> result(proto.getTask().getRecordId(), task(proto.getTask(), v), v);
            case WORKFLOW_RUN -> result(proto.getWorkflowRun().getRecordId(), run(proto.getWorkflowRun(), v), v);
            case KIND_NOT_SET -> {
                v.add("kind", "REQUIRED",
                        "record carries nothing: set one of health_sample, audit_result, task, workflow_run");
                yield new Mapped("", null, v.list());
            }
        };
    }

    private static Mapped result(String recordId, TelemetryRecord record, Violations v) {
        return v.isEmpty() ? new Mapped(recordId, record, List.of()) : new Mapped(recordId, null, v.list());
    }

    private HealthSampleRecord health(HealthSample p, Violations v) {
        final String f = "health_sample."; // final: f + "field" is then a constant, not a concatenation per record
        rules.recordId(v, f + "record_id", p.getRecordId());
        rules.service(v, f + "service", p.getService());
        Instant time = time(v, f + "time", p.hasTime(), p.getTime(), true);
        Double uptime = p.hasUptime() ? p.getUptime() : null;
        Double latency = p.hasLatencyMs() ? p.getLatencyMs() : null;
        Double errorRate = p.hasErrorRate() ? p.getErrorRate() : null;
        Double cpu = p.hasCpu() ? p.getCpu() : null;
        Double memory = p.hasMemory() ? p.getMemory() : null;
        rules.fraction(v, f + "uptime", uptime);
        rules.nonNegative(v, f + "latency_ms", latency);
        rules.fraction(v, f + "error_rate", errorRate);
        rules.fraction(v, f + "cpu", cpu);
        rules.fraction(v, f + "memory", memory);
        rules.metrics(v, f + "metrics", p.getMetricsMap());
        if (uptime == null && latency == null && errorRate == null && cpu == null && memory == null
                && p.getMetricsCount() == 0) {
            v.add("health_sample", "REQUIRED",
                    "sample carries no measurement: set uptime, latency_ms, error_rate, cpu, memory or a metric");
        }
        if (!v.isEmpty()) {
            return null;
        }
        return new HealthSampleRecord(p.getRecordId(), p.getService(), time, uptime, latency, errorRate, cpu, memory,
                p.getMetricsMap());
    }

    private AuditRecord audit(AuditResult p, Violations v) {
        final String f = "audit_result."; // final: f + "field" is then a constant, not a concatenation per record
        rules.recordId(v, f + "record_id", p.getRecordId());
        rules.optionalId(v, f + "audit_id", p.getAuditId(), RecordRules.MAX_ID);
        EntityId target = entity(v, f + "target", p.hasTarget(), p.getTarget(), true);
        rules.requiredId(v, f + "suite", p.getSuite(), 128);
        AuditRecord.Status status = switch (p.getStatus()) {
            case AUDIT_STATUS_PASSED -> AuditRecord.Status.PASSED;
            case AUDIT_STATUS_FAILED -> AuditRecord.Status.FAILED;
            case AUDIT_STATUS_ERROR -> AuditRecord.Status.ERROR;
            case AUDIT_STATUS_UNSPECIFIED, UNRECOGNIZED -> badEnum(v, f + "status", p.getStatusValue(), AuditStatus.class);
        };
        Instant time = time(v, f + "time", p.hasTime(), p.getTime(), true);
        rules.text(v, f + "summary", p.getSummary(), 1024);
        List<AuditRecord.ComplianceRecord> results = new ArrayList<>(p.getResultsCount());
        if (p.getResultsCount() > RecordRules.MAX_RESULTS) {
            v.add(f + "results", "TOO_MANY", "at most " + RecordRules.MAX_RESULTS + " results per audit");
        } else {
            for (int i = 0; i < p.getResultsCount(); i++) {
                results.add(compliance(v, f + "results[" + i + "].", p.getResults(i)));
            }
        }
        if (!v.isEmpty()) {
            return null;
        }
        return new AuditRecord(p.getRecordId(), p.getAuditId(), target, p.getSuite(), status, time, results,
                p.getSummary());
    }

    private AuditRecord.ComplianceRecord compliance(Violations v, String f, ComplianceResult p) {
        rules.requiredId(v, f + "control_id", p.getControlId(), 128);
        AuditRecord.ComplianceStatus status = switch (p.getStatus()) {
            case COMPLIANCE_STATUS_COMPLIANT -> AuditRecord.ComplianceStatus.COMPLIANT;
            case COMPLIANCE_STATUS_NON_COMPLIANT -> AuditRecord.ComplianceStatus.NON_COMPLIANT;
            case COMPLIANCE_STATUS_NOT_APPLICABLE -> AuditRecord.ComplianceStatus.NOT_APPLICABLE;
            case COMPLIANCE_STATUS_ERROR -> AuditRecord.ComplianceStatus.ERROR;
            case COMPLIANCE_STATUS_UNSPECIFIED, UNRECOGNIZED ->
                    badEnum(v, f + "status", p.getStatusValue(), ComplianceStatus.class);
        };
        AuditRecord.Severity severity = switch (p.getSeverity()) {
            case SEVERITY_LOW -> AuditRecord.Severity.LOW;
            case SEVERITY_MEDIUM -> AuditRecord.Severity.MEDIUM;
            case SEVERITY_HIGH -> AuditRecord.Severity.HIGH;
            case SEVERITY_CRITICAL -> AuditRecord.Severity.CRITICAL;
            case SEVERITY_UNSPECIFIED, UNRECOGNIZED -> badEnum(v, f + "severity", p.getSeverityValue(), Severity.class);
        };
        rules.text(v, f + "message", p.getMessage(), 1024);
        return status == null || severity == null || !v.isEmpty() ? null
                : new AuditRecord.ComplianceRecord(p.getControlId(), status, severity, p.getMessage());
    }

    private TaskHistoryRecord task(TaskRecord p, Violations v) {
        final String f = "task."; // final: f + "field" is then a constant, not a concatenation per record
        rules.recordId(v, f + "record_id", p.getRecordId());
        rules.requiredId(v, f + "task_id", p.getTaskId(), RecordRules.MAX_ID);
        rules.requiredId(v, f + "name", p.getName(), 128);
        EntityId target = entity(v, f + "target", p.hasTarget(), p.getTarget(), false);
        rules.optionalId(v, f + "workflow_run_id", p.getWorkflowRunId(), RecordRules.MAX_ID);
        TaskHistoryRecord.Status status = switch (p.getStatus()) {
            case TASK_STATUS_SUCCEEDED -> TaskHistoryRecord.Status.SUCCEEDED;
            case TASK_STATUS_FAILED -> TaskHistoryRecord.Status.FAILED;
            case TASK_STATUS_CANCELLED -> TaskHistoryRecord.Status.CANCELLED;
            case TASK_STATUS_TIMED_OUT -> TaskHistoryRecord.Status.TIMED_OUT;
            case TASK_STATUS_UNSPECIFIED, UNRECOGNIZED -> badEnum(v, f + "status", p.getStatusValue(), TaskStatus.class);
        };
        Instant start = time(v, f + "start_time", p.hasStartTime(), p.getStartTime(), true);
        java.time.Duration execution = duration(v, f + "execution_time", p.hasExecutionTime(), p.getExecutionTime());
        if (execution != null) {
            rules.executionTime(v, f + "execution_time", execution);
        }
        rules.text(v, f + "error", p.getError(), 4096);
        rules.optionalId(v, f + "agent", p.getAgent(), 128);
        if (!v.isEmpty()) {
            return null;
        }
        return new TaskHistoryRecord(p.getRecordId(), p.getTaskId(), p.getName(), target, p.getWorkflowRunId(), status,
                start, execution, p.getError(), p.getAgent());
    }

    private WorkflowRunHistoryRecord run(WorkflowRunRecord p, Violations v) {
        final String f = "workflow_run."; // final: f + "field" is then a constant, not a concatenation per record
        rules.recordId(v, f + "record_id", p.getRecordId());
        rules.requiredId(v, f + "run_id", p.getRunId(), RecordRules.MAX_ID);
        rules.requiredId(v, f + "workflow", p.getWorkflow(), 128);
        EntityId target = entity(v, f + "target", p.hasTarget(), p.getTarget(), false);
        WorkflowRunHistoryRecord.Status status = switch (p.getStatus()) {
            case WORKFLOW_RUN_STATUS_SUCCEEDED -> WorkflowRunHistoryRecord.Status.SUCCEEDED;
            case WORKFLOW_RUN_STATUS_FAILED -> WorkflowRunHistoryRecord.Status.FAILED;
            case WORKFLOW_RUN_STATUS_CANCELLED -> WorkflowRunHistoryRecord.Status.CANCELLED;
            case WORKFLOW_RUN_STATUS_TIMED_OUT -> WorkflowRunHistoryRecord.Status.TIMED_OUT;
            case WORKFLOW_RUN_STATUS_UNSPECIFIED, UNRECOGNIZED ->
                    badEnum(v, f + "status", p.getStatusValue(), WorkflowRunStatus.class);
        };
        Instant start = time(v, f + "start_time", p.hasStartTime(), p.getStartTime(), true);
        Instant end = time(v, f + "end_time", p.hasEndTime(), p.getEndTime(), true);
        if (start != null && end != null && end.isBefore(start)) {
            v.add(f + "end_time", "OUT_OF_RANGE", "end_time is before start_time");
        }
        rules.text(v, f + "trigger", p.getTrigger(), 256);
        rules.text(v, f + "error", p.getError(), 4096);
        if (!v.isEmpty()) {
            return null;
        }
        return new WorkflowRunHistoryRecord(p.getRecordId(), p.getRunId(), p.getWorkflow(), target, status, start, end,
                p.getTrigger(), p.getError());
    }

    private EntityId entity(Violations v, String field, boolean present, EntityRef ref, boolean required) {
        if (!present) {
            if (required) {
                v.add(field, "REQUIRED", field + " is required");
            }
            return null;
        }
        rules.entityKind(v, field + ".kind", ref.getKind());
        rules.requiredId(v, field + ".id", ref.getId(), 128);
        return new EntityId(ref.getKind(), ref.getId());
    }

    private Instant time(Violations v, String field, boolean present, Timestamp ts, boolean required) {
        if (!present) {
            if (required) {
                v.add(field, "REQUIRED", field + " is required");
            }
            return null;
        }
        if (ts.getNanos() < 0 || ts.getNanos() > 999_999_999) {
            v.add(field, "BAD_FORMAT", field + " has nanos out of range");
            return null;
        }
        Instant instant;
        try {
            instant = Instant.ofEpochSecond(ts.getSeconds(), ts.getNanos());
        } catch (java.time.DateTimeException e) {
            v.add(field, "OUT_OF_RANGE", field + " is not a representable time");
            return null;
        }
        rules.time(v, field, instant);
        return instant.truncatedTo(ChronoUnit.MICROS);
    }

    private static java.time.Duration duration(Violations v, String field, boolean present, Duration d) {
        if (!present) {
            v.add(field, "REQUIRED", field + " is required");
            return null;
        }
        if (d.getNanos() <= -1_000_000_000 || d.getNanos() >= 1_000_000_000
                || (d.getSeconds() > 0 && d.getNanos() < 0) || (d.getSeconds() < 0 && d.getNanos() > 0)) {
            v.add(field, "BAD_FORMAT", field + " has nanos out of range or of the wrong sign");
            return null;
        }
        return java.time.Duration.ofSeconds(d.getSeconds(), d.getNanos()).truncatedTo(ChronoUnit.MICROS);
    }

    private static <T> T badEnum(Violations v, String field, int value, Class<?> enumType) {
        if (value == 0) {
            v.add(field, "REQUIRED", field + " is required (" + enumType.getSimpleName() + " is unspecified)");
        } else {
            v.add(field, "UNKNOWN_ENUM", field + " has unknown " + enumType.getSimpleName() + " value " + value);
        }
        return null;
    }

    // ---- domain -> wire

    /** A stored sample as returned by {@code ListHealthSamples}. */
    public static HealthSample toProto(StoredSample stored) {
        return sampleBuilder(stored.sample()).setReceivedTime(timestamp(stored.receivedAt())).build();
    }

    /** The wire form of a record, as events carry it. */
    public static Message toProto(TelemetryRecord record) {
        if (record instanceof HealthSampleRecord r) {
            return sampleBuilder(r).build();
        }
        if (record instanceof AuditRecord r) {
            AuditResult.Builder b = AuditResult.newBuilder().setRecordId(r.recordId()).setAuditId(r.auditId())
                    .setTarget(ref(r.target())).setSuite(r.suite())
                    .setStatus(AuditStatus.valueOf("AUDIT_STATUS_" + r.status().name()))
                    .setTime(timestamp(r.time())).setSummary(r.summary());
            for (AuditRecord.ComplianceRecord c : r.results()) {
                b.addResults(ComplianceResult.newBuilder().setControlId(c.controlId())
                        .setStatus(ComplianceStatus.valueOf("COMPLIANCE_STATUS_" + c.status().name()))
                        .setSeverity(Severity.valueOf("SEVERITY_" + c.severity().name()))
                        .setMessage(c.message()));
            }
            return b.build();
        }
        if (record instanceof TaskHistoryRecord r) {
            TaskRecord.Builder b = TaskRecord.newBuilder().setRecordId(r.recordId()).setTaskId(r.taskId())
                    .setName(r.name()).setWorkflowRunId(r.workflowRunId())
                    .setStatus(TaskStatus.valueOf("TASK_STATUS_" + r.status().name()))
                    .setStartTime(timestamp(r.startTime()))
                    .setExecutionTime(Duration.newBuilder().setSeconds(r.executionTime().getSeconds())
                            .setNanos(r.executionTime().getNano()))
                    .setError(r.error()).setAgent(r.agent());
            if (r.target() != null) {
                b.setTarget(ref(r.target()));
            }
            return b.build();
        }
        WorkflowRunHistoryRecord r = (WorkflowRunHistoryRecord) record;
        WorkflowRunRecord.Builder b = WorkflowRunRecord.newBuilder().setRecordId(r.recordId()).setRunId(r.runId())
                .setWorkflow(r.workflow())
                .setStatus(WorkflowRunStatus.valueOf("WORKFLOW_RUN_STATUS_" + r.status().name()))
                .setStartTime(timestamp(r.startTime())).setEndTime(timestamp(r.endTime()))
                .setTrigger(r.trigger()).setError(r.error());
        if (r.target() != null) {
            b.setTarget(ref(r.target()));
        }
        return b.build();
    }

    /** A lazily built event payload of a record: nothing is rendered unless a subscriber reads it. */
    public static io.commandcenter.hub.events.Payload payload(TelemetryRecord record) {
        String type;
        if (record instanceof HealthSampleRecord sample) {
            return io.commandcenter.hub.events.grpc.ProtoPayload.healthSample(sample, () -> toProto(record));
        } else if (record instanceof AuditRecord) {
            type = AuditResult.getDescriptor().getFullName();
        } else if (record instanceof TaskHistoryRecord) {
            type = TaskRecord.getDescriptor().getFullName();
        } else {
            type = WorkflowRunRecord.getDescriptor().getFullName();
        }
        return new io.commandcenter.hub.events.grpc.ProtoPayload(type, record, () -> toProto(record));
    }

    private static HealthSample.Builder sampleBuilder(HealthSampleRecord r) {
        HealthSample.Builder b = HealthSample.newBuilder().setRecordId(r.recordId()).setService(r.service())
                .setTime(timestamp(r.time())).putAllMetrics(r.metrics());
        if (r.uptime() != null) {
            b.setUptime(r.uptime());
        }
        if (r.latencyMs() != null) {
            b.setLatencyMs(r.latencyMs());
        }
        if (r.errorRate() != null) {
            b.setErrorRate(r.errorRate());
        }
        if (r.cpu() != null) {
            b.setCpu(r.cpu());
        }
        if (r.memory() != null) {
            b.setMemory(r.memory());
        }
        return b;
    }

    private static EntityRef ref(EntityId id) {
        return EntityRef.newBuilder().setKind(id.kind()).setId(id.id()).build();
    }

    /** A protobuf timestamp of an instant. */
    public static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }

    /**
     * The instant of a request's optional timestamp, or {@code null} when absent.
     *
     * @throws io.commandcenter.common.error.CommandCenterException INVALID ({@code BAD_FORMAT}) naming
     *         {@code field} when the timestamp is not a valid one, ({@code OUT_OF_RANGE}) when it is outside
     *         protobuf's range (years 1 to 9999), which no store can hold
     */
    public static Instant instant(boolean present, Timestamp ts, String field) {
        if (!present) {
            return null;
        }
        if (ts.getNanos() < 0 || ts.getNanos() > 999_999_999) {
            throw io.commandcenter.common.error.CommandCenterException.invalid("BAD_FORMAT", field, field + " has nanos out of range");
        }
        Instant time;
        try {
            time = Instant.ofEpochSecond(ts.getSeconds(), ts.getNanos());
        } catch (java.time.DateTimeException e) {
            throw io.commandcenter.common.error.CommandCenterException.invalid("BAD_FORMAT", field, field + " is not a representable time");
        }
        return io.commandcenter.hub.telemetry.TimeArgument.inRange(time, field);
    }
}
