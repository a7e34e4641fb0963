-- The predictive engine: registered models and the history of their champions, model runs
-- (every run that raised a prediction, the others aggregated per entity and minute), and
-- predictions. Portable SQL for H2 and PostgreSQL.

CREATE TABLE model (
    model_id     VARCHAR(64)                 NOT NULL,
    project_id   VARCHAR(63)                 NOT NULL,
    name         VARCHAR(64)                 NOT NULL,
    version      VARCHAR(64)                 NOT NULL,
    model_type   VARCHAR(16)                 NOT NULL,
    path         VARCHAR(1024)               NOT NULL,
    onnx_sha256  VARCHAR(64)                 NOT NULL,
    threshold    DOUBLE PRECISION            NOT NULL,
    metrics_json VARCHAR(8192)               NOT NULL,
    created_at   TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_model PRIMARY KEY (model_id),
    CONSTRAINT uq_model_version UNIQUE (project_id, name, version)
);

CREATE TABLE model_champion (
    period_id    VARCHAR(64)                 NOT NULL,
    project_id   VARCHAR(63)                 NOT NULL,
    name         VARCHAR(64)                 NOT NULL,
    version      VARCHAR(64)                 NOT NULL,
    model_id     VARCHAR(64)                 NOT NULL,
    start_time   TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    end_time     TIMESTAMP(6) WITH TIME ZONE,
    promoted_by  VARCHAR(128)                NOT NULL,
    reason       VARCHAR(512)                NOT NULL,
    CONSTRAINT pk_model_champion PRIMARY KEY (period_id),
    CONSTRAINT fk_model_champion_model FOREIGN KEY (model_id) REFERENCES model (model_id)
);
CREATE INDEX ix_model_champion_name ON model_champion (project_id, name, start_time);

CREATE TABLE model_run (
    run_id       VARCHAR(64)                 NOT NULL,
    project_id   VARCHAR(63)                 NOT NULL,
    model_id     VARCHAR(64)                 NOT NULL,
    target_kind  VARCHAR(32)                 NOT NULL,
    target_id    VARCHAR(128)                NOT NULL,
    run_kind     VARCHAR(16)                 NOT NULL,
    runs         INTEGER                     NOT NULL,
    input_json   VARCHAR(4096)               NOT NULL,
    output_json  VARCHAR(4096)               NOT NULL,
    confidence   DOUBLE PRECISION,
    executed_at  TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_model_run PRIMARY KEY (run_id)
);
CREATE INDEX ix_model_run_time ON model_run (project_id, executed_at);

CREATE TABLE prediction (
    prediction_id         VARCHAR(64)                 NOT NULL,
    project_id            VARCHAR(63)                 NOT NULL,
    target_entity         VARCHAR(32)                 NOT NULL,
    target_id             VARCHAR(128)                NOT NULL,
    prediction_type       VARCHAR(32)                 NOT NULL,
    risk                  DOUBLE PRECISION            NOT NULL,
    confidence            DOUBLE PRECISION            NOT NULL,
    confidence_terms_json VARCHAR(512)                NOT NULL,
    recommended_action    VARCHAR(32)                 NOT NULL,
    factors_json          VARCHAR(4096)               NOT NULL,
    model_name            VARCHAR(64)                 NOT NULL,
    model_version         VARCHAR(64)                 NOT NULL,
    threshold             DOUBLE PRECISION            NOT NULL,
    trace_id              VARCHAR(32)                 NOT NULL,
    model_run_id          VARCHAR(64)                 NOT NULL,
    observed_at           TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    created_at            TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_prediction PRIMARY KEY (prediction_id)
);
CREATE INDEX ix_prediction_time ON prediction (project_id, created_at, prediction_id);
CREATE INDEX ix_prediction_target ON prediction (project_id, target_id, created_at);
