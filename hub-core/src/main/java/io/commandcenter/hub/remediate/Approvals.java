package io.commandcenter.hub.remediate;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.hub.audit.AuditRecord;
import io.commandcenter.hub.audit.AuditTrail;
import io.commandcenter.hub.predict.PredictionRecord;
import io.commandcenter.hub.project.ProjectId;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A person's say on a run that waits: approve (the run starts on this hub, pinned to the revision
 * it was raised with), reject (nothing runs), or nobody in time (it expires: a rejection). Of two
 * decisions at once, on one hub or two, exactly one is recorded ({@link ApprovalStore#decide}).
 * Every decision is a {@code PredictionAction} and an entry of the audit ledger; a rejected or
 * expired one is judged later like any other ({@link OutcomeWatcher}): a rejection followed by
 * recovery says the model cried wolf.
 */
final class Approvals {
    private static final System.Logger LOG = System.getLogger(Approvals.class.getName());

    private final ApprovalStore approvals;
    private final RunStore runs;
    private final ActionStore actions;
    private final WorkflowCatalog catalog;
    private final PredictionLookup predictions;
    private final RemediationEvents events;
    private final AuditTrail audit;
    private final RunExecutor executor;
    private final OutcomeWatcher outcomes;
    private final Stripes stripes;
    private final Clock clock;
    private final String hubId;

    Approvals(ApprovalStore approvals, RunStore runs, ActionStore actions, WorkflowCatalog catalog,
              PredictionLookup predictions, RemediationEvents events, AuditTrail audit, RunExecutor executor,
              OutcomeWatcher outcomes, Stripes stripes, Clock clock, String hubId) {
        this.approvals = approvals;
        this.runs = runs;
        this.actions = actions;
        this.catalog = catalog;
        this.predictions = predictions;
        this.events = events;
        this.audit = audit;
        this.executor = executor;
        this.outcomes = outcomes;
        this.stripes = stripes;
        this.clock = clock;
        this.hubId = hubId;
    }

    /**
     * Records a person's verdict ({@code APPROVED} or {@code REJECTED}) on a pending approval.
     *
     * @throws CommandCenterException INVALID (empty id), NOT_FOUND ({@code APPROVAL_NOT_FOUND}),
     *         PRECONDITION ({@code APPROVAL_DECIDED}, {@code APPROVAL_EXPIRED}: an approval past its
     *         expiry is expired on the spot and cannot be approved)
     */
    Decided decide(ProjectId project, String approvalId, ApprovalState verdict, String by, String reason) {
        if (approvalId == null || approvalId.isEmpty()) {
            throw CommandCenterException.invalid("REQUIRED", "approval_id", "approval_id is required");
        }
        ApprovalRecord approval = approvals.approval(approvalId).filter(a -> a.project().equals(project))
                .orElseThrow(() -> CommandCenterException.notFound("APPROVAL_NOT_FOUND", "no approval " + approvalId
                        + " in project " + project));
        RunRecord run = runs.run(approval.runId()).orElseThrow(() -> CommandCenterException.notFound("RUN_NOT_FOUND",
                "the run of approval " + approvalId + " is gone"));
        return stripes.call(RunExecutor.laneOf(run), () -> {
            ApprovalRecord current = approvals.approval(approvalId).orElseThrow();
            if (!current.isPending()) {
                throw alreadyDecided(current);
            }
            Instant now = clock.instant();
            if (!now.isBefore(current.expiresAt())) {
                expire(current, now);
                throw new CommandCenterException(ErrorKind.PRECONDITION, "APPROVAL_EXPIRED", "approval " + approvalId
                        + " expired at " + current.expiresAt() + "; an expired approval is a rejection");
            }
            return settle(current, verdict, by, reason, now, true).orElseThrow(() ->
                    alreadyDecided(approvals.approval(approvalId).orElseThrow()));
        });
    }

    /**
     * Withdraws the approval of a waiting run that a person cancels (a rejection). The ledger
     * records the cancel ({@link Runs#cancel}), not a second verdict. Call on the run's lane.
     */
    void withdraw(RunRecord run, String by, String reason) {
        ApprovalRecord approval = approvals.approval(run.approvalId()).orElseThrow();
        settle(approval, ApprovalState.REJECTED, by, "run cancelled" + (reason == null || reason.isEmpty() ? ""
                : ": " + reason), clock.instant(), false);
    }

    /** Expires every pending approval whose time ran out (the sweep; each on its run's lane). */
    void expireDue() {
        for (ApprovalRecord a : approvals.expired(clock.instant())) {
            runs.run(a.runId()).ifPresent(run -> stripes.run(RunExecutor.laneOf(run), () -> {
                ApprovalRecord current = approvals.approval(a.approvalId()).orElseThrow();
                if (current.isPending()) {
                    expire(current, clock.instant());
                }
            }));
        }
    }

    /** Approvals of a project in a state (null: pending), oldest first. */
    List<ApprovalRecord> list(ProjectId project, ApprovalState state, int limit) {
        return approvals.approvals(project, state, limit);
    }

    private void expire(ApprovalRecord approval, Instant now) {
        settle(approval, ApprovalState.EXPIRED, "hub:" + hubId, "no decision within "
                + Duration.between(approval.requestedAt(), approval.expiresAt()), now, true);
    }

    private static CommandCenterException alreadyDecided(ApprovalRecord a) {
        return new CommandCenterException(ErrorKind.PRECONDITION, "APPROVAL_DECIDED", "approval " + a.approvalId()
                + " was already " + a.state().wireName() + (a.decidedBy().isEmpty() ? "" : " by " + a.decidedBy())
                + (a.decidedAt() == null ? "" : " at " + a.decidedAt()));
    }

    /**
     * Records a decision if nobody else did first, and moves the run; {@code audited}: the verdict is
     * also an entry of the audit ledger, written before the approved run starts. Call on the run's lane.
     */
    private Optional<Decided> settle(ApprovalRecord approval, ApprovalState verdict, String by, String reason,
                                     Instant now, boolean audited) {
        String why = reason == null ? "" : reason;
        ApprovalRecord decided = approval.decided(verdict, by, why, now);
        if (!approvals.decide(decided)) {
            return Optional.empty();
        }
        RunRecord run = runs.run(approval.runId()).orElseThrow();
        Optional<PredictionRecord> prediction = run.predictionId() == null ? Optional.empty()
                : predictions.find(run.project(), run.predictionId());
        ActionRecord action = ActionRecord.of(run, prediction, verdict.decision(), by, why, now);
        RunRecord next;
        if (verdict == ApprovalState.APPROVED) {
            Duration deadline = catalog.pinned(run.project(), run.workflow(), run.revision()).workflow().deadline();
            next = run.takenBy(hubId, RunMode.APPROVED, now.plus(deadline)).withState(RunState.RUNNING, "", now);
        } else {
            String ended = verdict == ApprovalState.EXPIRED ? "approval expired at " + approval.expiresAt()
                    + " without a decision" : "rejected by " + by + (why.isEmpty() ? "" : ": " + why);
            next = RunPlan.closePending(run, NodeState.SKIPPED, ended, now).withState(RunState.REJECTED, ended, now);
        }
        // an approved run is stored with its first attempts: its first tasks go out before the approver hears back
        Optional<RunExecutor.Staged> staged = next.state() == RunState.RUNNING ? executor.stage(next,
                catalog.pinned(run.project(), run.workflow(), run.revision()).workflow(), prediction) : Optional.empty();
        RunRecord approved = next;
        next = staged.map(RunExecutor.Staged::run).orElse(next);
        runs.update(next);
        boolean entity = Target.of(run).isEntity();
        if (entity) {
            actions.insert(action);
        }
        LOG.log(System.Logger.Level.INFO, "approval {0} of {1} on {2}: {3} by {4}", approval.approvalId(),
                run.workflow(), run.targetId(), verdict.wireName(), by);
        if (audited) {
            audit.record(verdict.audited(), run.project().value(), by, "approval:" + approval.approvalId(),
                    AuditRecord.detail("run", run.runId(), "workflow", run.workflow(), "revision", run.revision(),
                            "target", run.targetKind() + ":" + run.targetId(), "prediction", run.predictionId(),
                            "reason", why));
        }
        events.approvalDecided(decided, prediction, next);
        events.runChanged(next, prediction);
        if (next.state() == RunState.RUNNING) {
            if (staged.isPresent()) {
                executor.launch(staged.get(), Optional.empty());
            } else {
                executor.begin(approved, catalog.pinned(run.project(), run.workflow(), run.revision()).workflow(),
                        prediction);
            }
            return Optional.of(new Decided(decided, executor.live(run.runId()).orElse(next)));
        }
        if (entity) {
            outcomes.watch(action, now);
        }
        return Optional.of(new Decided(decided, next));
    }
}
