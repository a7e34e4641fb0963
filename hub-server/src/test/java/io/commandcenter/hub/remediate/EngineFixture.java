package io.commandcenter.hub.remediate;

import io.commandcenter.hub.agents.ActionResult;
import io.commandcenter.hub.agents.HubAgents;
import io.commandcenter.hub.events.EventBus;
import io.commandcenter.hub.events.Payload;
import io.commandcenter.hub.events.TraceContext;
import io.commandcenter.hub.persistence.Database;
import io.commandcenter.hub.persistence.DatabaseSettings;
import io.commandcenter.hub.predict.PredictionRecord;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.remediate.sql.JpaRemediationStore;
import io.commandcenter.hub.workflow.CapabilityCatalog;
import io.commandcenter.hub.workflow.WorkflowParser;
import io.commandcenter.models.confidence.Confidence;
import io.commandcenter.models.explain.Factor;
import io.commandcenter.scheduler.Scheduler;
import io.commandcenter.scheduler.SchedulerSettings;
import io.commandcenter.scheduler.mesh.InMemoryMesh;
import io.commandcenter.scheduler.state.InMemorySchedulerState;

import java.nio.file.Path;
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
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * A remediation engine assembled from real parts — H2 store, in-memory scheduler with built-in
 * agents on its port, the hub's event bus — whose agents' behaviour a test scripts.
 */
final class EngineFixture implements AutoCloseable {
    static final ProjectId P = ProjectId.of("demo");

    /** One action an agent ran. */
    record Call(String agent, String action, Map<String, String> inputs, Instant at) {
    }

    final Path dir;
    final Clock clock;
    final Database database;
    final JpaRemediationStore store;
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

    Scheduler scheduler;
    ScheduledExecutorService agentTimer;
    HubAgents agents;
    RemediationEngine engine;
    RemediationEngine.Settings settings = RemediationEngine.Settings.defaults()
            .withOutcomeWindow(Duration.ofMillis(300)).withApprovalSweep(Duration.ofMillis(100));

    EngineFixture(Path dir) {
        this(dir, Clock.systemUTC());
    }

    EngineFixture(Path dir, Clock clock) {
        this.dir = dir;
        this.clock = clock;
        this.database = Database.open(DatabaseSettings.embedded(dir));
        this.store = new JpaRemediationStore(database);
        this.bus = new EventBus("hub-test", clock, busExecutor, 16);
    }

    /** Starts (or restarts, after {@link #stopEngine}) the scheduler, the agents and the engine. */
    EngineFixture start() {
        scheduler = Scheduler.start(SchedulerSettings.defaults("hub-test"),
                new InMemorySchedulerState(Clock.systemUTC()),
                new InMemoryMesh(new InMemoryMesh.Network(Executors.newSingleThreadExecutor())), Clock.systemUTC());
        agentTimer = Executors.newSingleThreadScheduledExecutor();
        agents = HubAgents.start(scheduler, "hub-test", 8, List.of(
                new HubAgents.Agent("devops", Set.of("restart", "scale", "rollback"), (a, in) -> {
                    calls.add(new Call("devops", a, in, Instant.now()));
                    return devops.apply(a, in);
                }),
                new HubAgents.Agent("notifier", Set.of("sendSlack", "webhook"), (a, in) -> {
                    calls.add(new Call("notifier", a, in, Instant.now()));
                    return notifier.apply(a, in);
                })), agentTimer);
        WorkflowCatalog catalog = new WorkflowCatalog(store, new WorkflowParser(CapabilityCatalog.builtIn()), clock);
        engine = new RemediationEngine(store, catalog, scheduler, bus,
                (project, id) -> Optional.ofNullable(predictions.get(id)).filter(p -> p.project().equals(project)),
                (project, kind, id) -> probe.read(project, kind, id),
                recordingEvents(), clock, "hub-test", settings).start();
        return this;
    }

    /** Stops the engine, the agents and the scheduler (its in-memory state is lost, as in a crash). */
    void stopEngine() {
        engine.close();
        agents.close();
        agentTimer.shutdownNow();
        scheduler.close();
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
                published.add("approval." + approval.state().toLowerCase());
            }

            @Override
            public void outcomeObserved(ActionRecord action) {
                published.add("remediation.outcome." + action.outcome());
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

    static PredictionRecord prediction(String target, double risk, double confidence, String action) {
        Instant now = Instant.now();
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
        List<RunRecord> all = new ArrayList<>(store.runs(P, new RemediationStore.RunQuery(null, null, null, 1000, null,
                null)));
        return all;
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
        database.close();
    }
}
