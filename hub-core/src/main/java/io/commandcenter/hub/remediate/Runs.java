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
import java.util.Locale;
import java.util.Optional;

/**
 * Runs once they exist: reading one as this hub sees it now, cancelling one, and taking up after a
 * restart the runs this hub was driving.
 */
final class Runs {
    private static final System.Logger LOG = System.getLogger(Runs.class.getName());

    private final RunStore runs;
    private final WorkflowCatalog catalog;
    private final PredictionLookup predictions;
    private final RemediationEvents events;
    private final AuditTrail audit;
    private final RunExecutor executor;
    private final Approvals approvals;
    private final Stripes stripes;
    private final Clock clock;
    private final String hubId;

    Runs(RunStore runs, WorkflowCatalog catalog, PredictionLookup predictions, RemediationEvents events,
         AuditTrail audit, RunExecutor executor, Approvals approvals, Stripes stripes, Clock clock, String hubId) {
        this.runs = runs;
        this.catalog = catalog;
        this.predictions = predictions;
        this.events = events;
        this.audit = audit;
        this.executor = executor;
        this.approvals = approvals;
        this.stripes = stripes;
        this.clock = clock;
        this.hubId = hubId;
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
     * way the ledger records one {@code RUN_CANCELLED}.
     *
     * @throws CommandCenterException NOT_FOUND, PRECONDITION ({@code RUN_FINISHED}, {@code RUN_ON_OTHER_HUB}),
     *                                UNAVAILABLE ({@code RUN_RESUMING}: taken up again once the scheduler answers)
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
                approvals.withdraw(current, by, reason);
                audited(current, by, reason);
                return runs.run(runId).orElseThrow();
            }
            if (executor.resuming(runId)) {
                throw CommandCenterException.unavailable("RUN_RESUMING", "run " + runId + " is being taken up after"
                        + " this hub restarted (the scheduler did not answer yet); try again shortly", null);
            }
            if (executor.live(runId).isEmpty()) {
                throw new CommandCenterException(ErrorKind.PRECONDITION, "RUN_ON_OTHER_HUB", "run " + runId
                        + " is driven by hub " + current.hubId() + "; cancel it there");
            }
            String why = "cancelled by " + by + (reason == null || reason.isEmpty() ? "" : ": " + reason);
            executor.halt(runId, RunState.CANCELLED, why, true);
            // whoever asked reads the cancelled run back from the store next
            executor.sync();
            audited(current, by, reason);
            return executor.live(runId).orElseGet(() -> runs.run(runId).orElseThrow());
        });
    }

    private void audited(RunRecord cancelled, String by, String reason) {
        audit.record(AuditAction.RUN_CANCELLED, cancelled.project().value(), by, "run:" + cancelled.runId(),
                AuditRecord.detail("workflow", cancelled.workflow(), "revision", cancelled.revision(),
                        "target", cancelled.targetKind() + ":" + cancelled.targetId(),
                        "was", cancelled.state().name().toLowerCase(Locale.ROOT),
                        "approval", cancelled.approvalId(), "reason", reason == null ? "" : reason));
    }

    /** Takes up, each on its lane, the RUNNING runs this hub drove before it stopped; returns how many. */
    int resumeAll() {
        int resumed = 0;
        for (RunRecord run : runs.unfinished()) {
            if (run.state() == RunState.RUNNING && run.hubId().equals(hubId)) {
                stripes.run(RunExecutor.laneOf(run), () -> resume(run));
                resumed++;
            }
        }
        return resumed;
    }

    private void resume(RunRecord run) {
        Optional<PredictionRecord> prediction = run.predictionId() == null ? Optional.empty()
                : predictions.find(run.project(), run.predictionId());
        Workflow workflow;
        try {
            workflow = catalog.pinned(run.project(), run.workflow(), run.revision()).workflow();
        } catch (CommandCenterException e) {
            Instant now = clock.instant();
            RunRecord failed = RunPlan.closePending(run, NodeState.UNKNOWN, e.getMessage(), now)
                    .withState(RunState.INTERRUPTED, "cannot resume: " + e.getMessage(), now);
            runs.update(failed);
            events.runChanged(failed, prediction);
            LOG.log(System.Logger.Level.WARNING, "run {0} cannot resume: {1}", run.runId(), e.getMessage());
            return;
        }
        executor.resume(run, workflow, prediction);
    }
}
