package io.commandcenter.hub.remediate;

import io.commandcenter.hub.project.ProjectId;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where approvals are kept. They are created with their run ({@link RunStore#create}). */
public interface ApprovalStore {

    /**
     * Records a decision on an approval only if it is still pending: of two hubs (or two people)
     * deciding at once, exactly one wins.
     *
     * @return whether this decision was recorded
     */
    boolean decide(ApprovalRecord decided);

    Optional<ApprovalRecord> approval(String approvalId);

    /** Approvals of a project in a state (null: pending), oldest first. */
    List<ApprovalRecord> approvals(ProjectId project, ApprovalState state, int limit);

    /** How many approvals of a project are pending (one count, nothing loaded). */
    long countPending(ProjectId project);

    /**
     * A page of the pending approvals whose time ran out, of every project, by expiry then id: those
     * after {@code after} in that order (null: from the first), at most {@code limit}.
     */
    List<ApprovalRecord> expired(Instant now, ApprovalRecord after, int limit);
}
