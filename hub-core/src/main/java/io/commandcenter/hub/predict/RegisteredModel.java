package io.commandcenter.hub.predict;

import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.models.artifact.ModelMetadata;

import java.time.Instant;
import java.util.Objects;

/**
 * A model version registered in a project.
 *
 * @param path     the ONNX file on the hub
 * @param champion whether it is its name's champion in the project
 */
public record RegisteredModel(String modelId, ProjectId project, ModelMetadata metadata, String path,
                              String onnxSha256, Instant createdAt, boolean champion) {
    public RegisteredModel {
        Objects.requireNonNull(modelId, "modelId");
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(onnxSha256, "onnxSha256");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    public String name() {
        return metadata.name();
    }

    public String version() {
        return metadata.version();
    }

    public RegisteredModel withChampion(boolean isChampion) {
        return new RegisteredModel(modelId, project, metadata, path, onnxSha256, createdAt, isChampion);
    }
}
