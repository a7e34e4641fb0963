package io.commandcenter.hub.events.grpc;

import io.commandcenter.hub.testing.GrpcFixture;
import io.commandcenter.hub.testing.Ingest;
import io.commandcenter.hub.testing.MemoryTelemetryStore;
import io.commandcenter.proto.v1.IngestRequest;
import io.commandcenter.proto.v1.IngestResponse;
import io.commandcenter.proto.v1.SubscribeRequest;
import io.commandcenter.proto.v1.SubscribeResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.commandcenter.hub.testing.Records.request;
import static io.commandcenter.hub.testing.Records.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventGrpcServiceTest {
    static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    final MemoryTelemetryStore store = new MemoryTelemetryStore();
    final GrpcFixture grpc = new GrpcFixture(store, CLOCK, 64, 8, 8, 3);

    @AfterEach
    void close() throws InterruptedException {
        grpc.close();
    }

    IngestResponse ingest(String project, int n, String service) {
        List<IngestRequest> requests = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            requests.add(request(sample(service + "-" + i, service, NOW.minusSeconds(n - i), i)));
        }
        return Ingest.call(grpc.telemetryAsync(project), requests).join();
    }

    /** A subscriber reading at its own pace: it asks for one message at a time. */
    static final class Subscriber implements ClientResponseObserver<SubscribeRequest, SubscribeResponse> {
        final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
        final boolean manual;
        ClientCallStreamObserver<SubscribeRequest> call;

        Subscriber(boolean manual) {
            this.manual = manual;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<SubscribeRequest> call) {
            this.call = call;
            if (manual) {
                call.disableAutoRequestWithInitial(1);
            }
        }

        @Override
        public void onNext(SubscribeResponse value) {
            messages.add(value);
        }

        @Override
        public void onError(Throwable t) {
            messages.add(t);
        }

        @Override
        public void onCompleted() {
            messages.add("completed");
        }

        SubscribeResponse next() throws InterruptedException {
            if (manual) {
                call.request(1);
            }
            return take();
        }

        SubscribeResponse take() throws InterruptedException {
            Object message = messages.poll(10, TimeUnit.SECONDS);
            assertThat(message).as("a message within 10 s").isInstanceOf(SubscribeResponse.class);
            return (SubscribeResponse) message;
        }
    }

    Subscriber subscribe(String project, String pattern) throws InterruptedException {
        return subscribe(project, pattern, true);
    }

    Subscriber subscribe(String project, String pattern, boolean manual) throws InterruptedException {
        Subscriber subscriber = new Subscriber(manual);
        grpc.eventsAsync(project).subscribe(SubscribeRequest.newBuilder().setPattern(pattern).build(), subscriber);
        SubscribeResponse started = subscriber.take();
        assertThat(started.hasStarted()).isTrue();
        assertThat(started.getStarted().getProjectId()).isEqualTo(project);
        return subscriber;
    }

    @Test
    void subscribe_startsWithStarted_thenStreamsStoredRecordsAsEvents() throws Exception {
        Subscriber subscriber = subscribe("alpha", "hub.health.*");

        ingest("alpha", 3, "api");

        List<String> subjects = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            SubscribeResponse response = subscriber.next();
            assertThat(response.hasEvent()).isTrue();
            subjects.add(response.getEvent().getSubject());
            assertThat(response.getEvent().getPayloadType()).isEqualTo("commandcenter.v1.HealthSample");
            assertThat(response.getEvent().getPayload().getFieldsOrThrow("recordId").getStringValue())
                    .isEqualTo("api-" + i);
            assertThat(response.getEvent().getProjectId()).isEqualTo("alpha");
            assertThat(response.getEvent().getTrace().getTraceparent()).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
        }
        assertThat(subjects).containsOnly("hub.health.api");
    }

    @Test
    void subscribe_seesOnlyItsOwnProjectsEvents() throws Exception {
        Subscriber beta = subscribe("beta", "*");

        ingest("alpha", 2, "api");
        ingest("beta", 1, "db");

        SubscribeResponse first = beta.next();
        assertThat(first.getEvent().getSubject()).isEqualTo("hub.health.db");
        assertThat(first.getEvent().getProjectId()).isEqualTo("beta");
    }

    @Test
    void aSubscriberThatStopsReading_isToldWhatItMissed_andSlowsNobody() throws Exception {
        Subscriber slow = subscribe("alpha", "hub.health", true);
        Subscriber fast = subscribe("alpha", "hub.health", false);

        // the buffer is 8 events per subscriber: 5 bursts of 8, which `fast` keeps up with and `slow` does not read
        List<String> fastIds = new ArrayList<>();
        for (int burst = 0; burst < 5; burst++) {
            IngestResponse response = ingest("alpha", 8, "api" + burst);
            assertThat(response.getAccepted()).isEqualTo(8);
            for (int i = 0; i < 8; i++) {
                SubscribeResponse message = fast.next();
                assertThat(message.hasEvent()).as("the fast subscriber loses nothing").isTrue();
                fastIds.add(message.getEvent().getPayload().getFieldsOrThrow("recordId").getStringValue());
            }
        }

        assertThat(fastIds).hasSize(40).doesNotHaveDuplicates();
        long delivered = 0;
        long dropped = 0;
        List<String> slowIds = new ArrayList<>();
        while (delivered + dropped < 40) {
            SubscribeResponse message = slow.next();
            if (message.hasDropped()) {
                dropped += message.getDropped().getCount();
                assertThat(message.getDropped().getTotal()).isEqualTo(dropped);
            } else {
                delivered++;
                slowIds.add(message.getEvent().getPayload().getFieldsOrThrow("recordId").getStringValue());
            }
        }
        assertThat(dropped).isPositive();
        // what the slow subscriber kept are the newest events, in order
        assertThat(slowIds).isSubsetOf(fastIds).contains("api4-7");
        assertThat(fastIds.subList(40 - slowIds.size(), 40)).containsAll(slowIds.subList(slowIds.size() - 8, slowIds.size()));
    }

    @Test
    void subscribe_withMaxBatch_getsEveryEventInBatches_inOrder_andStillHearsOfDrops() throws Exception {
        Subscriber subscriber = new Subscriber(true);
        grpc.eventsAsync("alpha").subscribe(SubscribeRequest.newBuilder().setPattern("hub.health").setMaxBatch(5).build(),
                subscriber);
        assertThat(subscriber.take().hasStarted()).isTrue();

        // 3 bursts of 8 (the buffer) while the subscriber reads nothing: the later bursts push the older events out
        for (int burst = 0; burst < 3; burst++) {
            assertThat(ingest("alpha", 8, "api" + burst).getAccepted()).isEqualTo(8);
        }
        List<String> ids = new ArrayList<>();
        long dropped = 0;
        int messages = 0;
        while (ids.size() + dropped < 24) {
            SubscribeResponse message = subscriber.next();
            messages++;
            assertThat(message.hasEvent()).as("a batching subscriber gets events only in batches").isFalse();
            if (message.hasDropped()) {
                dropped += message.getDropped().getCount();
                assertThat(message.getDropped().getTotal()).isEqualTo(dropped);
            } else {
                assertThat(message.getEvents().getEventsCount()).isBetween(1, 5);
                message.getEvents().getEventsList().forEach(
                        e -> ids.add(e.getPayload().getFieldsOrThrow("recordId").getStringValue()));
            }
        }
        assertThat(dropped).isPositive();
        assertThat(messages).as("fewer messages than events").isLessThan(ids.size());
        // the newest events, in publication order
        assertThat(ids).endsWith("api2-5", "api2-6", "api2-7").doesNotHaveDuplicates();

        // one event alone still comes as a batch of one
        ingest("alpha", 1, "web");
        SubscribeResponse single = subscriber.next();
        assertThat(single.getEvents().getEventsList()).singleElement()
                .satisfies(e -> assertThat(e.getSubject()).isEqualTo("hub.health.web"));
    }

    @Test
    void aBatchOfLargeEvents_isSplitIntoMessagesOfAboutOneMebibyte_losingNone() throws Exception {
        GrpcFixture roomy = new GrpcFixture(new MemoryTelemetryStore(), CLOCK, 64, 8, 2048, 3);
        try {
            Subscriber subscriber = new Subscriber(true);
            roomy.eventsAsync("alpha").subscribe(SubscribeRequest.newBuilder().setPattern("hub.health").setMaxBatch(1000)
                    .build(), subscriber);
            assertThat(subscriber.take().hasStarted()).isTrue();
            // 1000 samples of 64 long-named metrics (about 3.5 KiB an event) wait while the subscriber reads nothing
            List<IngestRequest> requests = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                var sample = sample("big-" + i, "api", NOW.minusSeconds(1000 - i), i);
                for (int m = 0; m < 64; m++) {
                    sample.putMetrics("a_rather_long_metric_name_to_fill_the_event_" + m, m + i / 1000.0);
                }
                requests.add(request(sample));
            }
            assertThat(Ingest.call(roomy.telemetryAsync("alpha"), requests).join().getAccepted()).isEqualTo(1000);

            List<String> ids = new ArrayList<>();
            int messages = 0;
            while (ids.size() < 1000) {
                SubscribeResponse message = subscriber.next();
                messages++;
                assertThat(message.hasEvents()).as("no drops: the buffer holds all").isTrue();
                assertThat(message.getSerializedSize()).isLessThanOrEqualTo((1 << 20) + 16 * 1024);
                message.getEvents().getEventsList().forEach(
                        e -> ids.add(e.getPayload().getFieldsOrThrow("recordId").getStringValue()));
            }
            assertThat(messages).as("3.5 MB of events in messages of at most 1 MiB").isGreaterThanOrEqualTo(4);
            assertThat(ids).containsExactlyElementsOf(java.util.stream.IntStream.range(0, 1000)
                    .mapToObj(i -> "big-" + i).toList());
        } finally {
            roomy.close();
        }
    }

    @Test
    void subscribe_withMaxBatchOutOfRange_isInvalidArgument_namingTheField() {
        for (int bad : new int[] {-1, 1001}) {
            var stream = grpc.events("alpha").subscribe(SubscribeRequest.newBuilder().setPattern("*").setMaxBatch(bad).build());

            assertThatThrownBy(stream::next).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                com.google.rpc.Status status = io.grpc.protobuf.StatusProto.fromThrowable(e);
                assertThat(status).as("rich status").isNotNull();
                assertThat(status.getDetailsList()).filteredOn(a -> a.is(com.google.rpc.BadRequest.class))
                        .singleElement().satisfies(a -> assertThat(a.unpack(com.google.rpc.BadRequest.class)
                                .getFieldViolationsList()).extracting(com.google.rpc.BadRequest.FieldViolation::getField)
                                .containsExactly("max_batch"));
            });
        }
        assertThat(grpc.bus.subscriberCount()).as("nothing registered").isZero();
    }

    @Test
    void subscribe_toSeveralPatterns_getsWhatAnyOfThemMatches_only() throws Exception {
        Subscriber subscriber = subscribe("alpha", "hub.health.db,hub.health.api");

        ingest("alpha", 1, "web");
        ingest("alpha", 1, "api");
        ingest("alpha", 1, "db");

        List<String> subjects = List.of(subscriber.next().getEvent().getSubject(), subscriber.next().getEvent().getSubject());
        assertThat(subjects).containsExactly("hub.health.api", "hub.health.db");
    }

    @Test
    void subscribe_withAnEmptyAlternative_isInvalidArgument_namingThePattern() {
        var stream = grpc.events("alpha").subscribe(SubscribeRequest.newBuilder().setPattern("approval,,task").build());

        assertThatThrownBy(stream::next).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(e.getStatus().getDescription()).contains("empty alternative");
        });
    }

    @Test
    void subscribe_withABadPattern_isInvalidArgument() {
        var stream = grpc.events("alpha").subscribe(SubscribeRequest.newBuilder().setPattern("hub..health").build());

        assertThatThrownBy(stream::next).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    }

    @Test
    void subscribe_beyondTheLimit_isResourceExhausted() throws Exception {
        for (int i = 0; i < 3; i++) {
            subscribe("alpha", "*");
        }

        var stream = grpc.events("alpha").subscribe(SubscribeRequest.newBuilder().setPattern("*").build());

        assertThatThrownBy(stream::next).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
    }

    @Test
    void cancellingASubscription_freesItsSlot() throws Exception {
        Subscriber subscriber = subscribe("alpha", "*");
        assertThat(grpc.bus.subscriberCount()).isEqualTo(1);

        subscriber.call.cancel("done", null);

        org.awaitility.Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> grpc.bus.subscriberCount() == 0);
    }
}
