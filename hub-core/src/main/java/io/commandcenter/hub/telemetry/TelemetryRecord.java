package io.commandcenter.hub.telemetry;

import java.time.Instant;

/**
 * A validated telemetry record, ready to store. Constructors check invariants only; the checks a
 * client gets field-level errors for happen at the edge ({@link RecordRules}).
 */
public sealed interface TelemetryRecord
        permits HealthSampleRecord, AuditRecord, TaskHistoryRecord, WorkflowRunHistoryRecord {

    /** The idempotency key within the project. */
    String recordId();

    /** When the record happened (sample time, audit time, task or run start). */
    Instant time();

    /** The subject the record is published under once stored. */
    String subject();

    /** The same record under another id (the hub assigns ids to records that came without). */
    TelemetryRecord withRecordId(String recordId);
}
