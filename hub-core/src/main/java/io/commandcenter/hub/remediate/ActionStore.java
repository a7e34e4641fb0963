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
     * Stores a judged decision's outcome only where none is stored yet, in one conditional write, and in
     * the same transaction the outcome of the decision's run when that run is finished: true when this
     * call stored it; false when the decision was judged already (by another hub sharing the database, or
     * another watch of this one) or is unknown — nothing is changed then. When the run's part fails,
     * nothing is stored (the decision stays awaiting its outcome) and the failure is thrown.
     */
    boolean recordOutcome(ActionRecord judged);

    /** The longest outcome JSON a store keeps (the column's size). */
    int MAX_OUTCOME_JSON = 4096;

    /** An outcome's JSON as a store keeps it: cut to {@link #MAX_OUTCOME_JSON} characters, ending "...". */
    static String outcomeJsonAsStored(String json) {
        return json == null || json.length() <= MAX_OUTCOME_JSON ? json
                : json.substring(0, MAX_OUTCOME_JSON - 3) + "...";
    }

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
