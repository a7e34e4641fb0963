-- The learning loop's shadow gate (issue 11): a challenger that passed the holdout waits in shadow for a
-- project's period before promotion. shadow_gate is one challenger's wait and its verdict (pending,
-- promoted, refused, with the reason); shadow_prediction holds what a challenger in shadow would have
-- raised — stored apart from prediction, so nothing reads it as a real prediction or acts on it.
-- Portable SQL for H2 and PostgreSQL.

CREATE TABLE shadow_gate (
    project_id     VARCHAR(63)                 NOT NULL,
    model_name     VARCHAR(64)                 NOT NULL,
    model_version  VARCHAR(64)                 NOT NULL,
    state          VARCHAR(16)                 NOT NULL,
    start_time     TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    end_time       TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    holdout_reason VARCHAR(1024)               NOT NULL,
    verdict        VARCHAR(1024)               NOT NULL,
    decided_at     TIMESTAMP(6) WITH TIME ZONE,
    CONSTRAINT pk_shadow_gate PRIMARY KEY (project_id, model_name, model_version)
);
CREATE INDEX ix_shadow_gate_state ON shadow_gate (state, end_time);

CREATE TABLE shadow_prediction (
    shadow_prediction_id VARCHAR(64)                 NOT NULL,
    project_id           VARCHAR(63)                 NOT NULL,
    model_name           VARCHAR(64)                 NOT NULL,
    model_version        VARCHAR(64)                 NOT NULL,
    target_kind          VARCHAR(32)                 NOT NULL,
    target_id            VARCHAR(128)                NOT NULL,
    risk                 DOUBLE PRECISION            NOT NULL,
    threshold            DOUBLE PRECISION            NOT NULL,
    observed_at          TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_shadow_prediction PRIMARY KEY (shadow_prediction_id)
);
CREATE INDEX ix_shadow_prediction_model ON shadow_prediction (project_id, model_name, model_version, observed_at);
