package io.commandcenter.hub.remediate;

import io.commandcenter.common.json.Json;
import io.commandcenter.common.json.JsonException;
import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.hub.predict.PredictionRecord;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.workflow.RunBindings;
import io.commandcenter.hub.workflow.Workflow;
import io.commandcenter.hub.workflow.WorkflowNode;
import io.commandcenter.scheduler.Scheduler;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.scheduler.events.SchedulerEvent;
import io.commandcenter.scheduler.task.Capability;
import io.commandcenter.scheduler.task.Placement;
import io.commandcenter.scheduler.task.PredictionCause;
import io.commandcenter.scheduler.task.TargetRef;
import io.commandcenter.scheduler.task.Task;
import io.commandcenter.scheduler.task.TaskResult;
import io.commandcenter.scheduler.task.TaskSpec;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Drives the runs this hub owns through their graph: every node becomes a scheduler task for an
 * agent, its result moves the run on ({@link RunPlan}), failures are retried with the node's
 * policy, a node that fails for good runs its compensation, timeouts and the run's deadline are
 * enforced, and a restarted hub picks up where it stopped ({@link #resume}).
 *
 * <p>Every change of a run goes to the {@link RunJournal} in the order it happens; the lane does not
 * wait for its commit, except where an action depends on it. A node's attempt is stored before its
 * task is handed to the scheduler: the node is recorded {@code QUEUED} with its attempt number and
 * no task id, and the task is submitted (on the run's lane) only once that is committed. So after a
 * crash a node is either not started (stored {@code PENDING} or {@code RETRY_WAIT}: it runs, under
 * an idempotency key the scheduler may still know, {@code runId:nodeId:attempt}) or possibly
 * handed out (stored {@code QUEUED}/{@code RUNNING}: continued if the scheduler knows its task —
 * by the stored task id, or by the attempt's idempotency key when no id was stored — otherwise
 * {@code UNKNOWN} and never run again) — an action never runs twice because a write was late. So
 * neither the task's id nor that an agent took it ({@code RUNNING}) is needed for recovery: both
 * are written late ({@link RunJournal#writeLater}), stored with the node's result (or the run's
 * next state) when that follows within a second, alone otherwise. A finished run is published
 * (event, outcome watch) once its end is committed; until then {@link #live} answers with it.
 *
 * <p>A stalled owner is fenced (ADR 0028). Every write is stored only while the run is still this
 * hub's ({@link RunJournal}); one that finds the run adopted by another hub makes this hub
 * {@link #relinquish} it: forgotten here, nothing of it launched or written again. And a node's task
 * is submitted only while this hub's lease is fresh ({@code launchable}); otherwise it is held, its
 * attempt stored, until the next renewal, which first drops the runs another hub owns by then
 * ({@link #releaseHeld}).
 *
 * <p>All work on a run happens on its target's lane ({@link Stripes}); the maps here are only
 * touched from lanes, the scheduler's event thread and the journal's writer.
 */
final class RunExecutor {
    private static final System.Logger LOG = System.getLogger(RunExecutor.class.getName());

    private final RunJournal journal;
    private final Scheduler scheduler;
    private final RemediationEvents events;
    private final Stripes stripes;
    private final Timers timers;
    private final Clock clock;
    private final RandomGenerator random;
    /** Told of each run that ended here once its end is stored, with the decision row it carried (if any). */
    private final BiConsumer<RunRecord, Optional<ActionRecord>> onFinished;
    private final Map<String, Active> active = new ConcurrentHashMap<>();
    /** Staged runs whose creation is committed and that are not launched yet (see {@link #close}). */
    private final Map<String, Active> storedUnlaunched = new ConcurrentHashMap<>();
    /**
     * RUNNING runs handed to the journal to be created and not driven yet ({@link #creating}): held
     * here while their commit, or what follows it, is slow.
     */
    private final Map<String, RunRecord> creating = new ConcurrentHashMap<>();
    /**
     * RUNNING runs this hub is adopting: held here from before the adoption's statement is sent
     * ({@link #adopting}) until they are taken up on their lane, given up, or the adoption did not win
     * ({@link #notAdopting}).
     */
    private final Map<String, Noted> adopting = new ConcurrentHashMap<>();
    /** Runs of this hub waiting to be taken up again after the scheduler failed a look-up ({@link #resume}). */
    private final Set<String> resuming = ConcurrentHashMap.newKeySet();
    /** Runs that ended here and whose end is not committed yet: still this hub's to answer for. */
    private final Map<String, RunRecord> settling = new ConcurrentHashMap<>();
    /** Whether a node's task may be submitted now: this hub's lease is fresh ({@link Lease#fresh}). */
    private final BooleanSupplier launchable;
    /** Dispatches waiting for the lease to be renewed, in the order they were held. */
    private final Queue<Held> held = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean holding = new AtomicBoolean();
    /**
     * How many times work on agents was held until the next renewal: a node's dispatch, a run's deadline
     * halt, a task's timeout (a release holds it again while the lease is stale).
     */
    private final AtomicLong holdsUntilRenewal = new AtomicLong();
    /** Runs another hub owns now, given up here: never driven here again (bounded). */
    private final Set<String> relinquished = ConcurrentHashMap.newKeySet();
    /**
     * While a renewal checks the owners of this hub's runs ({@link #watchTakings}): the runs this hub
     * began to create or take up since the check began (null otherwise).
     */
    private volatile Set<String> takenSinceCheck;

    /**
     * Work on agents held for a stale lease, done on its lane once the lease is renewed: a node's task
     * submitted, or ({@code halt}) a run halted by its own deadline, which goes first, so that launches
     * held before it never start.
     */
    private record Held(Active active, boolean halt, Runnable work) {
    }

    /**
     * A run being adopted, as read before its adoption (under its old owner); {@code won}: the adoption's
     * answer arrived and it won ({@link #adopted}), so the run is this hub's; until then the adoption
     * may lose, and the run may never be this hub's.
     */
    record Noted(RunRecord asRead, boolean won) {
        /** The run's owner before this adoption. */
        String from() {
            return asRead.hubId();
        }
    }

    /** A run this hub is driving. */
    final class Active {
        volatile RunRecord run;
        final Workflow workflow;
        final Optional<PredictionRecord> prediction;
        /**
         * The decision row stored with the run when this hub started it, carried to its end for the
         * outcome watch (empty: a run taken up, approved, or not on an entity; its row is read then).
         * It goes when this object goes, whichever way the run leaves this hub.
         */
        final Optional<ActionRecord> action;
        final String lane;
        /** Why the run stops early (cancel, deadline, kill switch, restart); null while it goes on. */
        String halt;
        RunState haltAs;
        /**
         * A halt of the run waits for the renewal ({@link #haltOnceFresh}): until it runs, no node of
         * the run is submitted (a dispatch is held again) and no new attempt is stored, so nothing
         * posted on the lane before it, or released by another renewal at the same time, goes first.
         */
        boolean haltHeld;
        final Map<String, Timers.Timer> timers = new HashMap<>();
        /** Nodes whose attempt is stored but whose task is not submitted yet, as they were before it. */
        final Map<String, NodeRecord> undispatched = new HashMap<>();

        Active(RunRecord run, Workflow workflow, Optional<PredictionRecord> prediction, Optional<ActionRecord> action) {
            this.run = run;
            this.workflow = workflow;
            this.prediction = prediction;
            this.action = action;
            this.lane = laneOf(run);
        }
    }

    RunExecutor(RunJournal journal, Scheduler scheduler, RemediationEvents events, Stripes stripes, Timers timers,
                Clock clock, RandomGenerator random, BiConsumer<RunRecord, Optional<ActionRecord>> onFinished) {
        this(journal, scheduler, events, stripes, timers, clock, random, onFinished, () -> true);
    }

    /** @param launchable whether a node's task may be submitted now (this hub's lease is fresh) */
    RunExecutor(RunJournal journal, Scheduler scheduler, RemediationEvents events, Stripes stripes, Timers timers,
                Clock clock, RandomGenerator random, BiConsumer<RunRecord, Optional<ActionRecord>> onFinished,
                BooleanSupplier launchable) {
        this.launchable = launchable;
        this.journal = journal;
        this.scheduler = scheduler;
        this.events = events;
        this.stripes = stripes;
        this.timers = timers;
        this.clock = clock;
        this.random = random;
        this.onFinished = onFinished;
    }

    static String laneOf(RunRecord run) {
        return Stripes.key(run.project(), run.targetKind(), run.targetId());
    }

    /** Whether the run waits here to be taken up again (the scheduler failed to answer a look-up). */
    boolean resuming(String runId) {
        return resuming.contains(runId);
    }

    int activeCount() {
        return active.size();
    }

    /** The run as this hub holds it now, when it drives it (or it ended here and the end is not stored yet). */
    Optional<RunRecord> live(String runId) {
        Active a = active.get(runId);
        return a != null ? Optional.of(a.run) : Optional.ofNullable(settling.get(runId));
    }

    /**
     * Runs of a workflow on a target that ended here but are still stored as active (their end is
     * not committed yet): what a decision subtracts from the stored count of active runs.
     */
    int settlingOn(ProjectId project, String workflow, String targetKind, String targetId) {
        int n = 0;
        for (RunRecord r : settling.values()) {
            if (r.project().equals(project) && r.workflow().equals(workflow) && r.targetKind().equals(targetKind)
                    && r.targetId().equals(targetId)) {
                n++;
            }
        }
        return n;
    }

    /** Starts driving a stored RUNNING run. Call on the run's lane. */
    void begin(RunRecord run, Workflow workflow, Optional<PredictionRecord> prediction) {
        begin(run, workflow, prediction, Optional.empty());
    }

    /** {@link #begin(RunRecord, Workflow, Optional)}, carrying the run's decision row to its end. */
    void begin(RunRecord run, Workflow workflow, Optional<PredictionRecord> prediction,
               Optional<ActionRecord> action) {
        Active a = new Active(run, workflow, prediction, action);
        if (!register(a)) {
            return;
        }
        armDeadline(a);
        advance(a);
    }

    /** A new run with the attempts of its first nodes recorded, to be stored whole and then launched. */
    record Staged(Active active, List<Dispatch> dispatches) {
        RunRecord run() {
            return active.run;
        }
    }

    /** A node's stored attempt waiting for its task to be submitted. */
    record Dispatch(String nodeId, int attempt, Map<String, String> inputs) {
    }

    /**
     * Records on a new RUNNING run (not stored yet) the first attempt of every node that is ready at
     * once, so that the run and its first dispatches are stored in one commit ({@link #launch}
     * after it). Empty when the first step does more than hand out nodes (an input that cannot be
     * rendered): such a run is stored as it is and {@link #begin begun}.
     */
    Optional<Staged> stage(RunRecord run, Workflow workflow, Optional<PredictionRecord> prediction) {
        return stage(run, workflow, prediction, Optional.empty());
    }

    /** {@link #stage(RunRecord, Workflow, Optional)}, carrying the run's decision row to its end. */
    Optional<Staged> stage(RunRecord run, Workflow workflow, Optional<PredictionRecord> prediction,
                           Optional<ActionRecord> action) {
        Active a = new Active(run, workflow, prediction, action);
        Instant now = clock.instant();
        if (!RunPlan.skipUnreachable(workflow, run, now).equals(run)) {
            return Optional.empty();
        }
        List<Dispatch> dispatches = new ArrayList<>();
        for (String nodeId : RunPlan.ready(workflow, run)) {
            NodeRecord record = a.run.node(nodeId);
            Map<String, String> inputs;
            try {
                inputs = workflow.node(nodeId).renderInputs(bindings(a));
            } catch (CommandCenterException e) {
                return Optional.empty();
            }
            int attempt = record.attempts() + 1;
            a.undispatched.put(nodeId, record);
            a.run = a.run.withNode(record.queued("", attempt, inputs, now));
            dispatches.add(new Dispatch(nodeId, attempt, inputs));
        }
        return dispatches.isEmpty() ? Optional.empty() : Optional.of(new Staged(a, List.copyOf(dispatches)));
    }

    /**
     * A RUNNING run is handed to the journal to be created: this hub holds it ({@link #drives}) until
     * {@link #notCreating}, called once what follows the commit is done (launched, or found a
     * duplicate, or failed). A sweep's backstop never takes up a run whose creation is on its way.
     */
    void creating(RunRecord run) {
        taking(run.runId());
        creating.put(run.runId(), run);
    }

    /** What followed the creation of a run {@link #creating} handed in is done. */
    void notCreating(String runId) {
        creating.remove(runId);
    }

    /** Notes that a staged run's creation is committed (on the journal's writer, before the lane launches it). */
    void stored(Staged staged) {
        String runId = staged.run().runId();
        storedUnlaunched.put(runId, staged.active());
        if (relinquished.contains(runId)) {
            storedUnlaunched.remove(runId, staged.active()); // given up meanwhile
        }
    }

    /**
     * Starts driving a staged run once it is stored: its first tasks are submitted now, unless
     * {@code halt} says why automatic actions stopped meanwhile (then they never start and the run
     * ends CANCELLED). Call on the run's lane.
     */
    void launch(Staged staged, Optional<String> halt) {
        Active a = staged.active();
        storedUnlaunched.remove(a.run.runId());
        if (!register(a)) {
            return; // another hub adopted it before it was launched
        }
        armDeadline(a);
        halt.ifPresent(why -> {
            a.halt = why;
            a.haltAs = RunState.CANCELLED;
        });
        for (Dispatch d : staged.dispatches()) {
            dispatch(a, d.nodeId(), d.attempt(), d.inputs());
        }
    }

    /**
     * Makes {@code a} a run driven here, unless it was given up ({@link #relinquish}): registered
     * first and checked after, so a relinquish at any point either sees it registered (and removes
     * it) or is seen here.
     */
    private boolean register(Active a) {
        String runId = a.run.runId();
        Active other = active.putIfAbsent(runId, a);
        if (other != null) {
            LOG.log(System.Logger.Level.WARNING, "run {0} is driven here already: not driven a second time", runId);
            return false;
        }
        if (relinquished.contains(runId)) {
            active.remove(runId, a);
            return false;
        }
        return true;
    }

    // ---- stepping

    private void advance(Active a) {
        Instant now = clock.instant();
        boolean progressed = true;
        while (progressed) {
            progressed = false;
            if (a.halt != null) {
                for (NodeRecord n : a.run.nodes()) {
                    if (n.state() == NodeState.PENDING || n.state() == NodeState.RETRY_WAIT) {
                        a.run = a.run.withNode(n.finished(NodeState.CANCELLED, null, a.halt, now));
                        cancelTimer(a, n.nodeId());
                    }
                }
                if (!RunPlan.inFlight(a.run)) {
                    finish(a, a.haltAs, a.halt);
                    return;
                }
                journal.write(a.run);
                return;
            }
            a.run = RunPlan.skipUnreachable(a.workflow, a.run, now);
            if (a.haltHeld) {
                break; // a halt waits for the renewal: no new attempt is stored before it runs
            }
            for (String nodeId : RunPlan.ready(a.workflow, a.run)) {
                submit(a, nodeId);
                progressed = true;
            }
        }
        Optional<RunState> end = RunPlan.finalState(a.workflow, a.run);
        if (end.isPresent()) {
            finish(a, end.get(), end.get() == RunState.FAILED ? RunPlan.failureSummary(a.run) : "");
        }
    }

    /**
     * Stores the node's next attempt ({@code QUEUED}, no task yet) and hands its task to the
     * scheduler once that is committed ({@link #dispatch}).
     */
    private void submit(Active a, String nodeId) {
        WorkflowNode node = a.workflow.node(nodeId);
        NodeRecord record = a.run.node(nodeId);
        int attempt = record.attempts() + 1;
        Instant now = clock.instant();
        Map<String, String> inputs;
        try {
            inputs = node.renderInputs(bindings(a));
        } catch (CommandCenterException e) {
            // an input the run cannot resolve will not resolve on a retry either
            a.run = a.run.withNode(record.queued("", attempt, Map.of(), now)
                    .finished(NodeState.FAILED, null, e.reason() + ": " + e.getMessage(), now));
            journal.write(a.run);
            return;
        }
        a.undispatched.put(nodeId, record);
        a.run = a.run.withNode(record.queued("", attempt, inputs, now));
        journal.write(a.run);
        journal.afterDurable(a.run.runId(), () -> stripes.run(a.lane, () -> dispatch(a, nodeId, attempt, inputs)));
    }

    /** Whether the node is stored as handed out but its task was not submitted yet. */
    private static boolean undispatched(NodeRecord n) {
        return n.state() == NodeState.QUEUED && n.taskId().isEmpty();
    }

    /** Submits the task of a node's stored attempt: on the run's lane, after the attempt is committed. */
    private void dispatch(Active a, String nodeId, int attempt, Map<String, String> inputs) {
        // the lease first, the run second: a renewal drops the runs another hub adopted before it counts
        // the lease fresh, so a fresh lease read here means such a run is gone from active already
        boolean launchNow = launchable.getAsBoolean();
        NodeRecord record = a.run.node(nodeId);
        if (active.get(a.run.runId()) != a || !undispatched(record) || record.attempts() != attempt) {
            return; // cancelled (or the run ended, or another hub took it) while the attempt was being stored
        }
        if (a.halt == null && (!launchNow || a.haltHeld)) {
            hold(new Held(a, false, () -> dispatch(a, nodeId, attempt, inputs)), !launchNow);
            return;
        }
        a.undispatched.remove(nodeId);
        Instant now = clock.instant();
        if (a.halt != null) {
            // halted before it reached the scheduler: it never starts
            a.run = a.run.withNode(record.finished(NodeState.CANCELLED, null, a.halt, now));
            journal.write(a.run);
            advance(a);
            return;
        }
        WorkflowNode node = a.workflow.node(nodeId);
        RunRecord run = a.run;
        boolean entity = Target.of(run).isEntity();
        AgentTraits traits = AgentTraits.of(node.agent());
        TaskSpec spec = new TaskSpec(run.project().value(), new Capability(node.agent(), node.action()),
                run.workflow(), run.runId(), nodeId, json(inputs), node.cost(), a.workflow.priority(),
                a.prediction.map(p -> new PredictionCause(p.id(), p.risk(), p.confidence().value())).orElse(null),
                entity ? new TargetRef(run.targetKind(), run.targetId()) : null,
                entity && traits.actsOnTarget(),
                run.runId() + ":" + nodeId + ":" + attempt, Map.of(),
                traits.runsHub() ? Placement.ORIGIN_HUB : Placement.DEFAULT, 1);
        Task task;
        try {
            task = scheduler.submit(spec).task();
        } catch (CommandCenterException e) {
            attemptFailed(a, nodeId, e.reason(), e.getMessage(), e.kind() != ErrorKind.INVALID
                    || "UNKNOWN_CAPABILITY".equals(e.reason()));
            return;
        }
        PathStep.mark(run.targetId(), PathStep.SUBMITTED);
        runOfTask.put(task.id(), run.runId());
        a.run = a.run.withNode(record.queued(task.id(), attempt, inputs, now));
        // a late write: recovery finds the task by its key without it (resume)
        journal.writeLater(a.run);
        String taskId = task.id();
        arm(a, nodeId, now.plus(node.timeout()), () -> timedOut(a, nodeId, taskId));
        if (task.state().isTerminal()) {
            // resubmitted after a restart: the scheduler still knew the attempt and it had ended
            taskEnded(a, task);
            return;
        }
        // an idle agent may have been assigned the task before this lane knew its id: that event
        // left the task unclaimed (see onSchedulerEvent)
        if (unclaimed.remove(taskId) != null) {
            assigned(a, taskId);
        }
    }

    private io.commandcenter.hub.workflow.Bindings bindings(Active a) {
        RunRecord run = a.run;
        RunBindings b = RunStarter.bindings(run.workflow(), run.revision(),
                new Trigger(run.triggerId(), run.triggerSubject(), run.createdAt()), Target.of(run), a.prediction)
                .run(run.runId());
        for (NodeRecord n : run.nodes()) {
            if (n.state() == NodeState.SUCCEEDED) {
                b.nodeOutput(n.nodeId(), outputOf(n.outputJson()));
            }
        }
        return b.build();
    }

    // ---- scheduler events

    /** Called on the scheduler's event thread: routes events about this hub's runs to their lanes. */
    void onSchedulerEvent(SchedulerEvent event) {
        Task task;
        if (event instanceof SchedulerEvent.TaskChanged changed && changed.task().state().isTerminal()) {
            task = changed.task();
        } else if (event instanceof SchedulerEvent.AssignmentMade made) {
            String taskId = made.assignment().taskId();
            String runId = runOfTask.get(taskId);
            if (runId == null) {
                // assigned before the submitting lane recorded the task: leave it for that lane,
                // unless it recorded the task meanwhile (both may then route it: assigned() is idempotent)
                unclaimed.put(taskId, Boolean.TRUE);
                runId = runOfTask.get(taskId);
                if (runId == null) {
                    return;
                }
                unclaimed.remove(taskId);
            }
            Active a = active.get(runId);
            if (a != null) {
                stripes.run(a.lane, () -> assigned(a, taskId));
            }
            return;
        } else {
            return;
        }
        String runId = task.spec().workflowRunId();
        if (runId.isEmpty()) {
            return;
        }
        Active a = active.get(runId);
        if (a != null) {
            stripes.run(a.lane, () -> taskEnded(a, task));
        }
    }

    private final Map<String, String> runOfTask = new ConcurrentHashMap<>();
    /**
     * Assignments of tasks no run had recorded yet, for the submitting lane to pick up; bounded,
     * since tasks that are not the engine's (a CLI's, another hub's) land here too.
     */
    private final Map<String, Boolean> unclaimed = Collections.synchronizedMap(
            new LinkedHashMap<>(64, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > 4096;
                }
            });

    private void assigned(Active a, String taskId) {
        if (active.get(a.run.runId()) != a) {
            return;
        }
        for (NodeRecord n : a.run.nodes()) {
            if (n.taskId().equals(taskId) && n.state() == NodeState.QUEUED) {
                a.run = a.run.withNode(n.running());
                // a late write, as the task id before it (see the class comment)
                journal.writeLater(a.run);
                return;
            }
        }
    }

    private void taskEnded(Active a, Task task) {
        if (active.get(a.run.runId()) != a) {
            return;
        }
        runOfTask.remove(task.id());
        Optional<NodeRecord> match = a.run.nodes().stream()
                .filter(n -> n.taskId().equals(task.id()) && n.state().isInFlight()).findFirst();
        if (match.isEmpty()) {
            return; // a late event about an attempt already settled (timed out, cancelled)
        }
        NodeRecord node = match.get();
        cancelTimer(a, node.nodeId());
        Instant now = clock.instant();
        TaskResult result = task.result();
        switch (task.state()) {
            case SUCCEEDED -> {
                a.run = a.run.withNode(node.finished(NodeState.SUCCEEDED,
                        result == null || result.outputJson().isEmpty() ? "{}" : result.outputJson(), "", now));
                journal.write(a.run);
                advance(a);
            }
            case FAILED -> {
                Failure f = Failure.of(result, task.stateReason());
                attemptFailed(a, node.nodeId(), f.reason(), f.message(), f.retryable());
            }
            case CANCELLED -> {
                if (a.halt != null) {
                    a.run = a.run.withNode(node.finished(NodeState.CANCELLED, null, a.halt, now));
                    journal.write(a.run);
                    advance(a);
                } else {
                    attemptFailed(a, node.nodeId(), "TASK_CANCELLED", "its task " + task.id()
                            + " was cancelled in the scheduler" + (task.stateReason().isEmpty() ? ""
                            : " (" + task.stateReason() + ")"), false);
                }
            }
            default -> {
            }
        }
    }

    /** What an agent reported: {@code REASON: message}, and whether a retry may help. */
    record Failure(String reason, String message, boolean retryable) {
        static Failure of(TaskResult result, String stateReason) {
            if (result == null) {
                return new Failure(stateReason.isEmpty() ? "FAILED" : stateReason, "the task failed without a result",
                        true);
            }
            String error = result.error();
            String reason = "FAILED";
            String message = error;
            int colon = error.indexOf(':');
            if (colon > 0 && error.substring(0, colon).matches("[A-Z][A-Z0-9_]{0,63}")) {
                reason = error.substring(0, colon);
                message = error.substring(colon + 1).strip();
            }
            // an output that is not a JSON object says nothing about retries
            boolean retryable = !(outputOf(result.outputJson()).get("retryable") instanceof Boolean b) || b;
            return new Failure(reason, message.isEmpty() ? "failed" : message, retryable);
        }
    }

    private void attemptFailed(Active a, String nodeId, String reason, String message, boolean retryable) {
        NodeRecord node = a.run.node(nodeId);
        WorkflowNode spec = a.workflow.node(nodeId);
        Instant now = clock.instant();
        String why = reason + ": " + message;
        if (a.halt == null && retryable && spec.retry().retries(node.attempts(), reason)) {
            Duration wait = spec.retry().delay(node.attempts(), random);
            a.run = a.run.withNode(node.retryAt(now.plus(wait), why));
            journal.write(a.run);
            arm(a, nodeId, now.plus(wait), () -> retryDue(a, nodeId));
            LOG.log(System.Logger.Level.INFO, "run {0}: {1} attempt {2} failed ({3}); retry in {4} ms",
                    a.run.runId(), nodeId, node.attempts(), why, wait.toMillis());
            return;
        }
        a.run = a.run.withNode(node.finished(NodeState.FAILED, null, why, now));
        journal.write(a.run);
        LOG.log(System.Logger.Level.INFO, "run {0}: {1} failed after {2} attempt(s): {3}", a.run.runId(), nodeId,
                node.attempts(), why);
        advance(a);
    }

    private void retryDue(Active a, String nodeId) {
        if (active.get(a.run.runId()) != a || a.run.node(nodeId).state() != NodeState.RETRY_WAIT) {
            return;
        }
        a.timers.remove(nodeId);
        if (a.halt != null || a.haltHeld) {
            // halted, or a halt waits for the renewal: no new attempt (the node stays RETRY_WAIT; the halt cancels it)
            advance(a);
            return;
        }
        submit(a, nodeId);
        advance(a);
    }

    private void timedOut(Active a, String nodeId, String taskId) {
        NodeRecord node = a.run.node(nodeId);
        if (active.get(a.run.runId()) != a || !node.taskId().equals(taskId) || !node.state().isInFlight()) {
            return;
        }
        a.timers.remove(nodeId);
        if (!launchable.getAsBoolean()) {
            // the lease is stale: another hub may have adopted the run and timed the same attempt out; its task
            // is cancelled, and the attempt failed, once the lease is renewed (dropped if the run is given up)
            hold(new Held(a, false, () -> timedOut(a, nodeId, taskId)), true);
            return;
        }
        cancelTask(a.run, taskId, "TIMEOUT");
        attemptFailed(a, nodeId, "TIMEOUT", "no result within " + a.workflow.node(nodeId).timeout(), true);
    }

    // ---- the lease (ADR 0028)

    /**
     * Holds work on agents until the lease is renewed: a node's dispatch, a run's deadline halt or a
     * task's timeout (logged once a stale spell; each hold counted, {@link #holdsUntilRenewal}).
     */
    private void hold(Held h, boolean staleLease) {
        holdsUntilRenewal.incrementAndGet();
        held.add(h);
        // a dispatch held again only behind a halt held for the renewal, on a fresh lease, is not a stale spell
        if (staleLease && holding.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.WARNING, "this hub''s lease was not renewed within half its TTL: run {0} and"
                    + " any other launch, halt or task timeout waits until it is renewed", h.active().run.runId());
        }
        if (launchable.getAsBoolean()) {
            releaseHeld(); // renewed between the check and the hold: not left behind
        }
    }

    /**
     * The lease was renewed (and runs another hub owns dropped): the held work goes on, each on its
     * lane, the deadline halts before the launches.
     */
    void releaseHeld() {
        holding.set(false);
        List<Held> launches = new ArrayList<>();
        for (Held h; (h = held.poll()) != null; ) {
            if (h.halt()) {
                stripes.run(h.active().lane, h.work());
            } else {
                launches.add(h);
            }
        }
        launches.forEach(h -> stripes.run(h.active().lane, h.work()));
    }

    /** How many decision rows the runs held here carry (driven, or staged and stored). */
    int heldDecisionRows() {
        int n = 0;
        for (Map<String, Active> held : List.of(active, storedUnlaunched)) {
            for (Active a : held.values()) {
                n += a.action.isPresent() ? 1 : 0;
            }
        }
        return n;
    }

    /**
     * How many times work on agents was held until the next lease renewal since this executor was made:
     * a node's dispatch, a run's deadline halt, a task's timeout (each hold counted, a repeated one too).
     */
    long holdsUntilRenewal() {
        return holdsUntilRenewal.get();
    }

    /**
     * Whether this hub holds the run in any form: being created, driven, staged, ending, or waiting
     * to be taken up again. A RUNNING run of this hub's for which this is false is driven by nobody.
     */
    boolean drives(String runId) {
        return heldBeyondAdopting(runId) || adopting.containsKey(runId);
    }

    /** {@link #drives}, not counting a note that it is being adopted ({@link #adopting}): a take-up of it got here. */
    boolean heldBeyondAdopting(String runId) {
        return active.containsKey(runId) || storedUnlaunched.containsKey(runId) || settling.containsKey(runId)
                || resuming.contains(runId) || creating.containsKey(runId);
    }

    /**
     * The runs this hub drives, has staged or waits to take up again, or whose end it has not stored
     * yet, each with what it holds of it: whose owner a renewal checks. The runs noted as being adopted are not listed: the renewal
     * takes them from its read of the notes ({@link #adoptingNow}), made first, so each is judged by the
     * note it saw.
     */
    Map<String, Seen> heldNow() {
        Map<String, Seen> seen = new HashMap<>();
        Set<String> ids = new HashSet<>(active.keySet());
        ids.addAll(storedUnlaunched.keySet());
        ids.addAll(settling.keySet());
        ids.addAll(resuming);
        ids.addAll(creating.keySet());
        for (String id : ids) {
            seen.put(id, new Seen(active.get(id), storedUnlaunched.get(id), settling.get(id), creating.get(id)));
        }
        return seen;
    }

    /**
     * What this hub held of one run beyond a note of its adoption, as {@link #heldNow} saw it: each
     * form compared by identity, so that a form put there since (by a take-up begun since) is told
     * apart from it.
     */
    record Seen(Active active, Active staged, RunRecord ended, RunRecord beingCreated) {
    }

    /**
     * From now until {@link #stopWatchingTakings}, notes the runs this hub begins to create or take up
     * ({@link #taking}), and returns them as they come: a renewal's owners check calls it once the
     * store renewed the lease, and skips them (created or read under a fresh lease, so not adopted).
     */
    Set<String> watchTakings() {
        Set<String> since = ConcurrentHashMap.newKeySet();
        takenSinceCheck = since;
        return since;
    }

    void stopWatchingTakings() {
        takenSinceCheck = null;
    }

    /**
     * This hub begins to create or take up {@code runId} (before its run is read or handed to the
     * journal): noted for an owners check under way ({@link #watchTakings}).
     */
    void taking(String runId) {
        Set<String> since = takenSinceCheck;
        if (since != null) {
            since.add(runId);
        }
    }

    /**
     * Gives up a run another hub owns now (it was adopted while this hub stalled), writing nothing:
     * it is forgotten here at once — no timer of it acts, no scheduler event about it is routed, no
     * node of it is launched, it is not taken up again, a late answer of its adoption does not make it
     * this hub's ({@link #adopted}) — and its tasks are left as they are (the new owner looks them up).
     * Callable from any thread.
     *
     * @return what this hub held of it, to be reported given up (itself empty when a registration of it
     *         was under way: that registration sees it given up); empty when there is nothing to report:
     *         it was given up before (reported then), or all this hub held of it was the note of an
     *         adoption not answered yet ({@link #adopting}), which may have lost: the run may never have
     *         been this hub's, so it is not giving anything up
     */
    Optional<Optional<RunRecord>> relinquish(String runId) {
        return relinquish(runId, null, null, null, Set.of()).map(GivenUp::held);
    }

    /**
     * What a give-up found to report ({@link #relinquish(String, String, Noted, Seen, Set)}): what this
     * hub held of the run (empty when a registration of it was under way), and {@code adoptedAs}, the
     * run as read by the adoption whose note the give-up removed (null: none), which tells the give-up
     * apart from a later adoption of the same run ({@link Adoption#relinquishedAfterItsAdoption}).
     */
    record GivenUp(Optional<RunRecord> held, RunRecord adoptedAs) {
    }

    /**
     * {@link #relinquish(String)} of a run a renewal's check found owned by {@code owner}, marked lost
     * in the journal (its writes dropped) in the same step as the give-up. {@code judged}: the note of
     * an adoption of it the check saw ({@link #adoptingNow}), null when it saw none; {@code seen}: what
     * it saw held of it otherwise ({@link #heldNow}), null when nothing; {@code begunSince}: the runs
     * this hub began to create or take up since the check began ({@link #watchTakings}).
     *
     * <p>A run this hub began to take up since the check began (another adoption of it noted, or a
     * take-up begun: read under the renewed lease, so not adopted away) is left to that take-up:
     * nothing given up, empty; only the forms the check saw are dropped (copies from before the stall,
     * which the new owner may have overtaken), while the newer note and what its take-up holds stay.
     * A note of another adoption there now (the one judged lost, and a sweep since began another) is
     * left the same way. A run the check saw held only for an adoption not answered then, held in no
     * form now and no longer noted, is not reported either: its adoption lost since (never this hub's),
     * or its take-up left it.
     */
    Optional<GivenUp> relinquish(String runId, String owner, Noted judged, Seen seen, Set<String> begunSince) {
        if (relinquished.size() >= 100_000) {
            relinquished.clear();
        }
        boolean[] first = new boolean[1];
        boolean[] another = new boolean[1];
        Noted[] noted = new Noted[1];
        // given up, marked lost and no longer noted as being adopted in one step: an adoption's win
        // (adopted) either came before (the note says won), or finds the note gone and leaves the run
        // given up; a take-up begun since notes the run first (taking), so it is seen here
        adopting.compute(runId, (id, n) -> {
            if (begunSince.contains(id) || n != null && judged != null && n.asRead() != judged.asRead()) {
                another[0] = true;
                return n;
            }
            if (owner != null) {
                journal.lost(id, owner);
            }
            first[0] = relinquished.add(id);
            noted[0] = n;
            return null;
        });
        if (another[0]) {
            boolean stale = seen != null && drop(runId, seen).isPresent();
            LOG.log(System.Logger.Level.INFO, "run {0}: the renewal read hub {1} as its owner, but this hub began to"
                    + " take it up again since (another adoption of it): left to that one{2}", runId, owner,
                    stale ? "; what this hub held of it from before its stale spell is dropped" : "");
            return Optional.empty();
        }
        if (!first[0] && noted[0] == null) {
            return Optional.empty(); // given up already: reported then
        }
        RunRecord adoptedAs = noted[0] == null ? null : noted[0].asRead();
        Optional<RunRecord> held = drop(runId, null);
        if (held.isPresent()) {
            return Optional.of(new GivenUp(held, adoptedAs));
        }
        boolean unanswered = noted[0] != null ? !noted[0].won() : judged != null && !judged.won();
        if (unanswered) {
            LOG.log(System.Logger.Level.INFO, "run {0}: another hub owns it, and this hub held it only for an adoption"
                    + " not answered (it may have lost): given up, nothing recorded; a late answer of it records"
                    + " nothing either", runId);
            return Optional.empty();
        }
        return Optional.of(new GivenUp(Optional.ofNullable(adoptedAs), adoptedAs));
    }

    /**
     * Drops what this hub holds of the run: all of it ({@code only} null), or only the forms
     * {@code only} saw, each if it is still the same object (a form put there since stays).
     */
    private Optional<RunRecord> drop(String runId, Seen only) {
        Active a = only == null ? active.remove(runId) : removedIfSame(active, runId, only.active);
        Active staged = only == null ? storedUnlaunched.remove(runId) : removedIfSame(storedUnlaunched, runId,
                only.staged);
        RunRecord ended = only == null ? settling.remove(runId) : removedIfSame(settling, runId, only.ended);
        RunRecord beingCreated = only == null ? creating.remove(runId) : removedIfSame(creating, runId,
                only.beingCreated);
        if (only == null) {
            resuming.remove(runId);
            held.removeIf(h -> h.active().run.runId().equals(runId));
        } else {
            held.removeIf(h -> h.active() == a || h.active() == staged);
        }
        Active gone = a != null ? a : staged;
        if (gone == null) {
            return Optional.ofNullable(ended != null ? ended : beingCreated);
        }
        stripes.run(gone.lane, () -> {
            gone.timers.values().forEach(Timers.Timer::cancel);
            gone.timers.clear();
            gone.undispatched.clear();
            if (only == null) {
                // a copy from before a stall leaves them: the take-up begun since routes the same tasks
                gone.run.nodes().forEach(n -> runOfTask.remove(n.taskId()));
            }
        });
        return Optional.of(gone.run);
    }

    /** Removes the value of {@code runId} if it is {@code seen} itself (not an equal one): it, or null. */
    private static <V> V removedIfSame(Map<String, V> map, String runId, V seen) {
        if (seen == null) {
            return null;
        }
        boolean[] gone = new boolean[1];
        map.computeIfPresent(runId, (id, v) -> {
            if (v != seen) {
                return v;
            }
            gone[0] = true;
            return null;
        });
        return gone[0] ? seen : null;
    }

    // ---- stopping runs

    /**
     * Stops a run early. Nodes not started are cancelled; with {@code cancelInFlight} the tasks with
     * agents are cancelled too (their late results are refused by the scheduler's fencing),
     * otherwise they finish first. With {@code cancelInFlight} the run is halted only while this
     * hub's lease is fresh, as tasks are submitted only then (another hub may have adopted the run
     * during a stale spell): on a stale lease nothing is done or marked, and false is returned; the
     * caller refuses (a person's cancel) or holds the halt for the renewal ({@link #haltOnceFresh}).
     * Call on the run's lane.
     *
     * @return false when refused for a stale lease (nothing of the run changed); true otherwise
     */
    boolean halt(String runId, RunState as, String why, boolean cancelInFlight) {
        // the lease first, the run second, as a dispatch reads them
        if (cancelInFlight && !launchable.getAsBoolean()) {
            return false;
        }
        Active a = active.get(runId);
        if (a == null || a.halt != null && !cancelInFlight) {
            return true;
        }
        a.halt = why;
        a.haltAs = as;
        if (cancelInFlight) {
            cancelInFlight(a, as, why);
        }
        advance(a);
        return true;
    }

    /**
     * {@link #halt} with {@code cancelInFlight}, for the engine's own halt (a run's deadline): on a stale lease the halt waits for the next
     * renewal (held; the run not marked halted meanwhile, so if the hub closes first, what it stored
     * stays as it is, and the run is taken up again and halted again). Nothing if the run is no
     * longer {@code a} here. Call on the run's lane.
     */
    private void haltOnceFresh(Active a, RunState as, String why) {
        a.haltHeld = active.get(a.run.runId()) == a && !halt(a.run.runId(), as, why, true);
        if (a.haltHeld) {
            hold(new Held(a, true, () -> haltOnceFresh(a, as, why)), true);
        }
    }

    /** Cancels the run's tasks with agents (their nodes CANCELLED); the lease was read fresh. */
    private void cancelInFlight(Active a, RunState as, String why) {
        Instant now = clock.instant();
        for (NodeRecord n : a.run.nodes()) {
            if (n.state().isInFlight()) {
                cancelTimer(a, n.nodeId());
                cancelTask(a.run, n.taskId(), as.name());
                a.run = a.run.withNode(n.finished(NodeState.CANCELLED, null, why, now));
            }
        }
    }

    /** Waits until every change handed to the journal so far is committed (answers to a person's request). */
    void sync() {
        journal.sync();
    }

    /** Whether this hub's lease is fresh by its own clock: a node's task may be submitted now. */
    boolean leaseFresh() {
        return launchable.getAsBoolean();
    }

    /** Runs this hub drives, for the kill switch. */
    List<RunRecord> activeRuns() {
        return active.values().stream().map(a -> a.run).toList();
    }

    private void cancelTask(RunRecord run, String taskId, String why) {
        if (taskId.isEmpty()) {
            return;
        }
        try {
            scheduler.cancel(run.project().value(), taskId, why);
        } catch (CommandCenterException e) {
            LOG.log(System.Logger.Level.DEBUG, "task {0} of run {1} not cancelled: {2}", taskId, run.runId(),
                    e.getMessage());
        }
    }

    private void finish(Active a, RunState state, String why) {
        Instant now = clock.instant();
        a.timers.values().forEach(Timers.Timer::cancel);
        a.timers.clear();
        RunRecord closed = RunPlan.closePending(a.run, NodeState.SKIPPED, state == RunState.SUCCEEDED
                || state == RunState.FAILED ? "not needed" : why, now).withState(state, why, now);
        a.run = closed;
        a.undispatched.clear();
        journal.write(closed);
        settling.put(closed.runId(), closed);
        if (relinquished.contains(closed.runId())) {
            settling.remove(closed.runId(), closed); // given up meanwhile: not this hub's to answer for
        }
        active.remove(closed.runId(), a);
        // tasks whose end this run no longer waits for (halted, timed out) leave the map with it
        closed.nodes().forEach(n -> runOfTask.remove(n.taskId()));
        LOG.log(System.Logger.Level.INFO, "run {0} of {1} on {2} {3}{4}", closed.runId(), closed.workflow(),
                closed.targetId(), state, why.isEmpty() ? "" : ": " + why);
        // the end is told once it is stored: whoever hears of it reads it back from the store
        journal.afterDurable(closed.runId(), () -> {
            settling.remove(closed.runId(), closed);
            events.runChanged(closed, a.prediction);
            stripes.run(a.lane, () -> onFinished.accept(closed, a.action));
        });
    }

    /**
     * At close, once the lanes have stopped and the journal has committed what it held: nodes whose
     * attempt was stored but whose task was never submitted go back to what they were, so that a restart runs them rather than calling them
     * unknown. (After a crash they stay as stored, and {@link #resume} treats them as possibly
     * handed out.)
     */
    void close() {
        List<Active> runs = new ArrayList<>(active.values());
        runs.addAll(storedUnlaunched.values());
        for (Active a : runs) {
            if (a.undispatched.isEmpty()) {
                continue;
            }
            for (NodeRecord before : a.undispatched.values()) {
                a.run = a.run.withNode(before);
            }
            a.undispatched.clear();
            journal.write(a.run);
        }
    }

    // ---- timers

    private void armDeadline(Active a) {
        arm(a, "\u0000deadline", a.run.deadlineAt(), () -> haltOnceFresh(a, RunState.TIMED_OUT,
                "the run's deadline passed (" + a.workflow.deadline() + ")"));
    }

    /** Runs {@code work} on the run's lane at {@code when} (replacing the timer of the same key). */
    private void arm(Active a, String key, Instant when, Runnable work) {
        cancelTimer(a, key);
        a.timers.put(key, timers.at(when, () -> stripes.run(a.lane, work)));
    }

    private void cancelTimer(Active a, String key) {
        Timers.Timer t = a.timers.remove(key);
        if (t != null) {
            t.cancel();
        }
    }

    // ---- restart

    /** How many times a restarted hub asks the scheduler for a run's in-flight tasks before it gives up. */
    static final int RESUME_TRIES = 6;
    /** The wait before the second try; it doubles before each try after it. */
    static final Duration RESUME_BACKOFF = Duration.ofSeconds(1);

    /**
     * Takes up a RUNNING run this hub drove before it stopped. A node that was with an agent is
     * looked up in the scheduler: finished → its result applies; still there → the run waits for
     * it; unknown to the scheduler (its state died with the hub) → the node is {@code UNKNOWN} and
     * the run is {@code INTERRUPTED}, never retried, so no action runs twice. Nodes that had not
     * been handed out, or were waiting to retry, go on. Call on the run's lane.
     *
     * <p>When the scheduler fails to answer a look-up (UNAVAILABLE while a cluster's partitions
     * migrate, say), the run is not taken up yet: it is tried again after {@link #RESUME_BACKOFF},
     * doubled each time, at most {@link #RESUME_TRIES} times and never past the run's deadline; then
     * its in-flight nodes are {@code UNKNOWN} and the run is {@code INTERRUPTED}, as when the
     * scheduler does not know a task. While it waits, the run is not driven here ({@link #live} is empty).
     *
     * <p>{@code cancel}, when present, says why a person cancelled the run while it was taken up (an
     * adopted run): it is halted as {@code CANCELLED} before anything is submitted, as {@link #halt}
     * would with {@code cancelInFlight}: its tasks still with agents are cancelled. Only while the
     * lease is fresh: on a stale lease the run is taken up as without a cancel (its launches held),
     * and the caller refuses the person's cancel. When the scheduler does not answer, the run is
     * taken up later without the cancel (its caller refuses it: {@code RUN_RESUMING} or {@code LEASE_STALE}).
     */
    void resume(RunRecord run, Workflow workflow, Optional<PredictionRecord> prediction, Optional<String> cancel) {
        resume(run, workflow, prediction, cancel, Optional::empty);
    }

    /**
     * {@link #resume(RunRecord, Workflow, Optional, Optional)}; {@code paused}, read once the run is registered
     * here (so a pause set during the take-up's look-ups either finds the run registered or is read here), says,
     * when present, why automatic actions are paused (the kill switch): the run is halted as the pause halts
     * the runs driven here — nodes not started never start, tasks with agents finish — and ends
     * {@code CANCELLED}; unless a cancel halts it now (a cancel on a stale lease does not: the pause does).
     */
    void resume(RunRecord run, Workflow workflow, Optional<PredictionRecord> prediction, Optional<String> cancel,
                Supplier<Optional<String>> paused) {
        if (drivenAlready(run)) {
            return;
        }
        owned(run.runId());
        resume(run, workflow, prediction, cancel, paused, 1);
    }

    /**
     * The run is this hub's now (taken up after a restart, or adopted, perhaps back from a hub that
     * adopted it while this one stalled and is gone in turn): what this hub gave up of it no longer holds.
     */
    private void owned(String runId) {
        taking(runId);
        ownedAgain(runId);
    }

    private void ownedAgain(String runId) {
        relinquished.remove(runId);
        journal.owned(runId);
    }

    /**
     * Notes a RUNNING run this hub is about to adopt ({@code asRead}: under its old owner), before the
     * adoption's statement is sent, to be taken up next on its lane ({@link #resumeAdopted}): held
     * here from now on ({@link #drives}, and among the runs a renewal that ends a stale spell checks),
     * so that a renewal ending a stall after the statement committed, however late its answer, reads
     * its owner and gives it up if another hub adopted it away meanwhile. {@link #adopted} once the
     * adoption won; {@link #notAdopting} when it did not, or once the take-up is over.
     *
     * @return false when it is noted already (another adoption of it won and waits to be taken up):
     *         this one then leaves the note alone
     */
    boolean adopting(RunRecord asRead) {
        taking(asRead.runId());
        return adopting.putIfAbsent(asRead.runId(), new Noted(asRead, false)) == null;
    }

    /**
     * The adoption of a run noted {@link #adopting} won: the run is this hub's again, unless it was
     * given up since the note (a renewal ending a stale spell read another hub as its owner): it then
     * stays given up, and its adoption is neither recorded nor taken up. Call under the adoption's lock
     * of the run, before its {@code RUN_ADOPTED} is recorded (see {@link Adoption}).
     *
     * @return whether the run is this hub's now (false: given up since the note)
     */
    boolean adopted(String runId) {
        boolean[] ours = new boolean[1];
        // in one step with a give-up's removal of the note (relinquish)
        adopting.computeIfPresent(runId, (id, n) -> {
            // not noted as a taking again: its note was (adopting), so a renewal's check tells this, the
            // win of the adoption it judged, from another adoption begun since
            ownedAgain(id);
            ours[0] = true;
            return new Noted(n.asRead(), true);
        });
        return ours[0];
    }

    /**
     * Notes a RUNNING run whose adoption won without this hub hearing it, settled since (its
     * {@code RUN_ADOPTED} recorded), as {@link #adopting} and {@link #adopted} do in one step: this
     * hub's, held here until its take-up. A note of another adoption of it is left as it is.
     */
    void adoptedUnheard(RunRecord run) {
        adopting.computeIfAbsent(run.runId(), id -> {
            owned(id);
            return new Noted(run, true);
        });
    }

    /**
     * A run noted {@link #adopting} as {@code asRead} is not held for its adoption any more (not won,
     * taken up, given up, failed); a note of another adoption of it (another record) is left.
     */
    void notAdopting(String runId, RunRecord asRead) {
        adopting.computeIfPresent(runId, (id, n) -> n.asRead().equals(asRead) ? null : n);
    }

    /**
     * The runs noted {@link #adopting} now, each with its old owner as read before its adoption and
     * whether the adoption was answered as won: an owner read as that old owner after this snapshot
     * means the adoption had not committed when it was read, not that the run was adopted away (taken
     * before the owners are read, so that an adoption that commits and is taken up meanwhile is still
     * known as such).
     */
    Map<String, Noted> adoptingNow() {
        return Map.copyOf(adopting);
    }

    /**
     * {@link #resume(RunRecord, Workflow, Optional, Optional, Supplier)} of a run noted {@link #adopting}:
     * not taken up when this hub gave it up since (another hub adopted it meanwhile), and what it gave up
     * stays given up. Call on the run's lane.
     */
    void resumeAdopted(RunRecord run, Workflow workflow, Optional<PredictionRecord> prediction,
                       Optional<String> cancel, Supplier<Optional<String>> paused) {
        if (drivenAlready(run)) {
            return;
        }
        resume(run, workflow, prediction, cancel, paused, 1);
    }

    /**
     * Ends as {@code failed} (INTERRUPTED) a run this hub took up and cannot resume (its workflow
     * revision cannot be read): written through the journal, fenced as every state of a run this hub
     * drives (the hub that takes a run up drives it), and published once stored. If another hub owns
     * the run by then (it adopted it while this one stalled), nothing of it is written or published and
     * this hub gives it up ({@code RUN_RELINQUISHED}). Held as settling until the write commits, so a
     * second take-up meanwhile leaves it ({@link #drives}). Call on the run's lane.
     *
     * @param noted the run was noted {@link #adopting} (made this hub's when its adoption won); else
     *              it is made this hub's here, as {@link #resume} does
     */
    void cannotResume(RunRecord failed, Optional<PredictionRecord> prediction, boolean noted) {
        if (!noted) {
            owned(failed.runId());
        }
        settling.put(failed.runId(), failed);
        journal.write(failed);
        if (relinquished.contains(failed.runId())) {
            settling.remove(failed.runId(), failed); // given up meanwhile: not this hub's to answer for
        }
        journal.afterDurable(failed.runId(), () -> {
            settling.remove(failed.runId(), failed);
            events.runChanged(failed, prediction);
        });
    }

    private boolean drivenAlready(RunRecord run) {
        if (active.containsKey(run.runId())) {
            LOG.log(System.Logger.Level.WARNING, "run {0} is driven here already: not taken up again", run.runId());
            return true;
        }
        return false;
    }

    private void resume(RunRecord run, Workflow workflow, Optional<PredictionRecord> prediction,
                        Optional<String> cancel, Supplier<Optional<String>> paused, int attempt) {
        if (relinquished.contains(run.runId())) {
            resuming.remove(run.runId());
            return;
        }
        Instant now = clock.instant();
        // every look-up first: a failure leaves nothing half taken up
        Map<String, Optional<Task>> found = new HashMap<>();
        String unreachable = null;
        try {
            for (NodeRecord n : run.nodes()) {
                if (n.state().isInFlight()) {
                    found.put(n.nodeId(), find(run, n));
                }
            }
        } catch (CommandCenterException e) {
            Instant retryAt = now.plus(RESUME_BACKOFF.multipliedBy(1L << (attempt - 1)));
            if (attempt < RESUME_TRIES && retryAt.isBefore(run.deadlineAt())) {
                LOG.log(System.Logger.Level.WARNING, "run {0}: the scheduler did not answer the look-up of its tasks"
                        + " (try {1} of {2}: {3}); trying again at {4}", run.runId(), attempt, RESUME_TRIES,
                        e.getMessage(), retryAt);
                resuming.add(run.runId());
                // without the cancel: its caller refused it (RUN_RESUMING or LEASE_STALE), recording nothing
                timers.at(retryAt, () -> stripes.run(laneOf(run), () -> resume(run, workflow, prediction,
                        Optional.empty(), paused, attempt + 1)));
                return;
            }
            unreachable = "the hub restarted while this node was with an agent and the scheduler did not answer the"
                    + " look-up of its task (" + attempt + " tries: " + e.getMessage() + "): whether the action ran is"
                    + " unknown, so it is not run again";
        }
        Active a = new Active(run, workflow, prediction, Optional.empty());
        resuming.remove(run.runId());
        if (!register(a)) {
            return;
        }
        armDeadline(a);
        List<Task> ended = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (NodeRecord stored : run.nodes()) {
            NodeRecord n = stored;
            if (n.state().isInFlight()) {
                Optional<Task> task = unreachable == null ? found.get(n.nodeId()) : Optional.empty();
                if (task.isPresent() && n.taskId().isEmpty()) {
                    // handed out, and its id written late or not at all: the scheduler knew it by its key
                    n = n.queued(task.get().id(), n.attempts(), n.inputs(), n.startedAt());
                    a.run = a.run.withNode(n);
                }
                if (task.isEmpty()) {
                    a.run = a.run.withNode(n.finished(NodeState.UNKNOWN, null, unreachable != null ? unreachable
                            : n.taskId().isEmpty()
                            ? "the hub stopped while this node was being handed to the scheduler: whether its task"
                            + " was submitted, and the action ran, is unknown, so it is not run again"
                            : "the hub stopped while this node was with an agent and the scheduler no longer knows its"
                            + " task: whether the action ran is unknown, so it is not run again", now));
                    unknown.add(n.nodeId());
                } else if (task.get().state().isTerminal()) {
                    ended.add(task.get());
                } else {
                    runOfTask.put(n.taskId(), run.runId());
                    String taskId = n.taskId();
                    String nodeId = n.nodeId();
                    Instant due = (n.startedAt() == null ? now : n.startedAt()).plus(workflow.node(nodeId).timeout());
                    arm(a, nodeId, due, () -> timedOut(a, nodeId, taskId));
                }
            } else if (n.state() == NodeState.RETRY_WAIT) {
                Instant at = n.nextAttemptAt() == null ? now : n.nextAttemptAt();
                String nodeId = n.nodeId();
                arm(a, nodeId, at, () -> retryDue(a, nodeId));
            }
        }
        LOG.log(System.Logger.Level.INFO, "run {0} of {1} resumed ({2} node(s) unknown)", run.runId(), run.workflow(),
                unknown.size());
        // a cancel halts the run only while the lease is fresh (as halt): the lease read once, here
        boolean cancelNow = cancel.isPresent() && launchable.getAsBoolean();
        Optional<String> pausedNow = paused.get();
        if (!unknown.isEmpty()) {
            a.halt = "interrupted: the hub restarted while " + String.join(", ", unknown) + " was with an agent;"
                    + (unreachable != null ? " the scheduler did not answer the look-up of its task;" : "")
                    + " the run stops here rather than risk running an action twice";
            a.haltAs = RunState.INTERRUPTED;
        } else if (cancelNow) {
            a.halt = cancel.get();
            a.haltAs = RunState.CANCELLED;
        } else if (pausedNow.isPresent()) {
            a.halt = pausedNow.get();
            a.haltAs = RunState.CANCELLED;
        }
        journal.write(a.run);
        for (Task task : ended) {
            taskEnded(a, task);
        }
        if (active.get(run.runId()) != a) {
            return;
        }
        if (cancelNow && a.haltAs == RunState.CANCELLED) {
            cancelInFlight(a, RunState.CANCELLED, cancel.get()); // its tasks with agents too
        }
        advance(a);
    }

    /**
     * The scheduler's task of a node's latest attempt: by its stored id, or, when none was stored,
     * by the attempt's idempotency key (the task may have been submitted and its id not written yet).
     */
    private Optional<Task> find(RunRecord run, NodeRecord node) {
        String taskId = node.taskId();
        try {
            if (taskId.isEmpty()) {
                return scheduler.taskWithKey(run.project().value(), run.runId() + ":" + node.nodeId() + ":"
                        + node.attempts());
            }
            return Optional.of(scheduler.get(run.project().value(), taskId));
        } catch (CommandCenterException e) {
            if (e.kind() == ErrorKind.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    // ---- JSON

    static String json(Map<String, String> map) {
        return Json.write(map);
    }

    /** A node's output as values: a JSON object's members, or the text itself under {@code text}. */
    static Map<String, Object> outputOf(String json) {
        if (json == null || json.isBlank()) {
            return Map.of();
        }
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> out = Json.parse(json) instanceof Map<?, ?> object ? (Map<String, Object>) object
                    : Map.of("text", json);
            return out;
        } catch (JsonException e) {
            return Map.of("text", json);
        }
    }
}
