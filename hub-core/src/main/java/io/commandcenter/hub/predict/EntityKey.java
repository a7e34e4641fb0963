package io.commandcenter.hub.predict;

import io.commandcenter.hub.project.ProjectId;

import java.util.Objects;

/**
 * An entity the predictive engine keeps state for: a service (health samples), an audited target
 * (compliance), or a workflow or task (run history), in one project.
 */
public record EntityKey(ProjectId project, String kind, String id) {
    /** Services, scored by {@code service_health}. */
    public static final String SERVICE = "service";
    /** Workflows, scored by {@code workflow_failure}. */
    public static final String WORKFLOW = "workflow";
    /** Tasks, scored by {@code workflow_failure}. */
    public static final String TASK = "task";

    public EntityKey {
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
    }

    @Override
    public String toString() {
        return project + "/" + kind + "/" + id;
    }
}
