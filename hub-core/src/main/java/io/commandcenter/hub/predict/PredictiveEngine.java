package io.commandcenter.hub.predict;

import io.commandcenter.common.concurrent.Shutdowns;
import io.commandcenter.hub.events.Event;
import io.commandcenter.hub.events.EventBus;
import io.commandcenter.hub.events.EventSink;
import io.commandcenter.hub.events.Payload;
import io.commandcenter.hub.events.SubjectPattern;
import io.commandcenter.hub.events.Subscription;
import io.commandcenter.hub.events.TraceContext;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.telemetry.TelemetryRecord;
import io.commandcenter.inference.InferenceBackend;
import io.commandcenter.inference.ModelKey;
import io.commandcenter.inference.RiskPrediction;
import io.commandcenter.inference.RiskPredictor;
import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.models.artifact.ModelMetadata;
import io.commandcenter.models.features.FeatureSchema;
import io.commandcenter.models.features.FeatureVector;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The predictive engine: follows every project's stored telemetry on the event bus
 * ({@code hub.health}, {@code audit.result}, {@code task}, {@code workflow.run}), keeps each
 * entity's features up to date ({@link FeatureBook}) and scores every record as it arrives: each
 * record's feature vector is snapshotted, and the snapshots are scored in batches (one backend call
 * per project, model and flush) with the project's champion, in arrival order. When an entity's
 * risk reaches the model's threshold a {@link PredictionRecord} is raised — once per incident
 * ({@link IncidentTracker}, on the records' own time, so a backfill behaves like live data) —
 * explained, with its confidence, stored with the run that raised it, and published as
 * {@code prediction.created.<type>}. Other runs are aggregated ({@link RunAggregator}). An entity's
 * live risk is published as {@code entity.risk.<kind>} when it moved ({@link RiskFeed}).
 *
 * <p>All state lives on one thread ({@code cc-predict}): the bus delivers to it, flushes run on it
 * every {@code flushInterval} (or as soon as {@code batchSize} records wait), and on-demand
 * questions about live entities are answered on it. The engine's subscription is bounded like any
 * other: if the engine falls behind, the oldest samples are dropped (and counted), ingest is never
 * slowed.
 */
public final class PredictiveEngine implements AutoCloseable {
    /** The reason {@link #predictLive} answers (UNAVAILABLE) once the engine is closed; no other part uses it. */
    public static final String ENGINE_CLOSED = "ENGINE_CLOSED";

    private static final System.Logger LOG = System.getLogger(PredictiveEngine.class.getName());
    private static final List<String> PATTERNS = List.of("hub.health", "audit.result", "task", "workflow.run");
    private static final java.util.SplittableRandom RANDOM = new java.util.SplittableRandom();
    /** Most events the engine's subscription hands it in one delivery. */
    private static final int DELIVERY_BATCH = 256;

    /**
     * Tuning of the engine.
     *
     * @param enabled         whether it follows live telemetry at all (on-demand scoring works either way)
     * @param championRefresh how often the champions are re-read from the database (promotions made on
     *                        other hubs sharing it)
     */
    public record Settings(boolean enabled, int bufferSize, int batchSize, Duration flushInterval, Duration cooldown,
                           int maxEntities, Duration aggregateWindow, Duration championRefresh) {
        public static Settings defaults() {
            return new Settings(true, 65_536, 512, Duration.ofMillis(100), Duration.ofMinutes(10), 100_000,
                    Duration.ofMinutes(1), Duration.ofSeconds(10));
        }

        public Settings withEnabled(boolean on) {
            return new Settings(on, bufferSize, batchSize, flushInterval, cooldown, maxEntities, aggregateWindow,
                    championRefresh);
        }

        public Settings withChampionRefresh(Duration value) {
            return new Settings(enabled, bufferSize, batchSize, flushInterval, cooldown, maxEntities, aggregateWindow,
                    value);
        }
    }

    private final EventBus bus;
    private final ModelRegistry registry;
    private final InferenceBackend backend;
    private final RiskPredictor predictor;
    private final PredictionRepository repository;
    private final Function<PredictionRecord, Payload> payloads;
    private final Function<RiskReading, Payload> riskPayloads;
    private final Clock clock;
    private final Settings settings;
    private final PredictionAdvisor advisor;

    private final FeatureBook book;
    private final IncidentTracker incidents;
    private final RunAggregator aggregator;
    private final RiskFeed riskFeed;
    /** A record's vector, captured when it arrived, waiting to be scored ({@code retried}: kept once already). */
    private record Pending(EntityFeatures entity, FeatureVector vector, long observations, Instant observedAt, double novelty,
                           boolean retried) {
        Pending retry() {
            return new Pending(entity, vector, observations, observedAt, novelty, true);
        }
    }

    private final List<Pending> pending = new ArrayList<>();
    /** States the book forgot since the last flush: their incident and shadow states go with them after it. */
    private final List<EntityModel> evicted = new ArrayList<>();
    private final io.commandcenter.scheduler.QuietLog recordLog = new io.commandcenter.scheduler.QuietLog(LOG,
            Duration.ofSeconds(30));
    private final io.commandcenter.scheduler.QuietLog scoreLog = new io.commandcenter.scheduler.QuietLog(LOG,
            Duration.ofSeconds(30));
    /** Groups not scored (kept or lost): apart from the per-row log, so one cannot hide the other. */
    private final io.commandcenter.scheduler.QuietLog groupLog = new io.commandcenter.scheduler.QuietLog(LOG,
            Duration.ofSeconds(30));
    /** The observer or a shadow failing. */
    private final io.commandcenter.scheduler.QuietLog sideLog = new io.commandcenter.scheduler.QuietLog(LOG,
            Duration.ofSeconds(30));
    private final Map<String, TraceContext> traces = new HashMap<>();
    private final ScheduledExecutorService thread;
    private final List<Subscription> subscriptions = new ArrayList<>();

    private final AtomicLong recordsSeen = new AtomicLong();
    private final AtomicLong runs = new AtomicLong();
    private final AtomicLong raised = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();
    private final ShadowScoring shadows;
    private volatile Observer observer = Observer.NONE;

    /**
     * What the engine reports as it works, for metrics and traces (hub-server wires one). Called on
     * the engine's thread: return quickly.
     */
    public interface Observer {
        Observer NONE = new Observer() {
        };

        /** One backend call scored {@code rows} rows of {@code model} in {@code nanos}; {@code lag} is how
         *  old the newest of them was when scored. */
        default void scored(ProjectId project, ModelKey model, int rows, long nanos, Duration lag) {
        }

        /** A prediction was stored and is about to be published, in the trace {@code trace}. */
        default void raised(PredictionRecord prediction, TraceContext trace) {
        }
    }

    /** Sets the observer (one; replaces the previous). */
    public void observe(Observer value) {
        this.observer = value == null ? Observer.NONE : value;
    }

    public PredictiveEngine(EventBus bus, ModelRegistry registry, InferenceBackend backend, RiskPredictor predictor,
                            PredictionRepository repository, Function<PredictionRecord, Payload> payloads,
                            Function<RiskReading, Payload> riskPayloads, Clock clock, Settings settings) {
        this(bus, registry, backend, predictor, repository, payloads, riskPayloads, clock, settings,
                PredictionAdvisor.none());
    }

    /** An engine whose predictions carry memory's advice (similar incidents, the action in their light). */
    public PredictiveEngine(EventBus bus, ModelRegistry registry, InferenceBackend backend, RiskPredictor predictor,
                            PredictionRepository repository, Function<PredictionRecord, Payload> payloads,
                            Function<RiskReading, Payload> riskPayloads, Clock clock, Settings settings,
                            PredictionAdvisor advisor) {
        this.advisor = java.util.Objects.requireNonNull(advisor, "advisor");
        this.bus = bus;
        this.registry = registry;
        this.backend = backend;
        this.predictor = predictor;
        this.repository = repository;
        this.payloads = payloads;
        this.riskPayloads = riskPayloads;
        this.clock = clock;
        this.settings = settings;
        this.book = new FeatureBook(settings.maxEntities());
        book.onEvict(evicted::add);
        this.incidents = new IncidentTracker(settings.cooldown(), 0.7, 3, settings.maxEntities());
        this.aggregator = new RunAggregator(settings.aggregateWindow());
        this.riskFeed = new RiskFeed(0.05, Duration.ofSeconds(10), settings.maxEntities());
        this.shadows = new ShadowScoring(settings.maxEntities(), settings.cooldown());
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "cc-predict");
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        // at close, timed work not due yet never runs
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.thread = executor;
    }

    /** Subscribes to the bus and starts flushing (unless disabled). */
    public PredictiveEngine start() {
        long refresh = Math.max(1, settings.championRefresh().toMillis());
        thread.scheduleWithFixedDelay(this::refreshChampions, refresh, refresh, TimeUnit.MILLISECONDS);
        if (!settings.enabled()) {
            LOG.log(Level.INFO, "predictive engine disabled (cc.predict.enabled=false): on-demand scoring only");
            return this;
        }
        for (String pattern : PATTERNS) {
            subscriptions.add(bus.subscribeEveryProject(SubjectPattern.parse(pattern), settings.bufferSize(),
                    new Sink(), thread));
        }
        long every = Math.max(1, settings.flushInterval().toMillis());
        thread.scheduleWithFixedDelay(this::safeFlush, every, every, TimeUnit.MILLISECONDS);
        return this;
    }

    /**
     * Delivery from the bus, on the engine's thread: whatever waits, up to {@value #DELIVERY_BATCH} events
     * a take, so the subscription's lock (which the ingest writer takes to publish) is taken once a
     * take, not once a record.
     */
    private final class Sink implements EventSink {
        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public int maxBatch() {
            return DELIVERY_BATCH;
        }

        /**
         * One record's failure is that record's: counted, logged (at most every 30 s) and skipped. Thrown
         * out of here it would close the subscription, every project's records of its kind with it.
         */
        @Override
        public void deliver(Event event) {
            try {
                event.payload().as(TelemetryRecord.class).ifPresent(record -> accept(event, record));
            } catch (RuntimeException e) {
                failures.incrementAndGet();
                recordLog.log(Level.WARNING, "predictive engine skipped event " + event.id() + " (" + event.subject()
                        + ", project " + event.project() + "): " + e, e);
            }
        }

        @Override
        public void dropped(long count, long total, Instant since) {
            dropped.addAndGet(count);
            LOG.log(Level.WARNING, "predictive engine fell behind: {0} records dropped since {1}", count, since);
        }

        @Override
        public void closed() {
        }
    }

    private void accept(Event event, TelemetryRecord record) {
        recordsSeen.incrementAndGet();
        book.apply(event.project(), record, event.trace().traceId(), clock.instant()).ifPresent(entity -> {
            pending.add(new Pending(entity, entity.vector(entity.lastTime()), entity.observations(), entity.lastTime(),
                    entity.novelty(), false));
            traces.put(entity.traceId(), event.trace());
        });
        if (pending.size() >= settings.batchSize()) {
            safeFlush();
        }
    }

    private void refreshChampions() {
        try {
            registry.refresh();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "champions could not be re-read: {0}", e.getMessage());
        }
    }

    private void safeFlush() {
        try {
            flush();
        } catch (RuntimeException e) {
            failures.incrementAndGet();
            LOG.log(Level.ERROR, "predictive engine flush failed: " + e.getMessage(), e);
        }
    }

    /** Scores every record that arrived since the last flush. Runs on the engine's thread. */
    void flush() {
        Instant now = clock.instant();
        if (!pending.isEmpty()) {
            Map<ProjectId, Map<String, List<Pending>>> groups = new LinkedHashMap<>();
            for (Pending p : pending) {
                groups.computeIfAbsent(p.entity().key().project(), k -> new LinkedHashMap<>())
                        .computeIfAbsent(p.entity().model(), m -> new ArrayList<>()).add(p);
            }
            pending.clear();
            List<Pending> kept = new ArrayList<>();
            try {
                groups.forEach((project, byModel) -> byModel.forEach((model, rows) -> scoreGroup(project, model, rows, now,
                        kept)));
            } finally {
                pending.addAll(kept); // whatever happened to the flush, the rows kept for retry are not lost
            }
        }
        forgetEvicted(now);
        List<ModelRun> due = aggregator.drainDue(now);
        if (!due.isEmpty()) {
            try {
                repository.saveRuns(due);
            } catch (CommandCenterException e) {
                failures.incrementAndGet();
                LOG.log(Level.WARNING, "could not store {0} aggregated model runs: {1}", due.size(), e.getMessage());
            }
        }
        if (traces.size() > 4 * Math.max(1024, book.size())) {
            traces.clear();
        }
    }

    /** {@link #score}, whose unforeseen failure is that group's alone: counted, logged, the next group scored. */
    private void scoreGroup(ProjectId project, String model, List<Pending> batch, Instant now, List<Pending> kept) {
        try {
            score(project, model, batch, now, kept);
        } catch (RuntimeException e) {
            failures.incrementAndGet();
            groupLog.log(Level.WARNING, "project " + project + ": scoring " + batch.size() + " rows of " + model
                    + " failed: " + e, e);
        }
    }

    /**
     * Scores one project's rows of one model. A failure before any row is applied (the champion, its
     * sidecar or id not readable, the backend refusing: a database or a promotion in the way) keeps the
     * rows for the next flush, once; a row whose application fails is that row's loss alone. Either way
     * the other groups of the flush are scored.
     */
    private void score(ProjectId project, String model, List<Pending> batch, Instant now, List<Pending> kept) {
        ModelKey key;
        ModelMetadata meta;
        String modelId;
        double[] risks;
        long scoring;
        try {
            key = registry.champion(project, model).orElse(null);
            if (key == null) {
                return;
            }
            meta = registry.metadata(key);
            modelId = registry.modelId(project, key);
            float[] rows = rows(batch, meta);
            scoring = System.nanoTime();
            // MODEL_NOT_LOADED: a promotion unloaded the version between lookup and call; kept, the rows are
            // scored with the new champion
            risks = backend.forProject(project.value()).score(key, rows, batch.size());
        } catch (RuntimeException e) {
            failures.incrementAndGet();
            keep(project, model, batch, kept, e);
            return;
        }
        runs.addAndGet(batch.size());
        long took = System.nanoTime() - scoring;
        Duration lag = Duration.between(batch.get(batch.size() - 1).observedAt(), now);
        try {
            observer.scored(project, key, batch.size(), took, lag.isNegative() ? Duration.ZERO : lag);
        } catch (RuntimeException e) {
            failures.incrementAndGet();
            sideLog.log(Level.WARNING, "predictive engine: the observer failed on " + key + ": " + e, e);
        }
        double[] championRisks = new double[batch.size()];
        for (int i = 0; i < batch.size(); i++) {
            Pending p = batch.get(i);
            try {
                championRisks[i] = apply(p, key, meta, modelId, risks[i], now);
            } catch (RuntimeException e) {
                failures.incrementAndGet();
                championRisks[i] = Double.NaN;
                scoreLog.log(Level.WARNING, "predictive engine: the score of " + p.entity().key() + " by " + key
                        + " was not applied: " + e, e);
            }
        }
        try {
            shadows.active(project, model).filter(s -> !s.key.equals(key))
                    .ifPresent(s -> shadow(project, s, batch, championRisks, meta.threshold()));
        } catch (RuntimeException e) {
            failures.incrementAndGet();
            sideLog.log(Level.WARNING, "predictive engine: the shadow of " + model + " in project " + project
                    + " failed: " + e, e);
        }
    }

    /** A group that could not be scored: kept for the next flush unless it was kept once already. */
    private void keep(ProjectId project, String model, List<Pending> batch, List<Pending> kept, RuntimeException e) {
        int retried = 0;
        for (Pending p : batch) {
            if (p.retried()) {
                retried++;
            } else {
                kept.add(p.retry());
            }
        }
        lost.addAndGet(retried);
        groupLog.log(Level.WARNING, "project " + project + ": " + batch.size() + " rows of " + model
                + " not scored (" + (batch.size() - retried) + " kept for the next flush, " + retried + " lost): " + e, e);
    }

    /** One row's risk through the entity's calibration, its event, its incident and its run; the risk. */
    private double apply(Pending p, ModelKey key, ModelMetadata meta, String modelId, double probability, Instant now) {
        EntityKey entity = p.entity().key();
        // the model's probability through the entity's calibration state, in arrival order: the same
        // OnsetCalibration a backtest replays, so live risks equal backtested ones row by row
        double risk = p.entity().onset(key, meta).next(probability, p.observedAt().toEpochMilli(), p.novelty());
        if (riskFeed.due(entity, key.name(), risk, meta.threshold(), now)) {
            RiskReading reading = new RiskReading(entity, key.name(), key.version(), PredictionTypes.of(key.name()),
                    risk, meta.threshold(), p.observedAt());
            bus.publish(entity.project(), reading.subject(), TraceContext.newRoot(RANDOM),
                    riskPayloads.apply(reading));
        }
        switch (incidents.observe(entity, key.name(), risk, meta.threshold(), p.observedAt())) {
            case RAISE -> raise(p, key, modelId, now, risk);
            case ONGOING, QUIET -> aggregator.add(entity, modelId, risk, () -> RunJson.input(p.vector()), now);
        }
        return risk;
    }

    /**
     * Releases the incident and shadow states of the entities the book forgot, once their last rows are
     * scored: a state the book has again (fed since) stays, one with rows kept for the next flush waits
     * for that flush. A released incident that is open or in its cooldown lingers ({@link IncidentTracker#release}).
     */
    private void forgetEvicted(Instant now) {
        incidents.sweep(now);
        if (evicted.isEmpty()) {
            return;
        }
        java.util.Set<EntityModel> waiting = new java.util.HashSet<>();
        for (Pending p : pending) {
            waiting.add(new EntityModel(p.entity().key(), p.entity().model()));
        }
        List<EntityModel> later = new ArrayList<>();
        for (EntityModel gone : evicted) {
            if (waiting.contains(gone)) {
                later.add(gone);
            } else if (!book.contains(gone)) {
                incidents.release(gone.entity(), gone.model(), now);
                shadows.forget(gone.entity(), gone.model(), now);
            }
        }
        evicted.clear();
        evicted.addAll(later);
    }

    /** The batch's vectors in a model's feature order. */
    private static float[] rows(List<Pending> batch, ModelMetadata meta) {
        FeatureSchema schema = new FeatureSchema(meta.features());
        int width = schema.size();
        float[] rows = new float[batch.size() * width];
        // the rows of a batch come from one extractor: one projection serves them all (it was a map per row)
        FeatureSchema projected = null;
        int[] projection = null;
        for (int i = 0; i < batch.size(); i++) {
            FeatureVector v = batch.get(i).vector();
            if (!v.schema().equals(projected)) {
                projected = v.schema();
                projection = projected.projectionTo(schema);
            }
            v.copyValues(rows, i * width, projection);
        }
        return rows;
    }

    /**
     * The shadow scores the same rows, through the project's view as the champion does (a sensitive project's rows
     * stay in the hub whatever the model's route); it stores, raises and publishes nothing.
     */
    private void shadow(ProjectId project, ShadowScoring.Shadow s, List<Pending> batch, double[] championRisks,
                        double championThreshold) {
        double[] p;
        try {
            p = backend.forProject(project.value()).score(s.key, rows(batch, s.metadata), batch.size());
        } catch (RuntimeException e) {
            s.failed();
            LOG.log(Level.DEBUG, "shadow {0} could not score: {1}", s.key, e.getMessage());
            return;
        }
        List<ShadowScoring.WouldBe> wouldBe = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            if (Double.isNaN(championRisks[i])) {
                continue; // the champion's row failed: nothing to compare with
            }
            Pending row = batch.get(i);
            ShadowScoring.WouldBe w = s.observe(row.entity().key(), p[i], row.observedAt().toEpochMilli(), row.novelty(),
                    championRisks[i], championThreshold);
            if (w != null) {
                wouldBe.add(w);
            }
        }
        shadows.record(wouldBe);
    }

    /** Challengers scoring beside the champions without acting. */
    public ShadowScoring shadows() {
        return shadows;
    }

    /**
     * Explains, stores and publishes a prediction. Until it is stored any failure retracts the incident (the
     * next high score raises again); once stored, a failing observer or publication is logged, not retracted
     * (retracting would store the same prediction twice).
     */
    private void raise(Pending pending, ModelKey key, String modelId, Instant now, double risk) {
        EntityFeatures entity = pending.entity();
        EntityKey e = entity.key();
        PredictionRecord prediction;
        RiskPrediction p;
        try {
            Duration age = Duration.between(pending.observedAt(), now);
            p = predictor.forProject(e.project().value()).predict(key, pending.vector(), pending.observations(),
                    age.isNegative() ? Duration.ZERO : age, entity.interval(), probability -> risk);
            String runId = UUID.randomUUID().toString();
            ModelRun run = new ModelRun(runId, e.project(), modelId, e.kind(), e.id(), ModelRun.Kind.PREDICTION, 1,
                    RunJson.input(pending.vector()), RunJson.output(p), p.confidence().value(), now);
            PredictionAdvisor.Advice advice = advise(e, pending.vector(), p);
            prediction = new PredictionRecord(UUID.randomUUID().toString(), e.project(), e.kind(),
                    e.id(), PredictionTypes.of(key.name()), p.risk(), p.confidence(), advice.action(),
                    p.factors(), key.name(), key.version(), p.threshold(), entity.traceId(), runId,
                    pending.observedAt(), now, advice.similar(), advice.note());
            repository.save(prediction, run);
        } catch (RuntimeException ex) {
            failures.incrementAndGet();
            incidents.retract(e, key.name());
            scoreLog.log(Level.WARNING, "could not raise a prediction for " + e + ": " + ex, ex);
            return;
        }
        raised.incrementAndGet();
        try {
            TraceContext cause = traces.get(entity.traceId());
            TraceContext trace = cause != null ? cause : TraceContext.newRoot(new java.util.SplittableRandom());
            observer.raised(prediction, trace);
            bus.publish(e.project(), prediction.subject(), trace, payloads.apply(prediction));
            LOG.log(Level.INFO, "prediction {0}: {1} risk {2} (threshold {3}), confidence {4}, {5}",
                    prediction.id(), e, String.format("%.2f", p.risk()), p.threshold(),
                    String.format("%.2f", p.confidence().value()), prediction.recommendedAction());
        } catch (RuntimeException ex) {
            failures.incrementAndGet();
            sideLog.log(Level.WARNING, "prediction " + prediction.id() + " is stored but was not published: " + ex, ex);
        }
    }

    /** Memory's advice on a prediction; the model's own when the advisor fails (never blocks the raise). */
    private PredictionAdvisor.Advice advise(EntityKey entity, FeatureVector vector, RiskPrediction p) {
        try {
            Map<String, Double> features = new LinkedHashMap<>();
            float[] values = vector.values();
            for (int i = 0; i < values.length; i++) {
                if (Float.isFinite(values[i])) {
                    features.put(vector.schema().name(i), (double) values[i]);
                }
            }
            return advisor.advise(entity, features, p.factors(), p.recommendedAction());
        } catch (RuntimeException ex) {
            LOG.log(Level.WARNING, "memory gave no advice on {0}: {1}", entity, ex.toString());
            return PredictionAdvisor.Advice.none(p.recommendedAction());
        }
    }

    /**
     * Scores an entity's live features now with a model version (the champion when {@code null}),
     * on the engine's thread. Nothing is stored or raised, and the entity's calibration state does not
     * move: the answer is the model's probability for the entity's current vector.
     *
     * @throws CommandCenterException NOT_FOUND (ENTITY_NOT_FOUND) when the hub keeps no state for it
     */
    public RiskPrediction predictLive(EntityKey entity, String modelVersion) {
        Future<RiskPrediction> answer;
        try {
            answer = thread.submit(() -> {
                EntityFeatures features = book.get(entity).orElseThrow(() -> CommandCenterException.notFound("ENTITY_NOT_FOUND",
                        "the hub has no live state for " + entity.kind() + " " + entity.id()
                                + " in project " + entity.project()));
                ModelKey key = registry.resolve(entity.project(), features.model(), modelVersion);
                Instant now = clock.instant();
                Duration age = Duration.between(features.lastTime(), now);
                return predictor.forProject(entity.project().value()).predict(key, features.vector(now), features.observations(),
                        age.isNegative() ? Duration.ZERO : age, features.interval());
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed: a caller such as the outcome watcher must not read this as "no live telemetry"
            throw CommandCenterException.unavailable(ENGINE_CLOSED, "the predictive engine is closed", e);
        }
        try {
            return answer.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof CommandCenterException h) {
                throw h;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            answer.cancel(false);
            throw CommandCenterException.unavailable("ENGINE_BUSY", "the predictive engine did not answer in 10 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CommandCenterException.unavailable("INTERRUPTED", "interrupted", e);
        }
    }

    /** Runs a task on the engine's thread and waits (for tests: a barrier after queued deliveries). */
    public void sync() {
        try {
            thread.submit(this::flush).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Counters for health and metrics. */
    public record Stats(long recordsSeen, long runs, long raised, long dropped, long failures, long lost) {
    }

    public Stats stats() {
        return new Stats(recordsSeen.get(), runs.get(), raised.get(), dropped.get(), failures.get(), lost.get());
    }

    /** Entities and models the incident tracker keeps a state for (for tests). */
    int incidentStates() {
        try {
            return thread.submit(incidents::size).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Unsubscribes, scores the records still waiting (those kept after a failure get their one more
     * try), stores the open aggregates, stops the thread (without interrupting it: waits up to 10 s).
     */
    @Override
    public void close() {
        subscriptions.forEach(Subscription::close);
        try {
            thread.submit(() -> {
                safeFlush();
                if (!pending.isEmpty()) {
                    safeFlush();
                }
                List<ModelRun> rest = aggregator.drainAll();
                if (!rest.isEmpty()) {
                    repository.saveRuns(rest);
                }
            }).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(Level.WARNING, "could not store the last aggregated model runs: {0}", e.toString());
        }
        // never interrupted: the thread writes model runs to the database (H2 closes its file on an interrupt)
        Shutdowns.closeWithoutInterrupt(thread, Duration.ofSeconds(10),
                "the predictive engine's thread");
    }
}
