package io.commandcenter.hub.remediate;

import io.commandcenter.hub.project.ProjectId;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where decisions ({@code PredictionAction}) and their outcomes are kept: the feedback dataset. */
public interface ActionStore {

    void insert(ActionRecord action);

    void update(ActionRecord action);

    /**
     * Stores a judged decision's outcome only where none is stored yet, in one conditional write: true
     * when this call stored it; false when the decision was judged already (by another hub sharing the
     * database, or another watch of this one) or is unknown — nothing is changed then.
     */
    boolean recordOutcome(ActionRecord judged);

    Optional<ActionRecord> actionOfRun(String runId);

    /** Decisions whose outcome has not been judged yet, oldest first (to resume watching after a restart). */
    List<ActionRecord> awaitingOutcome(int limit);

    /**
     * Decisions of a project, newest first (up to {@code limit + 1}), optionally only those of one
     * prediction and/or one run ({@code null}: any).
     */
    List<ActionRecord> actions(ProjectId project, String predictionId, String runId, int limit, Instant afterTime,
                               String afterId);
}
