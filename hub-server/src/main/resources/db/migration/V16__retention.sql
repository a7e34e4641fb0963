-- Retention (cc.retention.*, guide 8.2): each hub's pass picks a batch of a project's oldest rows by a time index
-- and deletes them by key. The indexes below are the ones its reads need and V1-V15 do not have. Portable SQL for H2
-- and PostgreSQL; IF NOT EXISTS lets an operator build them beforehand with CREATE INDEX CONCURRENTLY under the same
-- names and definitions (guide 8.2): each build here holds a SHARE lock on its table (writes wait) until the
-- migration commits.

-- a project's oldest audits, tasks and workflow-run telemetry (V1 indexes them by target, name or workflow first)
CREATE INDEX IF NOT EXISTS ix_audit_time ON audit (project_id, audit_time, record_id);
CREATE INDEX IF NOT EXISTS ix_task_time ON task (project_id, start_time, record_id);
CREATE INDEX IF NOT EXISTS ix_workflow_run_time ON workflow_run (project_id, start_time, record_id);
-- what keeps a row: a model run named by a prediction, a prediction named by a label, a declared incident's window
CREATE INDEX IF NOT EXISTS ix_prediction_model_run ON prediction (model_run_id);
CREATE INDEX IF NOT EXISTS ix_feedback_label_prediction ON feedback_label (prediction_id);
CREATE INDEX IF NOT EXISTS ix_feedback_label_target ON feedback_label (project_id, target_id, start_time);
-- a finished run's approvals, deleted with it
CREATE INDEX IF NOT EXISTS ix_approval_run ON approval (run_id);
