package io.commandcenter.hub.predict;

import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.telemetry.AuditRecord;
import io.commandcenter.hub.telemetry.EntityId;
import io.commandcenter.hub.telemetry.HealthSampleRecord;
import io.commandcenter.hub.telemetry.TaskHistoryRecord;
import io.commandcenter.hub.telemetry.WorkflowRunHistoryRecord;
import io.commandcenter.models.features.FeatureVector;
import io.commandcenter.models.features.TelemetryFeatures;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class FeatureBookTest {
    static final ProjectId P = ProjectId.of("p");
    static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
    final FeatureBook book = new FeatureBook(3);

    static HealthSampleRecord sample(int i, double latency, Map<String, Double> metrics) {
        return new HealthSampleRecord("s-" + i, "api", T0.plusSeconds(60L * i), 1.0, latency, 0.01, 0.4, 0.5, metrics);
    }

    @Test
    void healthSamples_feedTheTelemetryPipeline_asTheServiceEntity_withTheirRhythm() {
        for (int i = 0; i < 100; i++) {
            book.apply(P, sample(i, 100 + (i % 7), Map.of("queue_depth", (double) (i % 5))), "trace-" + i);
        }

        EntityFeatures api = book.get(new EntityKey(P, EntityKey.SERVICE, "api")).orElseThrow();
        FeatureVector v = api.vector(T0.plusSeconds(6000));
        assertThat(api.model()).isEqualTo(FeatureBook.SERVICE_HEALTH);
        assertThat(api.observations()).isEqualTo(100);
        assertThat(api.interval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(api.traceId()).isEqualTo("trace-99");
        assertThat(v.schema()).isEqualTo(TelemetryFeatures.SCHEMA);
        assertThat(v.value(TelemetryFeatures.HEALTH_ERROR_RATE)).isEqualTo(0.01f);
        for (float f : v.values()) {
            assertThat(f).isFinite();
        }
    }

    @Test
    void aLatencySpike_isBlamedOnTheLatencyMetric() {
        for (int i = 0; i < 100; i++) {
            book.apply(P, sample(i, 100 + (i % 3), Map.of()), "");
        }
        book.apply(P, sample(100, 900, Map.of()), "");

        FeatureVector v = book.get(new EntityKey(P, EntityKey.SERVICE, "api")).orElseThrow().vector(T0);
        assertThat(v.value(TelemetryFeatures.RES_MAX)).isGreaterThan(1f);
        assertThat(v.source(TelemetryFeatures.RES_MAX)).isEqualTo(TelemetryFeatures.METRIC_LATENCY_P50);
    }

    @Test
    void latencyPercentileMetrics_becomeThePipelinesPercentiles() {
        for (int i = 0; i < 80; i++) {
            book.apply(P, sample(i, 100, Map.of("latency_p99_ms", 400.0 + (i % 4), "latency_p95_ms", 250.0)), "");
        }

        FeatureVector v = book.get(new EntityKey(P, EntityKey.SERVICE, "api")).orElseThrow().vector(T0);
        // ln(p99 / p50) = ln(~401.5 / 100)
        assertThat(v.value(TelemetryFeatures.HEALTH_LATENCY_SKEW)).isCloseTo((float) Math.log(403 / 100.0), org.assertj.core.data.Offset.offset(0.01f));
    }

    /** What the book fed the extractor before it laid rows out itself: the metrics copied into a map. */
    static void feedAsAMap(io.commandcenter.models.features.TelemetryFeatureExtractor x, HealthSampleRecord s) {
        Map<String, Double> extras = new java.util.HashMap<>(s.metrics());
        Double p50 = extras.remove("latency_p50_ms");
        Double p95 = extras.remove("latency_p95_ms");
        Double p99 = extras.remove("latency_p99_ms");
        if (s.cpu() != null) {
            extras.put("cpu", s.cpu());
        }
        if (s.memory() != null) {
            extras.put("memory", s.memory());
        }
        x.updateHealth(s.time().toEpochMilli(), nan(p50 == null ? s.latencyMs() : p50), nan(p95), nan(p99),
                nan(s.errorRate()), nan(s.uptime()), extras);
    }

    static double nan(Double v) {
        return v == null ? Double.NaN : v;
    }

    @Test
    void theBooksRows_giveTheVectorsOfTheMapFedExtractor_rowByRow_asTheMetricsComeAndGo() {
        var reference = new io.commandcenter.models.features.TelemetryFeatureExtractor(
                io.commandcenter.models.features.TimeAxis.EPOCH_MILLIS);
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        for (int i = 0; i < 400; i++) {
            // metric sets change every 50 rows: none, extras, quantiles, a metric named cpu beside the
            // sample's own cpu (the sample's wins), cpu and memory unset (a metric named cpu then counts)
            Map<String, Double> metrics = switch (i / 50 % 5) {
                case 0 -> Map.of();
                case 1 -> Map.of("queue_depth", random.nextDouble(10), "gc_pause_ms", random.nextDouble(5));
                case 2 -> Map.of("latency_p50_ms", 90 + random.nextDouble(20), "latency_p99_ms", 300 + random.nextDouble(50),
                        "zeta", random.nextDouble());
                case 3 -> Map.of("cpu", 0.99, "alpha", random.nextDouble());
                default -> Map.of("cpu", random.nextDouble(), "b", 1.0, "a", random.nextDouble());
            };
            boolean unset = i / 50 % 5 == 4;
            HealthSampleRecord s = new HealthSampleRecord("s-" + i, "api", T0.plusSeconds(60L * i),
                    random.nextDouble() < 0.1 ? null : 1.0, 100 + random.nextDouble(30) + (i > 300 ? 200 : 0),
                    random.nextDouble(0.05), unset ? null : random.nextDouble(), unset ? null : 0.5, metrics);

            book.apply(P, s, "");
            feedAsAMap(reference, s);

            FeatureVector live = book.get(new EntityKey(P, EntityKey.SERVICE, "api")).orElseThrow().vector(s.time());
            assertThat(live).as("row %d", i).isEqualTo(reference.features());
        }
    }

    @Test
    void aRecordOlderThanItsEntitysLatest_isSkippedAndCounted() {
        book.apply(P, sample(10, 100, Map.of()), "");

        assertThat(book.apply(P, sample(5, 100, Map.of()), "")).isEmpty();
        assertThat(book.skippedLate()).isEqualTo(1);
    }

    @Test
    void auditsTasksAndRuns_feedTheirOwnPipelines_underTheirOwnEntities() {
        book.apply(P, new AuditRecord("a-1", "", new EntityId("cluster", "eu-1"), "cis", AuditRecord.Status.FAILED, T0,
                List.of(new AuditRecord.ComplianceRecord("1.1", AuditRecord.ComplianceStatus.NON_COMPLIANT,
                        AuditRecord.Severity.CRITICAL, "")), ""), "");
        book.apply(P, new TaskHistoryRecord("t-1", "9", "devops.restart", null, "", TaskHistoryRecord.Status.FAILED, T0,
                Duration.ofSeconds(3), "exit 1", ""), "");
        book.apply(P, new WorkflowRunHistoryRecord("w-1", "r", "auto-restart", null,
                WorkflowRunHistoryRecord.Status.SUCCEEDED, T0, T0.plusSeconds(30), "", ""), "");

        assertThat(book.get(new EntityKey(P, "cluster", "eu-1")).orElseThrow().model()).isEqualTo(FeatureBook.COMPLIANCE_RISK);
        assertThat(book.get(new EntityKey(P, EntityKey.TASK, "devops.restart")).orElseThrow().model())
                .isEqualTo(FeatureBook.WORKFLOW_FAILURE);
        assertThat(book.get(new EntityKey(P, EntityKey.WORKFLOW, "auto-restart")).orElseThrow().observations()).isEqualTo(1);
        assertThat(book.get(new EntityKey(P, "cluster", "eu-1")).orElseThrow().vector(T0).values())
                .as("a critical failing control shows").isNotEqualTo(new float[8]);
    }

    @Test
    void aLiveReadOfAnEntity_doesNotCountAsAnUpdate_soItIsStillForgottenFirst() {
        for (String service : List.of("a", "b", "c")) {
            book.apply(P, new HealthSampleRecord("x", service, T0, 1.0, 1.0, 0.0, null, null, Map.of()), "");
        }
        // a dashboard polls the live risk of "a", which sends nothing more
        assertThat(book.get(new EntityKey(P, EntityKey.SERVICE, "a"))).isPresent();
        assertThat(book.get(new EntityKey(P, EntityKey.SERVICE, "a"), FeatureBook.SERVICE_HEALTH)).isPresent();
        book.apply(P, new HealthSampleRecord("x", "d", T0, 1.0, 1.0, 0.0, null, null, Map.of()), "");

        assertThat(book.keys(P)).extracting(EntityKey::id).as("a, least recently updated, went; b stays")
                .containsExactly("b", "c", "d");
    }

    @Test
    void anUpdate_movesAnEntityToTheEnd_soAnotherIsForgottenFirst() {
        for (String service : List.of("a", "b", "c")) {
            book.apply(P, new HealthSampleRecord("x", service, T0, 1.0, 1.0, 0.0, null, null, Map.of()), "");
        }
        book.apply(P, new HealthSampleRecord("y", "a", T0.plusSeconds(1), 1.0, 1.0, 0.0, null, null, Map.of()), "");
        book.apply(P, new HealthSampleRecord("x", "d", T0, 1.0, 1.0, 0.0, null, null, Map.of()), "");

        assertThat(book.keys(P)).extracting(EntityKey::id).containsExactly("c", "a", "d");
    }

    @Test
    void theBookIsBounded_forgettingTheLeastRecentlyUpdatedEntity() {
        for (String service : List.of("a", "b", "c", "d")) {
            book.apply(P, new HealthSampleRecord("x", service, T0, 1.0, 1.0, 0.0, null, null, Map.of()), "");
        }

        assertThat(book.size()).isEqualTo(3);
        assertThat(book.get(new EntityKey(P, EntityKey.SERVICE, "a"))).isEmpty();
        assertThat(book.keys(P)).hasSize(3);
    }

    @Test
    void anEntityKeepsOneCalibrationStatePerModelVersion_andAPromotionStartsAFreshOne() {
        book.apply(P, sample(0, 100, Map.of()), "t");
        EntityFeatures api = book.get(new EntityKey(P, EntityKey.SERVICE, "api")).orElseThrow();
        io.commandcenter.models.artifact.ModelMetadata m = new io.commandcenter.models.bootstrap.BootstrapModels()
                .load(FeatureBook.SERVICE_HEALTH).metadata();
        io.commandcenter.inference.ModelKey v2 = io.commandcenter.inference.ModelKey.of(m);
        var state = api.onset(v2, m);
        assertThat(state.next(0.99)).isEqualTo(0.99);
        assertThat(api.onset(v2, m)).isSameAs(state);
        assertThat(api.onset(v2, m).next(0.99)).as("inside the window after the alarm").isLessThan(m.threshold());
        io.commandcenter.inference.ModelKey next = new io.commandcenter.inference.ModelKey(v2.name(), "9.9.9");
        assertThat(api.onset(next, m)).isNotSameAs(state);
        assertThat(api.onset(next, m).next(0.99)).isEqualTo(0.99);
    }

    static AuditRecord audit(String kind, String id, Instant time) {
        return new AuditRecord("a-" + time, "", new EntityId(kind, id), "cis", AuditRecord.Status.FAILED, time,
                List.of(new AuditRecord.ComplianceRecord("1.1", AuditRecord.ComplianceStatus.NON_COMPLIANT,
                        AuditRecord.Severity.CRITICAL, "")), "");
    }

    @Test
    void anAuditOfAServiceThatSendsHealthSamples_isAComplianceStateBesideItsHealthState() {
        assertThat(book.apply(P, sample(0, 100, Map.of()), "")).map(EntityFeatures::model).contains(FeatureBook.SERVICE_HEALTH);
        assertThat(book.apply(P, audit(EntityKey.SERVICE, "api", T0.plusSeconds(30)), "")).map(EntityFeatures::model)
                .contains(FeatureBook.COMPLIANCE_RISK);
        assertThat(book.apply(P, sample(1, 100, Map.of()), "")).map(EntityFeatures::model).contains(FeatureBook.SERVICE_HEALTH);

        assertThat(book.get(new EntityKey(P, EntityKey.SERVICE, "api"))).map(EntityFeatures::model)
                .as("the kind's own pipeline first").contains(FeatureBook.SERVICE_HEALTH);
        assertThat(book.get(new EntityKey(P, EntityKey.SERVICE, "api")).orElseThrow().observations()).isEqualTo(2);
        assertThat(book.skippedLate()).isZero();
    }

    @Test
    void aHealthSampleOfAServiceAlreadyAudited_andARunOfATaskAlreadyAudited_feedTheirOwnPipelines() {
        assertThat(book.apply(P, audit(EntityKey.SERVICE, "api", T0), "")).isPresent();
        assertThat(book.apply(P, sample(1, 100, Map.of()), "")).map(EntityFeatures::model).contains(FeatureBook.SERVICE_HEALTH);
        assertThat(book.apply(P, audit(EntityKey.TASK, "devops.restart", T0), "")).isPresent();
        assertThat(book.apply(P, new TaskHistoryRecord("t-1", "9", "devops.restart", null, "", TaskHistoryRecord.Status.FAILED,
                T0.plusSeconds(60), Duration.ofSeconds(3), "exit 1", ""), "")).map(EntityFeatures::model)
                .contains(FeatureBook.WORKFLOW_FAILURE);
        assertThat(book.apply(P, audit(EntityKey.WORKFLOW, "auto-restart", T0), "")).isPresent();
        assertThat(book.apply(P, new WorkflowRunHistoryRecord("w-1", "r", "auto-restart", null,
                WorkflowRunHistoryRecord.Status.SUCCEEDED, T0, T0.plusSeconds(30), "", ""), "")).map(EntityFeatures::model)
                .contains(FeatureBook.WORKFLOW_FAILURE);
    }

    static WorkflowRunHistoryRecord run(String id, Instant start, Instant end) {
        return new WorkflowRunHistoryRecord(id, "run-" + id, "deploy", null, WorkflowRunHistoryRecord.Status.FAILED, start,
                end, "", "");
    }

    @Test
    void overlappingRuns_theOneThatStartedFirstButFinishedLast_isApplied_andReplaysAreSkipped() {
        FeatureBook runs = new FeatureBook(10);
        WorkflowRunHistoryRecord b = run("b", T0.plusSeconds(300), T0.plusSeconds(360)); // 10:05-10:06, arrives first
        WorkflowRunHistoryRecord a = run("a", T0, T0.plusSeconds(1800));                  // 10:00-10:30

        assertThat(runs.apply(P, b, "")).isPresent();
        assertThat(runs.apply(P, a, "")).as("A finished after B").isPresent();
        assertThat(runs.skippedLate()).isZero();
        EntityFeatures deploy = runs.get(new EntityKey(P, EntityKey.WORKFLOW, "deploy")).orElseThrow();
        assertThat(deploy.observations()).isEqualTo(2);
        assertThat(deploy.vector(deploy.lastTime()).value(io.commandcenter.models.features.workflow.WorkflowFeatures.CONSECUTIVE_FAILS))
                .isEqualTo((float) Math.log1p(2));

        assertThat(runs.apply(P, a, "")).as("A again").isEmpty();
        assertThat(runs.apply(P, b, "")).as("B again").isEmpty();
        assertThat(runs.skippedLate()).isEqualTo(2);
        assertThat(deploy.observations()).isEqualTo(2);
    }

    @Test
    void overlappingTasks_areOrderedByTheirEnd_andReplaysAreSkipped() {
        FeatureBook tasks = new FeatureBook(10);
        TaskHistoryRecord b = new TaskHistoryRecord("t-b", "2", "devops.restart", null, "", TaskHistoryRecord.Status.SUCCEEDED,
                T0.plusSeconds(300), Duration.ofSeconds(60), "", "");
        TaskHistoryRecord a = new TaskHistoryRecord("t-a", "1", "devops.restart", null, "", TaskHistoryRecord.Status.FAILED,
                T0, Duration.ofMinutes(30), "timeout", "");

        assertThat(tasks.apply(P, b, "")).isPresent();
        assertThat(tasks.apply(P, a, "")).isPresent();
        assertThat(tasks.apply(P, b, "")).isEmpty();
        assertThat(tasks.skippedLate()).isEqualTo(1);
    }

    @Test
    void aRunThatStartedAndEndedBeforeTheLatest_isStillLate() {
        FeatureBook runs = new FeatureBook(10);
        runs.apply(P, run("b", T0.plusSeconds(300), T0.plusSeconds(360)), "");

        assertThat(runs.apply(P, run("c", T0, T0.plusSeconds(60)), "")).isEmpty();
        assertThat(runs.skippedLate()).isEqualTo(1);
    }

    static Map<String, Double> fresh(int sample, int names) {
        Map<String, Double> metrics = new java.util.HashMap<>();
        for (int j = 0; j < names; j++) {
            metrics.put("req_" + (sample * names + j), 1.0 + j);
        }
        return metrics;
    }

    /** A book fed {@code rows} samples of service {@code api}, each with 64 metric names never sent before. */
    static FeatureBook churned(int rows) {
        FeatureBook churn = new FeatureBook(10);
        for (int i = 0; i < rows; i++) {
            churn.apply(P, new HealthSampleRecord("s-" + i, "api", T0.plusSeconds(i), 1.0, 100.0, 0.01, null, null,
                    fresh(i, 64)), "");
        }
        return churn;
    }

    @Test
    void metricNamesThatChangeEverySample_areCapped_theNewOnesBeyondTheCapIgnoredAndCounted() {
        FeatureBook churn = churned(10_000);

        FeatureBook.Service api = (FeatureBook.Service) churn.get(new EntityKey(P, EntityKey.SERVICE, "api")).orElseThrow();
        assertThat(api.metricNames()).hasSize(io.commandcenter.models.features.TelemetryFeatureExtractor.HEALTH_METRICS.size()
                + FeatureBook.MAX_METRICS_PER_ENTITY);
        assertThat(churn.metricsIgnored()).isEqualTo(10_000L * 64 - FeatureBook.MAX_METRICS_PER_ENTITY);
        assertThat(api.observations()).isEqualTo(10_000);
    }

    @Test
    void anEntityAtTheCap_isFedExactlyAsTheMapFedExtractor_rowByRow() {
        var reference = new io.commandcenter.models.features.TelemetryFeatureExtractor(
                io.commandcenter.models.features.TimeAxis.EPOCH_MILLIS);
        FeatureBook atCap = new FeatureBook(10);
        java.util.SplittableRandom random = new java.util.SplittableRandom(11);
        for (int i = 0; i < 300; i++) {
            // 64 of the same 256 names a sample, shifting: every name of the pool comes and goes
            Map<String, Double> metrics = new java.util.HashMap<>();
            for (int j = 0; j < 64; j++) {
                metrics.put("m_" + ((i * 16 + j) % FeatureBook.MAX_METRICS_PER_ENTITY), random.nextDouble(100));
            }
            HealthSampleRecord s = new HealthSampleRecord("s-" + i, "api", T0.plusSeconds(60L * i), 1.0,
                    100 + random.nextDouble(30), random.nextDouble(0.05), null, null, metrics);

            atCap.apply(P, s, "");
            feedAsAMap(reference, s);

            FeatureVector live = atCap.get(new EntityKey(P, EntityKey.SERVICE, "api")).orElseThrow().vector(s.time());
            assertThat(live).as("row %d", i).isEqualTo(reference.features());
        }
        assertThat(atCap.metricsIgnored()).isZero();
    }

    static HealthSampleRecord at(int second) {
        return new HealthSampleRecord("s-" + second, "api", T0.plusSeconds(second), 1.0, 100.0, 0.01, null, null, Map.of());
    }

    @Test
    void aSampleStampedAheadOfTheClock_doesNotMakeTheSamplesAfterItLate_untilTheClockReachesIt() {
        FeatureBook b = new FeatureBook(10);
        assertThat(b.apply(P, at(600), "", T0.plusSeconds(600))).isPresent();
        assertThat(b.apply(P, at(899), "", T0.plusSeconds(601))).as("4m58s ahead").isPresent();
        assertThat(b.apply(P, at(602), "", T0.plusSeconds(602))).isPresent();
        assertThat(b.apply(P, at(603), "", T0.plusSeconds(603))).isPresent();

        assertThat(b.apply(P, at(602), "", T0.plusSeconds(604))).as("a replay").isEmpty();
        assertThat(b.apply(P, at(601), "", T0.plusSeconds(605))).as("older than the samples in order").isEmpty();
        assertThat(b.apply(P, at(900), "", T0.plusSeconds(900))).as("the clock reached it").isPresent();
        assertThat(b.apply(P, at(899), "", T0.plusSeconds(901))).isEmpty();

        EntityFeatures api = b.get(new EntityKey(P, EntityKey.SERVICE, "api")).orElseThrow();
        assertThat(api.observations()).isEqualTo(5);
        assertThat(api.lastTime()).isEqualTo(T0.plusSeconds(900));
        assertThat(b.skippedLate()).isEqualTo(3);
    }

    @Test
    void samplesBehindTheAheadOne_areFedAtItsTime_soThePipelinesTimeNeverGoesBack() {
        FeatureBook b = new FeatureBook(10);
        b.apply(P, at(600), "", T0.plusSeconds(600));
        b.apply(P, at(899), "", T0.plusSeconds(601));
        b.apply(P, at(602), "", T0.plusSeconds(602));

        assertThat(b.get(new EntityKey(P, EntityKey.SERVICE, "api")).orElseThrow().lastTime()).isEqualTo(T0.plusSeconds(899));
    }

    @Test
    void withoutAClock_aSampleOlderThanTheLatestIsLate_whateverItsTime() {
        FeatureBook b = new FeatureBook(10);
        b.apply(P, at(899), "");

        assertThat(b.apply(P, at(602), "")).isEmpty();
    }

    @Test
    void beforeAnySampleInOrder_aSampleBehindTheAheadOne_isFedOnlyWithinTheSkew() {
        FeatureBook b = new FeatureBook(10, Duration.ofMinutes(5));
        assertThat(b.apply(P, at(1000), "", T0.plusSeconds(800))).as("first sample, 200 s ahead").isPresent();

        assertThat(b.apply(P, at(600), "", T0.plusSeconds(801))).as("400 s behind it: older than the skew").isEmpty();
        assertThat(b.apply(P, at(750), "", T0.plusSeconds(802))).as("250 s behind it").isPresent();
        assertThat(b.skippedLate()).isEqualTo(1);
    }

    @Test
    void cpuAndMemory_areFedEvenWhenTheServiceHasReachedTheMetricNameCap() {
        FeatureBook churn = churned(10);
        long ignored = churn.metricsIgnored();

        churn.apply(P, new HealthSampleRecord("s-cpu", "api", T0.plusSeconds(10), 1.0, 100.0, 0.01, 0.4, 0.5, Map.of()), "");

        FeatureBook.Service api = (FeatureBook.Service) churn.get(new EntityKey(P, EntityKey.SERVICE, "api")).orElseThrow();
        assertThat(api.metricNames()).contains("cpu", "memory");
        assertThat(churn.metricsIgnored()).as("nothing of that row ignored").isEqualTo(ignored);
    }
}
