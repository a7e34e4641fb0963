package io.commandcenter.hub.remediate;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.hub.audit.AuditTrail;
import io.commandcenter.hub.events.EventBus;
import io.commandcenter.hub.predict.PredictionRecord;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.workflow.Workflow;
import io.commandcenter.scheduler.Scheduler;

import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The workflow engine, assembled from its parts: {@link Triggers} (events and cron) hand triggers
 * to {@link RunStarter} (the {@link Decision}: run on its own, ask a person, or skip), which stores
 * the run before anything happens; {@link RunExecutor} drives runs node by node through the
 * scheduler; {@link Approvals} take a person's say (and expiries); {@link Runs} cancel, read and
 * resume runs; the {@link KillSwitch} pauses automatic actions; {@link DryRuns} show what would
 * happen; the {@link OutcomeWatcher} judges what came of every decision.
 *
 * <p>Everything about one target happens in order on its lane ({@link Stripes}); timed work
 * (expiry sweeps, outcome windows, retries, timeouts, deadlines, cron) goes through {@link Timers}
 * on the engine's clock. Durable by construction: every decision and step is stored before the
 * next one starts, a second trigger with the same idempotency key finds the first run (also across
 * hubs sharing a database), a restarted hub resumes its runs, and the runs of a hub that is gone
 * are adopted by one other hub once its lease lapsed ({@link #adoptOrphans}, ADR 0028).
 */
public final class RemediationEngine implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(RemediationEngine.class.getName());

    /**
     * Tuning.
     *
     * @param lanes          parallel lanes (targets are spread over them; one target's work is in order)
     * @param approvalSweep  how often expired approvals are looked for ({@code cc.remediate.approval-sweep})
     * @param outcomeWindow  how long after an action the target's health is judged ({@code cc.remediate.outcome-window})
     * @param worseMargin    risk rise over the predicted risk that counts as {@code worse}
     * @param refresh        how often workflows and the kill switch stored by other hubs are re-read
     * @param eventBuffer    trigger events held for the engine before the oldest are dropped
     * @param factsMaxAge    on a sole writer, how long a target's runs kept in memory are trusted before
     *                       they are read again at its next decision ({@code cc.remediate.facts-max-age};
     *                       checked at every {@code refresh})
     * @param leaseTtl       how long a hub's lease in the store outlives its last renewal ({@code
     *                       cc.remediate.lease-ttl}): a hub renews it every sixth of it (on a thread of its
     *                       own), launches no node while its last renewal is older than half of it, and
     *                       the runs of a hub whose lease is older are adopted (ADR 0028), looked for every
     *                       half of it
     */
    public record Settings(int lanes, Duration approvalSweep, Duration outcomeWindow, double worseMargin,
                           Duration refresh, int eventBuffer, Duration factsMaxAge, Duration leaseTtl) {
        public Settings {
            if (lanes < 1 || lanes > 64) {
                throw new IllegalArgumentException("lanes must be 1 to 64");
            }
            Objects.requireNonNull(approvalSweep, "approvalSweep");
            Objects.requireNonNull(outcomeWindow, "outcomeWindow");
            Objects.requireNonNull(refresh, "refresh");
            Objects.requireNonNull(factsMaxAge, "factsMaxAge");
            if (leaseTtl == null || leaseTtl.toMillis() < 60) {
                throw new IllegalArgumentException("leaseTtl must be at least 60 ms");
            }
        }

        /** The settings before {@code leaseTtl} existed, with its default (30 s). */
        public Settings(int lanes, Duration approvalSweep, Duration outcomeWindow, double worseMargin,
                        Duration refresh, int eventBuffer, Duration factsMaxAge) {
            this(lanes, approvalSweep, outcomeWindow, worseMargin, refresh, eventBuffer, factsMaxAge,
                    Duration.ofSeconds(30));
        }

        /** The settings before {@code factsMaxAge} existed, with its default (60 s). */
        public Settings(int lanes, Duration approvalSweep, Duration outcomeWindow, double worseMargin,
                        Duration refresh, int eventBuffer) {
            this(lanes, approvalSweep, outcomeWindow, worseMargin, refresh, eventBuffer, Duration.ofSeconds(60));
        }

        public static Settings defaults() {
            return new Settings(4, Duration.ofSeconds(5), Duration.ofMinutes(2), 0.05, Duration.ofSeconds(5), 65_536);
        }

        public Settings withOutcomeWindow(Duration value) {
            return new Settings(lanes, approvalSweep, value, worseMargin, refresh, eventBuffer, factsMaxAge, leaseTtl);
        }

        public Settings withApprovalSweep(Duration value) {
            return new Settings(lanes, value, outcomeWindow, worseMargin, refresh, eventBuffer, factsMaxAge, leaseTtl);
        }

        public Settings withLeaseTtl(Duration value) {
            return new Settings(lanes, approvalSweep, outcomeWindow, worseMargin, refresh, eventBuffer, factsMaxAge,
                    value);
        }

        public Settings withFactsMaxAge(Duration value) {
            return new Settings(lanes, approvalSweep, outcomeWindow, worseMargin, refresh, eventBuffer, value,
                    leaseTtl);
        }
    }

    /** Counters since start. */
    public record Stats(long triggers, long automatic, long approvals, long skipped, long duplicates, long dropped,
                        int activeRuns) {
    }

    /**
     * What the engine reads and where it reports: the collaborators outside remediation.
     *
     * @param audit where every decision, approval verdict, cancel and kill-switch change is recorded
     */
    public record Ports(RemediationStore store, WorkflowCatalog catalog, Scheduler scheduler, EventBus bus,
                       PredictionLookup predictions, HealthProbe probe, RemediationEvents events, AuditTrail audit) {
        public Ports {
            Objects.requireNonNull(store, "store");
            Objects.requireNonNull(catalog, "catalog");
            Objects.requireNonNull(scheduler, "scheduler");
            Objects.requireNonNull(bus, "bus");
            Objects.requireNonNull(predictions, "predictions");
            Objects.requireNonNull(probe, "probe");
            Objects.requireNonNull(events, "events");
            Objects.requireNonNull(audit, "audit");
        }
    }

    private final Ports ports;
    private final Settings settings;
    private final Stripes stripes;
    private final Timers timers;
    private final RunJournal journal;
    private final TargetFacts facts;
    private final RunExecutor executor;
    private final OutcomeWatcher outcomes;
    private final KillSwitch killSwitch;
    private final SoleWriter soleWriter;
    private final RunStarter starter;
    private final Triggers triggers;
    private final Approvals approvals;
    private final Runs runs;
    private final DryRuns dryRuns;
    private final String hubId;
    private final Clock clock;
    private final Adoption adoption;
    private final Lease lease;
    /** Set once {@link #start} can take runs up: adoption before it waits for it. */
    private volatile boolean started;
    private AutoCloseable schedulerSubscription;
    /**
     * Runs in a renewal's owners check between its read of the adoptions under way and its read of the
     * runs this hub holds (tests: an adoption lost in between).
     */
    volatile Runnable afterAdoptionsNoted = () -> { };

    /** An engine on real timers; {@code clock} dates every record. */
    public RemediationEngine(Ports ports, Clock clock, String hubId, Settings settings) {
        this(ports, clock, Timers.onThread(clock, "cc-remediate-timer"), hubId, settings);
    }

    /** An engine whose timed work goes through {@code timers} (tests drive them with a manual clock). */
    public RemediationEngine(Ports ports, Clock clock, Timers timers, String hubId, Settings settings) {
        this.ports = ports;
        this.settings = settings;
        this.timers = timers;
        this.stripes = new Stripes(settings.lanes(), "cc-remediate-");
        RemediationStore store = ports.store();
        // every run write of the engine passes through the facts, so they can keep a target's counts
        this.facts = new TargetFacts(store, clock);
        this.outcomes = new OutcomeWatcher(store, facts, ports.probe(), ports.predictions(), ports.events(), timers,
                stripes, clock, settings.outcomeWindow(), settings.worseMargin());
        this.journal = new RunJournal(facts, ports.audit(), "cc-remediate-journal");
        // renewed on a thread of its own; a renewal after a stale spell drops the runs adopted meanwhile
        // before the held launches go on
        this.lease = new Lease(facts, hubId, settings.leaseTtl(), this::dropRunsOwnedElsewhere,
                () -> executor().releaseHeld());
        this.executor = new RunExecutor(journal, ports.scheduler(), ports.events(), stripes, timers, clock,
                new SplittableRandom(), this::runFinished, lease::fresh);
        this.killSwitch = new KillSwitch(store, executor, ports.audit(), stripes, clock);
        this.soleWriter = new SoleWriter(facts, killSwitch, clock);
        this.starter = new RunStarter(facts, journal, stripes, killSwitch, executor, ports.events(), ports.audit(),
                clock, hubId);
        // trigger events are matched on the publisher's thread and handed to their target's lane (no
        // thread of their own: one hand-over less between a prediction and its decision), at most
        // Triggers.MAX_PER_PUBLISH by one publish; more arriving meanwhile go to the bus's executor
        this.triggers = new Triggers(ports.catalog(), ports.bus(), settings.eventBuffer(), timers, clock, stripes,
                starter);
        this.approvals = new Approvals(store, facts, store, ports.catalog(), ports.predictions(), ports.events(),
                ports.audit(), executor, outcomes, stripes, clock, hubId);
        this.adoption = new Adoption(facts, ports.audit(), hubId, settings.leaseTtl(), executor);
        journal.onLost((tried, owner) -> executor.relinquish(tried.runId()).ifPresent(held ->
                adoption.relinquished(held.orElse(tried), owner, "a write of it found it owned by hub " + owner)));
        this.runs = new Runs(facts, ports.catalog(), ports.predictions(), ports.audit(), executor,
                approvals, stripes, clock, adoption, killSwitch);
        this.dryRuns = new DryRuns(starter, clock);
        this.hubId = hubId;
        this.clock = clock;
    }

    /**
     * Declares this engine the only writer of its store (a hub without a cluster: no other hub
     * reaches its database), before {@link #start}: a decision then takes its facts from memory —
     * the runs on its target (blast radius, active runs), read from the store once at start, and the
     * kill switches, read once per scope — instead of reading the store each time. Without it every
     * decision reads the store, which is what hubs sharing a database must do.
     */
    public RemediationEngine soleWriter() {
        return soleWriterWhile(Solitude.ALWAYS);
    }

    /**
     * Declares this engine the only writer of its store while {@code solitude} says this hub is
     * alone (an embedded cluster of one member), before {@link #start}. Each decision asks it: while
     * not alone the decision reads the store and memory is dropped; alone again (a new spell), every
     * target's runs are read again before memory answers. The hub's cluster adapter calls
     * {@link #membersChanged} when membership changes, and a joining hub waits for that (ADR 0027).
     */
    public RemediationEngine soleWriterWhile(Solitude solitude) {
        soleWriter.declare(Objects.requireNonNull(solitude, "solitude"));
        return this;
    }

    /**
     * Membership changed (another hub joined or left): drops memory at once if this hub is no longer
     * alone, and returns once every decision taken from memory before this call is stored (the
     * lanes and the run journal drained), so that a joining hub that waits for it sees them.
     */
    public void membersChanged() {
        guarded("membership change", soleWriter::memory);
        drain();
    }

    /**
     * Adopts the RUNNING runs and the pending outcome watches of hubs that are gone — whose lease in
     * the store lapsed ({@link Settings#leaseTtl}, by the store's clock) — each by one conditional
     * change of owner that checks the lease in the same statement, and takes them up; returns how
     * many runs this hub won. The engine calls it every half lease TTL; a cluster adapter may call it
     * sooner (a member left). With the same read of the unfinished runs it repairs the runs still
     * waiting for an approval that was decided ({@link Approvals#repair}). Does nothing before
     * {@link #start} (which adopts). Failures are logged (the next call tries again).
     */
    public int adoptOrphans() {
        if (!started) {
            return 0; // start adopts, once it can take runs up
        }
        return adoptOrphans(facts::unfinished);
    }

    private int adoptOrphans(Supplier<List<RunRecord>> unfinished) {
        int[] adopted = {0};
        guarded("adopting the runs of hubs that are gone", () -> {
            List<RunRecord> read = unfinished.get();
            adopted[0] = runs.adoptAll(read);
            outcomes.resume(adoption, false);
            // the same read: runs still waiting for an approval decided long enough ago are written as it leaves them
            approvals.repair(read);
        });
        return adopted[0];
    }

    private RunExecutor executor() {
        return executor;
    }

    /** How many times at most a renewal reads the owners again for runs registered while it read them. */
    static final int OWNER_ROUNDS = 8;

    /**
     * After a stale spell, before launches go on: reads the owners of the runs this hub drives in one
     * query and gives up, writing nothing, those another hub owns now (ADR 0028); then those
     * registered while it read them, until a look finds none new. Only runs this hub began to create
     * or take up before the store renewed the lease are checked: one begun after it was created, or
     * read as this hub's, under a fresh lease, so no other hub adopted it; the runs checked are
     * therefore finite, however many triggers come meanwhile ({@link #OWNER_ROUNDS} bounds the
     * looks all the same).
     */
    private void dropRunsOwnedElsewhere() {
        Set<String> begunSince = executor.watchTakings();
        try {
            Set<String> checked = new HashSet<>();
            for (int round = 1; ; round++) {
                // the notes first, and the runs held only by a note taken from them: a run read as held by
                // a note that goes (its adoption lost) before the notes are read would be judged held by
                // no adoption, so given up as this hub's (RUN_RELINQUISHED of a run it never held)
                Map<String, RunExecutor.Noted> adopting = executor.adoptingNow();
                afterAdoptionsNoted.run();
                Map<String, RunExecutor.Seen> held = executor.heldNow();
                List<String> driven = Stream.concat(held.keySet().stream(), adopting.keySet().stream())
                        .distinct().filter(id -> !checked.contains(id) && !begunSince.contains(id)).toList();
                if (driven.isEmpty()) {
                    return;
                }
                if (round > OWNER_ROUNDS) {
                    LOG.log(System.Logger.Level.WARNING, "hub {0}: {1} run(s) registered while the owners were read"
                            + " {2} times; launches go on without reading theirs", hubId, driven.size(), OWNER_ROUNDS);
                    return;
                }
                checked.addAll(driven);
                // the notes are read before the owners too: an adoption that commits and is taken up while
                // they are read is no longer noted after, and its run would be read as its old owner's
                ports.store().owners(driven).forEach((runId, owner) -> {
                    // a run being adopted whose owner still reads as its old one: the adoption had not
                    // committed; should it commit later, the run becomes this hub's only then, after this
                    // renewal, so no other hub adopted it from this one (a later stale spell is checked by
                    // the renewal ending it): left to its take-up, which reads its owner again
                    RunExecutor.Noted noted = adopting.get(runId);
                    if (!owner.equals(hubId) && (noted == null || !owner.equals(noted.from()))) {
                        // owned by a third hub: given up; recorded only if this hub's adoption of it (if any)
                        // was answered as won, since one not answered may have lost (RunExecutor.relinquish)
                        giveUp(runId, owner, "its owner read at the renewal that ended a stale lease", noted,
                                held.get(runId), begunSince);
                    }
                });
            }
        } finally {
            executor.stopWatchingTakings();
        }
    }

    /**
     * Gives up a run {@code owner} adopted while this hub stalled: nothing more of it is written (late
     * states included) or launched here, and it is recorded once ({@code RUN_RELINQUISHED}), after the
     * {@code RUN_ADOPTED} of this hub's adoption of it if that was being recorded. A run held here only
     * by an adoption not answered yet is given up without a record: that adoption may have lost (the run
     * never this hub's), and if it won, its late answer records nothing either ({@link Adoption#take}).
     */
    void giveUp(String runId, String owner, String how) {
        giveUp(runId, owner, how, null, null, Set.of());
    }

    /**
     * {@link #giveUp(String, String, String)} by a renewal's check; {@code judged}, {@code seen} and
     * {@code begunSince}: what the check saw of the run, and the runs taken up since it began
     * ({@link RunExecutor#relinquish(String, String, RunExecutor.Noted, RunExecutor.Seen, Set)}). On the
     * lease's thread: no lock another thread holds is taken; the only waits are this thread's own store
     * calls (the run read when nothing of it was held, and the audit append, bounded as {@link Lease}
     * says).
     */
    private void giveUp(String runId, String owner, String how, RunExecutor.Noted judged, RunExecutor.Seen seen,
                        Set<String> begunSince) {
        // reported whatever was held: a run whose registration was under way is given up all the same
        executor.relinquish(runId, owner, judged, seen, begunSince).ifPresent(g -> g.held()
                .or(() -> storedQuietly(runId))
                .ifPresentOrElse(run -> adoption.relinquishedAfterItsAdoption(run, owner, how, g.adoptedAs()),
                        () -> LOG.log(System.Logger.Level.WARNING, "run {0} is driven by hub {1} now ({2}): hub {3}"
                                + " gives it up", runId, owner, how, hubId)));
    }

    private Optional<RunRecord> storedQuietly(String runId) {
        try {
            return ports.store().run(runId);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** How many decision rows this hub holds in memory for runs it started and drives (tests). */
    int heldDecisionRows() {
        return executor.heldDecisionRows();
    }

    /**
     * How many times work on agents was held until the next lease renewal: a node's dispatch, a run's
     * deadline halt, a task's timeout (tests).
     */
    long holdsUntilRenewal() {
        return executor.holdsUntilRenewal();
    }

    /** Renews this hub's lease now, as its thread does every sixth of the TTL (tests). */
    void renewLease() {
        lease.renew();
    }

    /** Whether the calling thread is one of this engine's lanes (tests). */
    boolean onItsLane() {
        return stripes.onALane();
    }

    /** Whether this hub's lease is fresh: its launches go on (tests). */
    boolean leaseFresh() {
        return lease.fresh();
    }

    /** Measures the lease's freshness on {@code ticker} (nanoseconds) instead of the system's; before {@link #start} (tests). */
    RemediationEngine leaseTicker(LongSupplier ticker) {
        lease.ticker(ticker);
        return this;
    }

    /**
     * Renews the lease on its thread every {@code period} instead of every sixth of the TTL; before
     * {@link #start} (tests whose own renewals must not race the thread's).
     */
    RemediationEngine leaseRenewedEvery(Duration period) {
        lease.period(period);
        return this;
    }

    /** Whether decisions take their facts from memory now (declared a sole writer, and alone). */
    public boolean isSoleWriter() {
        return soleWriter.memory();
    }

    /** How many times a target's runs were read from the store for the decisions' counts (tests). */
    long targetFactLoads() {
        return facts.loads();
    }

    /**
     * Loads workflows, subscribes to their triggers, plans schedules, resumes this hub's runs and
     * adopts those of hubs that are gone ({@link #adoptOrphans}).
     */
    public RemediationEngine start() {
        // before this hub writes a run or reads its own: a hub adopting them now finds the lease fresh,
        // or adopted them before this read (then they are not read as this hub's); renewed from now on,
        // however long taking the runs up lasts
        lease.renew();
        // on its own thread: a long adoption sweep or a slow timer on the engine's timers never lapses it
        lease.start("cc-remediate-lease");
        // before anything is decided or written: the counts every decision starts from (when alone)
        soleWriter.memory();
        ports.catalog().load();
        triggers.start();
        schedulerSubscription = ports.scheduler().subscribe(executor::onSchedulerEvent);
        // one read of the unfinished runs for both: this hub's to resume, other hubs' to adopt
        List<RunRecord> unfinished = facts.unfinished();
        int resumed = runs.resumeAll(unfinished);
        outcomes.resume(adoption, true);
        started = true;
        int adopted = adoptOrphans(() -> unfinished);
        timers.every(settings.approvalSweep(), () -> guarded("approval sweep", approvals::expireDue));
        timers.every(settings.leaseTtl().dividedBy(2), this::adoptOrphans);
        timers.every(settings.refresh(), () -> guarded("remediation refresh", () -> {
            ports.catalog().load();
            killSwitch.refresh();
            facts.expire(settings.factsMaxAge());
        }));
        LOG.log(System.Logger.Level.INFO, "remediation engine started: {0} workflow(s), {1} run(s) resumed, {2}"
                + " adopted from hubs that are gone", ports.catalog().all().size(), resumed, adopted);
        return this;
    }

    private static void guarded(String what, Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "{0} failed: {1}", what, e.getMessage());
        }
    }

    public WorkflowCatalog catalog() {
        return ports.catalog();
    }

    public RemediationStore store() {
        return ports.store();
    }

    public Stats stats() {
        return new Stats(triggers.triggers(), starter.automatic(), starter.approvals(), starter.skipped(),
                starter.duplicates(), triggers.dropped(), executor.activeCount());
    }

    /** Trigger events whose handling failed since start (each logged; no run started for them). */
    long failedTriggers() {
        return triggers.failed();
    }

    /**
     * Events about runs that a trigger matched and that started nothing since start ({@link RunChains}):
     * the hub's liveness data, {@code runChainsRefused}.
     */
    public long chainsRefused() {
        return triggers.chainsRefused();
    }

    /** The run journal's commits since start and the run writes (creates, states) they carried. */
    /** The run journal's commits, run writes in them, and of the commits those a lane made itself (writer idle). */
    public record JournalStats(long commits, long written, long commitsOnLanes) {
    }

    public JournalStats journalStats() {
        return new JournalStats(journal.commits(), journal.written(), journal.commitsHere());
    }

    /** Waits until the work queued so far has been done (tests and benchmarks). */
    public void drain() {
        // a trigger event is on its lane when its publish returns, unless publishes raced and it was
        // left to the bus's executor (past Triggers.MAX_PER_PUBLISH): not waited for here.
        // Lanes hand writes to the journal, whose commits hand work back to the lanes: twice round
        for (int round = 0; round < 2; round++) {
            stripes.drain();
            journal.sync();
        }
        stripes.drain();
    }

    /** Waits until the work queued so far on the lanes has run, not for the journal (tests). */
    void drainLanes() {
        stripes.drain();
    }

    private void runFinished(RunRecord run, Optional<ActionRecord> carried) {
        // the row stored with a run started here is carried; any other run's is read back
        if (Target.of(run).isEntity()) {
            (carried.isPresent() ? carried : ports.store().actionOfRun(run.runId())).filter(a -> !a.isJudged())
                    .ifPresent(a -> outcomes.watch(a, run.finishedAt()));
        }
    }

    // ---- people

    /**
     * Runs a workflow now on a person's say-so: on a stored prediction's target, on a given target,
     * or (with neither) on the workflow itself. The per-target concurrency still holds; the kill
     * switch does not apply (a person decided).
     *
     * @throws CommandCenterException NOT_FOUND (workflow, prediction), PRECONDITION ({@code TARGET_BUSY})
     */
    public RunRecord trigger(ProjectId project, String name, String predictionId, String targetKind, String targetId,
                             String by, String reason) {
        WorkflowCatalog.Entry entry = ports.catalog().require(project, name, "name");
        Optional<PredictionRecord> prediction = Optional.empty();
        if (predictionId != null && !predictionId.isEmpty()) {
            prediction = Optional.of(ports.predictions().find(project, predictionId).orElseThrow(() ->
                    CommandCenterException.notFound("PREDICTION_NOT_FOUND", "no prediction " + predictionId
                            + " in project " + project)));
        }
        Target target = Target.resolve(prediction, targetKind, targetId, name);
        Optional<PredictionRecord> cause = prediction;
        return stripes.call(target.lane(project), () -> starter.startManual(entry, project, target, cause, by,
                reason));
    }

    /**
     * Approves a pending approval: its run starts now on this hub, pinned to the revision it was
     * raised with. An approval past its expiry cannot be approved.
     *
     * @throws CommandCenterException NOT_FOUND ({@code APPROVAL_NOT_FOUND}), PRECONDITION
     *         ({@code APPROVAL_DECIDED}, {@code APPROVAL_EXPIRED}), INVALID (the pinned revision no longer
     *         parses: nothing decided), CONTENTION ({@code STORE_CONFLICT}: decided, but the run's write
     *         failed; an approved run is then INTERRUPTED, nothing ran; {@code RUN_SETTLED}: decided, but
     *         another hub's sweep wrote the run first, {@code Approvals.REPAIR_AFTER} after the decision:
     *         nothing ran)
     */
    public Decided approve(ProjectId project, String approvalId, String by, String reason) {
        return approvals.decide(project, approvalId, ApprovalState.APPROVED, by, reason);
    }

    /** Rejects a pending approval: its run ends REJECTED and nothing runs. Errors as {@link #approve}. */
    public Decided reject(ProjectId project, String approvalId, String by, String reason) {
        return approvals.decide(project, approvalId, ApprovalState.REJECTED, by, reason);
    }

    /** Approvals of a project in a state (null: pending), oldest first. */
    public List<ApprovalRecord> approvals(ProjectId project, ApprovalState state, int limit) {
        return approvals.list(project, state, limit);
    }

    /** How many approvals of a project wait for a person (a count in the store, cluster-wide). */
    public long pendingApprovals(ProjectId project) {
        return ports.store().countPending(project);
    }

    /**
     * Cancels a run: a run waiting for approval is withdrawn (its approval rejected); a running one
     * stops — tasks still queued or with agents are cancelled, nodes not started never start. Refused
     * while this hub's lease is stale by its own clock ({@code LEASE_STALE}: no cancel recorded; an
     * adoption by the request stands; try again in a few seconds).
     *
     * @throws CommandCenterException NOT_FOUND, PRECONDITION ({@code RUN_FINISHED}, {@code RUN_ON_OTHER_HUB},
     *                                {@code APPROVAL_DECIDED}: nothing cancelled or recorded),
     *                                UNAVAILABLE ({@code RUN_RESUMING}, {@code LEASE_STALE})
     */
    public RunRecord cancel(ProjectId project, String runId, String by, String reason) {
        return runs.cancel(project, runId, by, reason);
    }

    /**
     * A run of the project as this hub sees it now.
     *
     * @throws CommandCenterException INVALID (empty id), NOT_FOUND ({@code RUN_NOT_FOUND})
     */
    public RunRecord run(ProjectId project, String runId) {
        return runs.find(project, runId);
    }

    /**
     * Pauses or resumes automatic actions for a project or globally ({@link KillSwitch}). Pausing
     * takes effect at once on this hub: no automatic run starts (predictions raise approvals
     * instead) and the automatic runs it drives start no further node; other hubs see it at their
     * next decision and within {@link Settings#refresh()} for their running runs.
     */
    public AutonomySetting setAutonomy(String scope, boolean paused, String by, String reason) {
        return killSwitch.set(scope, paused, by, reason);
    }

    public Optional<AutonomySetting> autonomy(String scope) {
        return killSwitch.get(scope);
    }

    /** What a workflow would do for a prediction (or a target) now; nothing is stored or run. */
    public DryRun dryRun(ProjectId project, Workflow workflow, int revision, Optional<PredictionRecord> prediction,
                         String targetKind, String targetId) {
        return dryRuns.dryRun(project, workflow, revision, prediction, targetKind, targetId);
    }

    @Override
    public synchronized void close() {
        triggers.close();
        if (schedulerSubscription != null) {
            try {
                schedulerSubscription.close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.DEBUG, "scheduler subscription close: {0}", e.getMessage());
            }
        }
        timers.close();
        lease.close();
        journal.stopping();
        stripes.close();
        // what the lanes handed in is committed first, so that close() knows every stored run
        journal.sync();
        executor.close();
        journal.close();
    }
}
