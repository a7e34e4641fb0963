package io.commandcenter.hub.telemetry;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.hub.events.EventBus;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The hub-wide bound on records inside the hub ({@code cc.ingest.max-in-flight}): shared per
 * project, then per stream; a stream's share follows the streams open, and nothing is lost when it
 * shrinks.
 */
class InFlightSharesTest {
    static final ProjectId A = ProjectId.of("alpha");
    static final ProjectId B = ProjectId.of("beta");
    static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");

    @Test
    void aStreamGetsItsShareOfTheBound_perProjectFirst_neverMoreThanItsWindow_neverLessThanOne() {
        InFlightShares shares = new InFlightShares(4096);
        shares.open(A);
        assertThat(shares.share(A, 2048)).as("alone: its whole window").isEqualTo(2048);
        for (int i = 1; i < 8; i++) {
            shares.open(A);
        }
        assertThat(shares.share(A, 2048)).as("eight streams of one project").isEqualTo(512);
        shares.open(B);
        assertThat(shares.share(B, 2048)).as("another project's lone stream: half the bound, capped by its window")
                .isEqualTo(2048);
        assertThat(shares.share(A, 2048)).as("the first project's eight share the other half").isEqualTo(256);
        for (int i = 0; i < 8; i++) {
            shares.close(A);
        }
        assertThat(shares.openStreams(A)).isZero();
        assertThat(shares.share(B, 4096)).as("alone again").isEqualTo(4096);

        InFlightShares tiny = new InFlightShares(3);
        for (int i = 0; i < 5; i++) {
            tiny.open(A);
        }
        assertThat(tiny.share(A, 100)).as("a stream always makes progress").isEqualTo(1);
        assertThat(InFlightShares.unbounded().share(A, 2048)).isEqualTo(2048);
        assertThatThrownBy(() -> new InFlightShares(0)).isInstanceOf(IllegalArgumentException.class);
    }

    /** Writes whatever it is given, unless held. */
    static final class HeldStore implements TelemetryStore {
        final List<Scoped> written = new java.util.concurrent.CopyOnWriteArrayList<>();
        final java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);

        @Override
        public List<Outcome> write(List<Scoped> records, Instant receivedAt) {
            try {
                held.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            written.addAll(records);
            return records.stream().map(r -> Outcome.STORED).toList();
        }

        @Override
        public List<StoredSample> listHealthSamples(ProjectId project, SampleQuery query) {
            return List.of();
        }
    }

    /** A transport that counts what the session asked for. */
    static final class Transport implements IngestSession.Listener {
        final AtomicLong asked = new AtomicLong();
        final AtomicLong requests = new AtomicLong();
        final AtomicLong settled = new AtomicLong();
        volatile IngestSummary done;

        @Override
        public void requestMore(int count) {
            asked.addAndGet(count);
            requests.incrementAndGet();
        }

        @Override
        public void settled() {
            settled.incrementAndGet();
        }

        @Override
        public void acknowledged(IngestSummary progress) {
        }

        @Override
        public void completed(IngestSummary summary) {
            done = summary;
        }

        @Override
        public void failed(CommandCenterException error) {
        }
    }

    final HeldStore store = new HeldStore();
    final Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
    final EventBus bus = new EventBus("hub-test", clock, Runnable::run, 4);
    final IngestPipeline pipeline = new IngestPipeline(store, bus, r -> IngestPipelineFairnessTest.payload("{}"), clock,
            100, 10_000, new InFlightShares(400)).start();
    final TraceContext trace = TraceContext.newRoot(new Random(1));

    @AfterEach
    void close() {
        store.held.countDown();
        pipeline.close();
    }

    static TelemetryRecord sample(String id) {
        return new HealthSampleRecord(id, "api", T0, 1.0, 1.0, 0.0, null, null, Map.of());
    }

    @Test
    void aStreamWhoseShareShrank_asksForNothingMoreUntilItsRecordsSettleBelowIt_andLosesNothing() {
        Transport firstTransport = new Transport();
        IngestSession first = new IngestSession(A, trace, pipeline, firstTransport, true, 300);
        first.start();
        assertThat(firstTransport.asked.get()).as("alone: its window, within the bound of 400").isEqualTo(300);
        // the client sends all it was allowed to; the store holds the writer
        for (int i = 0; i < 300; i++) {
            first.onRecord(sample("first-" + i));
        }
        List<Transport> others = new ArrayList<>();
        List<IngestSession> sessions = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
            Transport t = new Transport();
            IngestSession session = new IngestSession(A, trace, pipeline, t, true, 300);
            session.start();
            others.add(t);
            sessions.add(session);
        }
        // each asked for its share as it opened: 400 / 2, / 3, / 4
        assertThat(others.stream().map(t -> t.asked.get()).toList()).containsExactly(200L, 133L, 100L);
        assertThat(firstTransport.asked.get()).as("the first asked for nothing more").isEqualTo(300);

        // its records settle: it asks for more only once it holds fewer than its new share (100)
        store.held.countDown();
        await().atMost(10, TimeUnit.SECONDS).until(() -> store.written.size() == 300);
        await().atMost(5, TimeUnit.SECONDS).until(() -> firstTransport.asked.get() == 400);
        for (int i = 300; i < 400; i++) {
            first.onRecord(sample("first-" + i));
        }
        first.onHalfClose();
        // each sends what it was allowed when it opened (a share that grows meanwhile is not used)
        long[] allowed = others.stream().mapToLong(t -> t.asked.get()).toArray();
        for (int s = 0; s < 3; s++) {
            for (int i = 0; i < allowed[s]; i++) {
                sessions.get(s).onRecord(sample("other-" + s + "-" + i));
            }
            sessions.get(s).onHalfClose();
        }
        await().atMost(10, TimeUnit.SECONDS).until(() -> firstTransport.done != null
                && others.stream().allMatch(t -> t.done != null));
        assertThat(firstTransport.done.accepted()).isEqualTo(400);
        assertThat(others.stream().map(t -> t.done.accepted()).toList()).containsExactly(200L, 133L, 100L);
        assertThat(store.written).hasSize(833);
        assertThat(store.written.stream().map(s -> s.record().recordId()).distinct().count()).isEqualTo(833);
        assertThat(pipeline.shares().openStreams(A)).as("ended streams leave the shares").isZero();
    }

    @Test
    void aCancelledOrFailedStream_leavesTheShares() {
        IngestSession cancelled = new IngestSession(A, trace, pipeline, new Transport(), true, 300);
        IngestSession failed = new IngestSession(A, trace, pipeline, new Transport(), true, 300);
        cancelled.start();
        failed.start();
        assertThat(pipeline.shares().openStreams(A)).isEqualTo(2);
        cancelled.onCancel();
        cancelled.onCancel();
        failed.fail(CommandCenterException.unavailable("STORE_UNAVAILABLE", "down", null));
        failed.onCancel();
        assertThat(pipeline.shares().openStreams(A)).isZero();
    }

    @Test
    void aStreamAboveItsShrunkShare_asksForNothing_butIsHeardAsActiveEachTimeItsRecordsCommit() {
        // the transport's idle clock must not run while the stream's records are being written,
        // even when their commits ask the client for nothing more
        Transport t = new Transport();
        IngestSession first = new IngestSession(A, trace, pipeline, t, true, 300);
        first.start();
        for (int i = 0; i < 300; i++) {
            first.onRecord(sample("first-" + i));
        }
        for (int s = 0; s < 3; s++) {
            new IngestSession(A, trace, pipeline, new Transport(), true, 300).start();
        }
        store.held.countDown();
        await().atMost(10, TimeUnit.SECONDS).until(() -> store.written.size() == 300 && t.asked.get() == 400);
        // its first commit (at most 100 of its 300 records) left it above its share of 100: nothing was asked
        assertThat(t.settled.get()).as("every commit is heard, also those that asked for nothing")
                .isGreaterThan(t.requests.get() - 1);
    }
}
