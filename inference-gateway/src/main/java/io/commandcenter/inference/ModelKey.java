package io.commandcenter.inference;

import java.util.Objects;

/** One model version: {@code name} and {@code version} as in the artifact's sidecar. */
public record ModelKey(String name, String version) {

    public ModelKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
    }

    public static ModelKey of(io.commandcenter.models.artifact.ModelMetadata m) {
        return new ModelKey(m.name(), m.version());
    }

    @Override
    public String toString() {
        return name + "-" + version;
    }
}
