package io.commandcenter.hub.remediate;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.hub.audit.AuditRecord;
import io.commandcenter.hub.audit.AuditTrail;
import io.commandcenter.hub.predict.PredictionRecord;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.workflow.Workflow;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

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
    /** Waiting runs whose approval was found decided, and when first (the sweep's {@link #repair}). */
    private final Map<String, Instant> decidedWhileWaiting = new ConcurrentHashMap<>();

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
     *
     * @throws CommandCenterException PRECONDITION ({@code APPROVAL_DECIDED}) when the approval was decided
     *         first (approved on another hub meanwhile): nothing is withdrawn
     */
    void withdraw(RunRecord run, String by, String reason) {
        ApprovalRecord approval = approvals.approval(run.approvalId()).orElseThrow();
        String why = "run cancelled" + (reason == null || reason.isEmpty() ? "" : ": " + reason);
        if (!approval.isPending()
                || settle(approval, ApprovalState.REJECTED, by, why, clock.instant(), false).isEmpty()) {
            // decided meanwhile (another hub, or a person): nothing cancelled, nothing recorded
            throw alreadyDecided(approvals.approval(run.approvalId()).orElseThrow());
        }
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
     *
     * <p>What can fail is resolved before the decision is recorded (the run, its prediction, and for an
     * approval the pinned revision: INVALID when it no longer parses), so such a failure leaves the
     * approval pending and the run waiting. When the run's write fails after the decision, the run is
     * written once more as that decision leaves a run that cannot go on ({@link #settledRun}: an
     * approved one INTERRUPTED, nothing ran) and the failure is thrown; if that write fails too, the
     * sweep repairs the run ({@link #repair}).
     */
    private Optional<Decided> settle(ApprovalRecord approval, ApprovalState verdict, String by, String reason,
                                     Instant now, boolean audited) {
        String why = reason == null ? "" : reason;
        RunRecord run = runs.run(approval.runId()).orElseThrow();
        Optional<PredictionRecord> prediction = run.predictionId() == null ? Optional.empty()
                : predictions.find(run.project(), run.predictionId());
        Optional<Workflow> pinned = verdict == ApprovalState.APPROVED
                ? Optional.of(catalog.pinned(run.project(), run.workflow(), run.revision()).workflow())
                : Optional.empty();
        ApprovalRecord decided = approval.decided(verdict, by, why, now);
        if (!approvals.decide(decided)) {
            return Optional.empty();
        }
        ActionRecord action = ActionRecord.of(run, prediction, verdict.decision(), by, why, now);
        RunRecord next = pinned.isPresent()
                ? run.takenBy(hubId, RunMode.APPROVED, now.plus(pinned.get().deadline())).withState(RunState.RUNNING, "",
                now)
                : settledRun(decided, run, "", now);
        // an approved run is stored with its first attempts: its first tasks go out before the approver hears back
        Optional<RunExecutor.Staged> staged = pinned.flatMap(workflow -> executor.stage(next, workflow, prediction));
        RunRecord written = staged.map(RunExecutor.Staged::run).orElse(next);
        if (audited) {
            // before the run's write: a verdict recorded in the approval is in the ledger whatever the write does
            audit.record(verdict.audited(), run.project().value(), by, "approval:" + approval.approvalId(),
                    AuditRecord.detail("run", run.runId(), "workflow", run.workflow(), "revision", run.revision(),
                            "target", run.targetKind() + ":" + run.targetId(), "prediction", run.predictionId(),
                            "reason", why));
        }
        try {
            runs.update(written);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "approval {0} of {1} on {2}: {3} by {4}, but the run could not be"
                    + " written ({5}): it is written as the decision leaves it", approval.approvalId(), run.workflow(),
                    run.targetId(), verdict.wireName(), by, e.getMessage());
            settleRun(decided, run, prediction, "its write failed: " + e.getMessage());
            throw e;
        }
        boolean entity = Target.of(run).isEntity();
        if (entity) {
            actions.insert(action);
        }
        LOG.log(System.Logger.Level.INFO, "approval {0} of {1} on {2}: {3} by {4}", approval.approvalId(),
                run.workflow(), run.targetId(), verdict.wireName(), by);
        events.approvalDecided(decided, prediction, written);
        events.runChanged(written, prediction);
        if (written.state() == RunState.RUNNING) {
            if (staged.isPresent()) {
                executor.launch(staged.get(), Optional.empty());
            } else {
                executor.begin(next, pinned.get(), prediction);
            }
            return Optional.of(new Decided(decided, executor.live(run.runId()).orElse(written)));
        }
        if (entity) {
            outcomes.watch(action, now);
        }
        return Optional.of(new Decided(decided, written));
    }

    /**
     * The run as a decided approval leaves it when it cannot go on: rejected or expired, REJECTED
     * with the reason; approved, INTERRUPTED (its start was never stored, so nothing of it ran). Its
     * nodes are SKIPPED with the same reason.
     *
     * @param cause why an approved run did not start (empty for a rejection)
     */
    static RunRecord settledRun(ApprovalRecord decided, RunRecord run, String cause, Instant now) {
        String ended = switch (decided.state()) {
            case APPROVED -> "approved by " + decided.decidedBy() + " at " + decided.decidedAt()
                    + ", but the run was not started (" + cause + "); nothing ran";
            case EXPIRED -> "approval expired at " + decided.expiresAt() + " without a decision";
            case REJECTED -> "rejected by " + decided.decidedBy()
                    + (decided.reason().isEmpty() ? "" : ": " + decided.reason());
            case PENDING -> throw new IllegalArgumentException("approval " + decided.approvalId() + " is pending");
        };
        RunState state = decided.state() == ApprovalState.APPROVED ? RunState.INTERRUPTED : RunState.REJECTED;
        return RunPlan.closePending(run, NodeState.SKIPPED, ended, now).withState(state, ended, now);
    }

    /**
     * Writes a waiting run as its decided approval leaves it ({@link #settledRun}); a failure is
     * logged and left to the sweep ({@link #repair}). Call on the run's lane.
     */
    private void settleRun(ApprovalRecord decided, RunRecord run, Optional<PredictionRecord> prediction,
                           String cause) {
        RunRecord settled = settledRun(decided, run, cause, clock.instant());
        try {
            runs.update(settled);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "run {0} still waits for approval {1}, which is {2}: writing it {3}"
                    + " failed ({4}); the sweep repairs it", run.runId(), decided.approvalId(),
                    decided.state().wireName(), settled.state(), e.getMessage());
            return;
        }
        LOG.log(System.Logger.Level.WARNING, "run {0}: {1} ({2})", run.runId(), settled.state(), settled.error());
        events.runChanged(settled, prediction);
    }

    /**
     * Repairs the runs that still wait for an approval already decided (the run's write failed after
     * the decision, or the hub stopped between the two): each is written as the decision leaves it
     * ({@link #settledRun}), on its lane, if it still waits then. A run is repaired only when an earlier
     * call, at least {@code grace} before, found it so too: the hub that decided may be writing the run
     * right now, and a repair must not overwrite its start. Called by the sweep that reads the
     * unfinished runs (every half lease TTL, and at start); reads each waiting run's approval.
     *
     * @return how many runs were repaired
     */
    int repair(List<RunRecord> unfinished, Duration grace) {
        Instant now = clock.instant();
        Set<String> seen = new HashSet<>();
        int repaired = 0;
        for (RunRecord waiting : unfinished) {
            if (waiting.state() != RunState.AWAITING_APPROVAL || waiting.approvalId() == null
                    || approvals.approval(waiting.approvalId()).filter(a -> !a.isPending()).isEmpty()) {
                continue;
            }
            seen.add(waiting.runId());
            Instant first = decidedWhileWaiting.putIfAbsent(waiting.runId(), now);
            if (first == null || now.isBefore(first.plus(grace))) {
                continue;
            }
            repaired++;
            stripes.run(RunExecutor.laneOf(waiting), () -> runs.run(waiting.runId())
                    .filter(r -> r.state() == RunState.AWAITING_APPROVAL)
                    .ifPresent(run -> settleRun(approvals.approval(run.approvalId()).orElseThrow(), run,
                            run.predictionId() == null ? Optional.empty()
                                    : predictions.find(run.project(), run.predictionId()),
                            "its start was never stored")));
        }
        decidedWhileWaiting.keySet().retainAll(seen);
        return repaired;
    }
}
