-- Stores that stay right when several hubs share one database. Portable SQL for H2 and PostgreSQL.

-- One row per (project, model name), locked (SELECT ... FOR UPDATE) by a promotion before it ends
-- the name's open champion period: two promotions at once take turns, so a name never has two open
-- periods. Rows are added by the hub on a name's first promotion and never deleted.
CREATE TABLE model_champion_lock (
    project_id VARCHAR(63) NOT NULL,
    name       VARCHAR(64) NOT NULL,
    CONSTRAINT pk_model_champion_lock PRIMARY KEY (project_id, name)
);
INSERT INTO model_champion_lock (project_id, name) SELECT DISTINCT project_id, name FROM model_champion;

-- Indexes for queries every hub runs on growing tables, so each reads its page, not the table:
-- the decisions not judged yet, oldest first (OutcomeWatcher, every 15 s on every hub);
CREATE INDEX ix_prediction_action_outcome ON prediction_action (outcome, decided_at, action_id);
-- pending approvals past their expiry, in every project (the approval sweep);
CREATE INDEX ix_approval_expiry ON approval (state, expires_at);
-- a project's model runs, newest first, and one target's (ListModelRuns): with the run id, so that a
-- page is read in index order without a sort. They replace V2's and V9's shorter indexes.
CREATE INDEX ix_model_run_page ON model_run (project_id, executed_at, run_id);
DROP INDEX ix_model_run_time;
CREATE INDEX ix_model_run_target_page ON model_run (project_id, target_id, executed_at, run_id);
DROP INDEX ix_model_run_target;

-- api_key's times WITH TIME ZONE, like every other time column: without it the JDBC driver stored
-- each hub's local wall-clock time, so hubs in different zones read expires_at and revoked_at apart
-- by their offset. Stored values are read as UTC (hubs so far ran in UTC): the session's zone is
-- set to UTC for the conversion and set back to the connection's own afterwards. SET DATA TYPE
-- and SET TIME ZONE are understood alike by H2 and PostgreSQL.
SET TIME ZONE 'UTC';
ALTER TABLE api_key ALTER COLUMN created_at SET DATA TYPE TIMESTAMP(6) WITH TIME ZONE;
ALTER TABLE api_key ALTER COLUMN expires_at SET DATA TYPE TIMESTAMP(6) WITH TIME ZONE;
ALTER TABLE api_key ALTER COLUMN revoked_at SET DATA TYPE TIMESTAMP(6) WITH TIME ZONE;
ALTER TABLE api_key ALTER COLUMN last_used_at SET DATA TYPE TIMESTAMP(6) WITH TIME ZONE;
SET TIME ZONE LOCAL;
