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
import io.commandcenter.hub.predict.grpc.ModelRegistryGrpcService;
import io.commandcenter.hub.predict.grpc.PredictGrpcService;
import io.commandcenter.hub.feedback.Feedback;
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
import io.commandcenter.inference.onnx.OnnxBackend;
import io.commandcenter.models.artifact.ModelStore;
import io.commandcenter.models.bootstrap.BootstrapModels;
import io.commandcenter.models.confidence.ConfidenceCalculator;
import io.commandcenter.proto.v1.PredictionCreated;
import io.commandcenter.scheduler.Scheduler;
import io.commandcenter.hub.project.CallerResolver;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.remediate.HealthProbe;
import io.commandcenter.hub.remediate.PredictionLookup;
import io.commandcenter.hub.remediate.RemediationEngine;
import io.commandcenter.hub.remediate.Timers;
import io.commandcenter.hub.remediate.WorkflowCatalog;
import io.commandcenter.hub.remediate.grpc.BusRemediationEvents;
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
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One running hub, assembled by hand from its settings: database, event bus, ingest pipeline,
 * the gRPC services on the hub's own server. Liberty starts one from a CDI observer
 * ({@code HubLifecycle}); tests and benchmarks start one directly. Closing it stops the gRPC
 * server, flushes ingest and closes the database, in that order.
 */
public final class Hub implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Hub.class.getName());

    private final HubSettings settings;
    private final Database database;
    private final ExecutorService deliveryExecutor;
    private final EventBus bus;
    private final IngestPipeline pipeline;
    private final OnnxBackend backend;
    private final ModelRegistry registry;
    private final PredictiveEngine engine;
    private final Mesh mesh;
    private final RemediationEngine remediation;
    private final RestEndpoints endpoints;
    private final DemoRunner demo;
    private final GrpcServerHost grpc;
    private final Audit audit;
    private final Feedback feedback;
    private final HubMemory memory;

    private Hub(HubSettings settings, Database database, ExecutorService deliveryExecutor, EventBus bus,
                IngestPipeline pipeline, OnnxBackend backend, ModelRegistry registry, PredictiveEngine engine,
                Mesh mesh, RemediationEngine remediation, RestEndpoints endpoints, DemoRunner demo,
                GrpcServerHost grpc, Audit audit, Feedback feedback, HubMemory memory) {
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
        this.memory = memory;
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
     * Starts a hub. On failure everything already started is stopped again.
     *
     * @throws io.commandcenter.common.error.CommandCenterException UNAVAILABLE when the database cannot be opened
     * @throws java.io.UncheckedIOException when the gRPC port cannot be bound
     */
    public static Hub start(HubSettings settings, Clock clock) {
        return start(settings, MemorySettings.defaults(settings.database().dataDir()), clock);
    }

    /** Starts a hub with its memory configured ({@code cc.memory.*}, guide section 20). */
    public static Hub start(HubSettings settings, MemorySettings memorySettings, Clock clock) {
        long started = System.nanoTime();
        Database database = Database.open(settings.database());
        ExecutorService delivery = null;
        IngestPipeline pipeline = null;
        OnnxBackend backend = null;
        PredictiveEngine engine = null;
        Mesh mesh = null;
        RemediationEngine remediation = null;
        DemoRunner demo = null;
        Audit audit = null;
        HubMemory memory = null;
        try {
            audit = Audit.start(database, settings, clock);
            memory = HubMemory.start(memorySettings);
            delivery = Executors.newFixedThreadPool(2, daemonThreads("cc-events-"));
            EventBus bus = new EventBus(settings.hubId(), clock, delivery, settings.maxSubscribers(),
                    Math.min(settings.limits().subscribersPerProject(), settings.maxSubscribers()));
            SqlTelemetryStore store = new SqlTelemetryStore(database, clock);
            store.ensureProject(settings.defaultProject().value());
            pipeline = new IngestPipeline(store, bus, TelemetryProtoMapper::payload, clock,
                    settings.ingestBatchSize(), settings.ingestMaxStreams() * settings.ingestWindow() + 1024).start();
            SampleListing listing = new SampleListing(store);
            RecordRules rules = new RecordRules(clock, settings.maxFutureSkew());
            Access access = Access.start(settings, database, clock, audit.trail());
            CallerResolver resolver = access.resolver();

            backend = new OnnxBackend();
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
                    clock, settings.predict(), new MemoryAdvisor(memory.store(), memorySettings.minSimilarity())).start();
            PredictionService predictions = new PredictionService(registry, predictor, engine, predictionRepository,
                    backend);
            Feedback feedback = new Feedback(new JpaFeedbackStore(database), predictionRepository, audit.trail(), clock);
            PredictGrpcService predictApi = new PredictGrpcService(predictions, rules, feedback);

            Optional<DemoFleet> fleet = settings.demo().enabled() ? Optional.of(DemoRunner.fleet(settings.demo()))
                    : Optional.empty();
            mesh = Mesh.start(settings, bus, fleet, clock);
            PredictionLookup lookup = (project, id) -> predictionRepository.get(project, id);
            JpaRemediationStore remediationStore = new JpaRemediationStore(database);
            WorkflowCatalog workflows = new WorkflowCatalog(remediationStore,
                    new WorkflowParser(CapabilityCatalog.builtIn().and(
                            io.commandcenter.hub.agents.RegisteredAgents.everyProject(mesh.scheduler()))), audit.trail(),
                    clock);
            PredictiveEngine live = engine;
            remediation = new RemediationEngine(new RemediationEngine.Ports(remediationStore, workflows,
                    mesh.scheduler(), bus, lookup, (project, kind, id) -> probe(live, project, kind, id),
                    new MemoryRecorder(new BusRemediationEvents(bus, workflows), memory.store(), remediationStore::run,
                            lookup, (project, runId) -> features(predictionRepository, project, runId), memory.writer()),
                    audit.trail()), clock, settings.hubId(),
                    settings.remediate()).start();
            RemediateGrpcService remediateApi = new RemediateGrpcService(remediation, lookup, rules);
            AuditGrpcService auditApi = new AuditGrpcService(audit.trail().ledger());
            MemoryGrpcService memoryApi = new MemoryGrpcService(memory.store(), clock);
            if (fleet.isPresent()) {
                demo = DemoRunner.start(fleet.get(), settings.demo(), settings.defaultProject(), pipeline, workflows,
                        clock);
            }

            GrpcServerHost grpc = GrpcServerHost.start(settings.grpc().host(), settings.grpc().port(),
                    settings.grpc().maxInboundMessageBytes(), settings.grpc().flowControlWindowBytes(),
                    TlsSettings.grpcCredentials(settings.grpc().tls()), new CallerInterceptor(resolver, new SecureRandom()),
                    List.of(new TelemetryGrpcService(pipeline, listing, rules, settings.ingestWindow(),
                                    settings.ingestMaxStreams(), Math.min(settings.limits().ingestStreamsPerProject(),
                                    settings.ingestMaxStreams()), settings.limits().ingestIdleTimeout()),
                            new EventGrpcService(bus, settings.eventBufferSize()),
                            predictApi,
                            new ModelRegistryGrpcService(registry),
                            mesh.grpcService(),
                            remediateApi,
                            new KeyGrpcService(access.keys()),
                            auditApi,
                            memoryApi), clock);
            LOG.log(Level.INFO, "hub {0} ready in {1} ms: gRPC on {2}:{3,number,#}{4}, database {5}, default"
                            + " project {6}", settings.hubId(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                    settings.grpc().host(), grpc.port(), Access.isLoopback(settings.grpc().host())
                            ? " (loopback only: set cc.grpc.host to listen beyond this machine)" : "",
                    database.vendor(), settings.defaultProject());
            RestEndpoints endpoints = new RestEndpoints(resolver, rules, listing,
                    new EventStreams(bus, settings.eventBufferSize(), settings.limits().sseHeartbeat()), predictApi, remediateApi, auditApi,
                    memoryApi, settings.http());
            return new Hub(settings, database, delivery, bus, pipeline, backend, registry, engine, mesh, remediation,
                    endpoints, demo, grpc, audit, feedback, memory);
        } catch (RuntimeException | java.sql.SQLException e) {
            if (demo != null) {
                demo.close();
            }
            if (remediation != null) {
                remediation.close();
            }
            if (mesh != null) {
                mesh.close();
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

    /** The scored features of a prediction's model run, by name (empty when the run is not stored). */
    private static java.util.Map<String, Double> features(JpaPredictionRepository repository, ProjectId project,
                                                          String modelRunId) {
        return repository.getRun(project, modelRunId).map(r -> RunJson.features(r.inputJson()))
                .orElse(java.util.Map.of());
    }

    /** The target's risk now through the champion model, empty when the hub has no live state of it. */
    private static Optional<HealthProbe.Reading> probe(PredictiveEngine engine, ProjectId project, String kind,
                                                       String id) {
        try {
            RiskPrediction p = engine.predictLive(new EntityKey(project, kind, id), null);
            return Optional.of(new HealthProbe.Reading(p.risk(), RunJson.output(p)));
        } catch (io.commandcenter.common.error.CommandCenterException e) {
            if (e.kind() == io.commandcenter.common.error.ErrorKind.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
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

    public PredictiveEngine engine() {
        return engine;
    }

    /** The mesh scheduler this hub runs (a member of the cluster, or alone). */
    public Scheduler scheduler() {
        return mesh.scheduler();
    }

    public RemediationEngine remediation() {
        return remediation;
    }

    /** The memory of every project (section 20). */
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
    /** Ready: gRPC serving and the database answering. */
    public boolean isReady() {
        return grpc.isRunning() && database.isReachable();
    }

    /** Live: the ingest writer is running and not stuck for more than a minute. */
    public boolean isLive() {
        return pipeline.isHealthy(TimeUnit.MINUTES.toNanos(1));
    }

    @Override
    public void close() {
        LOG.log(Level.INFO, "hub {0} stopping", settings.hubId());
        grpc.beginShutdown();
        bus.close(); // ends event streams, so the server is not kept waiting on them
        grpc.awaitTermination(10_000);
        if (demo != null) {
            demo.close();
        }
        remediation.close();
        mesh.close();
        pipeline.close();
        engine.close();
        backend.close();
        memory.close(); // after the engines: the last outcomes' memories are written first
        audit.close();
        deliveryExecutor.shutdown();
        try {
            deliveryExecutor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        database.close();
        LOG.log(Level.INFO, "hub {0} stopped", settings.hubId());
    }
}
