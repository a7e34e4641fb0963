-- The learning loop's feedback (issue 11): labels people give — a prediction was an incident or a
-- false alarm; an entity had an incident from start_time to end_time (prediction_id NULL). With
-- prediction_action (approvals, rejections, outcomes) they make each project's feedback dataset.
-- Portable SQL for H2 and PostgreSQL.

CREATE TABLE feedback_label (
    label_id      VARCHAR(64)                 NOT NULL,
    project_id    VARCHAR(63)                 NOT NULL,
    prediction_id VARCHAR(64),
    target_kind   VARCHAR(32)                 NOT NULL,
    target_id     VARCHAR(128)                NOT NULL,
    label         VARCHAR(16)                 NOT NULL,
    start_time    TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    end_time      TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    reason        VARCHAR(1024)               NOT NULL,
    labelled_by   VARCHAR(128)                NOT NULL,
    labelled_at   TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_feedback_label PRIMARY KEY (label_id)
);
CREATE INDEX ix_feedback_label_project ON feedback_label (project_id, labelled_at);
CREATE INDEX ix_model_run_target ON model_run (project_id, target_id, executed_at);
