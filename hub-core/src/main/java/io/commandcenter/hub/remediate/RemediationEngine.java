package io.commandcenter.hub.remediate;

import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.hub.events.Event;
import io.commandcenter.hub.events.EventBus;
import io.commandcenter.hub.events.EventSink;
import io.commandcenter.hub.events.SubjectPattern;
import io.commandcenter.hub.events.Subscription;
import io.commandcenter.hub.predict.PredictionRecord;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.workflow.Bindings;
import io.commandcenter.hub.workflow.FieldFilter;
import io.commandcenter.hub.workflow.PredictionFields;
import io.commandcenter.hub.workflow.RunBindings;
import io.commandcenter.hub.workflow.Workflow;
import io.commandcenter.hub.workflow.WorkflowNode;
import io.commandcenter.scheduler.Scheduler;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The workflow engine: turns triggers (events carrying a prediction, cron schedules, a person)
 * into runs, decides whether each runs on its own or waits for a person ({@link Decision}), drives
 * runs through their graph ({@link RunExecutor}), takes approvals, rejections, expiries, cancels
 * and the kill switch, and watches the outcome of every decision ({@link OutcomeWatcher}).
 *
 * <p>Durable by construction: every decision and step is stored before the next one starts;
 * a second trigger with the same idempotency key finds the first run (also across hubs sharing a
 * database); a restarted hub resumes its runs.
 */
public final class RemediationEngine implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(RemediationEngine.class.getName());
    static final String ENGINE = "engine";

    /**
     * Tuning.
     *
     * @param lanes          parallel lanes (targets are spread over them; one target's work is in order)
     * @param approvalSweep  how often expired approvals are looked for ({@code cc.remediate.approval-sweep})
     * @param outcomeWindow  how long after an action the target's health is judged ({@code cc.remediate.outcome-window})
     * @param worseMargin    risk rise over the predicted risk that counts as {@code worse}
     * @param refresh        how often workflows and the kill switch stored by other hubs are re-read
     * @param eventBuffer    trigger events held for the engine before the oldest are dropped
     */
    public record Settings(int lanes, Duration approvalSweep, Duration outcomeWindow, double worseMargin,
                           Duration refresh, int eventBuffer) {
        public Settings {
            if (lanes < 1 || lanes > 64) {
                throw new IllegalArgumentException("lanes must be 1 to 64");
            }
            Objects.requireNonNull(approvalSweep, "approvalSweep");
            Objects.requireNonNull(outcomeWindow, "outcomeWindow");
            Objects.requireNonNull(refresh, "refresh");
        }

        public static Settings defaults() {
            return new Settings(4, Duration.ofSeconds(5), Duration.ofMinutes(2), 0.05, Duration.ofSeconds(5), 65_536);
        }

        public Settings withOutcomeWindow(Duration value) {
            return new Settings(lanes, approvalSweep, value, worseMargin, refresh, eventBuffer);
        }

        public Settings withApprovalSweep(Duration value) {
            return new Settings(lanes, value, outcomeWindow, worseMargin, refresh, eventBuffer);
        }
    }

    /** Counters since start. */
    public record Stats(long triggers, long automatic, long approvals, long skipped, long duplicates, long dropped,
                        int activeRuns) {
    }

    private final RemediationStore store;
    private final WorkflowCatalog catalog;
    private final EventBus bus;
    private final PredictionLookup predictions;
    private final RemediationEvents events;
    private final Clock clock;
    private final String hubId;
    private final Settings settings;
    private final Scheduler scheduler;
    private final Stripes stripes;
    private final ScheduledExecutorService timer;
    private final ExecutorService delivery;
    private final RunExecutor executor;
    private final OutcomeWatcher outcomes;
    private final Map<SubjectPattern, Subscription> subscriptions = new ConcurrentHashMap<>();
    private final Map<String, ScheduledFuture<?>> schedules = new ConcurrentHashMap<>();
    private final Map<String, Boolean> pausedCache = new ConcurrentHashMap<>();
    private final AtomicLong triggers = new AtomicLong();
    private final AtomicLong automatic = new AtomicLong();
    private final AtomicLong approvals = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private AutoCloseable schedulerSubscription;
    private volatile boolean closed;

    public RemediationEngine(RemediationStore store, WorkflowCatalog catalog, Scheduler scheduler, EventBus bus,
                             PredictionLookup predictions, HealthProbe probe, RemediationEvents events, Clock clock,
                             String hubId, Settings settings) {
        this.store = store;
        this.catalog = catalog;
        this.scheduler = scheduler;
        this.bus = bus;
        this.predictions = predictions;
        this.events = events;
        this.clock = clock;
        this.hubId = hubId;
        this.settings = settings;
        this.stripes = new Stripes(settings.lanes(), "cc-remediate-");
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cc-remediate-timer");
            t.setDaemon(true);
            return t;
        });
        this.delivery = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "cc-remediate-events");
            t.setDaemon(true);
            return t;
        });
        this.outcomes = new OutcomeWatcher(store, probe, predictions, events, timer, stripes, clock,
                settings.outcomeWindow(), settings.worseMargin());
        this.executor = new RunExecutor(store, catalog, scheduler, events, stripes, timer, clock, new SplittableRandom(),
                this::runFinished);
    }

    /** Loads workflows, subscribes to their triggers, plans schedules and resumes this hub's runs. */
    public RemediationEngine start() {
        catalog.load();
        catalog.onChange(entry -> {
            resubscribe();
            plan(entry);
        });
        resubscribe();
        catalog.all().forEach(this::plan);
        schedulerSubscription = scheduler.subscribe(executor::onSchedulerEvent);
        int resumed = 0;
        for (RunRecord run : store.unfinished()) {
            if (run.state() == RunState.RUNNING && run.hubId().equals(hubId)) {
                stripes.run(RunExecutor.laneOf(run), () -> resume(run));
                resumed++;
            }
        }
        outcomes.resume(hubId);
        long sweep = settings.approvalSweep().toMillis();
        timer.scheduleWithFixedDelay(this::expireApprovals, sweep, sweep, TimeUnit.MILLISECONDS);
        long refresh = settings.refresh().toMillis();
        timer.scheduleWithFixedDelay(this::refresh, refresh, refresh, TimeUnit.MILLISECONDS);
        LOG.log(System.Logger.Level.INFO, "remediation engine started: {0} workflow(s), {1} run(s) resumed",
                catalog.all().size(), resumed);
        return this;
    }

    public WorkflowCatalog catalog() {
        return catalog;
    }

    public RemediationStore store() {
        return store;
    }

    public Stats stats() {
        return new Stats(triggers.get(), automatic.get(), approvals.get(), skipped.get(), duplicates.get(),
                dropped.get(), executor.activeCount());
    }

    /** Waits until the work queued so far has been done (tests and benchmarks). */
    public void drain() {
        try {
            delivery.submit(() -> { }).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            // closed or interrupted: nothing more to wait for
        }
        stripes.drain();
    }

    // ---- triggers from events

    private synchronized void resubscribe() {
        if (closed) {
            return;
        }
        Set<SubjectPattern> wanted = new HashSet<>();
        for (WorkflowCatalog.Entry e : catalog.all()) {
            wanted.addAll(e.workflow().trigger().on());
        }
        for (SubjectPattern pattern : wanted) {
            subscriptions.computeIfAbsent(pattern, p -> bus.subscribeEveryProject(p, settings.eventBuffer(),
                    new TriggerSink(p), delivery));
        }
        subscriptions.keySet().removeIf(p -> {
            if (!wanted.contains(p)) {
                subscriptions.get(p).close();
                return true;
            }
            return false;
        });
    }

    /** Delivers events of one pattern; never blocks (the work goes to the target's lane). */
    private final class TriggerSink implements EventSink {
        private final SubjectPattern pattern;

        TriggerSink(SubjectPattern pattern) {
            this.pattern = pattern;
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void deliver(Event event) {
            onEvent(event, pattern);
        }

        @Override
        public void dropped(long count, long total, Instant since) {
            dropped.addAndGet(count);
            LOG.log(System.Logger.Level.WARNING, "remediation engine fell behind: {0} trigger event(s) on {1} dropped"
                    + " since {2}", count, pattern, since);
        }

        @Override
        public void closed() {
        }
    }

    private void onEvent(Event event, SubjectPattern via) {
        Optional<PredictionRecord> prediction = event.payload().as(PredictionRecord.class);
        Map<String, Object> fields = prediction.map(PredictionFields::of).orElse(Map.of());
        for (WorkflowCatalog.Entry entry : catalog.latest(event.project())) {
            Workflow workflow = entry.workflow();
            // an event matching several patterns of a workflow is handled once, by the first
            Optional<SubjectPattern> first = workflow.trigger().on().stream().filter(p -> p.matches(event.subject()))
                    .findFirst();
            if (first.isEmpty() || !first.get().equals(via) || !workflow.trigger().matches(event.subject(), fields)) {
                continue;
            }
            triggers.incrementAndGet();
            Target target = prediction.map(p -> new Target(p.targetKind(), p.targetId()))
                    .orElse(new Target(RunExecutor.WORKFLOW_TARGET, workflow.name()));
            Trigger trigger = new Trigger(prediction.map(PredictionRecord::id).orElse(event.id()), event.subject(),
                    event.time());
            stripes.run(lane(event.project(), target), () -> decideAndStart(entry, event.project(), trigger, target,
                    prediction));
        }
    }

    record Target(String kind, String id) {
    }

    /** What started a run: {@code id} is what {@code $trigger.id} reads (the prediction's id, the scheduled time). */
    record Trigger(String id, String subject, Instant time) {
    }

    private static String lane(ProjectId project, Target target) {
        return Stripes.key(project, target.kind(), target.id());
    }

    /** Decides on a trigger and stores the run (and its approval or decision). Call on the target's lane. */
    private Optional<RunRecord> decideAndStart(WorkflowCatalog.Entry entry, ProjectId project, Trigger trigger,
                                               Target target, Optional<PredictionRecord> prediction) {
        if (closed) {
            return Optional.empty();
        }
        Workflow workflow = entry.workflow();
        String key;
        try {
            key = workflow.idempotencyKey().render(bindings(workflow, entry.revision().revision(), trigger, target,
                    prediction));
        } catch (CommandCenterException e) {
            LOG.log(System.Logger.Level.WARNING, "workflow {0}: idempotency key cannot be rendered for trigger {1}:"
                    + " {2}", workflow.name(), trigger.id(), e.getMessage());
            return Optional.empty();
        }
        Instant now = clock.instant();
        Decision.Facts facts = facts(project, workflow, target, prediction.map(p -> p.confidence().value()), now);
        Decision decision = Decision.decide(workflow, facts);
        String mode = decision.kind() == Decision.Kind.APPROVAL ? "approval"
                : prediction.isPresent() || hasEntity(target) ? "automatic" : "scheduled";
        String runId = "run-" + UUID.randomUUID();
        RunState state = switch (decision.kind()) {
            case AUTOMATIC -> RunState.RUNNING;
            case APPROVAL -> RunState.AWAITING_APPROVAL;
            case SKIP -> RunState.SKIPPED;
        };
        Optional<ApprovalRecord> approval = Optional.empty();
        String approvalId = null;
        if (state == RunState.AWAITING_APPROVAL) {
            approvalId = "ap-" + UUID.randomUUID();
            approval = Optional.of(new ApprovalRecord(approvalId, project, runId,
                    prediction.map(PredictionRecord::id).orElse(null), workflow.name(), entry.revision().revision(),
                    ApprovalRecord.PENDING, decision.reason(), workflow.approval().minConfidence(),
                    workflow.blastRadius().maxPerHour(), facts.blastUsed(), now,
                    now.plus(workflow.approval().expiresAfter()), null, "", ""));
        }
        RunRecord run = new RunRecord(runId, project, workflow.name(), entry.revision().revision(), state, mode,
                trigger.subject(), trigger.id(), prediction.map(PredictionRecord::id).orElse(null), target.kind(),
                target.id(), key, approvalId, hubId, state == RunState.RUNNING ? "" : decision.reason(), "", now,
                state == RunState.RUNNING ? now : null, state == RunState.SKIPPED ? now : null,
                now.plus(workflow.deadline()), pendingNodes(workflow));
        Optional<ActionRecord> action = state == RunState.RUNNING && hasEntity(target)
                ? Optional.of(action(run, prediction, "automatic", ENGINE, decision.reason(), now))
                : Optional.empty();
        if (!store.create(run, approval, action)) {
            duplicates.incrementAndGet();
            LOG.log(System.Logger.Level.DEBUG, "workflow {0}: trigger {1} already handled (key {2})", workflow.name(),
                    trigger.id(), key);
            return Optional.empty();
        }
        LOG.log(System.Logger.Level.INFO, "workflow {0} on {1} {2}: {3} ({4})", workflow.name(), target.kind(),
                target.id(), decision.kind(), decision.reason());
        events.runChanged(run, prediction);
        switch (decision.kind()) {
            case AUTOMATIC -> {
                automatic.incrementAndGet();
                executor.begin(run, workflow, prediction);
            }
            case APPROVAL -> {
                approvals.incrementAndGet();
                events.approvalRequested(approval.orElseThrow(), prediction, run);
            }
            case SKIP -> skipped.incrementAndGet();
        }
        return Optional.of(run);
    }

    private Decision.Facts facts(ProjectId project, Workflow workflow, Target target, Optional<Double> confidence,
                                 Instant now) {
        return new Decision.Facts(confidence, pausedBy(project), blastUsed(project, target, now),
                store.activeRuns(project, workflow.name(), target.kind(), target.id()));
    }

    private int blastUsed(ProjectId project, Target target, Instant now) {
        return store.automaticRunsSince(project, target.kind(), target.id(), now.minus(Duration.ofHours(1)));
    }

    /** The kill switch that pauses the project's automatic actions, read from the store (other hubs set it too). */
    private Optional<AutonomySetting> pausedBy(ProjectId project) {
        Optional<AutonomySetting> global = store.autonomy(AutonomySetting.GLOBAL).filter(AutonomySetting::paused);
        if (global.isPresent()) {
            return global;
        }
        return store.autonomy(project.value()).filter(AutonomySetting::paused);
    }

    private static boolean hasEntity(Target target) {
        return !RunExecutor.WORKFLOW_TARGET.equals(target.kind());
    }

    private static Bindings bindings(Workflow workflow, int revision, Trigger trigger, Target target,
                                     Optional<PredictionRecord> prediction) {
        RunBindings b = new RunBindings().workflow(workflow.name(), Integer.toString(revision))
                .trigger(trigger.id(), trigger.subject(), trigger.time());
        prediction.ifPresentOrElse(b::prediction, () -> {
            if (hasEntity(target)) {
                b.prediction(Map.of("entity", target.kind(), "targetId", target.id()));
            }
        });
        return b.build();
    }

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

    private ActionRecord action(RunRecord run, Optional<PredictionRecord> prediction, String decision, String by,
                                String reason, Instant now) {
        return new ActionRecord("pa-" + UUID.randomUUID(), run.project(), run.predictionId(), run.runId(), decision,
                by, now, reason, run.targetKind(), run.targetId(), prediction.map(PredictionRecord::risk).orElse(null),
                "", null, null, "{}");
    }

    private void runFinished(RunRecord run) {
        if (hasEntity(new Target(run.targetKind(), run.targetId()))) {
            store.actionOfRun(run.runId()).filter(a -> a.outcome().isEmpty())
                    .ifPresent(a -> outcomes.watch(a, run.finishedAt()));
        }
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
            store.update(failed);
            events.runChanged(failed, prediction);
            return;
        }
        executor.resume(run, workflow, prediction);
    }

    // ---- schedules

    private void plan(WorkflowCatalog.Entry entry) {
        String key = entry.revision().project().value() + "/" + entry.workflow().name();
        ScheduledFuture<?> old = schedules.remove(key);
        if (old != null) {
            old.cancel(false);
        }
        if (closed) {
            return;
        }
        entry.workflow().trigger().nextFire(clock.instant()).ifPresent(at -> {
            long delay = Math.max(0, Duration.between(clock.instant(), at).toMillis());
            schedules.put(key, timer.schedule(() -> fire(entry, at), delay, TimeUnit.MILLISECONDS));
        });
    }

    private void fire(WorkflowCatalog.Entry entry, Instant at) {
        ProjectId project = entry.revision().project();
        Optional<WorkflowCatalog.Entry> current = catalog.latest(project, entry.workflow().name());
        if (current.isEmpty() || current.get().revision().revision() != entry.revision().revision()) {
            return; // a newer revision planned its own schedule
        }
        Target target = new Target(RunExecutor.WORKFLOW_TARGET, entry.workflow().name());
        // the key renders the scheduled time: every hub computes the same, so only one run starts
        stripes.run(lane(project, target), () -> decideAndStart(entry, project,
                new Trigger(at.toString(), "schedule", at), target, Optional.empty()));
        plan(entry);
    }

    // ---- people

    /**
     * Runs a workflow now on a person's say-so: on a stored prediction's target, on a given
     * target, or (with neither) on the workflow itself. The per-target concurrency still holds; the
     * kill switch does not apply (a person decided).
     *
     * @throws CommandCenterException NOT_FOUND (workflow, prediction), PRECONDITION ({@code TARGET_BUSY})
     */
    public RunRecord trigger(ProjectId project, String name, String predictionId, String targetKind, String targetId,
                             String by, String reason) {
        WorkflowCatalog.Entry entry = catalog.require(project, name, "name");
        Optional<PredictionRecord> prediction = Optional.empty();
        if (predictionId != null && !predictionId.isEmpty()) {
            prediction = Optional.of(predictions.find(project, predictionId).orElseThrow(() -> CommandCenterException.notFound(
                    "PREDICTION_NOT_FOUND", "no prediction " + predictionId + " in project " + project)));
        }
        Target target = prediction.map(p -> new Target(p.targetKind(), p.targetId()))
                .orElse(targetId == null || targetId.isEmpty() ? new Target(RunExecutor.WORKFLOW_TARGET, name)
                        : new Target(targetKind == null || targetKind.isEmpty() ? "service" : targetKind, targetId));
        Optional<PredictionRecord> cause = prediction;
        return stripes.call(lane(project, target), () -> {
            Workflow workflow = entry.workflow();
            int active = store.activeRuns(project, workflow.name(), target.kind(), target.id());
            if (active >= workflow.concurrency().perTarget()) {
                throw new CommandCenterException(ErrorKind.PRECONDITION, "TARGET_BUSY", active + " run(s) of " + name
                        + " already active on " + target.kind() + " " + target.id() + " (per_target "
                        + workflow.concurrency().perTarget() + ")");
            }
            Instant now = clock.instant();
            String runId = "run-" + UUID.randomUUID();
            RunRecord run = new RunRecord(runId, project, workflow.name(), entry.revision().revision(),
                    RunState.RUNNING, "manual", "manual", runId, cause.map(PredictionRecord::id).orElse(null),
                    target.kind(), target.id(), "manual:" + runId, null, hubId, "", "", now, now, null,
                    now.plus(workflow.deadline()), pendingNodes(workflow));
            Optional<ActionRecord> action = hasEntity(target)
                    ? Optional.of(action(run, cause, "manual", by, reason, now)) : Optional.empty();
            store.create(run, Optional.empty(), action);
            LOG.log(System.Logger.Level.INFO, "workflow {0} on {1} {2} triggered by {3}", name, target.kind(),
                    target.id(), by);
            events.runChanged(run, cause);
            executor.begin(run, workflow, cause);
            return executor.live(runId).orElse(run);
        });
    }

    /** The outcome of an approval decision. */
    public record Decided(ApprovalRecord approval, RunRecord run) {
    }

    /**
     * Approves a pending approval: its run starts now on this hub, pinned to the revision it was
     * raised with. An approval past its expiry cannot be approved.
     *
     * @throws CommandCenterException NOT_FOUND ({@code APPROVAL_NOT_FOUND}), PRECONDITION ({@code APPROVAL_DECIDED},
     *         {@code APPROVAL_EXPIRED})
     */
    public Decided approve(ProjectId project, String approvalId, String by, String reason) {
        return decide(project, approvalId, ApprovalRecord.APPROVED, by, reason);
    }

    /** Rejects a pending approval: its run ends REJECTED and nothing runs. Errors as {@link #approve}. */
    public Decided reject(ProjectId project, String approvalId, String by, String reason) {
        return decide(project, approvalId, ApprovalRecord.REJECTED, by, reason);
    }

    private Decided decide(ProjectId project, String approvalId, String verdict, String by, String reason) {
        if (approvalId == null || approvalId.isEmpty()) {
            throw CommandCenterException.invalid("REQUIRED", "approval_id", "approval_id is required");
        }
        ApprovalRecord approval = store.approval(approvalId).filter(a -> a.project().equals(project))
                .orElseThrow(() -> CommandCenterException.notFound("APPROVAL_NOT_FOUND", "no approval " + approvalId
                        + " in project " + project));
        RunRecord run = store.run(approval.runId()).orElseThrow(() -> CommandCenterException.notFound("RUN_NOT_FOUND",
                "the run of approval " + approvalId + " is gone"));
        return stripes.call(RunExecutor.laneOf(run), () -> {
            ApprovalRecord current = store.approval(approvalId).orElseThrow();
            if (!current.isPending()) {
                throw alreadyDecided(current);
            }
            Instant now = clock.instant();
            if (!now.isBefore(current.expiresAt())) {
                expire(current, now);
                throw new CommandCenterException(ErrorKind.PRECONDITION, "APPROVAL_EXPIRED", "approval " + approvalId
                        + " expired at " + current.expiresAt() + "; an expired approval is a rejection");
            }
            return settle(current, verdict, by, reason, now).orElseThrow(() ->
                    alreadyDecided(store.approval(approvalId).orElseThrow()));
        });
    }

    private static CommandCenterException alreadyDecided(ApprovalRecord a) {
        return new CommandCenterException(ErrorKind.PRECONDITION, "APPROVAL_DECIDED", "approval " + a.approvalId() + " was already "
                + a.state().toLowerCase() + (a.decidedBy().isEmpty() ? "" : " by " + a.decidedBy())
                + (a.decidedAt() == null ? "" : " at " + a.decidedAt()));
    }

    /** Records a decision if nobody else did first, and moves the run. Call on the run's lane. */
    private Optional<Decided> settle(ApprovalRecord approval, String verdict, String by, String reason, Instant now) {
        ApprovalRecord decided = approval.decided(verdict, by, reason == null ? "" : reason, now);
        if (!store.decide(decided)) {
            return Optional.empty();
        }
        RunRecord run = store.run(approval.runId()).orElseThrow();
        Optional<PredictionRecord> prediction = run.predictionId() == null ? Optional.empty()
                : predictions.find(run.project(), run.predictionId());
        String decision = verdict.toLowerCase();
        ActionRecord action = action(run, prediction, decision, by, reason == null ? "" : reason, now);
        RunRecord next;
        if (ApprovalRecord.APPROVED.equals(verdict)) {
            Duration deadline = catalog.pinned(run.project(), run.workflow(), run.revision()).workflow().deadline();
            next = run.takenBy(hubId, "approved", now.plus(deadline)).withState(RunState.RUNNING, "", now);
        } else {
            String why = ApprovalRecord.EXPIRED.equals(verdict) ? "approval expired at " + approval.expiresAt()
                    + " without a decision" : "rejected by " + by + (reason == null || reason.isEmpty() ? ""
                    : ": " + reason);
            next = RunPlan.closePending(run, NodeState.SKIPPED, why, now).withState(RunState.REJECTED, why, now);
        }
        store.update(next);
        if (hasEntity(new Target(run.targetKind(), run.targetId()))) {
            store.insert(action);
        }
        LOG.log(System.Logger.Level.INFO, "approval {0} of {1} on {2}: {3} by {4}", approval.approvalId(),
                run.workflow(), run.targetId(), decision, by);
        events.approvalDecided(decided, prediction, next);
        events.runChanged(next, prediction);
        if (next.state() == RunState.RUNNING) {
            executor.begin(next, catalog.pinned(run.project(), run.workflow(), run.revision()).workflow(), prediction);
            return Optional.of(new Decided(decided, executor.live(run.runId()).orElse(next)));
        }
        if (hasEntity(new Target(run.targetKind(), run.targetId()))) {
            outcomes.watch(action, now);
        }
        return Optional.of(new Decided(decided, next));
    }

    private void expireApprovals() {
        try {
            Instant now = clock.instant();
            for (ApprovalRecord a : store.expired(now)) {
                store.run(a.runId()).ifPresent(run -> stripes.run(RunExecutor.laneOf(run), () -> {
                    ApprovalRecord current = store.approval(a.approvalId()).orElseThrow();
                    if (current.isPending()) {
                        expire(current, clock.instant());
                    }
                }));
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "approval sweep failed: {0}", e.getMessage());
        }
    }

    private void expire(ApprovalRecord approval, Instant now) {
        settle(approval, ApprovalRecord.EXPIRED, "hub:" + hubId, "no decision within "
                + Duration.between(approval.requestedAt(), approval.expiresAt()), now);
    }

    /** Pending approvals of a project (state null) or those in a state, oldest first. */
    public List<ApprovalRecord> approvals(ProjectId project, String state, int limit) {
        return store.approvals(project, state, limit);
    }

    /**
     * Cancels a run: a run waiting for approval is withdrawn (its approval rejected); a running one
     * stops — tasks still queued or with agents are cancelled, nodes not started never start.
     *
     * @throws CommandCenterException NOT_FOUND, PRECONDITION ({@code RUN_FINISHED}, {@code RUN_ON_OTHER_HUB})
     */
    public RunRecord cancel(ProjectId project, String runId, String by, String reason) {
        RunRecord run = run(project, runId);
        return stripes.call(RunExecutor.laneOf(run), () -> {
            RunRecord current = executor.live(runId).orElseGet(() -> store.run(runId).orElseThrow());
            if (current.state().isFinished()) {
                throw new CommandCenterException(ErrorKind.PRECONDITION, "RUN_FINISHED", "run " + runId + " already ended "
                        + current.state());
            }
            String why = "cancelled by " + by + (reason == null || reason.isEmpty() ? "" : ": " + reason);
            if (current.state() == RunState.AWAITING_APPROVAL) {
                ApprovalRecord approval = store.approval(current.approvalId()).orElseThrow();
                settle(approval, ApprovalRecord.REJECTED, by, "run cancelled" + (reason == null || reason.isEmpty()
                        ? "" : ": " + reason), clock.instant());
                RunRecord after = store.run(runId).orElseThrow();
                return after;
            }
            if (executor.live(runId).isEmpty()) {
                throw new CommandCenterException(ErrorKind.PRECONDITION, "RUN_ON_OTHER_HUB", "run " + runId
                        + " is driven by hub " + current.hubId() + "; cancel it there");
            }
            executor.halt(runId, RunState.CANCELLED, why, true);
            return executor.live(runId).orElseGet(() -> store.run(runId).orElseThrow());
        });
    }

    /**
     * A run of the project as this hub sees it now.
     *
     * @throws CommandCenterException INVALID (empty id), NOT_FOUND ({@code RUN_NOT_FOUND})
     */
    public RunRecord run(ProjectId project, String runId) {
        if (runId == null || runId.isEmpty()) {
            throw CommandCenterException.invalid("REQUIRED", "run_id", "run_id is required");
        }
        return executor.live(runId).or(() -> store.run(runId)).filter(r -> r.project().equals(project))
                .orElseThrow(() -> CommandCenterException.notFound("RUN_NOT_FOUND", "no run " + runId + " in project " + project));
    }

    // ---- kill switch

    /**
     * Pauses or resumes automatic actions for a project or globally. Pausing takes effect at once on
     * this hub: no automatic run starts (predictions raise approvals instead) and the automatic
     * runs it drives start no further node (nodes with agents finish); other hubs see it at their
     * next decision and within {@link Settings#refresh()} for their running runs.
     */
    public AutonomySetting setAutonomy(String scope, boolean paused, String by, String reason) {
        AutonomySetting setting = new AutonomySetting(scope, paused, clock.instant(), by, reason == null ? "" : reason);
        store.put(setting);
        pausedCache.put(scope, paused);
        LOG.log(System.Logger.Level.WARNING, "automatic actions {0} {1} by {2}{3}", paused ? "PAUSED" : "resumed",
                AutonomySetting.GLOBAL.equals(scope) ? "everywhere" : "in project " + scope, by,
                setting.reason().isEmpty() ? "" : ": " + setting.reason());
        if (paused) {
            haltAutomatic(setting);
        }
        return setting;
    }

    public Optional<AutonomySetting> autonomy(String scope) {
        return store.autonomy(scope);
    }

    private void haltAutomatic(AutonomySetting setting) {
        String why = "automatic actions paused by " + setting.changedBy()
                + (setting.reason().isEmpty() ? "" : ": " + setting.reason());
        for (RunRecord run : executor.activeRuns()) {
            boolean inScope = AutonomySetting.GLOBAL.equals(setting.scope())
                    || run.project().value().equals(setting.scope());
            if (inScope && ("automatic".equals(run.mode()) || "scheduled".equals(run.mode()))) {
                stripes.run(RunExecutor.laneOf(run), () -> executor.halt(run.runId(), RunState.CANCELLED, why, false));
            }
        }
    }

    private void refresh() {
        try {
            catalog.load();
            Set<String> scopes = new HashSet<>();
            scopes.add(AutonomySetting.GLOBAL);
            executor.activeRuns().forEach(r -> scopes.add(r.project().value()));
            for (String scope : scopes) {
                Optional<AutonomySetting> s = store.autonomy(scope);
                boolean paused = s.map(AutonomySetting::paused).orElse(false);
                Boolean before = pausedCache.put(scope, paused);
                if (paused && !Boolean.TRUE.equals(before)) {
                    haltAutomatic(s.get());
                }
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "remediation refresh failed: {0}", e.getMessage());
        }
    }

    // ---- dry run

    /** What a workflow would do for a prediction (or a target) now; nothing is stored or run. */
    public record DryRun(boolean matches, String matchReason, Decision decision, List<DryRunNode> nodes) {
    }

    /** One node as it would be handed to its agent; {@code error} says why its inputs cannot be rendered yet. */
    public record DryRunNode(String id, String agent, String action, Map<String, String> inputs,
                             List<String> dependsOn, boolean compensation, String error) {
    }

    public DryRun dryRun(ProjectId project, Workflow workflow, int revision, Optional<PredictionRecord> prediction,
                         String targetKind, String targetId) {
        Target target = prediction.map(p -> new Target(p.targetKind(), p.targetId()))
                .orElse(targetId == null || targetId.isEmpty() ? new Target(RunExecutor.WORKFLOW_TARGET, workflow.name())
                        : new Target(targetKind == null || targetKind.isEmpty() ? "service" : targetKind, targetId));
        String matchReason = matchReason(workflow, prediction);
        boolean matches = matchReason.startsWith("matches");
        Instant now = clock.instant();
        Decision decision = Decision.decide(workflow, facts(project, workflow, target,
                prediction.map(p -> p.confidence().value()), now));
        Trigger trigger = new Trigger(prediction.map(PredictionRecord::id).orElse("dry-run"),
                prediction.map(PredictionRecord::subject).orElse("manual"), now);
        RunBindings b = new RunBindings().workflow(workflow.name(), Integer.toString(revision)).run("dry-run")
                .trigger(trigger.id(), trigger.subject(), now);
        prediction.ifPresentOrElse(b::prediction, () -> {
            if (hasEntity(target)) {
                b.prediction(Map.of("entity", target.kind(), "targetId", target.id()));
            }
        });
        Bindings bindings = b.build();
        List<DryRunNode> nodes = new ArrayList<>();
        List<WorkflowNode> ordered = new ArrayList<>();
        workflow.order().forEach(id -> ordered.add(workflow.node(id)));
        workflow.nodes().stream().filter(WorkflowNode::compensating).forEach(ordered::add);
        for (WorkflowNode n : ordered) {
            Map<String, String> inputs = new LinkedHashMap<>();
            String error = "";
            try {
                inputs = n.renderInputs(bindings);
            } catch (CommandCenterException e) {
                error = e.getMessage() + (e.getMessage().contains("nodes.") ? " (known once the run reaches it)" : "");
            }
            nodes.add(new DryRunNode(n.id(), n.agent(), n.action(), inputs, n.dependsOn(), n.compensating(), error));
        }
        return new DryRun(matches, matchReason, decision, nodes);
    }

    private static String matchReason(Workflow workflow, Optional<PredictionRecord> prediction) {
        var trigger = workflow.trigger();
        if (!trigger.onEvents()) {
            return "does not match: the workflow runs on its schedule only";
        }
        if (prediction.isEmpty()) {
            return "does not match: no prediction given";
        }
        String subject = prediction.get().subject();
        if (trigger.on().stream().noneMatch(p -> p.matches(subject))) {
            return "does not match: " + subject + " is not in on " + trigger.on();
        }
        Map<String, Object> fields = PredictionFields.of(prediction.get());
        for (FieldFilter f : trigger.filters()) {
            if (!f.test(fields.get(f.field()))) {
                return "does not match: filter " + f.field() + " does not hold for " + fields.get(f.field());
            }
        }
        return "matches " + subject + (trigger.filters().isEmpty() ? "" : " and its filters");
    }

    @Override
    public synchronized void close() {
        closed = true;
        subscriptions.values().forEach(Subscription::close);
        subscriptions.clear();
        schedules.values().forEach(f -> f.cancel(false));
        if (schedulerSubscription != null) {
            try {
                schedulerSubscription.close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.DEBUG, "scheduler subscription close: {0}", e.getMessage());
            }
        }
        delivery.shutdown();
        timer.shutdownNow();
        stripes.close();
    }
}
