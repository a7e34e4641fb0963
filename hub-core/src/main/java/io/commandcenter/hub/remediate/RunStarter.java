package io.commandcenter.hub.remediate;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.hub.audit.AuditAction;
import io.commandcenter.hub.audit.AuditRecord;
import io.commandcenter.hub.audit.AuditTrail;
import io.commandcenter.hub.predict.PredictionRecord;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.workflow.RunBindings;
import io.commandcenter.hub.workflow.Workflow;
import io.commandcenter.hub.workflow.WorkflowNode;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Turns a trigger into a stored run: gathers what the {@link Decision} needs (confidence, kill
 * switch, blast radius in the last hour, runs already active on the target), decides, and stores
 * the run with its approval or its decision in one transaction before anything happens — so a
 * second trigger with the same idempotency key (here or on another hub) finds the first run. Each
 * decision is then recorded in the audit ledger ({@code RUN_DECIDED}, or {@code RUN_TRIGGERED} for a
 * person's) before the run's first node starts. An engine's decision goes through the
 * {@link RunJournal}: a burst's runs share commits, an automatic run is stored with the attempts of
 * its first nodes ({@link RunExecutor#stage}), and the lane goes on once the run and the record of
 * its decision are durable (at once, having committed them itself, when the journal's writer was
 * idle; otherwise when the writer's commit hands the run back). Runs on the target's lane, so every earlier
 * decision on the target is counted.
 */
final class RunStarter {
    private static final System.Logger LOG = System.getLogger(RunStarter.class.getName());
    /** Who decided what the engine decided. */
    static final String ENGINE = "engine";
    /** The window of the blast-radius budget. */
    static final Duration BLAST_WINDOW = Duration.ofHours(1);

    private final RunStore runs;
    private final RunJournal journal;
    private final Stripes stripes;
    private final KillSwitch killSwitch;
    private final RunExecutor executor;
    private final RemediationEvents events;
    private final AuditTrail audit;
    private final Clock clock;
    private final String hubId;
    private final AtomicLong automatic = new AtomicLong();
    private final AtomicLong approvals = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();

    /**
     * Runs decided here whose creation is not committed yet, by the lane key of their target: the
     * next decisions on the target count them. Changed on the target's lane only; each list is
     * immutable (dry runs read them from other threads).
     */
    private final Map<String, List<RunRecord>> pending = new ConcurrentHashMap<>();

    RunStarter(RunStore runs, RunJournal journal, Stripes stripes, KillSwitch killSwitch, RunExecutor executor,
               RemediationEvents events, AuditTrail audit, Clock clock, String hubId) {
        this.runs = runs;
        this.journal = journal;
        this.stripes = stripes;
        this.killSwitch = killSwitch;
        this.executor = executor;
        this.events = events;
        this.audit = audit;
        this.clock = clock;
        this.hubId = hubId;
    }

    /**
     * Decides on a trigger and stores the run (and its approval or decision); an automatic run
     * starts at once. Nothing is stored when the trigger was handled before (same idempotency key) or
     * its key cannot be rendered. A skipped run is stored with its nodes SKIPPED, with the reason (its
     * own events start nothing: {@link RunChains}). Call on the target's lane.
     */
    void start(WorkflowCatalog.Entry entry, ProjectId project, Trigger trigger, Target target,
               Optional<PredictionRecord> prediction) {
        Workflow workflow = entry.workflow();
        int revision = entry.revision().revision();
        String key;
        try {
            // a key past the column's size is kept as its start and its digest (a longer one was refused by the
            // database: nothing of that workflow was ever stored)
            key = RunStore.idempotencyKeyAsStored(workflow.idempotencyKey().render(bindings(workflow.name(),
                    revision, trigger, target, prediction).build()));
        } catch (CommandCenterException e) {
            LOG.log(System.Logger.Level.WARNING, "workflow {0}: idempotency key cannot be rendered for trigger {1}:"
                    + " {2}", workflow.name(), trigger.id(), e.getMessage());
            return;
        }
        Instant now = clock.instant();
        Decision.Facts facts = facts(project, workflow, target, prediction.map(p -> p.confidence().value()),
                Trigger.SCHEDULE.equals(trigger.subject()), now);
        Decision decision = Decision.decide(workflow, facts);
        RunMode mode = decision.kind() == Decision.Kind.APPROVAL ? RunMode.APPROVAL
                : prediction.isPresent() || target.isEntity() ? RunMode.AUTOMATIC : RunMode.SCHEDULED;
        RunState state = switch (decision.kind()) {
            case AUTOMATIC -> RunState.RUNNING;
            case APPROVAL -> RunState.AWAITING_APPROVAL;
            case SKIP -> RunState.SKIPPED;
        };
        String runId = "run-" + UUID.randomUUID();
        Optional<ApprovalRecord> approval = Optional.empty();
        if (state == RunState.AWAITING_APPROVAL) {
            approval = Optional.of(new ApprovalRecord("ap-" + UUID.randomUUID(), project, runId,
                    prediction.map(PredictionRecord::id).orElse(null), workflow.name(), revision,
                    ApprovalState.PENDING, decision.reason(), workflow.approval().minConfidence(),
                    workflow.blastRadius().maxPerHour(), facts.blastUsed(), now,
                    now.plus(workflow.approval().expiresAfter()), null, "", ""));
        }
        RunRecord fresh = new RunRecord(runId, project, workflow.name(), revision, state, mode, trigger.subject(),
                trigger.id(), prediction.map(PredictionRecord::id).orElse(null), target.kind(), target.id(), key,
                approval.map(ApprovalRecord::approvalId).orElse(null), hubId,
                state == RunState.RUNNING ? "" : decision.reason(), null, now, state == RunState.RUNNING ? now : null,
                state == RunState.SKIPPED ? now : null, now.plus(workflow.deadline()), pendingNodes(workflow));
        // a skipped run never runs: its nodes are stored SKIPPED with the run's reason, not PENDING
        RunRecord run = state == RunState.SKIPPED ? RunPlan.closePending(fresh, NodeState.SKIPPED, decision.reason(),
                now) : fresh;
        Optional<ActionRecord> action = state == RunState.RUNNING && target.isEntity()
                ? Optional.of(ActionRecord.of(run, prediction, ActionDecision.AUTOMATIC, ENGINE, decision.reason(),
                now))
                : Optional.empty();
        // an automatic run is stored with the attempts of its first nodes: one commit, then they are handed
        // out; its decision row is carried to its end for the outcome watch (no read back of it then)
        Optional<RunExecutor.Staged> staged = state == RunState.RUNNING
                ? executor.stage(run, workflow, prediction, action) : Optional.empty();
        RunRecord stored = staged.map(RunExecutor.Staged::run).orElse(run);
        AuditRecord decided = AuditRecord.of(now, project.value(), ENGINE, AuditAction.RUN_DECIDED, "run:" + runId,
                AuditRecord.detail(
                "decision", decision.kind().name().toLowerCase(Locale.ROOT), "reason", decision.reason(),
                "workflow", workflow.name(), "revision", revision, "mode", mode.wireName(),
                "target", target.kind() + ":" + target.id(), "trigger", trigger.subject(), "triggerId", trigger.id(),
                "prediction", prediction.map(PredictionRecord::id).orElse(null),
                "confidence", prediction.map(p -> p.confidence().value()).orElse(null),
                "approval", approval.map(ApprovalRecord::approvalId).orElse(null)), hubId);
        String lane = Stripes.key(project, target.kind(), target.id());
        if (waiting(lane).stream().anyMatch(r -> r.project().equals(project) && r.idempotencyKey().equals(key))) {
            duplicates.incrementAndGet();
            LOG.log(System.Logger.Level.DEBUG, "workflow {0}: trigger {1} already being handled (key {2})",
                    workflow.name(), trigger.id(), key);
            return;
        }
        // stored, and the decision recorded, before anything else happens, so a second trigger with the
        // key (here or on another hub) finds the run; until then the next decisions on the target count
        // it as pending, and the lane goes on (a burst's runs share commits)
        pending.merge(lane, List.of(stored), RunStarter::plus);
        Optional<ApprovalRecord> requested = approval;
        Thread onLane = Thread.currentThread();
        PathStep.mark(target.id(), PathStep.DECIDED);
        if (state == RunState.RUNNING) {
            executor.creating(stored); // held here until launched: a sweep's backstop leaves it alone
        }
        journal.create(stored, approval, action, decided, (created, failure) -> {
            PathStep.mark(target.id(), PathStep.STORED);
            if (Boolean.TRUE.equals(created)) {
                staged.ifPresent(executor::stored);
            }
            Runnable next = () -> {
                try {
                    created(lane, stored, run, workflow, decision, staged, requested, action, prediction, created,
                            failure);
                } finally {
                    executor.notCreating(stored.runId());
                }
            };
            if (Thread.currentThread() == onLane) {
                next.run(); // committed here, the journal's writer idle: straight on to the first task
            } else {
                stripes.run(lane, next);
            }
        });
    }

    /** What follows the commit of a decided run, on its target's lane. */
    private void created(String lane, RunRecord stored, RunRecord run, Workflow workflow, Decision decision,
                         Optional<RunExecutor.Staged> staged, Optional<ApprovalRecord> approval,
                         Optional<ActionRecord> action, Optional<PredictionRecord> prediction, Boolean created,
                         RuntimeException failure) {
        pending.computeIfPresent(lane, (k, runs) -> {
            List<RunRecord> left = runs.stream().filter(r -> !r.runId().equals(stored.runId())).toList();
            return left.isEmpty() ? null : left;
        });
        if (failure != null) {
            LOG.log(System.Logger.Level.ERROR, "workflow {0} on {1} {2}: run {3} could not be stored, nothing runs:"
                    + " {4}", stored.workflow(), stored.targetKind(), stored.targetId(), stored.runId(),
                    failure.getMessage());
            return;
        }
        if (!created) {
            duplicates.incrementAndGet();
            LOG.log(System.Logger.Level.DEBUG, "workflow {0}: trigger {1} already handled (key {2})", stored.workflow(),
                    stored.triggerId(), stored.idempotencyKey());
            return;
        }
        LOG.log(System.Logger.Level.INFO, "workflow {0} on {1} {2}: {3} ({4})", stored.workflow(),
                stored.targetKind(), stored.targetId(), decision.kind(), decision.reason());
        events.runChanged(stored, prediction);
        switch (decision.kind()) {
            case AUTOMATIC -> {
                automatic.incrementAndGet();
                // a pause that came after the decision halts the run before its first node is handed out
                Optional<String> halt = killSwitch.haltReason(stored.project());
                PathStep.mark(stored.targetId(), PathStep.LAUNCHING);
                if (staged.isPresent()) {
                    executor.launch(staged.get(), halt);
                } else {
                    executor.begin(run, workflow, prediction, action);
                    halt.ifPresent(why -> executor.halt(run.runId(), RunState.CANCELLED, why, false));
                }
            }
            case APPROVAL -> {
                approvals.incrementAndGet();
                events.approvalRequested(approval.orElseThrow(), prediction, stored);
            }
            case SKIP -> skipped.incrementAndGet();
        }
    }

    /** A run as this hub drives it, else as stored (an event about a run names it by id). */
    Optional<RunRecord> run(String runId) {
        return executor.live(runId).or(() -> runs.run(runId));
    }

    private List<RunRecord> waiting(String lane) {
        return pending.getOrDefault(lane, List.of());
    }

    private static List<RunRecord> plus(List<RunRecord> a, List<RunRecord> b) {
        List<RunRecord> out = new ArrayList<>(a);
        out.addAll(b);
        return List.copyOf(out);
    }

    /**
     * Starts a run on a person's say-so: the per-target concurrency holds, the kill switch and the
     * blast radius do not (a person decided). Call on the target's lane.
     *
     * @throws CommandCenterException PRECONDITION ({@code TARGET_BUSY})
     */
    RunRecord startManual(WorkflowCatalog.Entry entry, ProjectId project, Target target,
                          Optional<PredictionRecord> prediction, String by, String reason) {
        Workflow workflow = entry.workflow();
        int active = activeRuns(project, workflow.name(), target,
                runs.activeRuns(project, workflow.name(), target.kind(), target.id()));
        if (active >= workflow.concurrency().perTarget()) {
            throw new CommandCenterException(ErrorKind.PRECONDITION, "TARGET_BUSY", active + " run(s) of "
                    + workflow.name() + " already active on " + target.kind() + " " + target.id() + " (per_target "
                    + workflow.concurrency().perTarget() + ")");
        }
        Instant now = clock.instant();
        String runId = "run-" + UUID.randomUUID();
        RunRecord run = new RunRecord(runId, project, workflow.name(), entry.revision().revision(), RunState.RUNNING,
                RunMode.MANUAL, "manual", runId, prediction.map(PredictionRecord::id).orElse(null), target.kind(),
                target.id(), "manual:" + runId, null, hubId, "", null, now, now, null, now.plus(workflow.deadline()),
                pendingNodes(workflow));
        Optional<ActionRecord> action = target.isEntity()
                ? Optional.of(ActionRecord.of(run, prediction, ActionDecision.MANUAL, by, reason, now))
                : Optional.empty();
        // stored with its first attempts, so its first tasks are submitted before the caller hears back
        Optional<RunExecutor.Staged> staged = executor.stage(run, workflow, prediction, action);
        RunRecord stored = staged.map(RunExecutor.Staged::run).orElse(run);
        runs.create(stored, Optional.empty(), action);
        LOG.log(System.Logger.Level.INFO, "workflow {0} on {1} {2} triggered by {3}", workflow.name(), target.kind(),
                target.id(), by);
        audit.record(AuditAction.RUN_TRIGGERED, project.value(), by, "run:" + runId, AuditRecord.detail(
                "workflow", workflow.name(), "revision", run.revision(), "target", target.kind() + ":" + target.id(),
                "prediction", run.predictionId(), "reason", reason));
        events.runChanged(stored, prediction);
        staged.ifPresentOrElse(s -> executor.launch(s, Optional.empty()),
                () -> executor.begin(run, workflow, prediction, action));
        return executor.live(runId).orElse(stored);
    }

    /** What the decision on {@code workflow} for {@code target} knows at {@code now}. */
    Decision.Facts facts(ProjectId project, Workflow workflow, Target target, Optional<Double> confidence,
                         boolean scheduled, Instant now) {
        Instant since = now.minus(BLAST_WINDOW);
        long waitingAutomatic = waiting(Stripes.key(project, target.kind(), target.id())).stream()
                .filter(r -> r.mode().isAutomatic() && r.state() != RunState.SKIPPED && !r.createdAt().isBefore(since))
                .count();
        // the target's two counts in one read
        RunStore.TargetCounts stored = runs.targetCounts(project, workflow.name(), target.kind(), target.id(), since);
        return new Decision.Facts(confidence, scheduled, killSwitch.pausedBy(project),
                stored.automaticSince() + (int) waitingAutomatic, activeRuns(project, workflow.name(), target,
                stored.active()));
    }

    /**
     * Runs of a workflow active on a target: as stored, plus those decided here and not stored yet,
     * less those that ended here and whose end is not stored yet.
     */
    private int activeRuns(ProjectId project, String workflow, Target target, int storedActive) {
        long waitingActive = waiting(Stripes.key(project, target.kind(), target.id())).stream()
                .filter(r -> r.workflow().equals(workflow)
                        && (r.state() == RunState.RUNNING || r.state() == RunState.AWAITING_APPROVAL))
                .count();
        return storedActive + (int) waitingActive
                - executor.settlingOn(project, workflow, target.kind(), target.id());
    }

    /** The bindings every run's templates start from: workflow, trigger, and the prediction or entity. */
    static RunBindings bindings(String workflow, int revision, Trigger trigger, Target target,
                                Optional<PredictionRecord> prediction) {
        RunBindings b = new RunBindings().workflow(workflow, Integer.toString(revision))
                .trigger(trigger.id(), trigger.subject(), trigger.time());
        prediction.ifPresentOrElse(b::prediction, () -> {
            if (target.isEntity()) {
                b.prediction(Map.of("entity", target.kind(), "targetId", target.id()));
            }
        });
        return b;
    }

    /** Every node of a new run, pending, in the order the graph runs them (compensations last). */
    static List<NodeRecord> pendingNodes(Workflow workflow) {
        List<NodeRecord> nodes = new ArrayList<>();
        List<String> order = workflow.order();
        for (WorkflowNode n : workflow.nodes()) {
            int position = order.indexOf(n.id());
            nodes.add(NodeRecord.pending(n.id(), position >= 0 ? position : order.size() + nodes.size(), n.agent(),
                    n.action(), n.compensating()));
        }
        return nodes;
    }

    long automatic() {
        return automatic.get();
    }

    long approvals() {
        return approvals.get();
    }

    long skipped() {
        return skipped.get();
    }

    long duplicates() {
        return duplicates.get();
    }
}
