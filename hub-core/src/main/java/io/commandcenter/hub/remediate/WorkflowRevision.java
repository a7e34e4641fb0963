package io.commandcenter.hub.remediate;

import io.commandcenter.hub.project.ProjectId;

import java.time.Instant;
import java.util.Objects;

/** One immutable revision of a workflow's YAML. */
public record WorkflowRevision(ProjectId project, String name, int revision, String source, String sha256,
                               Instant createdAt, String createdBy) {
    public WorkflowRevision {
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(createdBy, "createdBy");
    }
}
