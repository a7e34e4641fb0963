-- Projects and the telemetry data sources: health samples, audits with their compliance results,
-- task history and workflow-run outcomes. Portable SQL: runs unchanged on H2 (embedded default)
-- and PostgreSQL. Every row belongs to a project; the client-supplied record id is the primary
-- key within it, which makes ingest idempotent.

CREATE TABLE project (
    project_id   VARCHAR(63)                 NOT NULL,
    created_at   TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_project PRIMARY KEY (project_id)
);

CREATE TABLE health_sample (
    project_id   VARCHAR(63)                 NOT NULL,
    record_id    VARCHAR(128)                NOT NULL,
    service      VARCHAR(128)                NOT NULL,
    sample_time  TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    uptime       DOUBLE PRECISION,
    latency_ms   DOUBLE PRECISION,
    error_rate   DOUBLE PRECISION,
    cpu          DOUBLE PRECISION,
    memory       DOUBLE PRECISION,
    metrics_json VARCHAR(8192),
    received_at  TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_health_sample PRIMARY KEY (project_id, record_id)
);
CREATE INDEX ix_health_sample_time ON health_sample (project_id, sample_time, record_id);
CREATE INDEX ix_health_sample_service_time ON health_sample (project_id, service, sample_time, record_id);

CREATE TABLE audit (
    project_id   VARCHAR(63)                 NOT NULL,
    record_id    VARCHAR(128)                NOT NULL,
    audit_id     VARCHAR(128)                NOT NULL,
    target_kind  VARCHAR(32)                 NOT NULL,
    target_id    VARCHAR(128)                NOT NULL,
    suite        VARCHAR(128)                NOT NULL,
    status       VARCHAR(16)                 NOT NULL,
    audit_time   TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    summary      VARCHAR(1024)               NOT NULL,
    received_at  TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_audit PRIMARY KEY (project_id, record_id)
);
CREATE INDEX ix_audit_target_time ON audit (project_id, target_kind, target_id, audit_time);

CREATE TABLE compliance_result (
    project_id   VARCHAR(63)   NOT NULL,
    record_id    VARCHAR(128)  NOT NULL,
    result_index INTEGER       NOT NULL,
    control_id   VARCHAR(128)  NOT NULL,
    status       VARCHAR(16)   NOT NULL,
    severity     VARCHAR(16)   NOT NULL,
    message      VARCHAR(1024) NOT NULL,
    CONSTRAINT pk_compliance_result PRIMARY KEY (project_id, record_id, result_index),
    CONSTRAINT fk_compliance_result_audit FOREIGN KEY (project_id, record_id)
        REFERENCES audit (project_id, record_id) ON DELETE CASCADE
);

CREATE TABLE task (
    project_id        VARCHAR(63)                 NOT NULL,
    record_id         VARCHAR(128)                NOT NULL,
    task_id           VARCHAR(128)                NOT NULL,
    name              VARCHAR(128)                NOT NULL,
    target_kind       VARCHAR(32),
    target_id         VARCHAR(128),
    workflow_run_id   VARCHAR(128)                NOT NULL,
    status            VARCHAR(16)                 NOT NULL,
    start_time        TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    execution_time_us BIGINT                      NOT NULL,
    error             VARCHAR(4096)               NOT NULL,
    agent             VARCHAR(128)                NOT NULL,
    received_at       TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_task PRIMARY KEY (project_id, record_id)
);
CREATE INDEX ix_task_name_time ON task (project_id, name, start_time);

CREATE TABLE workflow_run (
    project_id     VARCHAR(63)                 NOT NULL,
    record_id      VARCHAR(128)                NOT NULL,
    run_id         VARCHAR(128)                NOT NULL,
    workflow       VARCHAR(128)                NOT NULL,
    target_kind    VARCHAR(32),
    target_id      VARCHAR(128),
    status         VARCHAR(16)                 NOT NULL,
    start_time     TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    end_time       TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    trigger_source VARCHAR(256)                NOT NULL,
    error          VARCHAR(4096)               NOT NULL,
    received_at    TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_workflow_run PRIMARY KEY (project_id, record_id)
);
CREATE INDEX ix_workflow_run_workflow_time ON workflow_run (project_id, workflow, start_time);
