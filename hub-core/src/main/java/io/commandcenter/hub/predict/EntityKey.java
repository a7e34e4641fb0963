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

    // Written out: the record's generated equals and hashCode run through method handles that the JIT
    // inlines late, and every scored record looks its entity up in four maps (book, tracker, aggregator,
    // risk feed); the same fields, the same contract.
    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof EntityKey k && id.equals(k.id) && kind.equals(k.kind)
                && project.equals(k.project);
    }

    @Override
    public int hashCode() {
        return (project.hashCode() * 31 + kind.hashCode()) * 31 + id.hashCode();
    }

    @Override
    public String toString() {
        return project + "/" + kind + "/" + id;
    }
}
