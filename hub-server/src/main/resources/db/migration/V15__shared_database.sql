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

-- Indexes for queries every hub runs on growing tables, so each reads its page, not the table. All
-- CREATEs come first and the DROPs last: on PostgreSQL a DROP INDEX locks its table (ACCESS EXCLUSIVE)
-- until the migration commits, so dropping early would block every read of model_run through the
-- builds that follow. IF NOT EXISTS lets an operator build these indexes beforehand with CREATE INDEX
-- CONCURRENTLY under the same names (guide 8.1); the migration then only drops the old two.
-- The decisions not judged yet, oldest first (OutcomeWatcher, every 15 s on every hub);
CREATE INDEX IF NOT EXISTS ix_prediction_action_outcome ON prediction_action (outcome, decided_at, action_id);
-- pending approvals past their expiry, in every project (the approval sweep);
CREATE INDEX IF NOT EXISTS ix_approval_expiry ON approval (state, expires_at);
-- a project's model runs, newest first, and one target's (ListModelRuns): with the run id, so that a
-- page is read in index order without a sort. They replace V2's and V9's shorter indexes.
CREATE INDEX IF NOT EXISTS ix_model_run_page ON model_run (project_id, executed_at, run_id);
CREATE INDEX IF NOT EXISTS ix_model_run_target_page ON model_run (project_id, target_id, executed_at, run_id);

-- api_key's times WITH TIME ZONE, like every other time column: without it the JDBC driver stored
-- each hub's local wall-clock time (the JVM's zone), so hubs in different zones read expires_at and
-- revoked_at apart by their offset. The conversion reads the stored values in the session's zone,
-- which H2 and pgjdbc take from the migrating hub's JVM zone: exact for every deployment whose hubs
-- share one zone. A shared database written by hubs in different zones needs a hand shift (guide 8.1).
ALTER TABLE api_key ALTER COLUMN created_at SET DATA TYPE TIMESTAMP(6) WITH TIME ZONE;
ALTER TABLE api_key ALTER COLUMN expires_at SET DATA TYPE TIMESTAMP(6) WITH TIME ZONE;
ALTER TABLE api_key ALTER COLUMN revoked_at SET DATA TYPE TIMESTAMP(6) WITH TIME ZONE;
ALTER TABLE api_key ALTER COLUMN last_used_at SET DATA TYPE TIMESTAMP(6) WITH TIME ZONE;

-- Last: the old indexes (brief once the new ones exist; see above).
DROP INDEX IF EXISTS ix_model_run_time;
DROP INDEX IF EXISTS ix_model_run_target;
