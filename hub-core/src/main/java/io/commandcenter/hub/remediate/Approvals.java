package io.commandcenter.hub.remediate;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.hub.audit.AuditAction;
import io.commandcenter.hub.audit.AuditQuery;
import io.commandcenter.hub.audit.AuditRecord;
import io.commandcenter.hub.audit.AuditTrail;
import io.commandcenter.hub.predict.PredictionRecord;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.workflow.Workflow;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

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
    /**
     * How long after its approval was decided a run still waiting is repaired by the sweep
     * ({@link #repair}): longer than the deciding hub's worst path from its decision to its run's
     * write (the audit append's head-lock budget, about 15 s, and the store's statement timeouts).
     */
    static final Duration REPAIR_AFTER = Duration.ofMinutes(2);
    /** The reason of the CONTENTION an approval answers when its run was settled by another hub first. */
    static final String RUN_SETTLED = "RUN_SETTLED";
    /** How many expired approvals the sweep reads at a time. */
    static final int EXPIRED_PAGE = 500;

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
            return settle(current, verdict, by, reason, now, () -> auditVerdict(current, verdict, by, reason))
                    .orElseThrow(() ->
                    alreadyDecided(approvals.approval(approvalId).orElseThrow()));
        });
    }

    /**
     * Withdraws the approval of a waiting run that a person cancels (a rejection). The ledger
     * records the cancel ({@code recordCancel}, run once the withdrawal is decided, before the run's
     * write), not a second verdict. Call on the run's lane.
     *
     * @throws CommandCenterException PRECONDITION ({@code APPROVAL_DECIDED}) when the approval was decided
     *         first (approved on another hub meanwhile): nothing is withdrawn
     */
    void withdraw(RunRecord run, String by, String reason, Runnable recordCancel) {
        ApprovalRecord approval = approvals.approval(run.approvalId()).orElseThrow();
        String why = "run cancelled" + (reason == null || reason.isEmpty() ? "" : ": " + reason);
        if (!approval.isPending()
                || settle(approval, ApprovalState.REJECTED, by, why, clock.instant(), recordCancel).isEmpty()) {
            // decided meanwhile (another hub, or a person): nothing cancelled, nothing recorded
            throw alreadyDecided(approvals.approval(run.approvalId()).orElseThrow());
        }
    }

    /**
     * Expires every pending approval whose time ran out (the sweep; each on its run's lane), read
     * {@value #EXPIRED_PAGE} at a time.
     */
    void expireDue() {
        Instant now = clock.instant();
        ApprovalRecord after = null;
        List<ApprovalRecord> page;
        do {
            page = approvals.expired(now, after, EXPIRED_PAGE);
            for (ApprovalRecord a : page) {
                String approvalId = a.approvalId();
                runs.run(a.runId()).ifPresent(run -> stripes.run(RunExecutor.laneOf(run), () -> {
                    ApprovalRecord current = approvals.approval(approvalId).orElseThrow();
                    if (current.isPending()) {
                        expire(current, clock.instant());
                    }
                }));
            }
            after = page.isEmpty() ? null : page.get(page.size() - 1);
        } while (page.size() == EXPIRED_PAGE);
    }

    /** Approvals of a project in a state (null: pending), oldest first. */
    List<ApprovalRecord> list(ProjectId project, ApprovalState state, int limit) {
        return approvals.approvals(project, state, limit);
    }

    private void expire(ApprovalRecord approval, Instant now) {
        String why = "no decision within " + Duration.between(approval.requestedAt(), approval.expiresAt());
        settle(approval, ApprovalState.EXPIRED, "hub:" + hubId, why, now,
                () -> auditVerdict(approval, ApprovalState.EXPIRED, "hub:" + hubId, why));
    }

    /**
     * The id of an approval's decision in the audit ledger, its verdict's or its cancel's: the deciding
     * hub and a repair ({@link #repair}) record it once between them.
     */
    static String ledgerId(String approvalId) {
        return approvalId + ":decision";
    }

    private void auditVerdict(ApprovalRecord approval, ApprovalState verdict, String by, String reason) {
        RunRecord run = runs.run(approval.runId()).orElseThrow();
        audit.record(ledgerId(approval.approvalId()), verdict.audited(), run.project().value(), by,
                "approval:" + approval.approvalId(),
                AuditRecord.detail("run", run.runId(), "workflow", run.workflow(), "revision", run.revision(),
                        "target", run.targetKind() + ":" + run.targetId(), "prediction", run.predictionId(),
                        "reason", reason == null ? "" : reason));
    }

    private static CommandCenterException alreadyDecided(ApprovalRecord a) {
        return new CommandCenterException(ErrorKind.PRECONDITION, "APPROVAL_DECIDED", "approval " + a.approvalId()
                + " was already " + a.state().wireName() + (a.decidedBy().isEmpty() ? "" : " by " + a.decidedBy())
                + (a.decidedAt() == null ? "" : " at " + a.decidedAt()));
    }

    /**
     * Records a decision if nobody else did first, and moves the run; {@code record}: the ledger's
     * entry (the verdict, or a cancel), written once the decision is recorded, before the run's write.
     * Call on the run's lane.
     *
     * <p>What can fail is resolved before the decision is recorded (the run, its prediction, and for an
     * approval the pinned revision: INVALID when it no longer parses), so such a failure leaves the
     * approval pending and the run waiting. The run is written only while it still waits
     * ({@link RunStore#updateWaiting}): another hub's sweep may have settled it ({@link #repair}), and
     * then nothing of the run is started here and CONTENTION ({@value #RUN_SETTLED}) is thrown. When the
     * run's write fails, the run is written once more as the decision leaves a run that cannot go on
     * ({@link #settledRun}: an approved one INTERRUPTED, nothing ran) and the failure is thrown; if that
     * write fails too, the sweep repairs the run. Once the decision is recorded, its decision row is
     * inserted and its event published whatever happens to the run's write (with the run as stored).
     */
    private Optional<Decided> settle(ApprovalRecord approval, ApprovalState verdict, String by, String reason,
                                     Instant now, Runnable record) {
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
        Optional<ActionRecord> action = decisionRow(decided, run, prediction);
        RunRecord next = pinned.isPresent()
                ? run.takenBy(hubId, RunMode.APPROVED, now.plus(pinned.get().deadline())).withState(RunState.RUNNING, "",
                now)
                : settledRun(decided, run, "", now);
        // an approved run is stored with its first attempts: its first tasks go out before the approver hears back
        Optional<RunExecutor.Staged> staged = pinned.flatMap(workflow -> executor.stage(next, workflow, prediction));
        RunRecord written = staged.map(RunExecutor.Staged::run).orElse(next);
        // before the run's write: a decision recorded in the approval is in the ledger whatever the write does
        record.run();
        boolean wrote;
        try {
            wrote = runs.updateWaiting(written);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "approval {0} of {1} on {2}: {3} by {4}, but the run could not be"
                    + " written ({5}): it is written as the decision leaves it", approval.approvalId(), run.workflow(),
                    run.targetId(), verdict.wireName(), by, e.getMessage());
            settleRun(decided, run, prediction, "its write failed: " + e.getMessage());
            decidedOnly(decided, action, prediction, run);
            throw e;
        }
        if (!wrote) {
            // another hub's sweep settled the run first: nothing of it starts here
            RunRecord stored = decidedOnly(decided, action, prediction, run);
            LOG.log(System.Logger.Level.WARNING, "approval {0} of {1} on {2}: {3} by {4}, but the run no longer"
                    + " waited ({5}): nothing of it started", approval.approvalId(), run.workflow(), run.targetId(),
                    verdict.wireName(), by, stored.state());
            throw new CommandCenterException(ErrorKind.CONTENTION, RUN_SETTLED, "approval " + approval.approvalId()
                    + " is " + verdict.wireName() + ", but its run " + run.runId() + " no longer waited when written: it is "
                    + stored.state() + (stored.error().isEmpty() ? "" : " (" + stored.error() + ")")
                    + "; nothing of it was started");
        }
        owed(action, written);
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
        return Optional.of(new Decided(decided, written));
    }

    /**
     * What a recorded decision owes whatever its run's write did: what {@link #owed} does (with the
     * run as stored now; the run as it was when that read fails) and its event. Failures are logged.
     *
     * @return the run the event carried
     */
    private RunRecord decidedOnly(ApprovalRecord decided, Optional<ActionRecord> action,
                                  Optional<PredictionRecord> prediction, RunRecord before) {
        RunRecord stored = before;
        try {
            stored = runs.run(before.runId()).orElse(before);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "approval {0}: its run could not be read again ({1})",
                    decided.approvalId(), e.getMessage());
        }
        owed(action, stored);
        events.approvalDecided(decided, prediction, stored);
        return stored;
    }

    /**
     * The decision row of a decided approval whose run is on an entity (none for a run on its
     * workflow): its id names the approval, so the deciding hub and another hub's repair
     * ({@link #repair}) store one row between them.
     */
    private static Optional<ActionRecord> decisionRow(ApprovalRecord decided, RunRecord run,
                                                      Optional<PredictionRecord> prediction) {
        return Target.of(run).isEntity()
                ? Optional.of(ActionRecord.of("pa-" + decided.approvalId(), run, prediction,
                decided.state().decision(), decided.decidedBy(), decided.reason(), decided.decidedAt()))
                : Optional.empty();
    }

    /**
     * What a decision owes once its run is written (by the deciding hub, or by a repair): its decision
     * row ({@link #decisionRow}), and when the run has ended (rejected, expired, or approved but never
     * started) the watch of its outcome, a window after that end, as for any run that ends
     * ({@link OutcomeWatcher}). A run still waiting (its writes failed) owes its watch to the repair;
     * a running one to its end. A failed insert is logged (a row another hub stored first at DEBUG).
     */
    private void owed(Optional<ActionRecord> action, RunRecord stored) {
        if (action.isEmpty()) {
            return;
        }
        ActionRecord row = action.get();
        try {
            actions.insert(row);
        } catch (RuntimeException e) {
            boolean elsewhere;
            try {
                elsewhere = actions.actionOfRun(row.runId()).filter(a -> a.actionId().equals(row.actionId())).isPresent();
            } catch (RuntimeException again) {
                elsewhere = false;
            }
            LOG.log(elsewhere ? System.Logger.Level.DEBUG : System.Logger.Level.WARNING, "run {0}: its decision row {1}"
                    + " could not be inserted ({2}){3}", row.runId(), row.actionId(), e.getMessage(),
                    elsewhere ? "; another hub stored it" : "");
        }
        if (stored.state().isFinished()) {
            outcomes.watch(row, stored.finishedAt() == null ? row.decidedAt() : stored.finishedAt());
        }
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
     * Writes a waiting run as its decided approval leaves it ({@link #settledRun}) if it still waits
     * ({@link RunStore#updateWaiting}); its event is published only when this write changed it (of
     * several hubs repairing it, one). A failure is logged and left to the sweep ({@link #repair}).
     * Call on the run's lane.
     *
     * @return the run as written, when this write changed it
     */
    private Optional<RunRecord> settleRun(ApprovalRecord decided, RunRecord run, Optional<PredictionRecord> prediction,
                                          String cause) {
        RunRecord settled = settledRun(decided, run, cause, clock.instant());
        try {
            if (!runs.updateWaiting(settled)) {
                return Optional.empty();
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "run {0} still waits for approval {1}, which is {2}: writing it {3}"
                    + " failed ({4}); the sweep repairs it", run.runId(), decided.approvalId(),
                    decided.state().wireName(), settled.state(), e.getMessage());
            return Optional.empty();
        }
        LOG.log(System.Logger.Level.WARNING, "run {0}: {1} by hub {2} ({3})", run.runId(), settled.state(), hubId,
                settled.error());
        events.runChanged(settled, prediction);
        return Optional.of(settled);
    }

    /**
     * Repairs the runs that still wait for an approval decided more than {@link #REPAIR_AFTER} ago
     * (the run's write failed after the decision, or the hub stopped between the two): each is written
     * as the decision leaves it ({@link #settledRun}), on its lane, only if it still waits then
     * ({@link RunStore#updateWaiting}; the deciding hub's own write is as conditional, so of the two one
     * changes the run). Called by the sweep that reads the unfinished runs (every half lease TTL, and at
     * start); reads each waiting run's approval.
     *
     * @return how many runs were found to repair (each written unless it no longer waits)
     */
    int repair(List<RunRecord> unfinished) {
        Instant bound = clock.instant().minus(REPAIR_AFTER);
        int repaired = 0;
        for (RunRecord waiting : unfinished) {
            if (waiting.state() != RunState.AWAITING_APPROVAL || waiting.approvalId() == null
                    || approvals.approval(waiting.approvalId())
                    .filter(a -> !a.isPending() && a.decidedAt() != null && a.decidedAt().isBefore(bound)).isEmpty()) {
                continue;
            }
            repaired++;
            stripes.run(RunExecutor.laneOf(waiting), () -> runs.run(waiting.runId())
                    .filter(r -> r.state() == RunState.AWAITING_APPROVAL)
                    .ifPresent(this::repair));
        }
        return repaired;
    }

    /**
     * Repairs one run still waiting for its decided approval, on its lane: written as the decision
     * leaves it, and, when this write changed it, what the deciding hub owed and may not have done
     * (it stopped after its decide): the decision in the ledger ({@link #ledgerId}: once, whoever
     * records it) and what {@link #owed} does — the decision row, the outcome watch.
     */
    private void repair(RunRecord run) {
        ApprovalRecord decided = approvals.approval(run.approvalId()).orElseThrow();
        Optional<PredictionRecord> prediction = run.predictionId() == null ? Optional.empty()
                : predictions.find(run.project(), run.predictionId());
        settleRun(decided, run, prediction, "its start was never stored").ifPresent(settled -> {
            // a hub from before session 16 recorded its part under random ids, which the ids below do not meet
            if (!decisionInLedger(decided, run)) {
                auditVerdict(decided, decided.state(), decided.decidedBy(), decided.reason());
            }
            Optional<ActionRecord> stored = storedRow(run);
            if (stored.isEmpty()) {
                owed(decisionRow(decided, run, prediction), settled);
            } else if (!stored.get().isJudged()) {
                outcomes.watch(stored.get(), settled.finishedAt() == null ? stored.get().decidedAt()
                        : settled.finishedAt());
            }
        });
    }

    /**
     * Whether the ledger holds the approval's decision already, under any id: its verdict, or the cancel
     * of its run. Unknown (the read fails): false, and the entry recorded under {@link #ledgerId} is stored
     * once all the same unless an older hub recorded it.
     */
    private boolean decisionInLedger(ApprovalRecord decided, RunRecord run) {
        try {
            Set<String> verdicts = Set.of(AuditAction.APPROVAL_APPROVED.name(), AuditAction.APPROVAL_REJECTED.name(),
                    AuditAction.APPROVAL_EXPIRED.name());
            return !audit.ledger().list(AuditQuery.newestFirst(1).about("approval:" + decided.approvalId())
                    .withActions(verdicts)).isEmpty()
                    || !audit.ledger().list(AuditQuery.newestFirst(1).about("run:" + run.runId())
                    .withActions(Set.of(AuditAction.RUN_CANCELLED.name()))).isEmpty();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "approval {0}: the ledger could not be read ({1}); its decision is"
                    + " recorded under {2}", decided.approvalId(), e.getMessage(), ledgerId(decided.approvalId()));
            return false;
        }
    }

    /** The run's decision row, under any id (an older hub's is random); empty when the read fails too. */
    private Optional<ActionRecord> storedRow(RunRecord run) {
        try {
            return actions.actionOfRun(run.runId());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "run {0}: its decision row could not be read ({1})", run.runId(),
                    e.getMessage());
            return Optional.empty();
        }
    }
}
