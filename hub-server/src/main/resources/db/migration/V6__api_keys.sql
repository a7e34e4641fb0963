-- API keys: the SHA-256 of each key's secret, never the secret. A key covers one project
-- (project_id) or every project (project_id NULL) with one role.
CREATE TABLE api_key (
    key_id       VARCHAR(16)  NOT NULL,
    name         VARCHAR(64)  NOT NULL,
    project_id   VARCHAR(63),
    role         VARCHAR(16)  NOT NULL,
    secret_hash  VARCHAR(64)  NOT NULL,
    created_at   TIMESTAMP    NOT NULL,
    created_by   VARCHAR(160) NOT NULL,
    expires_at   TIMESTAMP,
    revoked_at   TIMESTAMP,
    last_used_at TIMESTAMP,
    CONSTRAINT pk_api_key PRIMARY KEY (key_id)
);
CREATE INDEX ix_api_key_project ON api_key (project_id, created_at);
