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

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
 * cpu, memory and other metrics are further metrics. Records older than an entity's latest are
 * skipped (the pipelines are online). At most {@code maxEntities} entities are kept; the least
 * recently updated is forgotten first. Not thread-safe: the engine's thread owns it.
 */
public final class FeatureBook {
    public static final String SERVICE_HEALTH = "service_health";
    public static final String COMPLIANCE_RISK = "compliance_risk";
    public static final String WORKFLOW_FAILURE = "workflow_failure";

    private final Map<EntityKey, EntityFeatures> entities;
    private long skippedLate;

    public FeatureBook(int maxEntities) {
        this.entities = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<EntityKey, EntityFeatures> eldest) {
                return size() > maxEntities;
            }
        };
    }

    /**
     * Feeds a stored record.
     *
     * @return the entity whose features changed; empty when the record was older than the entity's
     *         latest and skipped
     */
    public Optional<EntityFeatures> apply(ProjectId project, TelemetryRecord record, String traceId) {
        if (record instanceof HealthSampleRecord s) {
            EntityKey key = new EntityKey(project, EntityKey.SERVICE, s.service());
            Service service = (Service) entities.computeIfAbsent(key, Service::new);
            return service.update(s, traceId) ? Optional.of(service) : late();
        }
        if (record instanceof AuditRecord a) {
            EntityKey key = new EntityKey(project, a.target().kind(), a.target().id());
            Compliance compliance = (Compliance) entities.computeIfAbsent(key, Compliance::new);
            return compliance.update(a, traceId) ? Optional.of(compliance) : late();
        }
        if (record instanceof TaskHistoryRecord t) {
            EntityKey key = new EntityKey(project, EntityKey.TASK, t.name());
            Runs runs = (Runs) entities.computeIfAbsent(key, Runs::new);
            return runs.update(new WorkflowRunRecord(t.name(), t.startTime().toEpochMilli(),
                    t.status() == TaskHistoryRecord.Status.SUCCEEDED, t.executionTime().toMillis(), 0, 0),
                    t.startTime(), traceId) ? Optional.of(runs) : late();
        }
        WorkflowRunHistoryRecord w = (WorkflowRunHistoryRecord) record;
        EntityKey key = new EntityKey(project, EntityKey.WORKFLOW, w.workflow());
        Runs runs = (Runs) entities.computeIfAbsent(key, Runs::new);
        return runs.update(new WorkflowRunRecord(w.workflow(), w.startTime().toEpochMilli(),
                w.status() == WorkflowRunHistoryRecord.Status.SUCCEEDED,
                Duration.between(w.startTime(), w.endTime()).toMillis(), 0, 0), w.startTime(), traceId)
                ? Optional.of(runs) : late();
    }

    public Optional<EntityFeatures> get(EntityKey key) {
        return Optional.ofNullable(entities.get(key));
    }

    /** Entities of a project, for listings. */
    public List<EntityKey> keys(ProjectId project) {
        List<EntityKey> keys = new ArrayList<>();
        for (EntityKey key : entities.keySet()) {
            if (key.project().equals(project)) {
                keys.add(key);
            }
        }
        return Collections.unmodifiableList(keys);
    }

    public int size() {
        return entities.size();
    }

    /** Records skipped because they were older than their entity's latest. */
    public long skippedLate() {
        return skippedLate;
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

        Service(EntityKey key) {
            super(key);
        }

        /** The last row's metric names (the five health metrics, then the others by name); never changed once fed. */
        private String[] names = new String[0];
        private double[] values = new double[0];
        /** Scratch: this row's further metric names. */
        private String[] extras = new String[8];

        boolean update(HealthSampleRecord s, String traceId) {
            if (!accepts(s.time())) {
                return false;
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
            extractor.updateHealth(s.time().toEpochMilli(), names, values);
            seen(s.time(), traceId);
            return true;
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

        Runs(EntityKey key) {
            super(key);
        }

        boolean update(WorkflowRunRecord r, Instant time, String traceId) {
            if (!accepts(time)) {
                return false;
            }
            features.update(r);
            runs++;
            seen(time, traceId);
            return true;
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
