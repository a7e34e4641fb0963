-- Auto-remediation: workflow definitions with immutable revisions, runs with per-node state,
-- approvals, the decisions taken on predictions and their outcomes (the feedback dataset), and
-- the kill switch. Portable SQL for H2 and PostgreSQL.

CREATE TABLE workflow_revision (
    project_id   VARCHAR(63)                 NOT NULL,
    name         VARCHAR(64)                 NOT NULL,
    revision     INTEGER                     NOT NULL,
    source_text  VARCHAR(70000)              NOT NULL,
    sha256       VARCHAR(64)                 NOT NULL,
    created_at   TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    created_by   VARCHAR(128)                NOT NULL,
    CONSTRAINT pk_workflow_revision PRIMARY KEY (project_id, name, revision)
);

CREATE TABLE remediation_run (
    run_id           VARCHAR(64)                 NOT NULL,
    project_id       VARCHAR(63)                 NOT NULL,
    workflow         VARCHAR(64)                 NOT NULL,
    revision         INTEGER                     NOT NULL,
    state            VARCHAR(24)                 NOT NULL,
    mode             VARCHAR(16)                 NOT NULL,
    trigger_subject  VARCHAR(256)                NOT NULL,
    trigger_event_id VARCHAR(128)                NOT NULL,
    prediction_id    VARCHAR(64),
    target_kind      VARCHAR(32)                 NOT NULL,
    target_id        VARCHAR(128)                NOT NULL,
    idempotency_key  VARCHAR(512)                NOT NULL,
    approval_id      VARCHAR(64),
    hub_id           VARCHAR(128)                NOT NULL,
    error            VARCHAR(4096)               NOT NULL,
    outcome          VARCHAR(16)                 NOT NULL,
    created_at       TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    started_at       TIMESTAMP(6) WITH TIME ZONE,
    finished_at      TIMESTAMP(6) WITH TIME ZONE,
    deadline_at      TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_remediation_run PRIMARY KEY (run_id),
    CONSTRAINT uq_remediation_run_key UNIQUE (project_id, idempotency_key)
);
CREATE INDEX ix_remediation_run_time ON remediation_run (project_id, created_at, run_id);
CREATE INDEX ix_remediation_run_target ON remediation_run (project_id, target_id, created_at);
CREATE INDEX ix_remediation_run_state ON remediation_run (state);

CREATE TABLE remediation_node (
    run_id          VARCHAR(64)                 NOT NULL,
    node_id         VARCHAR(64)                 NOT NULL,
    node_order      INTEGER                     NOT NULL,
    agent           VARCHAR(64)                 NOT NULL,
    action          VARCHAR(64)                 NOT NULL,
    state           VARCHAR(16)                 NOT NULL,
    attempts        INTEGER                     NOT NULL,
    task_id         VARCHAR(128)                NOT NULL,
    inputs_json     VARCHAR(8192)               NOT NULL,
    output_json     VARCHAR(8192)               NOT NULL,
    error           VARCHAR(4096)               NOT NULL,
    compensation    BOOLEAN                     NOT NULL,
    started_at      TIMESTAMP(6) WITH TIME ZONE,
    finished_at     TIMESTAMP(6) WITH TIME ZONE,
    next_attempt_at TIMESTAMP(6) WITH TIME ZONE,
    CONSTRAINT pk_remediation_node PRIMARY KEY (run_id, node_id),
    CONSTRAINT fk_remediation_node_run FOREIGN KEY (run_id) REFERENCES remediation_run (run_id)
);

CREATE TABLE approval (
    approval_id      VARCHAR(64)                 NOT NULL,
    project_id       VARCHAR(63)                 NOT NULL,
    run_id           VARCHAR(64)                 NOT NULL,
    prediction_id    VARCHAR(64),
    workflow         VARCHAR(64)                 NOT NULL,
    revision         INTEGER                     NOT NULL,
    state            VARCHAR(16)                 NOT NULL,
    reason_requested VARCHAR(1024)               NOT NULL,
    min_confidence   DOUBLE PRECISION            NOT NULL,
    blast_per_hour   INTEGER                     NOT NULL,
    blast_used       INTEGER                     NOT NULL,
    requested_at     TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    expires_at       TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    decided_at       TIMESTAMP(6) WITH TIME ZONE,
    decided_by       VARCHAR(128)                NOT NULL,
    reason           VARCHAR(1024)               NOT NULL,
    CONSTRAINT pk_approval PRIMARY KEY (approval_id)
);
CREATE INDEX ix_approval_state ON approval (project_id, state, requested_at);

CREATE TABLE prediction_action (
    action_id      VARCHAR(64)                 NOT NULL,
    project_id     VARCHAR(63)                 NOT NULL,
    prediction_id  VARCHAR(64),
    run_id         VARCHAR(64)                 NOT NULL,
    decision       VARCHAR(16)                 NOT NULL,
    decided_by     VARCHAR(128)                NOT NULL,
    decided_at     TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    reason         VARCHAR(1024)               NOT NULL,
    target_kind    VARCHAR(32)                 NOT NULL,
    target_id      VARCHAR(128)                NOT NULL,
    risk_before    DOUBLE PRECISION,
    outcome        VARCHAR(16)                 NOT NULL,
    outcome_at     TIMESTAMP(6) WITH TIME ZONE,
    risk_after     DOUBLE PRECISION,
    outcome_json   VARCHAR(4096)               NOT NULL,
    CONSTRAINT pk_prediction_action PRIMARY KEY (action_id)
);
CREATE INDEX ix_prediction_action_time ON prediction_action (project_id, decided_at, action_id);
CREATE INDEX ix_prediction_action_prediction ON prediction_action (prediction_id);

CREATE TABLE autonomy (
    scope       VARCHAR(63)                 NOT NULL,
    paused      BOOLEAN                     NOT NULL,
    changed_at  TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    changed_by  VARCHAR(128)                NOT NULL,
    reason      VARCHAR(1024)               NOT NULL,
    CONSTRAINT pk_autonomy PRIMARY KEY (scope)
);
