package io.commandcenter.hub.remediate;

import io.commandcenter.hub.project.ProjectId;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where workflows, runs, approvals, decisions and the kill switch are kept. Implementation: {@code JpaRemediationStore}. */
public interface RemediationStore {

    // ---- workflows

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

    // ---- runs

    /**
     * Stores a new run with its approval and decision (either may be absent), in one transaction.
     *
     * @return false when a run with the same idempotency key exists (nothing stored)
     */
    boolean create(RunRecord run, Optional<ApprovalRecord> approval, Optional<ActionRecord> action);

    /** Stores a run's new state and nodes. */
    void update(RunRecord run);

    Optional<RunRecord> run(String runId);

    /** Filters of a run listing, newest first, with a keyset position. */
    record RunQuery(String workflow, RunState state, String targetId, int limit, Instant afterTime, String afterId) {
    }

    /** Up to {@code limit + 1} runs. */
    List<RunRecord> runs(ProjectId project, RunQuery query);

    /** Runs not finished (to resume after a restart). */
    List<RunRecord> unfinished();

    /** Runs started without a person (automatic or scheduled) on a target since a time: the blast radius. */
    int automaticRunsSince(ProjectId project, String targetKind, String targetId, Instant since);

    /** Runs of a workflow on a target that are waiting for approval or running. */
    int activeRuns(ProjectId project, String workflow, String targetKind, String targetId);

    // ---- approvals and decisions

    void update(ApprovalRecord approval);

    /**
     * Records a decision on an approval only if it is still pending: of two hubs (or two people)
     * deciding at once, exactly one wins.
     *
     * @return whether this decision was recorded
     */
    boolean decide(ApprovalRecord decided);

    Optional<ApprovalRecord> approval(String approvalId);

    /** Approvals of a project in a state (null: pending), oldest first. */
    List<ApprovalRecord> approvals(ProjectId project, String state, int limit);

    /** Pending approvals whose time ran out. */
    List<ApprovalRecord> expired(Instant now);

    void insert(ActionRecord action);

    void update(ActionRecord action);

    Optional<ActionRecord> actionOfRun(String runId);

    /** Decisions whose outcome has not been observed yet, oldest first (to resume watching after a restart). */
    List<ActionRecord> awaitingOutcome(int limit);

    /**
     * Decisions of a project, newest first (up to {@code limit + 1}), optionally only those of one
     * prediction and/or one run ({@code null}: any).
     */
    List<ActionRecord> actions(ProjectId project, String predictionId, String runId, int limit, Instant afterTime,
                               String afterId);

    // ---- kill switch

    Optional<AutonomySetting> autonomy(String scope);

    void put(AutonomySetting setting);
}
