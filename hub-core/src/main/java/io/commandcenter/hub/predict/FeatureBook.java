package io.commandcenter.hub.predict;

import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.telemetry.AuditRecord;
import io.commandcenter.hub.telemetry.HealthSampleRecord;
import io.commandcenter.hub.telemetry.TaskHistoryRecord;
import io.commandcenter.hub.telemetry.TelemetryRecord;
import io.commandcenter.hub.telemetry.WorkflowRunHistoryRecord;
import io.commandcenter.inference.ModelKey;
import io.commandcenter.models.artifact.ModelMetadata;
import io.commandcenter.models.calibration.OnsetCalibration;
import io.commandcenter.models.features.FeatureSchema;
import io.commandcenter.models.features.FeatureVector;
import io.commandcenter.models.features.TelemetryFeatureExtractor;
import io.commandcenter.models.features.TimeAxis;
import io.commandcenter.models.features.compliance.ComplianceFeatures;
import io.commandcenter.models.features.workflow.WorkflowFeatures;
import io.commandcenter.models.features.workflow.WorkflowRunRecord;
import io.commandcenter.scheduler.QuietLog;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The live feature state of every entity, fed with stored records through the models library's
 * pipelines — the same code training and backtests use:
 * <ul>
 *   <li>health samples → {@link TelemetryFeatureExtractor} per service ({@code service_health});</li>
 *   <li>audit results → {@link ComplianceFeatures} per audited target ({@code compliance_risk});</li>
 *   <li>task and workflow-run records → {@link WorkflowFeatures} per task or workflow name
 *       ({@code workflow_failure}).</li>
 * </ul>
 * A health sample's latency percentiles come from the metrics {@code latency_p50_ms},
 * {@code latency_p95_ms}, {@code latency_p99_ms} when present, else {@code latency_ms} is the median;
 * cpu, memory and other metrics are further metrics, at most {@link #MAX_METRICS_PER_ENTITY} names a
 * service besides cpu and memory (always fed): a name new to a service that has them all is not fed (counted in {@link #metricsIgnored()}),
 * so a service under the cap is fed exactly as without it.
 *
 * <p>An entity's state is its pipeline's: a service's health samples and the audits of the same
 * {@code service/checkout} are two states (so are a task's runs and its audits). Records older than
 * their state's latest are skipped (the pipelines are online): a health sample by its time, except
 * that a sample stamped ahead of the hub's clock (the ingest accepts a few minutes of skew) does not
 * make the samples after it late until the clock reaches it; a task or workflow run by its start and
 * its end, so a run that started first and ended last is applied, a replay is not. At most
 * {@code maxEntities} states are kept; the least recently updated is forgotten first and reported to
 * the {@linkplain #onEvict eviction listener}. Not thread-safe: the engine's thread owns it.
 */
public final class FeatureBook {
    public static final String SERVICE_HEALTH = "service_health";
    public static final String COMPLIANCE_RISK = "compliance_risk";
    public static final String WORKFLOW_FAILURE = "workflow_failure";

    /** Further metric names (beyond the five health metrics) one service's pipeline keeps at most. */
    public static final int MAX_METRICS_PER_ENTITY = 256;

    private static final System.Logger LOG = System.getLogger(FeatureBook.class.getName());
    private static final List<String> MODELS = List.of(SERVICE_HEALTH, COMPLIANCE_RISK, WORKFLOW_FAILURE);

    /** Keyed by the entity and its pipeline's model: the model names the state's class. */
    private final Map<EntityModel, EntityFeatures> entities;
    private Consumer<EntityModel> evictions = key -> { };
    private long skippedLate;
    private long metricsIgnored;

    /** How far ahead of the hub's clock a sample may be stamped, unless told: the ingest's default ({@code cc.ingest.max-future-skew}). */
    public static final Duration DEFAULT_MAX_FUTURE_SKEW = Duration.ofMinutes(5);

    private final Duration maxFutureSkew;
    /** Services reaching the metric-name cap: logged at most every 30 s, whichever service. */
    private final QuietLog capLog = new QuietLog(LOG, Duration.ofSeconds(30));

    public FeatureBook(int maxEntities) {
        this(maxEntities, DEFAULT_MAX_FUTURE_SKEW);
    }

    /**
     * @param maxFutureSkew how far ahead of the hub's clock the ingest accepts a record's time: a sample
     *                      behind one stamped ahead is fed only if it is at most this much older than it
     */
    public FeatureBook(int maxEntities, Duration maxFutureSkew) {
        this.maxFutureSkew = java.util.Objects.requireNonNull(maxFutureSkew, "maxFutureSkew");
        // in order of last update: a state moves to the end when a record updates it (state()), not when it is read
        // (a live read, a listing), so reading an entity that sends nothing does not keep it in the book
        this.entities = new LinkedHashMap<>(1024, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<EntityModel, EntityFeatures> eldest) {
                if (size() <= maxEntities) {
                    return false;
                }
                evictions.accept(eldest.getKey());
                return true;
            }
        };
    }

    /**
     * Tells {@code listener} of every state forgotten to keep the book within its bound (the entity and
     * the model of its pipeline), so state kept elsewhere per entity and model is forgotten with it.
     * Called inside {@link #apply}: the listener must not call back into the book.
     */
    public void onEvict(Consumer<EntityModel> listener) {
        this.evictions = java.util.Objects.requireNonNull(listener, "listener");
    }

    /**
     * Feeds a stored record.
     *
     * @return the entity whose features changed; empty when the record was older than the entity's
     *         latest and skipped
     */
    public Optional<EntityFeatures> apply(ProjectId project, TelemetryRecord record, String traceId) {
        return apply(project, record, traceId, Instant.MAX);
    }

    /**
     * Feeds a stored record, the hub's clock reading {@code now} (a health sample ahead of it does not
     * make the samples after it late until the clock reaches it).
     *
     * @return the entity whose features changed; empty when the record was late (or a replay) and skipped
     */
    public Optional<EntityFeatures> apply(ProjectId project, TelemetryRecord record, String traceId, Instant now) {
        // the state's class follows from the model in its key: the casts below cannot fail
        if (record instanceof HealthSampleRecord s) {
            Service service = (Service) state(new EntityKey(project, EntityKey.SERVICE, s.service()), SERVICE_HEALTH);
            if (!service.update(s, traceId, now, maxFutureSkew)) {
                return late();
            }
            metricsIgnored += service.ignored;
            return Optional.of(service);
        }
        if (record instanceof AuditRecord a) {
            Compliance compliance = (Compliance) state(new EntityKey(project, a.target().kind(), a.target().id()),
                    COMPLIANCE_RISK);
            return compliance.update(a, traceId) ? Optional.of(compliance) : late();
        }
        if (record instanceof TaskHistoryRecord t) {
            Runs runs = (Runs) state(new EntityKey(project, EntityKey.TASK, t.name()), WORKFLOW_FAILURE);
            return runs.update(t.recordId(), t.startTime(), t.startTime().plus(t.executionTime()),
                    t.status() == TaskHistoryRecord.Status.SUCCEEDED, t.executionTime().toMillis(), traceId)
                    ? Optional.of(runs) : late();
        }
        WorkflowRunHistoryRecord w = (WorkflowRunHistoryRecord) record;
        Runs runs = (Runs) state(new EntityKey(project, EntityKey.WORKFLOW, w.workflow()), WORKFLOW_FAILURE);
        return runs.update(w.recordId(), w.startTime(), w.endTime(),
                w.status() == WorkflowRunHistoryRecord.Status.SUCCEEDED,
                Duration.between(w.startTime(), w.endTime()).toMillis(), traceId) ? Optional.of(runs) : late();
    }

    private EntityFeatures state(EntityKey entity, String model) {
        EntityModel key = new EntityModel(entity, model);
        EntityFeatures state = entities.remove(key); // put back below: now the most recently updated
        if (state == null) {
            state = switch (model) {
                case SERVICE_HEALTH -> new Service(entity, capLog);
                case COMPLIANCE_RISK -> new Compliance(entity);
                default -> new Runs(entity);
            };
        }
        entities.put(key, state);
        return state;
    }

    /**
     * An entity's state: the one of its kind's own pipeline ({@code service}: health, {@code task} and
     * {@code workflow}: runs, any other kind: compliance) if the book has it, else its other one.
     */
    public Optional<EntityFeatures> get(EntityKey key) {
        EntityFeatures own = entities.get(new EntityModel(key, pipelineOf(key.kind())));
        if (own != null) {
            return Optional.of(own);
        }
        for (String model : MODELS) {
            EntityFeatures other = entities.get(new EntityModel(key, model));
            if (other != null) {
                return Optional.of(other);
            }
        }
        return Optional.empty();
    }

    /** An entity's state in a model's pipeline. */
    public Optional<EntityFeatures> get(EntityKey key, String model) {
        return Optional.ofNullable(entities.get(new EntityModel(key, model)));
    }

    /** Whether the book keeps a state for the entity in the model's pipeline (does not count as a use). */
    boolean contains(EntityModel key) {
        return entities.containsKey(key);
    }

    private static String pipelineOf(String kind) {
        return switch (kind) {
            case EntityKey.SERVICE -> SERVICE_HEALTH;
            case EntityKey.TASK, EntityKey.WORKFLOW -> WORKFLOW_FAILURE;
            default -> COMPLIANCE_RISK;
        };
    }

    /** Entities of a project, for listings. */
    public List<EntityKey> keys(ProjectId project) {
        Set<EntityKey> keys = new LinkedHashSet<>();
        for (EntityModel key : entities.keySet()) {
            if (key.entity().project().equals(project)) {
                keys.add(key.entity());
            }
        }
        return List.copyOf(keys);
    }

    /** States kept (an entity fed by two pipelines has two). */
    public int size() {
        return entities.size();
    }

    /** Records skipped because they were older than their entity's latest. */
    public long skippedLate() {
        return skippedLate;
    }

    /** Metric values not fed because their name was new to an entity that already had {@link #MAX_METRICS_PER_ENTITY}. */
    public long metricsIgnored() {
        return metricsIgnored;
    }

    private Optional<EntityFeatures> late() {
        skippedLate++;
        return Optional.empty();
    }

    /** Time bookkeeping shared by every kind of entity. */
    private abstract static class Base implements EntityFeatures {
        private final EntityKey key;
        private Instant last;
        private Duration interval;
        private String trace = "";
        private ModelKey onsetKey;
        private OnsetCalibration.State onsetState;

        Base(EntityKey key) {
            this.key = key;
        }

        @Override
        public OnsetCalibration.State onset(ModelKey model, ModelMetadata metadata) {
            if (model != onsetKey && !model.equals(onsetKey)) { // the same champion key, batch after batch
                onsetKey = model;
                onsetState = metadata.onset().newState(metadata.threshold());
            }
            return onsetState;
        }

        /** Whether a record at {@code time} may be fed (not older than the latest). */
        boolean accepts(Instant time) {
            return last == null || !time.isBefore(last);
        }

        void seen(Instant time, String traceId) {
            if (last != null) {
                Duration delta = Duration.between(last, time);
                if (!delta.isZero()) {
                    // EWMA of the gaps: the entity's own rhythm, for the confidence's freshness term
                    interval = interval == null ? delta
                            : Duration.ofNanos((long) (0.8 * interval.toNanos() + 0.2 * delta.toNanos()));
                }
            }
            last = time;
            trace = traceId;
        }

        @Override
        public EntityKey key() {
            return key;
        }

        @Override
        public Instant lastTime() {
            return last;
        }

        @Override
        public Duration interval() {
            return interval;
        }

        @Override
        public String traceId() {
            return trace;
        }
    }

    /** A service: health samples through the telemetry pipeline. */
    static final class Service extends Base {
        private static final int HEALTH = TelemetryFeatureExtractor.HEALTH_METRICS.size();
        private static final String P50 = "latency_p50_ms";
        private static final String P95 = "latency_p95_ms";
        private static final String P99 = "latency_p99_ms";
        private final TelemetryFeatureExtractor extractor = new TelemetryFeatureExtractor(TimeAxis.EPOCH_MILLIS);
        /** Further metric names fed so far (at most {@link #MAX_METRICS_PER_ENTITY}, plus cpu and memory). */
        private final Set<String> known = new HashSet<>();
        private final QuietLog capLog;
        /** Values of the last row not fed (their names beyond the cap). */
        private int ignored;
        /** The latest time fed of a sample that was not ahead of the hub's clock. */
        private Instant inOrder;

        Service(EntityKey key, QuietLog capLog) {
            super(key);
            this.capLog = capLog;
        }

        /** The last row's metric names (the five health metrics, then the others by name); never changed once fed. */
        private String[] names = new String[0];
        private double[] values = new double[0];
        /** Scratch: this row's further metric names. */
        private String[] extras = new String[8];

        boolean update(HealthSampleRecord s, String traceId, Instant now, Duration maxFutureSkew) {
            ignored = 0;
            Instant time = s.time();
            Instant latest = lastTime();
            if (latest != null && time.isBefore(latest)) {
                // late, unless the latest was stamped ahead of the clock and this one is in order with the
                // samples before it: then it is fed at the latest's time (the pipeline's time never goes back)
                // (before the first sample in order, the ahead one's skew bounds how old this one may be)
                if (!latest.isAfter(now) || time.isAfter(now) || inOrder != null && time.isBefore(inOrder)
                        || inOrder == null && time.isBefore(latest.minus(maxFutureSkew))) {
                    return false;
                }
                inOrder = time;
                time = latest;
            } else if (!time.isAfter(now) && (inOrder == null || time.isAfter(inOrder))) {
                inOrder = time;
            }
            // the row TelemetryFeatureExtractor.updateHealth(..., Map) would lay out, without copying the
            // metrics into two maps a record: latency quantiles are the health metrics, cpu and memory (when
            // set) join the further metrics, which go in name order; a service sends the same metrics
            // sample after sample, so the names array of the last row is reused (the extractor then skips
            // its name lookups)
            Map<String, Double> metrics = s.metrics();
            Double cpu = s.cpu();
            Double memory = s.memory();
            int count = 0;
            if (extras.length < metrics.size() + 2) {
                extras = new String[metrics.size() + 2];
            }
            for (String name : metrics.keySet()) {
                if (!name.equals(P50) && !name.equals(P95) && !name.equals(P99)
                        && !(cpu != null && name.equals("cpu")) && !(memory != null && name.equals("memory"))) {
                    extras[count++] = name;
                }
            }
            if (cpu != null) {
                extras[count++] = "cpu";
            }
            if (memory != null) {
                extras[count++] = "memory";
            }
            Arrays.sort(extras, 0, count);
            if (!sameExtras(count)) {
                count = admit(count);
            }
            int width = HEALTH + count;
            if (!sameExtras(count)) {
                String[] laidOut = new String[width];
                TelemetryFeatureExtractor.HEALTH_METRICS.toArray(laidOut);
                System.arraycopy(extras, 0, laidOut, HEALTH, count);
                names = laidOut;
                values = new double[width];
            }
            Double p50 = metrics.get(P50);
            values[0] = orNaN(p50 == null ? s.latencyMs() : p50);
            values[1] = orNaN(metrics.get(P95));
            values[2] = orNaN(metrics.get(P99));
            values[3] = orNaN(s.errorRate());
            values[4] = orNaN(s.uptime());
            for (int i = HEALTH; i < width; i++) {
                String name = names[i];
                values[i] = cpu != null && name.equals("cpu") ? cpu
                        : memory != null && name.equals("memory") ? memory : metrics.get(name);
            }
            extractor.updateHealth(time.toEpochMilli(), names, values);
            seen(time, traceId);
            return true;
        }

        /**
         * Keeps, of this row's further metric names (sorted, in {@code extras}), those the service was fed
         * before and new ones while fewer than {@link #MAX_METRICS_PER_ENTITY} were; the rest are not fed.
         * Returns how many are kept (in order, at the front of {@code extras}).
         */
        private int admit(int count) {
            int kept = 0;
            for (int i = 0; i < count; i++) {
                String name = extras[i];
                // cpu and memory are named fields of a sample: always fed, whatever other names came first
                if (known.contains(name) || (known.size() < MAX_METRICS_PER_ENTITY || isNamedField(name)) && known.add(name)) {
                    extras[kept++] = name;
                }
            }
            if (kept < count) {
                ignored(count - kept);
            }
            return kept;
        }

        private void ignored(int values) {
            ignored = values;
            capLog.log(System.Logger.Level.WARNING, key() + " sent more than " + MAX_METRICS_PER_ENTITY
                    + " metric names: new names are not scored", null);
        }

        private static boolean isNamedField(String name) {
            return name.equals("cpu") || name.equals("memory");
        }

        private boolean sameExtras(int count) {
            if (names.length != HEALTH + count) {
                return false;
            }
            for (int i = 0; i < count; i++) {
                if (!names[HEALTH + i].equals(extras[i])) {
                    return false;
                }
            }
            return true;
        }

        /** The metric names the pipeline keeps state for. */
        List<String> metricNames() {
            return extractor.metricNames();
        }

        @Override
        public String model() {
            return SERVICE_HEALTH;
        }

        @Override
        public double novelty() {
            return extractor.peakNovelty();
        }

        @Override
        public FeatureVector vector(Instant now) {
            return extractor.features();
        }

        @Override
        public long observations() {
            return extractor.minMetricObservations();
        }
    }

    /** An audited target: per-control results through the compliance pipeline. */
    static final class Compliance extends Base {
        private final ComplianceFeatures features = new ComplianceFeatures();
        private long audits;

        Compliance(EntityKey key) {
            super(key);
        }

        boolean update(AuditRecord a, String traceId) {
            if (!accepts(a.time())) {
                return false;
            }
            long millis = a.time().toEpochMilli();
            String entity = a.target().kind() + "/" + a.target().id();
            if (a.results().isEmpty()) {
                features.update(new io.commandcenter.models.features.compliance.AuditRecord(entity, millis, a.suite(),
                        a.status() == AuditRecord.Status.PASSED, 2));
            }
            for (AuditRecord.ComplianceRecord c : a.results()) {
                boolean passed = c.status() == AuditRecord.ComplianceStatus.COMPLIANT
                        || c.status() == AuditRecord.ComplianceStatus.NOT_APPLICABLE;
                features.update(new io.commandcenter.models.features.compliance.AuditRecord(entity, millis,
                        c.controlId(), passed, c.severity().ordinal() + 1));
            }
            audits++;
            seen(a.time(), traceId);
            return true;
        }

        @Override
        public String model() {
            return COMPLIANCE_RISK;
        }

        @Override
        public FeatureVector vector(Instant now) {
            return entityLevel(ComplianceFeatures.SCHEMA, features.vector(now.toEpochMilli()));
        }

        @Override
        public long observations() {
            return audits;
        }
    }

    /** A task or workflow: its runs through the workflow pipeline. */
    static final class Runs extends Base {
        private final WorkflowFeatures features = new WorkflowFeatures();
        private long runs;
        /** The latest end fed, and the records fed that started at the latest start and ended at the latest end. */
        private Instant lastEnd;
        private final Set<String> atLastStart = new HashSet<>();
        private final Set<String> atLastEnd = new HashSet<>();

        Runs(EntityKey key) {
            super(key);
        }

        /**
         * Feeds a run when it started or ended after every run fed before (records arrive as runs end, so
         * a run that started first may come last), or at the same time as the latest without being one of
         * those fed at that time (a replay). The pipeline's time is the latest start, so it never goes back.
         */
        boolean update(String recordId, Instant start, Instant end, boolean succeeded, long durationMillis,
                       String traceId) {
            Instant lastStart = lastTime();
            if (lastStart != null) {
                int s = start.compareTo(lastStart);
                int e = end.compareTo(lastEnd);
                boolean later = s > 0 || e > 0 || s == 0 && !atLastStart.contains(recordId)
                        || e == 0 && !atLastEnd.contains(recordId);
                if (!later) {
                    return false;
                }
            }
            Instant time = lastStart == null || start.isAfter(lastStart) ? start : lastStart;
            features.update(new WorkflowRunRecord(key().id(), time.toEpochMilli(), succeeded, durationMillis, 0, 0));
            runs++;
            mark(atLastStart, lastStart, start, recordId);
            mark(atLastEnd, lastEnd, end, recordId);
            if (lastEnd == null || end.isAfter(lastEnd)) {
                lastEnd = end;
            }
            seen(time, traceId);
            return true;
        }

        /** The ids fed at the latest time: this one's alone when it is later, beside the others when equal. */
        private static void mark(Set<String> ids, Instant latest, Instant time, String recordId) {
            int c = latest == null ? 1 : time.compareTo(latest);
            if (c > 0) {
                ids.clear();
            }
            if (c >= 0) {
                ids.add(recordId);
            }
        }

        @Override
        public String model() {
            return WORKFLOW_FAILURE;
        }

        @Override
        public FeatureVector vector(Instant now) {
            return entityLevel(WorkflowFeatures.SCHEMA, features.vector(now.toEpochMilli()));
        }

        @Override
        public long observations() {
            return runs;
        }
    }

    private static FeatureVector entityLevel(FeatureSchema schema, float[] values) {
        return new FeatureVector(schema, values, Collections.nCopies(schema.size(), ""));
    }

    private static double orNaN(Double value) {
        return value == null ? Double.NaN : value;
    }
}
