package io.commandcenter.hub.telemetry.sql;

import io.commandcenter.hub.persistence.Database;
import io.commandcenter.hub.persistence.DatabaseSettings;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.telemetry.AuditRecord;
import io.commandcenter.hub.telemetry.EntityId;
import io.commandcenter.hub.telemetry.HealthSampleRecord;
import io.commandcenter.hub.telemetry.SampleListing;
import io.commandcenter.hub.telemetry.SamplePage;
import io.commandcenter.hub.telemetry.SampleQuery;
import io.commandcenter.hub.telemetry.StoredSample;
import io.commandcenter.hub.telemetry.TaskHistoryRecord;
import io.commandcenter.hub.telemetry.TelemetryStore.Outcome;
import io.commandcenter.hub.telemetry.TelemetryStore.Scoped;
import io.commandcenter.hub.telemetry.WorkflowRunHistoryRecord;
import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.hub.project.sql.ProjectEntity;
import jakarta.persistence.EntityManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The persistence suite: the same tests on every database the hub supports (H2 and a real
 * PostgreSQL server), through the migrations, the JDBC write path and the JPA entities.
 */
abstract class AbstractSqlTelemetryStoreTest {
    static final ProjectId ALPHA = ProjectId.of("alpha");
    static final ProjectId BETA = ProjectId.of("beta");
    static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");
    static final Instant RECEIVED = Instant.parse("2026-11-01T12:00:00.123456Z");

    @TempDir
    Path dir;
    Database database;
    SqlTelemetryStore store;

    abstract DatabaseSettings settings(Path dir);

    @BeforeEach
    void open() {
        database = Database.open(settings(dir));
        store = new SqlTelemetryStore(database, java.time.Clock.fixed(RECEIVED, java.time.ZoneOffset.UTC));
    }

    @AfterEach
    void close() {
        database.close();
    }

    static HealthSampleRecord sample(String id, String service, Instant time, double latency) {
        return new HealthSampleRecord(id, service, time, 0.999, latency, 0.01, 0.5, 0.25,
                Map.of("queue_depth", 12.0, "gc.pause_ms", 3.5));
    }

    @Test
    void write_storesEveryKindOfRecord_andEntitiesReadThemBack() {
        AuditRecord audit = new AuditRecord("a-1", "run-77", new EntityId("service", "checkout"), "cis-1.8",
                AuditRecord.Status.FAILED, T0, List.of(
                new AuditRecord.ComplianceRecord("5.1.3", AuditRecord.ComplianceStatus.NON_COMPLIANT,
                        AuditRecord.Severity.HIGH, "root login allowed"),
                new AuditRecord.ComplianceRecord("5.1.4", AuditRecord.ComplianceStatus.COMPLIANT,
                        AuditRecord.Severity.LOW, "")), "1 of 2 controls failed");
        TaskHistoryRecord task = new TaskHistoryRecord("t-1", "task-9", "devops.restart",
                new EntityId("service", "checkout"), "run-5", TaskHistoryRecord.Status.FAILED, T0,
                Duration.ofMillis(1234).plusNanos(5000), "exit 3", "agent-a");
        WorkflowRunHistoryRecord run = new WorkflowRunHistoryRecord("w-1", "run-5", "auto-restart", null,
                WorkflowRunHistoryRecord.Status.SUCCEEDED, T0, T0.plusSeconds(30), "prediction:p-1", "");

        List<Outcome> outcomes = store.write(List.of(new Scoped(ALPHA, sample("s-1", "checkout", T0, 12.5)),
                new Scoped(ALPHA, audit), new Scoped(ALPHA, task), new Scoped(ALPHA, run)), RECEIVED);

        assertThat(outcomes).containsOnly(Outcome.STORED).hasSize(4);
        EntityManager em = database.entityManagerFactory().createEntityManager();
        try {
            AuditEntity a = em.find(AuditEntity.class, new RecordKey("alpha", "a-1"));
            assertThat(a.getStatus()).isEqualTo("FAILED");
            assertThat(a.getTargetId()).isEqualTo("checkout");
            assertThat(a.getResults()).extracting(ComplianceResultEntity::getControlId).containsExactly("5.1.3", "5.1.4");
            assertThat(a.getResults().get(0).getSeverity()).isEqualTo("HIGH");
            assertThat(a.getReceivedAt().toInstant()).isEqualTo(RECEIVED);
            TaskEntity t = em.find(TaskEntity.class, new RecordKey("alpha", "t-1"));
            assertThat(t.getExecutionTimeMicros()).isEqualTo(1_234_005L);
            assertThat(t.getError()).isEqualTo("exit 3");
            WorkflowRunEntity w = em.find(WorkflowRunEntity.class, new RecordKey("alpha", "w-1"));
            assertThat(w.getTargetKind()).isNull();
            assertThat(w.getEndTime().toInstant()).isEqualTo(T0.plusSeconds(30));
            assertThat(w.getTrigger()).isEqualTo("prediction:p-1");
            HealthSampleEntity s = em.find(HealthSampleEntity.class, new RecordKey("alpha", "s-1"));
            assertThat(s.getLatencyMs()).isEqualTo(12.5);
            assertThat(em.find(ProjectEntity.class, "alpha")).isNotNull();
        } finally {
            em.close();
        }
    }

    @Test
    void write_sameIdTwice_storesOnce_evenAcrossBatchesAndWithinOne() {
        store.write(List.of(new Scoped(ALPHA, sample("s-1", "api", T0, 10))), RECEIVED);

        List<Outcome> second = store.write(List.of(
                new Scoped(ALPHA, sample("s-1", "api", T0, 99)),      // already stored
                new Scoped(ALPHA, sample("s-2", "api", T0, 20)),      // new
                new Scoped(ALPHA, sample("s-2", "api", T0, 21))), RECEIVED); // repeated within the batch

        assertThat(second).containsExactly(Outcome.DUPLICATE, Outcome.STORED, Outcome.DUPLICATE);
        List<StoredSample> all = list(ALPHA, null, 100, true);
        assertThat(all).extracting(s -> s.sample().latencyMs()).containsExactly(10.0, 20.0);
    }

    static List<Scoped> batch(ProjectId project, String prefix, int from, int to) {
        List<Scoped> out = new java.util.ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(new Scoped(project, sample(prefix + i, "api", T0.plusSeconds(i), i)));
        }
        return out;
    }

    @Test
    void aResend_isSkippedByTheInsertItself_withNoBatchRefused_evenMixedWithNewRecordsOfTwoProjects() {
        store.write(batch(ALPHA, "r-", 0, 300), RECEIVED);

        assertThat(store.write(batch(ALPHA, "r-", 0, 100), RECEIVED)).containsOnly(Outcome.DUPLICATE);
        List<Scoped> mixed = new java.util.ArrayList<>(batch(ALPHA, "r-", 100, 300));
        mixed.addAll(batch(ALPHA, "new-", 0, 5));
        mixed.addAll(batch(BETA, "r-", 0, 5)); // another project's new records with the same ids
        List<Outcome> outcomes = store.write(mixed, RECEIVED);
        assertThat(outcomes.subList(0, 200)).containsOnly(Outcome.DUPLICATE);
        assertThat(outcomes.subList(200, 210)).containsOnly(Outcome.STORED);
        assertThat(store.write(batch(ALPHA, "r-", 0, 3), RECEIVED)).containsOnly(Outcome.DUPLICATE);

        // before, the first re-sent batch was refused for a duplicate key and run again after a lookup
        assertThat(store.failedAttempts()).as("no statement refused for a duplicate key").isZero();
        assertThat(list(ALPHA, null, 1000, true)).hasSize(305);
        assertThat(list(BETA, null, 1000, true)).hasSize(5);
    }

    /**
     * H2 inserts new records plainly and redoes a batch refused for a stored key as insert-if-absent:
     * a batch mixing re-sent and new records (two projects) still stores each new record once, keeps
     * the first copy of each re-sent one, and leaves nothing of the refused attempt behind.
     */
    @Test
    void aBatchMixingResentAndNewRecords_storesEachNewOneOnce_andKeepsTheFirstCopies() {
        boolean plainFirst = database.vendor() == DatabaseSettings.Vendor.H2;
        store.write(batch(ALPHA, "r-", 0, 100), RECEIVED);

        List<Scoped> mixed = new ArrayList<>();
        for (int i = 50; i < 150; i++) { // 50 re-sent with other values, 50 new
            mixed.add(new Scoped(ALPHA, sample("r-" + i, "api", T0.plusSeconds(i), 1000 + i)));
        }
        mixed.addAll(batch(BETA, "b-", 0, 10));
        List<Outcome> outcomes = store.write(mixed, RECEIVED);

        assertThat(outcomes.subList(0, 50)).containsOnly(Outcome.DUPLICATE);
        assertThat(outcomes.subList(50, 110)).containsOnly(Outcome.STORED);
        assertThat(store.redoneInserts()).isEqualTo(plainFirst ? 1 : 0);
        List<StoredSample> alpha = list(ALPHA, null, 1000, true);
        assertThat(alpha).hasSize(150);
        assertThat(alpha).extracting(s -> s.sample().latencyMs())
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 150)
                        .mapToObj(i -> i < 100 ? (double) i : 1000.0 + i).toList());
        assertThat(list(BETA, null, 1000, true)).hasSize(10);

        // ALPHA is re-sending: its next batch goes straight to insert-if-absent, nothing refused
        List<Outcome> next = store.write(batch(ALPHA, "r-", 140, 160), RECEIVED);
        assertThat(next.subList(0, 10)).containsOnly(Outcome.DUPLICATE);
        assertThat(next.subList(10, 20)).containsOnly(Outcome.STORED);
        assertThat(store.redoneInserts()).isEqualTo(plainFirst ? 1 : 0);
        // a batch of only new records ends the re-send; the next stored key is refused and redone once more
        assertThat(store.write(batch(ALPHA, "r-", 160, 170), RECEIVED)).containsOnly(Outcome.STORED);
        assertThat(store.write(batch(ALPHA, "r-", 165, 175), RECEIVED))
                .containsExactly(Outcome.DUPLICATE, Outcome.DUPLICATE, Outcome.DUPLICATE, Outcome.DUPLICATE,
                        Outcome.DUPLICATE, Outcome.STORED, Outcome.STORED, Outcome.STORED, Outcome.STORED,
                        Outcome.STORED);
        assertThat(store.redoneInserts()).isEqualTo(plainFirst ? 2 : 0);
        assertThat(store.failedAttempts()).isZero();
        assertThat(list(ALPHA, null, 1000, true)).hasSize(175);
    }

    @Test
    void aResentAudit_keepsItsComplianceResultsOnce_andANewOneGetsItsOwn() {
        AuditRecord audit = new AuditRecord("a-1", "run-77", new EntityId("service", "checkout"), "cis-1.8",
                AuditRecord.Status.FAILED, T0, List.of(
                new AuditRecord.ComplianceRecord("5.1.3", AuditRecord.ComplianceStatus.NON_COMPLIANT,
                        AuditRecord.Severity.HIGH, "root login allowed")), "1 of 1 controls failed");
        AuditRecord other = new AuditRecord("a-2", "run-78", new EntityId("service", "checkout"), "cis-1.8",
                AuditRecord.Status.PASSED, T0, List.of(
                new AuditRecord.ComplianceRecord("5.1.3", AuditRecord.ComplianceStatus.COMPLIANT,
                        AuditRecord.Severity.HIGH, "")), "0 of 1 controls failed");
        store.write(List.of(new Scoped(ALPHA, audit)), RECEIVED);

        List<Outcome> again = store.write(List.of(new Scoped(ALPHA, audit), new Scoped(ALPHA, other),
                new Scoped(BETA, audit)), RECEIVED);

        assertThat(again).containsExactly(Outcome.DUPLICATE, Outcome.STORED, Outcome.STORED);
        EntityManager em = database.entityManagerFactory().createEntityManager();
        try {
            assertThat(em.find(AuditEntity.class, new RecordKey("alpha", "a-1")).getResults()).hasSize(1);
            assertThat(em.find(AuditEntity.class, new RecordKey("alpha", "a-2")).getResults())
                    .extracting(ComplianceResultEntity::getStatus).containsExactly("COMPLIANT");
            assertThat(em.find(AuditEntity.class, new RecordKey("beta", "a-1")).getResults()).hasSize(1);
        } finally {
            em.close();
        }
    }

    @Test
    void write_sameIdInTwoProjects_areTwoRecords() {
        List<Outcome> outcomes = store.write(List.of(new Scoped(ALPHA, sample("s-1", "api", T0, 1)),
                new Scoped(BETA, sample("s-1", "api", T0, 2))), RECEIVED);

        assertThat(outcomes).containsExactly(Outcome.STORED, Outcome.STORED);
        assertThat(list(ALPHA, null, 10, true)).extracting(s -> s.sample().latencyMs()).containsExactly(1.0);
        assertThat(list(BETA, null, 10, true)).extracting(s -> s.sample().latencyMs()).containsExactly(2.0);
    }

    @Test
    void write_roundTripsEveryField_includingMissingMeasurementsAndMicroseconds() {
        Instant t = Instant.parse("2026-11-01T10:00:00.123456Z");
        HealthSampleRecord sparse = new HealthSampleRecord("s-1", "db:primary/eu", t, null, 7.25, null, null, null,
                Map.of());
        store.write(List.of(new Scoped(ALPHA, sparse), new Scoped(ALPHA, sample("s-2", "api", t, 3))), RECEIVED);

        List<StoredSample> read = list(ALPHA, "db:primary/eu", 10, true);

        assertThat(read).hasSize(1);
        assertThat(read.get(0).sample()).isEqualTo(sparse);
        assertThat(read.get(0).receivedAt()).isEqualTo(RECEIVED);
        assertThat(list(ALPHA, "api", 10, true).get(0).sample().metrics())
                .containsExactlyInAnyOrderEntriesOf(Map.of("queue_depth", 12.0, "gc.pause_ms", 3.5));
    }

    @Test
    void list_pagesThroughEverySampleOnce_inBothOrders_withTies() {
        List<Scoped> batch = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            // pairs of samples share a timestamp, so the record id must break ties
            batch.add(new Scoped(ALPHA, sample(String.format("s-%02d", i), "api", T0.plusSeconds(i / 2), i)));
        }
        store.write(batch, RECEIVED);
        SampleListing listing = new SampleListing(store);

        for (boolean oldestFirst : new boolean[]{true, false}) {
            List<Double> seen = new ArrayList<>();
            SampleQuery query = new SampleQuery(null, null, null, 7, null, oldestFirst);
            String token = "";
            int pages = 0;
            do {
                SamplePage page = listing.list(ALPHA, query, token, "page_token");
                page.samples().forEach(s -> seen.add(s.sample().latencyMs()));
                token = page.nextToken();
                pages++;
            } while (!token.isEmpty());
            assertThat(pages).isEqualTo(4);
            assertThat(seen).hasSize(25).doesNotHaveDuplicates();
            assertThat(seen).isSortedAccordingTo(oldestFirst ? Double::compare : (a, b) -> Double.compare(b, a));
        }
    }

    @Test
    void list_filtersByServiceAndTimeRange() {
        store.write(List.of(new Scoped(ALPHA, sample("a", "api", T0, 1)),
                new Scoped(ALPHA, sample("b", "api", T0.plusSeconds(60), 2)),
                new Scoped(ALPHA, sample("c", "db", T0.plusSeconds(60), 3)),
                new Scoped(ALPHA, sample("d", "api", T0.plusSeconds(120), 4))), RECEIVED);

        List<StoredSample> read = store.listHealthSamples(ALPHA,
                new SampleQuery("api", T0.plusSeconds(1), T0.plusSeconds(120), 10, null, true));

        assertThat(read).extracting(s -> s.sample().recordId()).containsExactly("b");
    }

    @Test
    void list_aTokenFromOtherFilters_isRefused() {
        store.write(List.of(new Scoped(ALPHA, sample("a", "api", T0, 1)), new Scoped(ALPHA, sample("b", "api", T0, 2))),
                RECEIVED);
        SampleListing listing = new SampleListing(store);
        String token = listing.list(ALPHA, new SampleQuery("api", null, null, 1, null, false), "", "page_token")
                .nextToken();

        assertThatThrownBy(() -> listing.list(ALPHA, new SampleQuery("db", null, null, 1, null, false), token,
                "page_token"))
                .isInstanceOfSatisfying(CommandCenterException.class, e -> assertThat(e.reason()).isEqualTo("INVALID_PAGE_TOKEN"));
    }

    @Test
    void migrations_areAppliedOnce_andReopeningKeepsData() {
        store.write(List.of(new Scoped(ALPHA, sample("a", "api", T0, 1))), RECEIVED);
        assertThat(database.migrationsApplied()).isPositive();
        String version = database.schemaVersion();
        assertThat(version).matches("\\d+");
        database.close();

        database = Database.open(database.settings());
        store = new SqlTelemetryStore(database, java.time.Clock.fixed(RECEIVED, java.time.ZoneOffset.UTC));

        assertThat(database.migrationsApplied()).isZero();
        assertThat(database.schemaVersion()).as("the version the first open migrated to, not null").isEqualTo(version);
        assertThat(list(ALPHA, null, 10, true)).hasSize(1);
    }

    @Test
    void write_whenTheDatabaseIsGone_failsUnavailable_andStoresNothing() {
        database.close();

        assertThatThrownBy(() -> store.write(List.of(new Scoped(ALPHA, sample("a", "api", T0, 1))), RECEIVED))
                .isInstanceOfSatisfying(CommandCenterException.class, e -> assertThat(e.reason()).isEqualTo("STORE_UNAVAILABLE"));

        database = Database.open(database.settings());
        store = new SqlTelemetryStore(database, java.time.Clock.fixed(RECEIVED, java.time.ZoneOffset.UTC));
        assertThat(list(ALPHA, null, 10, true)).isEmpty();
    }

    List<StoredSample> list(ProjectId project, String service, int limit, boolean oldestFirst) {
        return store.listHealthSamples(project, new SampleQuery(service, null, null, limit, null, oldestFirst));
    }
}
