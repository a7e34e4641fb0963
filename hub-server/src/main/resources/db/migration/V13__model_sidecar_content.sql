-- Two projects may register one name and version with equal ONNX bytes but other sidecars (another
-- threshold, onset calibration or lineage: the learning loop's challengers trained on the same data in
-- two projects, issue 11): those are two models. A version's content is therefore its bytes' SHA-256
-- AND its sidecar's. sidecar_sha256 is empty (model_artifact) or NULL (model) for what was kept before
-- this migration: content by bytes alone, as before. Portable SQL for H2 and PostgreSQL.

ALTER TABLE model ADD COLUMN sidecar_sha256 VARCHAR(64);
ALTER TABLE model_artifact ADD COLUMN sidecar_sha256 VARCHAR(64) DEFAULT '' NOT NULL;
ALTER TABLE model_artifact DROP CONSTRAINT pk_model_artifact;
ALTER TABLE model_artifact ADD CONSTRAINT pk_model_artifact PRIMARY KEY (name, version, onnx_sha256, sidecar_sha256);

-- The shadow gate's retention (cc.learning.shadow-retention): every hub's minute tick deletes would-be
-- predictions observed before a cut, by time alone.
CREATE INDEX ix_shadow_prediction_time ON shadow_prediction (observed_at);
