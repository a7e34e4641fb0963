-- Model versions are per project (issue 17, item 8): project A's workflow_failure 1.1.0 and
-- project B's 1.1.0 may be different models. The artifacts kept in the database are therefore
-- keyed by their content too: a name, version and SHA-256 of the ONNX bytes. Artifacts kept
-- before this migration had one content per name and version, the one the model rows name.
-- Portable SQL for H2 and PostgreSQL.

ALTER TABLE model_artifact ADD COLUMN onnx_sha256 VARCHAR(64);
UPDATE model_artifact SET onnx_sha256 = (SELECT MIN(m.onnx_sha256) FROM model m
    WHERE m.name = model_artifact.name AND m.version = model_artifact.version);
-- an artifact no model row names any more is of no use to anyone
DELETE FROM model_artifact WHERE onnx_sha256 IS NULL;
ALTER TABLE model_artifact ALTER COLUMN onnx_sha256 SET NOT NULL;
ALTER TABLE model_artifact DROP CONSTRAINT pk_model_artifact;
ALTER TABLE model_artifact ADD CONSTRAINT pk_model_artifact PRIMARY KEY (name, version, onnx_sha256);
