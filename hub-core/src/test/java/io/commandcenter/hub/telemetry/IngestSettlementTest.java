package io.commandcenter.hub.telemetry;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.FieldViolation;
import io.commandcenter.hub.events.Event;
import io.commandcenter.hub.events.EventBus;
import io.commandcenter.hub.events.EventSink;
import io.commandcenter.hub.events.SubjectPattern;
import io.commandcenter.hub.events.TraceContext;
import io.commandcenter.hub.project.ProjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What a committed batch settles: each stream's records once, in order, counted as stored or
 * duplicate; each stored record published (and only those), before its stream hears the
 * acknowledgement. The writer settles a stream once a batch and publishes a batch at once.
 */
class IngestSettlementTest {
    static final ProjectId A = ProjectId.of("alpha");
    static final Instant T0 = Instant.parse("2026-12-07T03:00:00Z");

    /** What happened, in the order it happened: "event <id>" on the bus, "ack <stream> <through>" to a stream. */
    final List<String> log = new CopyOnWriteArrayList<>();
    final IngestPipelineFairnessTest.GatedStore store = new IngestPipelineFairnessTest.GatedStore();
    final Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
    final EventBus bus = new EventBus("hub-test", clock, Runnable::run, 4);
    final IngestPipeline pipeline = new IngestPipeline(store, bus, r -> IngestPipelineFairnessTest.payload(r.recordId()),
            clock, 1000, 10_000).start();
    final TraceContext trace = TraceContext.newRoot(new Random(1));

    IngestSettlementTest() {
        bus.subscribeEveryProject(SubjectPattern.parse("hub.health"), 10_000, new EventSink() {
            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void deliver(Event event) {
                log.add("event " + event.payload().toJson());
            }

            @Override
            public void dropped(long count, long total, Instant since) {
                log.add("dropped " + count);
            }

            @Override
            public void closed() {
            }
        }, Runnable::run);
    }

    @AfterEach
    void close() {
        store.gate.countDown();
        pipeline.close();
    }

    /** A stream's listener: logs acknowledgements, keeps the last summary. */
    final class Stream implements IngestSession.Listener {
        final String name;
        final CompletableFuture<IngestSummary> done = new CompletableFuture<>();
        final List<IngestSummary> acks = new CopyOnWriteArrayList<>();
        volatile IngestSummary last;
        /** Whether the transport takes answers. */
        volatile boolean ready = true;

        Stream(String name) {
            this.name = name;
        }

        @Override
        public void requestMore(int count) {
        }

        @Override
        public boolean isReady() {
            return ready;
        }

        @Override
        public void acknowledged(IngestSummary progress) {
            acks.add(progress);
            last = progress;
            log.add("ack " + name + " " + progress.settledThrough());
        }

        @Override
        public void completed(IngestSummary summary) {
            done.complete(summary);
        }

        @Override
        public void failed(CommandCenterException error) {
            done.completeExceptionally(error);
        }
    }

    static HealthSampleRecord sample(String id) {
        return new HealthSampleRecord(id, "api", T0, 1.0, 1.0, 0.0, null, null, Map.of());
    }

    @Test
    void aBatchOfTwoStreams_settlesEachInOrder_countsStoredAndDuplicates_publishesOnlyStored_beforeTheAck()
            throws Exception {
        // hold the writer on a record of the hub's own, so both streams' records land in one batch
        CompletableFuture<TelemetryStore.Outcome> first = pipeline.record(A, sample("own-0"), trace);
        assertThat(store.entered.await(10, TimeUnit.SECONDS)).isTrue();
        Stream s1 = new Stream("s1");
        Stream s2 = new Stream("s2");
        IngestSession one = new IngestSession(A, trace, pipeline, s1, true, 100);
        IngestSession two = new IngestSession(A, trace, pipeline, s2, true, 100);
        one.start();
        two.start();
        for (int i = 0; i < 6; i++) {
            one.onRecord(sample((i % 3 == 2 ? "dup-" : "one-") + i));
            two.onRecord(sample((i % 2 == 1 ? "dup-" : "two-") + i));
            if (i == 3) {
                // a refused record takes a position of the stream and settles at once
                one.onRejected("bad", List.of(new FieldViolation("health_sample.cpu", "OUT_OF_RANGE", "cpu > 1")));
            }
        }
        CompletableFuture<TelemetryStore.Outcome> own = pipeline.record(A, sample("dup-own"), trace);
        one.onHalfClose();
        two.onHalfClose();
        store.gate.countDown();

        IngestSummary oneDone = s1.done.get(10, TimeUnit.SECONDS);
        IngestSummary twoDone = s2.done.get(10, TimeUnit.SECONDS);
        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(TelemetryStore.Outcome.STORED);
        assertThat(own.get(10, TimeUnit.SECONDS)).isEqualTo(TelemetryStore.Outcome.DUPLICATE);
        assertThat(store.batches).as("the hub's own record, then both streams in one batch").map(List::size)
                .containsExactly(1, 13);
        assertThat(oneDone.received()).isEqualTo(7);
        assertThat(oneDone.accepted()).isEqualTo(4);
        assertThat(oneDone.duplicates()).isEqualTo(2);
        assertThat(oneDone.rejected()).isEqualTo(1);
        assertThat(oneDone.settledThrough()).isEqualTo(6);
        assertThat(twoDone.received()).isEqualTo(6);
        assertThat(twoDone.accepted()).isEqualTo(3);
        assertThat(twoDone.duplicates()).isEqualTo(3);
        assertThat(twoDone.settledThrough()).isEqualTo(5);
        assertThat(pipeline.storedCount()).isEqualTo(8);
        assertThat(pipeline.duplicateCount()).isEqualTo(6);

        List<String> events = log.stream().filter(l -> l.startsWith("event ")).toList();
        assertThat(events).as("only stored records are published, in the batch's order").containsExactly(
                "event own-0", "event one-0", "event two-0", "event one-1", "event two-2", "event one-3",
                "event one-4", "event two-4");
        int lastEvent = log.indexOf("event two-4");
        assertThat(log.indexOf("ack s1 6")).as("the stream hears of its batch after its events").isGreaterThan(lastEvent);
        assertThat(log.indexOf("ack s2 5")).isGreaterThan(lastEvent);
    }

    @Test
    void whileTheTransportTakesNoAnswers_theAcksOfARunOfRecordsMergeIntoOne_sentWhenItDoes() {
        Stream s = new Stream("s");
        IngestSession session = new IngestSession(A, trace, pipeline, s, true, 100);
        session.start();
        s.ready = false;
        for (int i = 0; i < 5; i++) {
            session.onRejected("bad-" + i, List.of(new FieldViolation("health_sample.cpu", "OUT_OF_RANGE", "cpu > 1")));
        }
        assertThat(s.acks).as("nothing is queued for a client that reads nothing").isEmpty();

        s.ready = true;
        session.onReady();
        assertThat(s.acks).as("one ack for the run").hasSize(1);
        IngestSummary ack = s.acks.get(0);
        assertThat(ack.settledThrough()).isEqualTo(4);
        assertThat(ack.rejected()).isEqualTo(5);
        assertThat(ack.rejections()).extracting(Rejection::index).containsExactly(0L, 1L, 2L, 3L, 4L);

        session.onReady();
        assertThat(s.acks).as("nothing new: no ack").hasSize(1);
    }

    @Test
    void aHeldAckIsSentAtItsRejectionCap_andBeforeTheStreamEnds_whetherOrNotTheClientReads() throws Exception {
        // hold the writer, so the stream's valid records wait unsettled
        pipeline.record(A, sample("own-0"), trace);
        assertThat(store.entered.await(10, TimeUnit.SECONDS)).isTrue();
        Stream s = new Stream("s");
        IngestSession session = new IngestSession(A, trace, pipeline, s, true, 1000);
        session.start();
        s.ready = false;
        session.onRecord(sample("one-0"));
        int bad = 2 * IngestSession.MAX_HELD_REJECTIONS + 50;
        for (int i = 0; i < bad; i++) {
            session.onRejected("bad-" + i, List.of(new FieldViolation("health_sample.cpu", "OUT_OF_RANGE", "cpu > 1")));
        }
        session.onRecord(sample("one-1"));
        assertThat(s.acks).as("an ack never holds more than the cap").hasSize(2)
                .allSatisfy(a -> assertThat(a.rejections()).hasSize(IngestSession.MAX_HELD_REJECTIONS))
                .allSatisfy(a -> assertThat(a.settledThrough()).as("record 0 is not settled yet").isEqualTo(-1));

        session.onHalfClose();
        store.gate.countDown();
        IngestSummary done = s.done.get(10, TimeUnit.SECONDS);
        assertThat(s.acks).as("the commit and the rest of the rejections in one last ack, before the end").hasSize(3);
        IngestSummary last = s.acks.get(2);
        assertThat(last.settledThrough()).isEqualTo(bad + 1);
        assertThat(last.accepted()).isEqualTo(2);
        assertThat(last.rejected()).isEqualTo(bad);
        assertThat(last.rejections()).hasSize(50);
        assertThat(s.acks).flatMap(IngestSummary::rejections).extracting(Rejection::index).doesNotHaveDuplicates()
                .hasSize(bad);
        assertThat(done.settledThrough()).isEqualTo(bad + 1);
    }

    /**
     * The cap is a bound on every ack: 99 held rejections and then a record with 10 violations are two acks of 100 and
     * 9, in stream order, with the same counts; the old session sent one ack of 109 (a record can have some 75).
     */
    @Test
    void noAckCarriesMoreThanTheCap_aRecordsManyViolationsAreSplitInStreamOrder() {
        Stream s = new Stream("s");
        IngestSession session = new IngestSession(A, trace, pipeline, s, true, 1000);
        session.start();
        s.ready = false;
        int held = IngestSession.MAX_HELD_REJECTIONS - 1;
        for (int i = 0; i < held; i++) {
            session.onRejected("bad-" + i, List.of(new FieldViolation("health_sample.cpu", "OUT_OF_RANGE", "cpu > 1")));
        }
        List<FieldViolation> many = new java.util.ArrayList<>();
        for (int m = 0; m < 10; m++) {
            many.add(new FieldViolation("health_sample.metrics[m" + m + "]", "NOT_FINITE", "metric m" + m + " is NaN"));
        }
        session.onRejected("many", many);

        assertThat(s.acks).as("the cap reached: sent though the client does not read").hasSize(2);
        assertThat(s.acks.get(0).rejections()).hasSize(IngestSession.MAX_HELD_REJECTIONS);
        assertThat(s.acks.get(1).rejections()).hasSize(held + 10 - IngestSession.MAX_HELD_REJECTIONS);
        assertThat(s.acks).allSatisfy(a -> {
            assertThat(a.settledThrough()).isEqualTo(held);
            assertThat(a.rejected()).isEqualTo(held + 1);
        });
        assertThat(s.acks).flatMap(IngestSummary::rejections).extracting(Rejection::field)
                .endsWith("health_sample.metrics[m0]", "health_sample.metrics[m1]", "health_sample.metrics[m2]",
                        "health_sample.metrics[m3]", "health_sample.metrics[m4]", "health_sample.metrics[m5]",
                        "health_sample.metrics[m6]", "health_sample.metrics[m7]", "health_sample.metrics[m8]",
                        "health_sample.metrics[m9]")
                .hasSize(held + 10);
    }

    @Test
    void settlingRecordsAStreamDoesNotHoldInThatOrder_isRefused() {
        Stream s = new Stream("s");
        IngestSession session = new IngestSession(A, trace, new IngestPipeline(store, bus, r -> null, clock, 10, 10),
                s, true, 10);
        session.start();
        session.onRecord(sample("one-0"));
        session.onRecord(sample("one-1"));
        session.onRecord(sample("one-2"));

        assertThatThrownBy(() -> session.settled(2, 2, 2)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("out of order");
        assertThatThrownBy(() -> session.settled(5, 5, 4)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("outstanding");
    }
}
