package io.commandcenter.hub.remediate;

import io.commandcenter.hub.project.ProjectId;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where workflow revisions are kept: append-only, one number per revision. */
public interface WorkflowStore {

    /**
     * Appends a revision (number = latest + 1) unless the latest has the same SHA-256.
     *
     * @return the stored revision and whether it is new
     */
    Appended append(ProjectId project, String name, String source, String sha256, Instant at, String by);

    /** A revision and whether {@link #append} created it. */
    record Appended(WorkflowRevision revision, boolean created) {
    }

    Optional<WorkflowRevision> revision(ProjectId project, String name, int revision);

    Optional<WorkflowRevision> latest(ProjectId project, String name);

    /** Every revision of a workflow, newest first. */
    List<WorkflowRevision> revisions(ProjectId project, String name);

    /** The latest revision of every workflow of every project. */
    List<WorkflowRevision> latestEverywhere();
}
