-- Model artifacts in the database: every hub sharing it can load any registered version (the
-- files under cc.models.dir are then each hub's own copy). A name and version always mean the same
-- bytes, whatever the project, so the key is the name and version.
CREATE TABLE model_artifact (
    name         VARCHAR(64)     NOT NULL,
    version      VARCHAR(64)     NOT NULL,
    model_type   VARCHAR(16)     NOT NULL,
    onnx         BYTEA           NOT NULL,
    sidecar_json VARCHAR(1048576) NOT NULL,
    CONSTRAINT pk_model_artifact PRIMARY KEY (name, version)
);
