package io.commandcenter.hub.remediate;

import io.commandcenter.hub.agents.ActionResult;
import io.commandcenter.hub.agents.HubAgents;
import io.commandcenter.hub.audit.AuditTrail;
import io.commandcenter.hub.audit.InMemoryAuditLedger;
import io.commandcenter.hub.audit.MemoryAuditSpool;
import io.commandcenter.hub.events.EventBus;
import io.commandcenter.hub.events.Payload;
import io.commandcenter.hub.events.TraceContext;
import io.commandcenter.hub.predict.PredictionRecord;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.workflow.CapabilityCatalog;
import io.commandcenter.hub.workflow.WorkflowParser;
import io.commandcenter.models.confidence.Confidence;
import io.commandcenter.models.explain.Factor;
import io.commandcenter.scheduler.Scheduler;
import io.commandcenter.scheduler.SchedulerSettings;
import io.commandcenter.scheduler.mesh.InMemoryMesh;
import io.commandcenter.scheduler.state.InMemorySchedulerState;
import io.commandcenter.scheduler.task.Capability;
import io.commandcenter.scheduler.task.Placement;
import io.commandcenter.scheduler.task.TargetRef;
import io.commandcenter.scheduler.task.Task;
import io.commandcenter.scheduler.task.TaskSpec;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * A remediation engine assembled from real parts — a store (in memory, or the database's in
 * hub-server), the in-memory scheduler with the built-in agents on its port, the hub's event bus —
 * whose agents' behaviour a test scripts. Its timed work runs on real timers, or on
 * {@link io.commandcenter.hub.testing.ManualTimers} when the test drives the clock.
 */
public final class EngineFixture implements AutoCloseable {
    static final ProjectId P = ProjectId.of("demo");
    /** A one-node workflow: a prediction's service restarted (automatic from confidence 0.9, the default). */
    static final String RESTART_ON_RISK = """
            name: restart-on-risk
            trigger:
              on: [prediction.created]
            nodes:
              - id: act
                agent: devops
                action: restart
                inputs:
                  service: $entity.id
            """;

    /** One action an agent ran. */
    record Call(String agent, String action, Map<String, String> inputs, Instant at) {
    }

    final Clock clock;
    final RemediationStore store;
    /** The audit ledger every engine of the fixture records to (the hubs of a cluster share one). */
    final InMemoryAuditLedger ledger = new InMemoryAuditLedger();
    final AuditTrail audit;
    private final java.util.function.Supplier<Timers> timers;
    final ExecutorService busExecutor = Executors.newFixedThreadPool(2);
    final EventBus bus;
    final Map<String, PredictionRecord> predictions = new ConcurrentHashMap<>();
    final Map<String, Double> health = new ConcurrentHashMap<>();
    /** What the engine reads a target's health from: {@link #health} unless a test says otherwise. */
    volatile HealthProbe probe = (project, kind, id) -> Optional.ofNullable(health.get(id))
            .map(r -> new HealthProbe.Reading(r, "[]"));
    final List<Call> calls = new CopyOnWriteArrayList<>();
    final List<String> published = new CopyOnWriteArrayList<>();
    /** What devops and notifier do; by default they succeed. */
    volatile BiFunction<String, Map<String, String>, ActionResult> devops = (a, in) -> ActionResult.done("{\"ok\":true}");
    volatile BiFunction<String, Map<String, String>, ActionResult> notifier = (a, in) -> ActionResult.done("{}");

    /** What the engine's events pass through before the fixture records them (memory, in its tests). */
    java.util.function.UnaryOperator<RemediationEvents> decorateEvents = e -> e;
    /** What the scheduler's state passes through (set before {@link #startScheduler}): itself unless a test says otherwise. */
    java.util.function.UnaryOperator<io.commandcenter.scheduler.state.SchedulerState> decorateState = s -> s;
    /** What the engine's workflow catalog reads (set before {@link #startEngine}): the store, or a test's wrapper. */
    java.util.function.UnaryOperator<WorkflowStore> decorateWorkflows = s -> s;
    /** Slots of each built-in agent (set before {@link #start}). */
    int agentCapacity = 8;
    Scheduler scheduler;
    HubAgents agents;
    RemediationEngine engine;
    /**
     * Whether the engine is the only writer of runs to the store, as a hub without a cluster is
     * wired (set before {@link #start}; false when a test starts a second hub on the same store).
     */
    boolean soleWriter = true;
    /**
     * Wires the engine before it starts, in place of {@link #soleWriter} (a cluster's solitude, in
     * hub-server's tests); null: {@link #soleWriter} decides.
     */
    java.util.function.Consumer<RemediationEngine> wiring;
    /** Applied to each engine before it starts, after {@link #wiring} (null: nothing). */
    java.util.function.Consumer<RemediationEngine> tuning;
    /** The hub id of the engines started (set before {@link #startEngine}): a restart may change it. */
    String hubId = "hub-test";
    RemediationEngine.Settings settings = RemediationEngine.Settings.defaults()
            .withOutcomeWindow(Duration.ofMillis(300)).withApprovalSweep(Duration.ofMillis(100));

    /** On an in-memory store and real time. */
    public EngineFixture() {
        this(new InMemoryRemediationStore(), Clock.systemUTC(), null);
    }

    /**
     * @param timers a new set of timers for each engine started (its restarts included), or null
     *               for real timers on {@code clock}
     */
    public EngineFixture(RemediationStore store, Clock clock, java.util.function.Supplier<Timers> timers) {
        this.store = store;
        this.clock = clock;
        this.timers = timers;
        this.bus = new EventBus("hub-test", clock, busExecutor, 16);
        this.audit = MemoryAuditSpool.trail(ledger, clock, "hub-test");
    }

    /** Starts (or restarts, after {@link #stopEngine}) the scheduler, the agents and the engine. */
    EngineFixture start() {
        startScheduler();
        return startEngine();
    }

    /** Starts the scheduler and the agents, without an engine. */
    EngineFixture startScheduler() {
        scheduler = Scheduler.start(SchedulerSettings.defaults("hub-test"),
                decorateState.apply(new InMemorySchedulerState(Clock.systemUTC())),
                new InMemoryMesh(new InMemoryMesh.Network(Executors.newSingleThreadExecutor())), Clock.systemUTC());
        agents = HubAgents.start(scheduler, "hub-test", agentCapacity, List.of(
                new HubAgents.Agent("devops", Set.of("restart", "scale", "rollback"), (a, in) -> {
                    calls.add(new Call("devops", a, in, clock.instant()));
                    return devops.apply(a, in);
                }),
                new HubAgents.Agent("notifier", Set.of("sendSlack", "webhook"), (a, in) -> {
                    calls.add(new Call("notifier", a, in, clock.instant()));
                    return notifier.apply(a, in);
                })));
        return this;
    }

    /** Starts (or restarts, after {@link #stopEngineOnly}) the engine on the running scheduler. */
    EngineFixture startEngine() {
        WorkflowCatalog catalog = new WorkflowCatalog(decorateWorkflows.apply(store),
                new WorkflowParser(CapabilityCatalog.builtIn()), audit, clock);
        RemediationEngine.Ports ports = new RemediationEngine.Ports(store, catalog, scheduler, bus,
                (project, id) -> Optional.ofNullable(predictions.get(id)).filter(p -> p.project().equals(project)),
                (project, kind, id) -> probe.read(project, kind, id), decorateEvents.apply(recordingEvents()), audit);
        engine = timers == null ? new RemediationEngine(ports, clock, hubId, settings)
                : new RemediationEngine(ports, clock, timers.get(), hubId, settings);
        if (wiring != null) {
            wiring.accept(engine);
        } else if (soleWriter) {
            engine.soleWriter();
        }
        if (tuning != null) {
            tuning.accept(engine);
        }
        engine.start();
        return this;
    }

    /**
     * Moves the fixture's manual clock ({@code timers} on it) a second at a time, the engine's work of
     * each step done before the next, so work that plans more work sees its own time.
     */
    void advance(io.commandcenter.hub.testing.ManualTimers timers, Duration by) {
        Instant target = clock.instant().plus(by);
        while (clock.instant().isBefore(target)) {
            Duration left = Duration.between(clock.instant(), target);
            timers.advance(left.compareTo(Duration.ofSeconds(1)) > 0 ? Duration.ofSeconds(1) : left);
            engine.drain();
        }
    }

    /** Stops the engine, the agents and the scheduler (its in-memory state is lost, as in a crash). */
    void stopEngine() {
        stopEngineOnly();
        agents.close();
        scheduler.close();
    }

    /** Stops the engine alone: the scheduler and its agents go on, as a cluster's do when one hub stops. */
    void stopEngineOnly() {
        engine.close();
    }

    private RemediationEvents recordingEvents() {
        return new RemediationEvents() {
            @Override
            public void runChanged(RunRecord run, Optional<PredictionRecord> prediction) {
                published.add("workflow.run." + run.state().name().toLowerCase());
            }

            @Override
            public void approvalRequested(ApprovalRecord approval, Optional<PredictionRecord> prediction,
                                          RunRecord run) {
                published.add("approval.requested");
            }

            @Override
            public void approvalDecided(ApprovalRecord approval, Optional<PredictionRecord> prediction,
                                        RunRecord run) {
                published.add("approval." + approval.state().wireName());
            }

            @Override
            public void outcomeObserved(ActionRecord action) {
                published.add("remediation.outcome." + action.outcome().wireName());
            }
        };
    }

    /**
     * An agent action that says it started ({@code entered}, when given) and then holds until
     * {@code release} opens (at most 10 s) or its thread is interrupted (a revoked lease).
     */
    static BiFunction<String, Map<String, String>, ActionResult> holding(CountDownLatch entered,
                                                                         CountDownLatch release) {
        return (action, inputs) -> {
            if (entered != null) {
                entered.countDown();
            }
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return ActionResult.done("{}");
        };
    }

    WorkflowCatalog.Entry put(String yaml) {
        return engine.catalog().put(P, yaml, "test").entry();
    }

    /**
     * A run of {@code owner} of {@link CrashMidBurst#WORKFLOW} as that hub left it: its first node
     * QUEUED as attempt 1 (no task id stored yet).
     */
    RunRecord storedRunOf(String owner, String runId, String target) {
        Instant now = clock.instant();
        RunRecord run = new RunRecord(runId, P, "burst-restart", 1, RunState.RUNNING, RunMode.AUTOMATIC,
                "prediction.created.risk", "pred-" + runId, null, "service", target, "burst-restart:pred-" + runId,
                null, owner, "", null, now, now, null, now.plus(Duration.ofMinutes(30)), List.of(
                NodeRecord.pending("restart_service", 0, "devops", "restart", false)
                        .queued("", 1, Map.of("service", target), now),
                NodeRecord.pending("notify", 1, "notifier", "sendSlack", false)));
        if (!store.create(run, Optional.empty(), Optional.empty())) {
            throw new IllegalStateException("run " + runId + " is stored already");
        }
        return run;
    }

    /** The old hub's task of the run's stored attempt ({@link #storedRunOf}), on the scheduler that outlived it. */
    Task submittedByTheOldHub(RunRecord run) {
        return scheduler.submit(new TaskSpec(P.value(), new Capability("devops", "restart"),
                run.workflow(), run.runId(), "restart_service",
                RunExecutor.json(Map.of("service", run.targetId())), 1.0, 5, null,
                new TargetRef("service", run.targetId()), true, run.runId() + ":restart_service:1", Map.of(),
                Placement.DEFAULT, 1)).task();
    }

    PredictionRecord prediction(String target, double risk, double confidence, String action) {
        Instant now = clock.instant();
        return new PredictionRecord("pred-" + UUID.randomUUID(), P, "service", target, "risk", risk,
                new Confidence(confidence, confidence, 1, 1, 1), action,
                List.of(new Factor("error_rate_mean", "error_rate", 0.2f, 0.01f, 0.6)), "service_health", "1",
                0.8, "trace", "mr-1", now, now);
    }

    /** Publishes a prediction as the predictive engine does: on the bus, the record as the payload. */
    PredictionRecord raise(PredictionRecord p) {
        predictions.put(p.id(), p);
        bus.publish(p.project(), p.subject(), TraceContext.newRoot(new SplittableRandom()), new Payload() {
            @Override
            public String type() {
                return "commandcenter.v1.PredictionCreated";
            }

            @Override
            public String toJson() {
                return "{\"id\":\"" + p.id() + "\"}";
            }

            @Override
            @SuppressWarnings("unchecked")
            public <T> Optional<T> as(Class<T> type) {
                return type == PredictionRecord.class ? Optional.of((T) p) : Optional.empty();
            }
        });
        return p;
    }

    List<RunRecord> runs() {
        return new ArrayList<>(store.runs(P, new RunStore.RunQuery(null, null, null, 1000, null, null)));
    }

    RunRecord onlyRun() {
        List<RunRecord> runs = runs();
        if (runs.size() != 1) {
            throw new AssertionError("expected one run, got " + runs.size() + ": " + runs);
        }
        return runs.get(0);
    }

    List<Call> calls(String action) {
        return calls.stream().filter(c -> c.action().equals(action)).toList();
    }

    @Override
    public void close() {
        if (engine != null) {
            stopEngine();
        }
        bus.close();
        busExecutor.shutdownNow();
        if (store instanceof InMemoryRemediationStore memory) {
            // the run journal writes only the nodes a step changed, trusting what it last stored of a run
            org.assertj.core.api.Assertions.assertThat(memory.untrueLastStored())
                    .as("run states the journal said were stored and were not").isEmpty();
        }
    }
}
