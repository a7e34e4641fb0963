package io.commandcenter.hub.telemetry;

import io.commandcenter.hub.events.EventBus;
import io.commandcenter.hub.events.Payload;
import io.commandcenter.hub.events.TraceContext;
import io.commandcenter.hub.project.ProjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The writer shares batches between projects, not in arrival order: a project that queued a lot
 * (many streams, or a re-send flat out) does not make another project's records wait behind all of
 * it (issue 17, item 4).
 */
class IngestPipelineFairnessTest {
    static final ProjectId A = ProjectId.of("alpha");
    static final ProjectId B = ProjectId.of("beta");
    static final ProjectId C = ProjectId.of("gamma");
    static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");

    /**
     * Holds the first write until the gate opens, and records every batch as it was written; records
     * whose id starts with {@code dup-} are duplicates, the others stored.
     */
    static final class GatedStore implements TelemetryStore {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch gate = new CountDownLatch(1);
        final List<List<Scoped>> batches = new CopyOnWriteArrayList<>();

        @Override
        public List<Outcome> write(List<Scoped> records, Instant receivedAt) {
            entered.countDown();
            try {
                gate.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            batches.add(List.copyOf(records));
            return records.stream().map(r -> r.record().recordId().startsWith("dup-") ? Outcome.DUPLICATE
                    : Outcome.STORED).toList();
        }

        @Override
        public List<StoredSample> listHealthSamples(ProjectId project, SampleQuery query) {
            return List.of();
        }
    }

    final GatedStore store = new GatedStore();
    final Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
    final EventBus bus = new EventBus("hub-test", clock, Runnable::run, 4);
    final IngestPipeline pipeline = new IngestPipeline(store, bus, r -> payload("{}"), clock, 100, 10_000).start();
    final TraceContext trace = TraceContext.newRoot(new Random(1));

    @AfterEach
    void close() {
        store.gate.countDown();
        pipeline.close();
    }

    /** A test payload rendering as {@code json}. */
    static Payload payload(String json) {
        return new Payload() {
            @Override
            public String type() {
                return "test";
            }

            @Override
            public String toJson() {
                return json;
            }
        };
    }

    CompletableFuture<TelemetryStore.Outcome> send(ProjectId project, String id) {
        return pipeline.record(project, new HealthSampleRecord(id, "api", T0, 1.0, 1.0, 0.0, null, null, Map.of()), trace);
    }

    @Test
    void aProjectThatQueuedALot_doesNotHoldAnothersRecordsBehindAllOfIt() throws Exception {
        List<CompletableFuture<TelemetryStore.Outcome>> all = new ArrayList<>();
        all.add(send(A, "a-0"));
        assertThat(store.entered.await(10, TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < 1000; i++) {
            all.add(send(A, String.format("a-%04d", i)));
        }
        for (int i = 0; i < 20; i++) {
            all.add(send(B, String.format("b-%04d", i)));
        }
        store.gate.countDown();
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);

        List<List<TelemetryStore.Scoped>> batches = store.batches;
        // in arrival order B's records would wait behind A's 1,000 (ten batches of 100)
        assertThat(batches.get(1)).as("the first batch after the gate holds all of B's records")
                .filteredOn(s -> s.project().equals(B)).hasSize(20);
        assertThat(batches.get(1)).as("and A gets what B's share leaves").hasSize(100);
        assertThat(batches).allSatisfy(batch -> assertThat(batch).hasSizeLessThanOrEqualTo(100));
        List<String> aOrder = batches.stream().flatMap(List::stream).filter(s -> s.project().equals(A))
                .map(s -> s.record().recordId()).toList();
        assertThat(aOrder).as("each project's records in arrival order").hasSize(1001).isSorted();
    }

    @Test
    void threeProjectsWaiting_getEqualSharesOfEachBatch() throws Exception {
        List<CompletableFuture<TelemetryStore.Outcome>> all = new ArrayList<>();
        all.add(send(C, "c-first"));
        assertThat(store.entered.await(10, TimeUnit.SECONDS)).isTrue();
        for (ProjectId p : List.of(A, B, C)) {
            int count = p.equals(A) ? 600 : 300;
            for (int i = 0; i < count; i++) {
                all.add(send(p, String.format("%s-%04d", p.value(), i)));
            }
        }
        store.gate.countDown();
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);

        for (int b = 1; b <= 3; b++) {
            List<TelemetryStore.Scoped> batch = store.batches.get(b);
            assertThat(batch).hasSize(100);
            for (ProjectId p : List.of(A, B, C)) {
                assertThat(batch.stream().filter(s -> s.project().equals(p)).count())
                        .as("batch %d, project %s", b, p.value()).isBetween(33L, 34L);
            }
        }
        assertThat(store.batches.stream().mapToInt(List::size).sum()).isEqualTo(1201);
    }
}
