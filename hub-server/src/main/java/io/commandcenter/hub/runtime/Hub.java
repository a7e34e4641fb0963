package io.commandcenter.hub.runtime;

import io.commandcenter.hub.audit.AuditTrail;
import io.commandcenter.hub.audit.FileAuditSpool;
import io.commandcenter.hub.audit.grpc.AuditGrpcService;
import io.commandcenter.hub.audit.sql.JpaAuditLedger;
import io.commandcenter.hub.demo.DemoFleet;
import io.commandcenter.hub.demo.DemoRunner;
import io.commandcenter.hub.events.EventBus;
import io.commandcenter.hub.events.EventStreams;
import io.commandcenter.hub.events.grpc.EventGrpcService;
import io.commandcenter.hub.events.grpc.ProtoPayload;
import io.commandcenter.hub.persistence.Database;
import io.commandcenter.hub.predict.ModelRegistry;
import io.commandcenter.hub.predict.EntityKey;
import io.commandcenter.hub.predict.PredictionService;
import io.commandcenter.hub.predict.RunJson;
import io.commandcenter.hub.predict.PredictiveEngine;
import io.commandcenter.hub.predict.grpc.InferenceGrpcService;
import io.commandcenter.hub.predict.grpc.ModelRegistryGrpcService;
import io.commandcenter.hub.predict.grpc.PredictGrpcService;
import io.commandcenter.hub.feedback.Feedback;
import io.commandcenter.hub.learning.LearningLoop;
import io.commandcenter.hub.metrics.HubMetrics;
import io.commandcenter.hub.metrics.MetricRegistry;
import io.commandcenter.hub.tracing.DecisionTraces;
import io.commandcenter.hub.tracing.TracingSettings;
import io.commandcenter.hub.predict.FeatureBook;
import io.commandcenter.hub.memory.MemoryAdvisor;
import io.commandcenter.hub.memory.MemoryRecorder;
import io.commandcenter.hub.memory.grpc.MemoryGrpcService;
import io.commandcenter.hub.feedback.sql.JpaFeedbackStore;
import io.commandcenter.hub.predict.grpc.PredictProtos;
import io.commandcenter.hub.predict.sql.JpaModelRepository;
import io.commandcenter.hub.predict.sql.JpaPredictionRepository;
import io.commandcenter.hub.workflow.CapabilityCatalog;
import io.commandcenter.hub.workflow.WorkflowParser;
import io.commandcenter.inference.RiskPrediction;
import io.commandcenter.inference.RiskPredictor;
import io.commandcenter.inference.InferenceBackend;
import io.commandcenter.models.artifact.ModelStore;
import io.commandcenter.models.bootstrap.BootstrapModels;
import io.commandcenter.models.confidence.ConfidenceCalculator;
import io.commandcenter.proto.v1.PredictionCreated;
import io.commandcenter.scheduler.DaemonThreads;
import io.commandcenter.scheduler.Scheduler;
import io.commandcenter.hub.project.CallerResolver;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.remediate.HealthProbe;
import io.commandcenter.hub.remediate.PredictionLookup;
import io.commandcenter.hub.remediate.RemediationEngine;
import io.commandcenter.hub.remediate.Timers;
import io.commandcenter.hub.remediate.WorkflowCatalog;
import io.commandcenter.hub.remediate.grpc.BusRemediationEvents;
import io.commandcenter.hub.remediate.hazelcast.ClusterOwners;
import io.commandcenter.hub.remediate.hazelcast.ClusterSolitude;
import io.commandcenter.scheduler.hazelcast.HazelcastSettings;
import io.commandcenter.hub.remediate.grpc.RemediateGrpcService;
import io.commandcenter.hub.remediate.sql.JpaRemediationStore;
import io.commandcenter.hub.security.grpc.KeyGrpcService;
import io.commandcenter.hub.telemetry.IngestPipeline;
import io.commandcenter.hub.telemetry.RecordRules;
import io.commandcenter.hub.telemetry.SampleListing;
import io.commandcenter.hub.telemetry.grpc.TelemetryGrpcService;
import io.commandcenter.hub.telemetry.grpc.TelemetryProtoMapper;
import io.commandcenter.hub.telemetry.sql.SqlTelemetryStore;
import io.commandcenter.hub.transport.grpc.CallerInterceptor;
import io.commandcenter.hub.transport.grpc.GrpcServerHost;

import java.lang.System.Logger.Level;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * One running hub, assembled by hand from its settings: database, event bus, ingest pipeline,
 * the gRPC services on the hub's own server. Liberty starts one from a CDI observer
 * ({@code HubLifecycle}); tests and benchmarks start one directly. Closing it stops the gRPC
 * server, flushes ingest and closes the database, in that order.
 */
public final class Hub implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Hub.class.getName());
    /** How long a hub joining a cluster waits for its members to stop deciding from memory (ADR 0027). */
    static final Duration JOIN_WAIT = Duration.ofSeconds(30);

    private final HubSettings settings;
    private final Database database;
    private final ExecutorService deliveryExecutor;
    private final EventBus bus;
    private final IngestPipeline pipeline;
    private final InferenceBackend backend;
    private final ModelRegistry registry;
    private final PredictiveEngine engine;
    private final Mesh mesh;
    private final RemediationEngine remediation;
    private final RestEndpoints endpoints;
    private final DemoRunner demo;
    private final GrpcServerHost grpc;
    private final Audit audit;
    private final Feedback feedback;
    private Learning learning;
    private final HubMetrics metrics;
    private final AutoCloseable meshMetrics;
    private final Optional<DecisionTraces> traces;
    private final HubMemory memory;
    /** Runs in {@link #close} just before the mesh closes (tests hold the close there; otherwise nothing). */
    private final Runnable beforeMeshClose;

    private Hub(HubSettings settings, Database database, ExecutorService deliveryExecutor, EventBus bus,
                IngestPipeline pipeline, InferenceBackend backend, ModelRegistry registry, PredictiveEngine engine,
                Mesh mesh, RemediationEngine remediation, RestEndpoints endpoints, DemoRunner demo,
                GrpcServerHost grpc, Audit audit, Feedback feedback, HubMetrics metrics, AutoCloseable meshMetrics,
                Optional<DecisionTraces> traces, HubMemory memory, Runnable beforeMeshClose) {
        this.settings = settings;
        this.database = database;
        this.deliveryExecutor = deliveryExecutor;
        this.bus = bus;
        this.pipeline = pipeline;
        this.backend = backend;
        this.registry = registry;
        this.engine = engine;
        this.mesh = mesh;
        this.remediation = remediation;
        this.endpoints = endpoints;
        this.demo = demo;
        this.grpc = grpc;
        this.audit = audit;
        this.feedback = feedback;
        this.metrics = metrics;
        this.meshMetrics = meshMetrics;
        this.traces = traces;
        this.memory = memory;
        this.beforeMeshClose = beforeMeshClose;
    }

    /**
     * The audit trail and what keeps it moving: records the ledger could not take wait in this hub's
     * spool under the data directory ({@code audit/<hub id>.spool.jsonl}) and are appended every
     * {@link AuditTrail#FLUSH_EVERY}, and once at start (what an earlier run left).
     */
    private record Audit(AuditTrail trail, Timers flushing) implements AutoCloseable {
        static Audit start(Database database, HubSettings settings, Clock clock) {
            String file = settings.hubId().replaceAll("[^A-Za-z0-9._-]", "_") + ".spool.jsonl";
            AuditTrail trail = new AuditTrail(new JpaAuditLedger(database), FileAuditSpool.open(
                    settings.database().dataDir().resolve("audit").resolve(file)), clock, settings.hubId());
            trail.flush();
            Timers flushing = Timers.onThread(clock, "cc-audit");
            flushing.every(AuditTrail.FLUSH_EVERY, trail::flush);
            return new Audit(trail, flushing);
        }

        @Override
        public void close() {
            flushing.close();
            trail.flush();
        }
    }

    /**
     * The learning loop and what keeps its workflow installed: in every project the database knows,
     * at start (on its own thread: the start does not wait) and every minute for projects created since.
     * The same thread judges shadow waits: at that minute tick, and when a wait's period ends (a timer on
     * {@code deadlines} hands the judgement to it).
     */
    private record Learning(LearningLoop loop, ScheduledExecutorService installing,
                            Timers deadlines) implements AutoCloseable {
        static Learning start(LearningLoop loop, WorkflowCatalog workflows, SqlTelemetryStore store,
                              ProjectId defaultProject, Clock clock) {
            var installing = Executors.newSingleThreadScheduledExecutor(DaemonThreads.numbered("cc-learning-"));
            Runnable judge = () -> {
                try {
                    loop.shadowGate().ifPresent(io.commandcenter.hub.learning.ShadowGate::tick);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "learning loop: shadow waits not judged: {0}", e.getMessage());
                }
            };
            Timers deadlines = Timers.onThread(clock, "cc-shadow-deadlines");
            loop.shadowGate().ifPresent(g -> g.judgeOnTime(deadlines, () -> {
                try {
                    installing.execute(judge);
                } catch (RejectedExecutionException e) {
                    // the hub is closing: the wait stays pending, judged at the next start
                }
            }));
            Runnable install = () -> {
                try {
                    Set<ProjectId> projects = new LinkedHashSet<>();
                    projects.add(defaultProject);
                    store.projects().stream().filter(ProjectId::isValid).forEach(p -> projects.add(ProjectId.of(p)));
                    loop.installEverywhere(workflows, List.copyOf(projects));
                } catch (java.sql.SQLException | RuntimeException e) {
                    LOG.log(Level.WARNING, "learning loop: workflow not installed: {0}", e.getMessage());
                }
                judge.run();
            };
            installing.scheduleWithFixedDelay(install, 0, 1, TimeUnit.MINUTES);
            return new Learning(loop, installing, deadlines);
        }

        /**
         * Stops the loop ({@link LearningLoop#stop}: its steps, and a shadow wait being judged, end at their next
         * safe point) and waits for an installation under way, both within {@code cc.learning.stop-wait}. Nothing is
         * interrupted: an interrupt inside a database call makes H2 close its file. Work still running after the
         * wait is logged and left to end on its daemon thread.
         */
        @Override
        public void close() {
            stop();
        }

        /** {@link #close}: true when everything stopped within the wait. */
        boolean stop() {
            Duration bound = loop.settings().stopWait();
            long deadline = System.nanoTime() + bound.toNanos();
            deadlines.close(); // its thread only hands judgements to the installer's: nothing there touches the database
            installing.shutdown();
            boolean stopped = loop.stop(bound).isEmpty();
            try {
                if (!installing.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    LOG.log(Level.WARNING, "learning loop: the installer''s tick did not end within {0}; left to end on its"
                            + " own (not interrupted)", bound);
                    stopped = false;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopped = false;
            }
            return stopped;
        }
    }

    /**
     * Starts a hub. On failure everything already started is stopped again.
     *
     * @throws io.commandcenter.common.error.CommandCenterException UNAVAILABLE when the database cannot be opened
     * @throws java.io.UncheckedIOException when the gRPC port cannot be bound
     */
    public static Hub start(HubSettings settings, Clock clock) {
        return start(settings, InferenceSettings.defaults(), clock, TracingSettings.off(), true);
    }

    /**
     * Starts a hub whose models are scored as {@code inference} says (remote endpoints, routes, the
     * allow-list, sensitive projects, micro-batching; guide section 22).
     *
     * @throws io.commandcenter.common.error.CommandCenterException PERMISSION_DENIED {@code ENDPOINT_NOT_APPROVED}
     *         when a model is routed to a host not approved (audited)
     */
    public static Hub start(HubSettings settings, InferenceSettings inference, Clock clock) {
        return start(settings, inference, clock, TracingSettings.off(), true);
    }

    /**
     * Starts a hub that traces every decision loop to {@code tracing}'s OTLP endpoint (off: none).
     *
     * @see #start(HubSettings, Clock)
     */
    public static Hub start(HubSettings settings, Clock clock, TracingSettings tracing) {
        return start(settings, InferenceSettings.defaults(), clock, tracing, true);
    }

    /**
     * A hub with its metrics on or off ({@code metricsOn} false: no observer is registered and
     * {@code /metrics} serves nothing; for measuring what metrics cost, IngestBenchmark).
     */
    public static Hub start(HubSettings settings, Clock clock, TracingSettings tracing, boolean metricsOn) {
        return start(settings, InferenceSettings.defaults(), clock, tracing, metricsOn);
    }

    /** Starts a hub with its memory configured ({@code cc.memory.*}, guide section 20). */
    public static Hub start(HubSettings settings, MemorySettings memorySettings, Clock clock) {
        return start(settings, InferenceSettings.defaults(), memorySettings, clock, TracingSettings.off(), true);
    }

    /** A hub with inference routes, tracing and metrics chosen, and the memory's defaults. */
    public static Hub start(HubSettings settings, InferenceSettings inference, Clock clock, TracingSettings tracing,
                            boolean metricsOn) {
        return start(settings, inference, MemorySettings.defaults(settings.database().dataDir()), clock, tracing, metricsOn);
    }

    /** A hub with everything chosen: inference routes, memory, tracing, metrics (the other overloads' defaults). */
    public static Hub start(HubSettings settings, InferenceSettings inference, MemorySettings memorySettings, Clock clock,
                            TracingSettings tracing, boolean metricsOn) {
        return start(settings, inference, memorySettings, clock, tracing, metricsOn, UnaryOperator.identity(), () -> { });
    }

    /**
     * A hub whose learning loop reads telemetry through {@code learningReads} (tests: a step held inside a
     * database read while the hub closes).
     */
    static Hub start(HubSettings settings, Clock clock,
                     UnaryOperator<io.commandcenter.hub.telemetry.TelemetryStore> learningReads) {
        return start(settings, InferenceSettings.defaults(), MemorySettings.defaults(settings.database().dataDir()), clock,
                TracingSettings.off(), true, learningReads, () -> { });
    }

    /**
     * A hub whose {@link #close} runs {@code beforeMeshClose} after the ingest pipeline and the predictive engine
     * closed and before the mesh does (tests: the mesh's close held there, guide 14.21).
     */
    static Hub start(HubSettings settings, Clock clock, Runnable beforeMeshClose) {
        return start(settings, InferenceSettings.defaults(), MemorySettings.defaults(settings.database().dataDir()), clock,
                TracingSettings.off(), true, UnaryOperator.identity(), beforeMeshClose);
    }

    private static Hub start(HubSettings settings, InferenceSettings inference, MemorySettings memorySettings,
                             Clock clock, TracingSettings tracing, boolean metricsOn,
                             UnaryOperator<io.commandcenter.hub.telemetry.TelemetryStore> learningReads,
                             Runnable beforeMeshClose) {
        long started = System.nanoTime();
        Database database = Database.open(settings.database());
        ExecutorService delivery = null;
        IngestPipeline pipeline = null;
        InferenceBackend backend = null;
        PredictiveEngine engine = null;
        Mesh mesh = null;
        RemediationEngine remediation = null;
        DemoRunner demo = null;
        Audit audit = null;
        Learning learning = null;
        HubMetrics metrics = new HubMetrics(new MetricRegistry());
        Optional<DecisionTraces> traces = Optional.empty();
        HubMemory memory = null;
        ClusterSolitude solitude = null;
        ClusterOwners owners = null;
        // what the metrics started (the scheduler subscriptions, the approvals' and the stats' timers): the hub
        // closes it, or the failure below
        AutoCloseable meshMetrics = () -> { };
        try {
            traces = DecisionTraces.start(tracing, settings.hubId());
            audit = Audit.start(database, settings, clock);
            memory = HubMemory.start(memorySettings);
            delivery = Executors.newFixedThreadPool(2, DaemonThreads.numbered("cc-events-"));
            EventBus bus = new EventBus(settings.hubId(), clock, delivery, settings.maxSubscribers(),
                    Math.min(settings.limits().subscribersPerProject(), settings.maxSubscribers()));
            SqlTelemetryStore store = new SqlTelemetryStore(database, clock);
            store.ensureProject(settings.defaultProject().value());
            pipeline = new IngestPipeline(store, bus, TelemetryProtoMapper::payload, clock,
                    settings.ingestBatchSize(), settings.ingestMaxStreams() * settings.ingestWindow() + 1024,
                    new io.commandcenter.hub.telemetry.InFlightShares(settings.limits().ingestInFlight()));
            if (metricsOn) {
                pipeline.observe(metrics);
            }
            pipeline.start();
            SampleListing listing = new SampleListing(store);
            RecordRules rules = new RecordRules(clock, settings.maxFutureSkew());
            // Predict and ModelInfer only compute when every model is scored here without waiting (no remote endpoint,
            // no micro-batch that waits for rows): a small pool, no hand-off per call; a Predict by
            // entity waits for the engine's thread, so it answers from the general pool
            boolean scoringNeverWaits = inference.endpoints().isEmpty()
                    && (inference.batchMaxRows() <= 1 || inference.batchMaxDelay().isZero());
            io.commandcenter.hub.transport.grpc.CallExecutors callExecutors =
                    io.commandcenter.hub.transport.grpc.CallExecutors.forHub(scoringNeverWaits);
            Access access = Access.start(settings, database, clock, audit.trail(), callExecutors.general(),
                    callExecutors::runMayWait);
            CallerResolver resolver = access.resolver();
            if (scoringNeverWaits && inference.policy().routes().isEmpty()) {
                // scored by ONNX Runtime here, nothing routed (a routing refusal is audited): a Predict whose key is
                // cached may run on the event loop, and hands off whatever turns out to wait; only when asked
                // (cc.grpc.predict-on-event-loop): measured less CPU a call but no higher rate and a higher p99
                callExecutors.answerAtOnceWhen(Set.of(
                        io.commandcenter.proto.v1.PredictServiceGrpc.getPredictMethod().getFullMethodName()),
                        access::resolvesAtOnce);
                callExecutors.answerAtOnce(settings.grpc().predictOnEventLoop());
            }

            backend = InferenceBackends.start(inference, audit.trail(), settings.hubId(), clock);
            ModelRegistry registry = new ModelRegistry(new JpaModelRepository(database), backend,
                    new ModelStore(settings.modelsDir()), new BootstrapModels(), audit.trail(), clock);
            registry.start();
            registry.ensureBootstrap(settings.defaultProject());
            RiskPredictor predictor = new RiskPredictor(backend, new ConfidenceCalculator(), 3);
            JpaPredictionRepository predictionRepository = new JpaPredictionRepository(database);
            engine = new PredictiveEngine(bus, registry, backend, predictor, predictionRepository,
                    p -> new ProtoPayload(PredictionCreated.getDescriptor().getFullName(), p, () -> PredictProtos.event(p)),
                    r -> new ProtoPayload(io.commandcenter.proto.v1.EntityRisk.getDescriptor().getFullName(), r,
                            () -> PredictProtos.risk(r)),
                    clock, settings.predict(), new MemoryAdvisor(memory.store(), memorySettings.minSimilarity(),
                            memorySettings.adviceTimeout(), MemoryAdvisor.COOL_DOWN, clock));
            if (metricsOn || traces.isPresent()) {
                engine.observe(!metricsOn ? traces.get() : traces.isEmpty() ? metrics : both(metrics, traces.get()));
            }
            engine.start();
            PredictionService predictions = new PredictionService(registry, predictor, engine, predictionRepository,
                    backend);
            Feedback feedback = new Feedback(new JpaFeedbackStore(database), predictionRepository, audit.trail(), clock);
            if (metricsOn) {
                feedback.listen(metrics);
            }
            metrics.judgeMissesWith(predictionRepository, (project, kind) -> registry.champion(project,
                    io.commandcenter.hub.predict.EntityKey.SERVICE.equals(kind) ? FeatureBook.SERVICE_HEALTH
                            : io.commandcenter.hub.predict.EntityKey.TASK.equals(kind)
                            || io.commandcenter.hub.predict.EntityKey.WORKFLOW.equals(kind)
                            ? FeatureBook.WORKFLOW_FAILURE : FeatureBook.COMPLIANCE_RISK));
            PredictGrpcService predictApi = new PredictGrpcService(predictions, rules, feedback, callExecutors::runMayWait,
                    settings.limits().backtestIdleTimeout());
            LearningLoop learningLoop = new LearningLoop(settings.learning(), learningReads.apply(store), feedback,
                    memory.store()::labelledIncidents, registry, engine.shadows(), clock);
            io.commandcenter.hub.learning.ShadowGate shadowGate = learningLoop.gateWith(
                    new io.commandcenter.hub.learning.sql.JpaShadowGates(database), predictionRepository, audit.trail());
            if (metricsOn) {
                metrics.registry().counter("cc_shadow_predictions_dropped_total",
                        "Would-be predictions of shadows not stored: their write queue full or closed, or the rows "
                                + "refused by the database.", List.of(),
                        s -> s.set(shadowGate.wouldBeDropped()));
            }

            Optional<DemoFleet> fleet = settings.demo().enabled() ? Optional.of(DemoRunner.fleet(settings.demo()))
                    : Optional.empty();
            mesh = Mesh.start(settings, bus, fleet, clock, learningLoop.agents());
            PredictionLookup lookup = (project, id) -> predictionRepository.get(project, id);
            // a run and the record of its decision share one commit when the ledger is on the same database
            JpaRemediationStore remediationStore = new JpaRemediationStore(database,
                    audit.trail().ledger() instanceof JpaAuditLedger ledger ? ledger : null);
            WorkflowCatalog workflows = new WorkflowCatalog(remediationStore,
                    new WorkflowParser(CapabilityCatalog.builtIn().and(LearningLoop.CATALOG).and(
                            io.commandcenter.hub.agents.RegisteredAgents.everyProject(mesh.scheduler()))), audit.trail(),
                    clock);
            PredictiveEngine live = engine;
            remediation = new RemediationEngine(new RemediationEngine.Ports(remediationStore, workflows,
                    mesh.scheduler(), bus, lookup, (project, kind, id) -> probe(live, project, kind, id),
                    new MemoryRecorder(metered(metricsOn, metrics, traced(traces, new BusRemediationEvents(bus, workflows)), lookup),
                            memory.store(), remediationStore::run, lookup,
                            (project, runId) -> features(predictionRepository, project, runId), memory.writer()),
                    audit.trail()), clock,
                    settings.hubId(),
                    settings.remediate());
            if (settings.hazelcast().isEmpty()) {
                // no cluster: this hub is the only one of its database (guide 14), so it keeps its targets' counts
                remediation.soleWriter();
            } else if (mesh.cluster().isPresent() && settings.hazelcast().get().mode() == HazelcastSettings.Mode.EMBEDDED
                    && !settings.hazelcast().get().clients() && settings.hazelcast().get().namesNoPeer()) {
                // an embedded member with no clients and no peer configured (the default hub): it keeps the counts
                // while alone in its cluster (ADR 0027), and starts deciding only once the members already there
                // stopped deciding from memory. A member configured with peers reads the store at every decision:
                // alone, it may only be cut off from peers that still write the database.
                solitude = ClusterSolitude.of(mesh.cluster().get().instance()).attach(remediation);
                remediation.soleWriterWhile(solitude);
                solitude.awaitAcknowledged(JOIN_WAIT);
            }
            if (mesh.cluster().isPresent()) {
                // a member left: look for runs to adopt once its lease can have lapsed (ADR 0028)
                owners = ClusterOwners.watch(mesh.cluster().get().instance(), remediation,
                        settings.remediate().leaseTtl());
            }
            remediation.start();
            learningLoop.readRunsFrom(remediation);
            learning = Learning.start(learningLoop, workflows, store, settings.defaultProject(), clock);
            RemediateGrpcService remediateApi = new RemediateGrpcService(remediation, lookup, rules);
            meshMetrics = !metricsOn ? () -> { }
                    : PlatformMetrics.register(metrics.registry(), metrics, pipeline, bus, engine, remediation,
                    mesh.scheduler(), mesh.cluster(), settings.defaultProject(), settings.hubId());
            if (traces.isPresent()) {
                mesh.grpcService().traceparents(traces.get()::traceparent); // remote agents continue the trace
                meshMetrics = inOrder(mesh.scheduler().subscribe(traces.get()), meshMetrics);
            }
            AuditGrpcService auditApi = new AuditGrpcService(audit.trail().ledger());
            io.commandcenter.hub.metrics.HubStats stats = new io.commandcenter.hub.metrics.HubStats(metrics, clock);
            Timers statsTimer = Timers.onThread(clock, "cc-stats");
            meshMetrics = inOrder(statsTimer::close, meshMetrics);
            statsTimer.every(io.commandcenter.hub.metrics.HubStats.EVERY, stats::snapshot);
            // retention's passes (guide 8.2) stop with the timers above: in close, well before the database closes
            io.commandcenter.hub.persistence.Retention retention = io.commandcenter.hub.persistence.Retention.start(
                    database, settings.retention(), metricsOn ? metrics.registry() : new MetricRegistry(), clock);
            meshMetrics = inOrder(retention::close, meshMetrics);
            ClusterSolitude members = solitude;
            ClusterOwners adopting = owners;
            AutoCloseable closedWithHub = inOrder(meshMetrics, () -> {
                if (members != null) {
                    members.close(); // before the engine closes: no membership change reaches a closed engine
                }
                if (adopting != null) {
                    adopting.close();
                }
            });
            MemoryGrpcService memoryApi = new MemoryGrpcService(memory.store(), clock);
            io.commandcenter.hub.metrics.grpc.StatsGrpcService statsApi =
                    new io.commandcenter.hub.metrics.grpc.StatsGrpcService(stats, remediation, settings.hubId());
            if (fleet.isPresent()) {
                demo = DemoRunner.start(fleet.get(), settings.demo(), settings.defaultProject(), pipeline, workflows,
                        clock);
            }

            RemediationEngine runs = remediation;
            ModelRegistryGrpcService modelsApi = new ModelRegistryGrpcService(registry,
                    (project, name, by, reason) -> learningLoop.train(runs, project, name, by, reason),
                    engine.shadows(), (project, name) -> learningLoop.shadowGate().map(g -> g.gates(project, name))
                            .orElse(List.of()));
            GrpcServerHost grpc = GrpcServerHost.start(settings.grpc().host(), settings.grpc().port(),
                    settings.grpc().maxInboundMessageBytes(), settings.grpc().flowControlWindowBytes(),
                    TlsSettings.grpcCredentials(settings.grpc().tls()), new CallerInterceptor(resolver, new SecureRandom(),
                            access.authenticates() ? access.authenticator() : null),
                    List.of(new TelemetryGrpcService(pipeline, listing, rules, settings.ingestWindow(),
                                    settings.ingestMaxStreams(), Math.min(settings.limits().ingestStreamsPerProject(),
                                    settings.ingestMaxStreams()), settings.limits().ingestIdleTimeout()),
                            new EventGrpcService(bus, settings.eventBufferSize()),
                            predictApi,
                            modelsApi,
                            mesh.grpcService(),
                            remediateApi,
                            new KeyGrpcService(access.keys()),
                            statsApi,
                            auditApi,
                            new InferenceGrpcService(registry, predictor, backend, database::isReachable),
                            memoryApi), clock,
                    callExecutors);
            LOG.log(Level.INFO, "hub {0} ready in {1} ms: gRPC on {2}:{3,number,#}{4}, database {5}, default"
                            + " project {6}", settings.hubId(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                    settings.grpc().host(), grpc.port(), Access.isLoopback(settings.grpc().host())
                            ? " (loopback only: set cc.grpc.host to listen beyond this machine)" : "",
                    database.vendor(), settings.defaultProject());
            RestEndpoints endpoints = new RestEndpoints(resolver, rules, listing,
                    new EventStreams(bus, settings.eventBufferSize(), settings.limits().sseHeartbeat(),
                            access.authenticates() ? access.authenticator() : null), predictApi, remediateApi, auditApi,
                    memoryApi, settings.http(), modelsApi, statsApi);
            Hub hub = new Hub(settings, database, delivery, bus, pipeline, backend, registry, engine, mesh, remediation,
                    endpoints, demo, grpc, audit, feedback, metrics, closedWithHub, traces, memory, beforeMeshClose);
            hub.learning = learning;
            return hub;
        } catch (RuntimeException | java.sql.SQLException e) {
            try {
                meshMetrics.close();
            } catch (Exception closing) {
                e.addSuppressed(closing);
            }
            if (demo != null) {
                demo.close();
            }
            if (learning != null) {
                learning.close();
            }
            if (solitude != null) {
                solitude.close();
            }
            if (owners != null) {
                owners.close();
            }
            if (remediation != null) {
                remediation.close();
            }
            if (mesh != null) {
                mesh.close();
            }
            if (learning != null) {
                learning.loop().close();
            }
            if (engine != null) {
                engine.close();
            }
            if (pipeline != null) {
                pipeline.close();
            }
            if (backend != null) {
                backend.close();
            }
            if (delivery != null) {
                delivery.shutdownNow();
            }
            if (audit != null) {
                audit.flushing().close();
            }
            traces.ifPresent(DecisionTraces::close);
            if (memory != null) {
                memory.close();
            }
            database.close();
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw io.commandcenter.common.error.CommandCenterException.unavailable("DATABASE_UNAVAILABLE",
                    "cannot prepare the database: " + e.getMessage(), e);
        }
    }

    /** Closes {@code first}, then {@code then} even when the first fails (the first failure is thrown). */
    private static AutoCloseable inOrder(AutoCloseable first, AutoCloseable then) {
        return () -> {
            try {
                first.close();
            } catch (Exception e) {
                try {
                    then.close();
                } catch (Exception also) {
                    e.addSuppressed(also);
                }
                throw e;
            }
            then.close();
        };
    }

    private static io.commandcenter.hub.remediate.RemediationEvents metered(boolean on, HubMetrics metrics,
            io.commandcenter.hub.remediate.RemediationEvents events, PredictionLookup lookup) {
        return on ? metrics.remediationEvents(events, lookup) : events;
    }

    private static io.commandcenter.hub.remediate.RemediationEvents traced(Optional<DecisionTraces> traces,
            io.commandcenter.hub.remediate.RemediationEvents events) {
        return traces.map(t -> t.remediationEvents(events)).orElse(events);
    }

    /** Both observers, metrics first. */
    private static PredictiveEngine.Observer both(PredictiveEngine.Observer first, PredictiveEngine.Observer second) {
        return new PredictiveEngine.Observer() {
            @Override
            public void scored(ProjectId project, io.commandcenter.inference.ModelKey model, int rows, long nanos,
                               Duration lag) {
                first.scored(project, model, rows, nanos, lag);
                second.scored(project, model, rows, nanos, lag);
            }

            @Override
            public void raised(io.commandcenter.hub.predict.PredictionRecord prediction,
                               io.commandcenter.hub.events.TraceContext trace) {
                first.raised(prediction, trace);
                second.raised(prediction, trace);
            }
        };
    }

    /** The scored features of a prediction's model run, by name (empty when the run is not stored). */
    private static Map<String, Double> features(JpaPredictionRepository repository, ProjectId project,
                                                          String modelRunId) {
        return repository.getRun(project, modelRunId).map(r -> RunJson.features(r.inputJson()))
                .orElse(Map.of());
    }

    /** The target's risk now through the champion model, empty when the hub has no live state of it. */
    private static Optional<HealthProbe.Reading> probe(PredictiveEngine engine, ProjectId project, String kind,
                                                       String id) {
        try {
            RiskPrediction p = engine.predictLive(new EntityKey(project, kind, id), null);
            return Optional.of(new HealthProbe.Reading(p.risk(), RunJson.output(p)));
        } catch (io.commandcenter.common.error.CommandCenterException e) {
            // no live state of the target: no telemetry. Any other NOT_FOUND (no champion, model not loaded) is a
            // failed read, never "no telemetry" (the outcome watcher would label the action not_recovered on it)
            if (e.kind() == io.commandcenter.common.error.ErrorKind.NOT_FOUND && "ENTITY_NOT_FOUND".equals(e.reason())) {
                return Optional.empty();
            }
            throw e;
        }
    }

    public HubSettings settings() {
        return settings;
    }

    public Database database() {
        return database;
    }

    public EventBus bus() {
        return bus;
    }

    public IngestPipeline pipeline() {
        return pipeline;
    }

    /** The feedback dataset of every project (labels, declared incidents, the dataset). */
    public Feedback feedback() {
        return feedback;
    }

    public ModelRegistry registry() {
        return registry;
    }

    /** The learning loop: its agents' work, the installed workflow, on-demand retraining. */
    public LearningLoop learning() {
        return learning.loop();
    }

    public PredictiveEngine engine() {
        return engine;
    }

    /** The mesh scheduler this hub runs (a member of the cluster, or alone). */
    public Scheduler scheduler() {
        return mesh.scheduler();
    }

    /** The hub's decision traces, empty when tracing is off (guide section 21). */
    public Optional<DecisionTraces> traces() {
        return traces;
    }

    /** The hub's metrics (guide section 21): what {@code /metrics} serves. */
    public HubMetrics metrics() {
        return metrics;
    }

    public RemediationEngine remediation() {
        return remediation;
    }

    /** The memory of every project (section 20). */
    /** The learning loop (its data collector's snapshots, the retraining steps). */
    public LearningLoop learningLoop() {
        return learning.loop();
    }

    public io.commandcenter.memory.MemoryStore memory() {
        return memory.store();
    }

    /** What the REST layer is handed ({@code HubLifecycle} produces each piece as a CDI bean). */
    public RestEndpoints endpoints() {
        return endpoints;
    }
    /** The port gRPC listens on. */
    public int grpcPort() {
        return grpc.port();
    }

    /** The threads gRPC calls run on, and how many ran where (for tests and benchmarks). */
    public io.commandcenter.hub.transport.grpc.CallExecutors callExecutors() {
        return grpc.executors();
    }
    /** Ready: gRPC serving and the database answering. */
    public boolean isReady() {
        return grpc.isRunning() && database.isReachable();
    }

    /** Live: the ingest writer is running and not stuck for more than a minute. */
    public boolean isLive() {
        return pipeline.isHealthy(TimeUnit.MINUTES.toNanos(1));
    }

    /**
     * Stops the hub: gRPC, its agent streams and assignment watches, and the event bus first (no input any more;
     * each stream still open ends with a status), then the demo, the learning steps, the
     * workflow engine, the ingest pipeline (its queued records written) and the predictive engine (its open
     * aggregates stored), and only then the mesh, whose close may wait on a cluster member that does not answer;
     * the learning loop, the inference backend, the memory writer, the audit trail and the database after it.
     */
    @Override
    public void close() {
        LOG.log(Level.INFO, "hub {0} stopping", settings.hubId());
        Closing closing = new Closing();
        closing.step("gRPC", grpc::beginShutdown);
        // agent streams and assignment watches never end by themselves: ended UNAVAILABLE SHUTTING_DOWN (their
        // agents reconnect to another hub) and the agents marked disconnected, so the grace below is not waited out
        closing.step("the agent streams", mesh.grpcService()::endStreams);
        closing.step("the event bus", bus::close); // ends event streams, so the server is not kept waiting on them
        closing.step("gRPC", () -> grpc.awaitTermination(10_000));
        if (demo != null) {
            closing.step("the demo", demo::close);
        }
        boolean[] stopped = new boolean[1];
        closing.step("the learning steps", () -> stopped[0] = learning.stop());
        // the results of the learning steps just stopped reach the workflow engine before it closes (a step still
        // running past the wait has none to give yet: not waited for again)
        closing.step("the learning results", () -> {
            if (stopped[0] && !mesh.settle(Duration.ofSeconds(5))) {
                LOG.log(Level.WARNING, "hub {0}: the last learning results may not be recorded on their runs",
                        settings.hubId());
            }
        });
        try {
            meshMetrics.close(); // with the metrics' timers, retention's passes (guide 8.2): long before the database
        } catch (Exception e) {
            LOG.log(Level.DEBUG, "closing the scheduler metrics: {0}", e.getMessage());
        }
        closing.step("the workflow engine", remediation::close);
        // ahead of the mesh, whose close beside a member that does not answer takes up to cc.hazelcast.shutdown-wait
        // + 25 s: the queued ingest records are written (later ones refused SHUTTING_DOWN) and the engine's open
        // aggregates stored before that wait, so a hub killed in it loses neither. Neither takes input from the mesh:
        // gRPC and the bus are closed, and what they publish goes to the closed bus (guide 14.21)
        closing.step("the ingest pipeline", pipeline::close);
        closing.step("the predictive engine", engine::close);
        closing.step("the step before the mesh", beforeMeshClose);
        closing.step("the mesh", mesh::close);
        closing.step("the learning loop", () -> learning.loop().close());
        closing.step("the inference backend", backend::close);
        closing.step("the memory writer", memory::close); // after the engines: the last outcomes' memories are written first
        closing.step("the audit trail", audit::close);
        traces.ifPresent(t -> closing.step("the decision traces", t::close));
        closing.step("the event delivery", () -> {
            deliveryExecutor.shutdown();
            try {
                deliveryExecutor.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        closing.step("the database", database::close);
        closing.stopped();
    }

    /**
     * The steps of {@link #close}: one that fails is logged and the next still run (the database last, whatever
     * failed before it); the first failure is thrown once every step ran, the later ones suppressed in it.
     */
    private final class Closing {
        private RuntimeException first;

        void step(String what, Runnable step) {
            try {
                step.run();
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "hub " + settings.hubId() + ": closing " + what + " failed; the rest still closes",
                        e);
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }

        /** Says how the close ended (INFO when every step closed, WARNING naming how many failed) and throws the first failure. */
        void stopped() {
            if (first == null) {
                LOG.log(Level.INFO, "hub {0} stopped", settings.hubId());
                return;
            }
            LOG.log(Level.WARNING, "hub {0} stopped; {1} of its closing steps failed (the ERROR lines above)",
                    settings.hubId(), 1 + first.getSuppressed().length);
            throw first;
        }
    }
}
