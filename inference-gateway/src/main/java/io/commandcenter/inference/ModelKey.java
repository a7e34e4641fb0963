package io.commandcenter.inference;

import java.util.Objects;

/**
 * One model version: {@code name} and {@code version} as in the artifact's sidecar, and optionally
 * the {@code content} it was loaded as (the hub's registry: the ONNX bytes' SHA-256, then {@code :} and
 * the sidecar's — ADR 0016). Versions are per project, so two projects may each register their own
 * {@code workflow_failure 1.1.0}: the registry loads every version under its content, so both run side
 * by side, and equal bytes with equal sidecars are one loaded model.
 * {@code content} is empty for a version loaded by its sidecar alone ({@link #of}).
 */
public record ModelKey(String name, String version, String content) {

    public ModelKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(content, "content");
    }

    public ModelKey(String name, String version) {
        this(name, version, "");
    }

    public static ModelKey of(io.commandcenter.models.artifact.ModelMetadata m) {
        return new ModelKey(m.name(), m.version());
    }

    /** The key of a version loaded under its content hash. */
    public static ModelKey of(io.commandcenter.models.artifact.ModelMetadata m, String onnxSha256) {
        return new ModelKey(m.name(), m.version(), onnxSha256);
    }

    @Override
    public String toString() {
        return name + "-" + version;
    }
}
