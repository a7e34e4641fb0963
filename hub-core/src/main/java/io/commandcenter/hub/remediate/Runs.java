package io.commandcenter.hub.remediate;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.hub.audit.AuditAction;
import io.commandcenter.hub.audit.AuditRecord;
import io.commandcenter.hub.audit.AuditTrail;
import io.commandcenter.hub.predict.PredictionRecord;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.workflow.Workflow;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Runs once they exist: reading one as this hub sees it now, cancelling one, taking up after a
 * restart the runs this hub was driving, and adopting those of a hub that is gone ({@link Adoption}).
 */
final class Runs {
    private static final System.Logger LOG = System.getLogger(Runs.class.getName());

    private final RunStore runs;
    private final WorkflowCatalog catalog;
    private final PredictionLookup predictions;
    private final AuditTrail audit;
    private final RunExecutor executor;
    private final Approvals approvals;
    private final Stripes stripes;
    private final Clock clock;
    private final String hubId;
    private final Adoption adoption;
    private final KillSwitch killSwitch;

    Runs(RunStore runs, WorkflowCatalog catalog, PredictionLookup predictions, AuditTrail audit, RunExecutor executor,
         Approvals approvals, Stripes stripes, Clock clock, Adoption adoption, KillSwitch killSwitch) {
        this.runs = runs;
        this.catalog = catalog;
        this.predictions = predictions;
        this.audit = audit;
        this.executor = executor;
        this.approvals = approvals;
        this.stripes = stripes;
        this.clock = clock;
        this.hubId = adoption.hubId();
        this.adoption = adoption;
        this.killSwitch = killSwitch;
    }

    /**
     * A run of the project as this hub sees it now (a run it drives, as it stands in memory).
     *
     * @throws CommandCenterException INVALID (empty id), NOT_FOUND ({@code RUN_NOT_FOUND})
     */
    RunRecord find(ProjectId project, String runId) {
        if (runId == null || runId.isEmpty()) {
            throw CommandCenterException.invalid("REQUIRED", "run_id", "run_id is required");
        }
        return executor.live(runId).or(() -> runs.run(runId)).filter(r -> r.project().equals(project))
                .orElseThrow(() -> CommandCenterException.notFound("RUN_NOT_FOUND", "no run " + runId
                        + " in project " + project));
    }

    /**
     * Cancels a run: a run waiting for approval is withdrawn (its approval rejected); a running one
     * stops — tasks still queued or with agents are cancelled, nodes not started never start. Either
     * way the ledger records one {@code RUN_CANCELLED}. A running run of a hub that is gone is adopted
     * first ({@link Adoption}) and halted as it is taken up, so nothing of it is submitted here (when
     * the scheduler does not answer the look-up of its tasks yet, the cancel is refused,
     * {@code RUN_RESUMING}, no cancel recorded, and the run is taken up once it answers, as after any
     * adoption; when the run cannot be read again before its take-up, the cancel is refused the same
     * way and the run, left, is taken up by a later sweep, within about a lease TTL, if it is this
     * hub's; a cancel meanwhile is refused {@code RUN_RESUMING} too); one of a hub whose lease is
     * fresh is refused with {@code RUN_ON_OTHER_HUB}. While this hub's own lease is stale the cancel is refused ({@code LEASE_STALE}): no cancel is recorded or
     * marked (a run adopted by the cancel stays adopted, {@code RUN_ADOPTED}, and is taken up all the
     * same, its launches held until the renewal), and the person tries again.
     *
     * @throws CommandCenterException NOT_FOUND, PRECONDITION ({@code RUN_FINISHED}, {@code RUN_ON_OTHER_HUB},
     *                                {@code APPROVAL_DECIDED}: a waiting run whose approval was decided first),
     *                                UNAVAILABLE ({@code RUN_RESUMING}: taken up again once the scheduler answers,
     *                                or by a later sweep when the run could not be read again before its take-up;
     *                                {@code LEASE_STALE}: this hub's lease is not fresh, no cancel recorded),
     *                                CONTENTION ({@value RunStore#STORE_CONFLICT}: the adoption of a gone hub's
     *                                run was rolled back by the store; try again)
     */
    RunRecord cancel(ProjectId project, String runId, String by, String reason) {
        RunRecord run = find(project, runId);
        return stripes.call(RunExecutor.laneOf(run), () -> {
            RunRecord current = executor.live(runId).orElseGet(() -> runs.run(runId).orElseThrow());
            if (current.state().isFinished()) {
                throw new CommandCenterException(ErrorKind.PRECONDITION, "RUN_FINISHED", "run " + runId
                        + " already ended " + current.state());
            }
            if (current.state() == RunState.AWAITING_APPROVAL) {
                // the cancel is in the ledger once the withdrawal is decided, whatever the run's write does
                RunRecord waiting = current;
                // under the id of the approval's decision: a repair of the run by another hub records nothing more
                approvals.withdraw(waiting, by, reason, () -> audit.record(Approvals.ledgerId(waiting.approvalId()),
                        AuditAction.RUN_CANCELLED, waiting.project().value(), by, "run:" + waiting.runId(),
                        cancelDetail(waiting, reason)));
                return runs.run(runId).orElseThrow();
            }
            String why = "cancelled by " + by + (reason == null || reason.isEmpty() ? "" : ": " + reason);
            if (current.state() == RunState.RUNNING && executor.live(runId).isEmpty()
                    && adoption.mayAdopt(current.hubId())) {
                // held here from before the adoption's statement is sent: a renewal ending a stale spell
                // before the take-up below checks it, and gives it up if another hub adopted it away meanwhile
                Optional<RunRecord> taken = adoption.takeAsked(current, "cancelled by " + by);
                if (taken.isPresent()) {
                    // on this lane, halted as it is taken up: nothing is submitted for it (ended, if it
                    // cannot resume; its tasks still with agents are cancelled below); not taken up if
                    // given up meanwhile, nor when it is no longer this hub's as stored now (after a
                    // stall, its old owner may have adopted it back), as a sweep's take-up
                    try {
                        Optional<RunRecord> stored;
                        try {
                            stored = stillOurs(runId);
                        } catch (RuntimeException e) {
                            // not sure who owns it: left, as a sweep's take-up leaves it (a later sweep takes
                            // it up if it is this hub's), and the cancel is refused, nothing recorded
                            LOG.log(System.Logger.Level.WARNING, "run {0}: reading it again before taking it up"
                                    + " failed ({1}): left for a later sweep, the cancel refused", runId, e.getMessage());
                            throw notCancelledYet(runId, "reading the run again before taking it up failed, so it is"
                                    + " left to be taken up by a later sweep (within about a lease TTL)");
                        }
                        stored.ifPresent(r -> resume(r, Optional.of(why), true));
                    } finally {
                        executor.notAdopting(runId, current);
                    }
                    if (executor.resuming(runId)) {
                        // the scheduler did not answer yet: the run is taken up later without the cancel
                        // (nothing of it recorded here could be lost at close), and the person tries again
                        throw notCancelledYet(runId, "the scheduler did not answer the look-up of its tasks, so it"
                                + " is taken up once it answers");
                    }
                    executor.sync();
                }
                current = executor.live(runId).orElseGet(() -> runs.run(runId).orElseThrow());
                if (current.state().isFinished()) {
                    if (taken.isPresent() && current.state() == RunState.CANCELLED) {
                        audited(taken.get(), by, reason);
                        return current;
                    }
                    throw new CommandCenterException(ErrorKind.PRECONDITION, "RUN_FINISHED", "run " + runId
                            + " already ended " + current.state() + ": " + current.error());
                }
            }
            // this hub's run not driven here yet: queued to be taken up (at start, or adopted just now)
            if (executor.resuming(runId) || current.hubId().equals(hubId) && executor.live(runId).isEmpty()) {
                throw CommandCenterException.unavailable("RUN_RESUMING", "run " + runId + " is being taken up by"
                        + " this hub (after a restart, or adopted from a hub that is gone); try again shortly", null);
            }
            if (executor.live(runId).isEmpty()) {
                throw new CommandCenterException(ErrorKind.PRECONDITION, "RUN_ON_OTHER_HUB", "run " + runId
                        + " is driven by hub " + current.hubId() + ", which is not gone (its lease in the store is"
                        + " fresh); cancel it on hub " + current.hubId());
            }
            if (!executor.halt(runId, RunState.CANCELLED, why, true)) {
                // held, the cancel could be lost at close with the run still stored RUNNING: refused
                throw leaseStale(runId);
            }
            // whoever asked reads the cancelled run back from the store next
            executor.sync();
            RunRecord after = executor.live(runId).orElseGet(() -> runs.run(runId).orElseThrow());
            if (executor.live(runId).isEmpty() && !after.hubId().equals(hubId)) {
                // its write found it another hub's (adopted while this hub stalled): given up, not cancelled here
                throw new CommandCenterException(ErrorKind.PRECONDITION, "RUN_ON_OTHER_HUB", "run " + runId
                        + " is driven by hub " + after.hubId() + " (it adopted the run while this hub stalled);"
                        + " cancel it on hub " + after.hubId());
            }
            audited(current, by, reason);
            return after;
        });
    }

    /**
     * A cancel of a run this request adopted (recorded {@code RUN_ADOPTED}; the adoption stands) refused
     * because the run could not be taken up now ({@code notTakenUpBecause}): nothing of the cancel is
     * recorded, the person tries again. UNAVAILABLE {@code LEASE_STALE} while this hub's lease is stale
     * (as any cancel then), otherwise {@code RUN_RESUMING}.
     */
    private CommandCenterException notCancelledYet(String runId, String notTakenUpBecause) {
        if (!executor.leaseFresh()) {
            return leaseStale(runId);
        }
        return CommandCenterException.unavailable("RUN_RESUMING", "run " + runId + " was adopted by this hub but not"
                + " cancelled: " + notTakenUpBecause + "; no cancel is recorded; try again shortly", null);
    }

    /**
     * A cancel refused because this hub's lease is stale by its own clock. Its adoption of the run,
     * when the cancel adopted it, stands (recorded {@code RUN_ADOPTED}); other hubs still see the lease
     * as fresh for up to a TTL, so they answer {@code RUN_ON_OTHER_HUB} meanwhile.
     */
    private static CommandCenterException leaseStale(String runId) {
        return CommandCenterException.unavailable("LEASE_STALE", "run " + runId + " was not cancelled: by this"
                + " hub's own view of its lease, it was not renewed within half its TTL, so the hub cancels no task"
                + " and records no cancel now (an adoption of the run by this request stands); try again in a few"
                + " seconds, once the lease is renewed", null);
    }

    private void audited(RunRecord cancelled, String by, String reason) {
        audit.record(AuditAction.RUN_CANCELLED, cancelled.project().value(), by, "run:" + cancelled.runId(),
                cancelDetail(cancelled, reason));
    }

    private static Map<String, Object> cancelDetail(RunRecord cancelled, String reason) {
        return AuditRecord.detail("workflow", cancelled.workflow(), "revision", cancelled.revision(),
                "target", cancelled.targetKind() + ":" + cancelled.targetId(),
                "was", cancelled.state().name().toLowerCase(Locale.ROOT),
                "approval", cancelled.approvalId(), "reason", reason == null ? "" : reason);
    }

    /**
     * Takes up, each on its lane, the RUNNING runs this hub drove before it stopped; returns how many.
     *
     * @param unfinished the store's unfinished runs, read once at start for this and {@link #adoptAll}
     */
    int resumeAll(List<RunRecord> unfinished) {
        int resumed = 0;
        for (RunRecord run : unfinished) {
            if (run.state() == RunState.RUNNING && run.hubId().equals(hubId)) {
                stripes.run(RunExecutor.laneOf(run), () -> resume(run, Optional.empty(), false));
                resumed++;
            }
        }
        return resumed;
    }

    /**
     * Adopts the RUNNING runs of other hubs that {@link Adoption#mayAdopt may be adopted} and takes
     * each up on its lane; returns how many this hub won. First the runs an earlier adoption may
     * have won without hearing it ({@link Adoption#settleUnsure}): taken up too when they are this hub's.
     * Each run is taken up as stored when its lane gets to it (its old owner may have written more of
     * it after {@code unfinished} was read). And, as a backstop, this hub's own RUNNING runs that it
     * holds in no form ({@link RunExecutor#drives}) on two sweeps at least half a lease TTL apart
     * ({@link Adoption#undriven}) are taken up: driven by nobody otherwise.
     *
     * @param unfinished the store's unfinished runs (read now, or once at start)
     */
    int adoptAll(List<RunRecord> unfinished) {
        int adopted = 0;
        for (RunRecord run : adoption.settleUnsure()) {
            // held until its take-up, as a run whose adoption was answered
            executor.adoptedUnheard(run);
            takeUp(run, run);
            adopted++;
        }
        Predicate<String> mayAdopt = adoption.sweep();
        List<RunRecord> undriven = new ArrayList<>();
        for (RunRecord run : unfinished) {
            if (run.state() != RunState.RUNNING) {
                continue;
            }
            if (run.hubId().equals(hubId)) {
                if (!executor.drives(run.runId())) {
                    undriven.add(run);
                }
            } else if (mayAdopt.test(run.hubId())) {
                // held here from before the adoption's statement is sent until its take-up (a renewal
                // ending a stall in between checks it); the take-up reads its owner again
                Optional<RunRecord> taken = adoption.take(run, "its owner is gone");
                if (taken.isPresent()) {
                    takeUp(taken.get(), run);
                    adopted++;
                }
            }
        }
        for (RunRecord run : adoption.undriven(undriven, clock.instant())) {
            takeUp(run, null);
        }
        return adopted;
    }

    /**
     * Takes a run up on its lane, as stored then (its old owner may have written more of it after the
     * sweep read it), unless a take-up of it got there first (a sweep at the same time).
     *
     * <p>When that read fails, the run is left (not sure who owns it now: another hub may have adopted
     * it during a stall, and a take-up as read would drive it beside that hub); if it is this hub's, a
     * later sweep takes it up as one driven by nobody (the backstop).
     *
     * @param notedAs a run this hub just adopted: the record it was noted as ({@link RunExecutor#adopting}),
     *                held here since and no longer after this (not taken up if given up meanwhile);
     *                null: one of this hub's own that nobody drove on two sweeps (the backstop: logged)
     */
    private void takeUp(RunRecord run, RunRecord notedAs) {
        boolean adopted = notedAs != null;
        stripes.run(RunExecutor.laneOf(run), () -> {
            try {
                if (adopted ? executor.heldBeyondAdopting(run.runId()) : executor.drives(run.runId())) {
                    return;
                }
                if (!adopted) {
                    // an adopted run was noted a taking when its adoption began (RunExecutor.adopting): a
                    // renewal's check that judged that adoption tells it from one begun since
                    executor.taking(run.runId());
                }
                Optional<RunRecord> stored;
                try {
                    stored = stillOurs(run.runId());
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "run {0}: reading it again before taking it up failed ({1}):"
                            + " left for a later sweep", run.runId(), e.getMessage());
                    return;
                }
                stored.ifPresent(r -> {
                    if (!adopted) {
                        LOG.log(System.Logger.Level.WARNING, "run {0} of {1} on {2} is this hub''s and was driven"
                                + " by nobody on two sweeps in a row (an adoption whose answer was lost, say): taken"
                                + " up", r.runId(), r.workflow(), r.targetId());
                    }
                    resume(r, Optional.empty(), adopted);
                });
            } finally {
                if (adopted) {
                    executor.notAdopting(run.runId(), notedAs);
                }
            }
        });
    }

    /**
     * The run as stored now when it is still this hub's and RUNNING (empty otherwise). Call on the
     * run's lane.
     *
     * @throws RuntimeException when the read fails (the caller leaves the run: see {@link #takeUp})
     */
    private Optional<RunRecord> stillOurs(String runId) {
        return runs.run(runId).filter(r -> r.hubId().equals(hubId) && r.state() == RunState.RUNNING);
    }

    /**
     * Takes the run up on this lane; {@code cancel}: see {@link RunExecutor#resume}. An automatic run
     * taken up while automatic actions are paused (the kill switch) is halted as the pause halted the
     * runs driven here then.
     *
     * @param noted the run was noted {@link RunExecutor#adopting} when it was adopted: taken up only
     *              if it was not given up since
     */
    private void resume(RunRecord run, Optional<String> cancel, boolean noted) {
        Optional<PredictionRecord> prediction = run.predictionId() == null ? Optional.empty()
                : predictions.find(run.project(), run.predictionId());
        Workflow workflow;
        try {
            workflow = catalog.pinned(run.project(), run.workflow(), run.revision()).workflow();
        } catch (CommandCenterException e) {
            Instant now = clock.instant();
            RunRecord failed = RunPlan.closePending(run, NodeState.UNKNOWN, e.getMessage(), now)
                    .withState(RunState.INTERRUPTED, "cannot resume: " + e.getMessage(), now);
            // fenced: this hub took the run up, so its end is the driving hub's write
            executor.cannotResume(failed, prediction, noted);
            LOG.log(System.Logger.Level.WARNING, "run {0} cannot resume: {1}", run.runId(), e.getMessage());
            return;
        }
        // read with a cancel too: a cancel on a stale lease does not halt the run, the pause then does; read
        // once the run is registered (on every try), so a pause set meanwhile either sees the run or is seen
        Supplier<Optional<String>> paused = () -> run.mode().isAutomatic() ? killSwitch.haltReason(run.project())
                : Optional.empty();
        if (noted) {
            executor.resumeAdopted(run, workflow, prediction, cancel, paused);
        } else {
            executor.resume(run, workflow, prediction, cancel, paused);
        }
    }
}
