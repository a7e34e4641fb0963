-- The audit ledger (docs/adr/0005-audit-ledger.md): one hash chain of what the hubs decided and
-- were told to do, for every project and every hub sharing the database. Each entry carries the
-- hash of the one before it; entry_hash covers every other column (the encoding is documented in
-- AuditChain and in docs/phase12-intelligence.md). Portable SQL for H2 and PostgreSQL.

CREATE TABLE audit_entry (
    sequence_no   BIGINT                      NOT NULL,
    entry_id      VARCHAR(128)                NOT NULL,
    entry_time    TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    project_id    VARCHAR(63)                 NOT NULL,
    actor         VARCHAR(128)                NOT NULL,
    action        VARCHAR(32)                 NOT NULL,
    subject       VARCHAR(256)                NOT NULL,
    detail        VARCHAR(16384)              NOT NULL,
    hub_id        VARCHAR(128)                NOT NULL,
    previous_hash VARCHAR(64)                 NOT NULL,
    entry_hash    VARCHAR(64)                 NOT NULL,
    -- one entry per place: two appends can never both take the same sequence (no fork)
    CONSTRAINT pk_audit_entry PRIMARY KEY (sequence_no),
    -- an append retried or replayed from a hub's spool is stored once
    CONSTRAINT uq_audit_entry_id UNIQUE (entry_id)
);
CREATE INDEX ix_audit_entry_project ON audit_entry (project_id, sequence_no);
CREATE INDEX ix_audit_entry_subject ON audit_entry (subject, sequence_no);

-- The head of the chain, one row: every append locks it (SELECT ... FOR UPDATE), reads the last
-- sequence and hash, inserts the next entry and moves the head, in one transaction, so hubs
-- appending at once take turns. Kept apart from the entries, it also shows entries cut from the end.
CREATE TABLE audit_head (
    id            INTEGER     NOT NULL,
    head_sequence BIGINT      NOT NULL,
    head_hash     VARCHAR(64) NOT NULL,
    CONSTRAINT pk_audit_head PRIMARY KEY (id)
);
INSERT INTO audit_head (id, head_sequence, head_hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
