package io.commandcenter.hub.remediate;

import io.commandcenter.hub.predict.PredictionRecord;
import io.commandcenter.hub.project.ProjectId;

import java.util.Optional;

/**
 * What a run acts on: an entity ({@code service checkout}) or, for a run without one (a scheduled
 * run), the workflow itself ({@value #WORKFLOW} kind).
 */
record Target(String kind, String id) {
    /** The kind of runs without an entity: their tasks carry no target. */
    static final String WORKFLOW = "workflow";

    static Target of(RunRecord run) {
        return new Target(run.targetKind(), run.targetId());
    }

    /**
     * The target of a prediction, else the named one, else the workflow itself.
     *
     * @param kind defaults to {@code service} when an id is named without one
     */
    static Target resolve(Optional<PredictionRecord> prediction, String kind, String id, String workflow) {
        return prediction.map(p -> new Target(p.targetKind(), p.targetId()))
                .orElse(id == null || id.isEmpty() ? new Target(WORKFLOW, workflow)
                        : new Target(kind == null || kind.isEmpty() ? "service" : kind, id));
    }

    boolean isEntity() {
        return !WORKFLOW.equals(kind);
    }

    /** The lane everything about this target runs on ({@link Stripes}). */
    String lane(ProjectId project) {
        return Stripes.key(project, kind, id);
    }
}
