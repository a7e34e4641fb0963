package io.commandcenter.hub.transport;

import com.google.protobuf.Timestamp;
import com.google.rpc.ErrorInfo;
import io.commandcenter.hub.runtime.Hub;
import io.commandcenter.hub.runtime.HubSettings;
import io.commandcenter.hub.runtime.StreamLimits;
import io.commandcenter.hub.testing.Credentials;
import io.commandcenter.proto.v1.EventServiceGrpc;
import io.commandcenter.proto.v1.HealthSample;
import io.commandcenter.proto.v1.IngestStreamRequest;
import io.commandcenter.proto.v1.IngestStreamResponse;
import io.commandcenter.proto.v1.ListHealthSamplesRequest;
import io.commandcenter.proto.v1.SubscribeRequest;
import io.commandcenter.proto.v1.SubscribeResponse;
import io.commandcenter.proto.v1.TelemetryRecord;
import io.commandcenter.proto.v1.TelemetryServiceGrpc;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 17 item 7 on an assembled hub over gRPC: one project holding as many event subscriptions or
 * ingest streams as the hub lets it has its share, not the hub — another project still gets its
 * own; an ingest stream nobody sends on is closed after the idle timeout and its slot freed.
 * (Before: one project could take all 256 subscriptions or 64 streams, and an idle stream stayed
 * open for as long as its client kept the connection.)
 */
class ProjectSharesHubTest {
    @TempDir
    Path dir;
    Hub hub;
    ManagedChannel channel;
    final List<Context.CancellableContext> calls = new ArrayList<>();

    void start(HubSettings settings) {
        hub = Hub.start(settings, Clock.systemUTC());
        channel = NettyChannelBuilder.forAddress("localhost", hub.grpcPort()).usePlaintext().build();
    }

    @AfterEach
    void stop() {
        calls.forEach(c -> c.cancel(null));
        channel.shutdownNow();
        hub.close();
    }

    Metadata admin(String project) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
                "Bearer " + Credentials.adminToken(hub));
        headers.put(Metadata.Key.of("x-cc-project", Metadata.ASCII_STRING_MARSHALLER), project);
        return headers;
    }

    /** Opens a subscription in {@code project}: completes with null once it started, or with the refusal. */
    CompletableFuture<StatusRuntimeException> subscribe(String project) {
        CompletableFuture<StatusRuntimeException> started = new CompletableFuture<>();
        Context.CancellableContext context = Context.current().withCancellation();
        calls.add(context);
        context.run(() -> EventServiceGrpc.newStub(channel).withInterceptors(MetadataUtils
                .newAttachHeadersInterceptor(admin(project))).subscribe(SubscribeRequest.newBuilder()
                .setPattern("hub.health.*").build(), new StreamObserver<>() {
                    @Override
                    public void onNext(SubscribeResponse value) {
                        started.complete(null);
                    }

                    @Override
                    public void onError(Throwable t) {
                        started.complete((StatusRuntimeException) t);
                    }

                    @Override
                    public void onCompleted() {
                    }
                }));
        return started;
    }

    /** An open IngestStream of {@code project}: its first answer (an ack, or the error that ended it). */
    record Stream(StreamObserver<IngestStreamRequest> requests, CompletableFuture<IngestStreamResponse> firstAck,
                  CompletableFuture<StatusRuntimeException> ended) {
    }

    /** Opens an IngestStream in {@code project} and sends one sample. */
    Stream ingestStream(String project, String recordId) {
        CompletableFuture<IngestStreamResponse> ack = new CompletableFuture<>();
        CompletableFuture<StatusRuntimeException> ended = new CompletableFuture<>();
        Context.CancellableContext context = Context.current().withCancellation();
        calls.add(context);
        Context previous = context.attach();
        StreamObserver<IngestStreamRequest> requests;
        try {
            requests = TelemetryServiceGrpc.newStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(admin(project)))
                .ingestStream(new StreamObserver<>() {
                    @Override
                    public void onNext(IngestStreamResponse value) {
                        ack.complete(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        ended.complete((StatusRuntimeException) t);
                        ack.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        ended.complete(null);
                    }
                });
        } finally {
            context.detach(previous);
        }
        requests.onNext(IngestStreamRequest.newBuilder().setRecord(TelemetryRecord.newBuilder().setHealthSample(
                HealthSample.newBuilder().setRecordId(recordId).setService("api").setLatencyMs(10).setTime(
                        Timestamp.newBuilder().setSeconds(Instant.now().getEpochSecond() - 10)))).build());
        return new Stream(requests, ack, ended);
    }

    static String reason(StatusRuntimeException e) throws Exception {
        return StatusProto.fromThrowable(e).getDetailsList().stream().filter(a -> a.is(ErrorInfo.class)).findFirst()
                .orElseThrow().unpack(ErrorInfo.class).getReason();
    }

    @Test
    void aProjectTakingEverySubscriptionItCan_holdsItsShare_andAnotherProjectStillSubscribes() throws Exception {
        start(HubSettings.defaults(dir, 0));
        int opened = 0;
        StatusRuntimeException refusal = null;
        while (refusal == null && opened < 300) {
            refusal = subscribe("greedy").get(10, TimeUnit.SECONDS);
            if (refusal == null) {
                opened++;
            }
        }

        assertThat(opened).as("the share of one project: a quarter of the hub's 256").isEqualTo(64);
        assertThat(refusal.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(reason(refusal)).isEqualTo("TOO_MANY_SUBSCRIBERS_IN_PROJECT");
        assertThat(refusal.getStatus().getDescription()).contains("greedy").contains("64");
        for (int i = 0; i < 64; i++) {
            assertThat(subscribe("modest").get(10, TimeUnit.SECONDS)).as("modest's subscription %d", i).isNull();
        }
        assertThat(hub.bus().subscriberCount()).isEqualTo(128);

        calls.get(0).cancel(null);
        await().atMost(10, TimeUnit.SECONDS).until(() -> hub.bus().subscriberCount() == 127);
        assertThat(subscribe("greedy").get(10, TimeUnit.SECONDS)).as("a slot given back is the project's again")
                .isNull();
    }

    @Test
    void aProjectHoldingEveryIngestStreamItCan_holdsItsShare_andAnotherProjectStillIngests() throws Exception {
        start(HubSettings.defaults(dir, 0));
        List<Stream> greedy = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            Stream s = ingestStream("greedy", "g-" + i);
            assertThat(s.firstAck().get(10, TimeUnit.SECONDS).getAccepted()).isEqualTo(1);
            greedy.add(s);
        }

        StatusRuntimeException refusal = ingestStream("greedy", "g-16").ended().get(10, TimeUnit.SECONDS);

        assertThat(refusal.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(reason(refusal)).isEqualTo("TOO_MANY_STREAMS_IN_PROJECT");
        for (int i = 0; i < 16; i++) {
            assertThat(ingestStream("modest", "m-" + i).firstAck().get(10, TimeUnit.SECONDS).getAccepted())
                    .as("modest's stream %d", i).isEqualTo(1);
        }
        greedy.get(0).requests().onCompleted();
        assertThat(greedy.get(0).ended().get(10, TimeUnit.SECONDS)).isNull();
        assertThat(ingestStream("greedy", "g-again").firstAck().get(10, TimeUnit.SECONDS).getAccepted())
                .as("a stream closed gives its slot back").isEqualTo(1);
    }

    @Test
    void anIngestStreamNobodySendsOn_isClosedAfterTheIdleTimeout_itsRecordsKept_andItsSlotFreed() throws Exception {
        start(HubSettings.defaults(dir, 0).withLimits(new StreamLimits(64, 1, Duration.ofSeconds(1),
                Duration.ofSeconds(1))));
        Stream idle = ingestStream("quiet", "q-1");
        assertThat(idle.firstAck().get(10, TimeUnit.SECONDS).getAccepted()).isEqualTo(1);
        assertThat(ingestStream("quiet", "q-2").ended().get(10, TimeUnit.SECONDS).getStatus().getCode())
                .as("the project's one stream is held").isEqualTo(Status.Code.RESOURCE_EXHAUSTED);

        StatusRuntimeException closed = idle.ended().get(20, TimeUnit.SECONDS);

        assertThat(closed.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(reason(closed)).isEqualTo("STREAM_IDLE");
        assertThat(closed.getStatus().getDescription()).contains("cc.ingest.idle-timeout");
        assertThat(ingestStream("quiet", "q-3").firstAck().get(10, TimeUnit.SECONDS).getAccepted())
                .as("the idle stream's slot is free").isEqualTo(1);
        assertThat(TelemetryServiceGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils
                .newAttachHeadersInterceptor(admin("quiet"))).listHealthSamples(ListHealthSamplesRequest
                .getDefaultInstance()).getSamplesList()).extracting(s -> s.getRecordId())
                .containsExactlyInAnyOrder("q-1", "q-3");
    }

    /**
     * A client that sends and reads no acks: the hub stops reading its records once the acks wait, and the
     * idle close says why (ACKS_NOT_READ, not STREAM_IDLE "sent nothing").
     */
    @Test
    void anIngestStreamWhoseClientReadsNoAcks_isClosedWithAcksNotRead() throws Exception {
        start(HubSettings.defaults(dir, 0).withLimits(new StreamLimits(64, 1, Duration.ofSeconds(1),
                Duration.ofSeconds(1))));
        java.util.concurrent.Semaphore ready = new java.util.concurrent.Semaphore(0);
        CompletableFuture<io.grpc.stub.ClientCallStreamObserver<IngestStreamRequest>> callRef = new CompletableFuture<>();
        io.commandcenter.hub.testing.Answers<IngestStreamRequest, IngestStreamResponse> acks =
                new io.commandcenter.hub.testing.Answers<>() {
                    @Override
                    public void beforeStart(io.grpc.stub.ClientCallStreamObserver<IngestStreamRequest> call) {
                        call.disableAutoRequestWithInitial(0); // reads no ack
                        call.setOnReadyHandler(ready::release);
                        callRef.complete(call);
                    }
                };
        TelemetryServiceGrpc.newStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(admin("deaf")))
                .ingestStream(acks);
        io.grpc.stub.ClientCallStreamObserver<IngestStreamRequest> call = callRef.get(5, TimeUnit.SECONDS);
        int sent = 0;
        while (sent < 100_000) {
            if (call.isReady()) {
                call.onNext(IngestStreamRequest.getDefaultInstance()); // refused (REQUIRED), acknowledged at once
                sent++;
            } else if (!ready.tryAcquire(2, TimeUnit.SECONDS)) {
                break; // the hub stopped asking for records
            }
        }
        assertThat(sent).as("records read from a client that reads no acks").isLessThan(100_000);
        // the project's one stream is free once the hub closed the deaf one
        await().atMost(20, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(200)).until(() ->
                ingestStream("deaf", "d-1").firstAck().handle((ack, refused) -> ack != null).get(10, TimeUnit.SECONDS));

        call.request(Integer.MAX_VALUE); // its acks, then why it ended
        StatusRuntimeException closed = acks.done.handle((v, t) -> (StatusRuntimeException) t).get(10, TimeUnit.SECONDS);
        assertThat(closed.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(reason(closed)).isEqualTo("ACKS_NOT_READ");
        assertThat(closed.getStatus().getDescription()).contains("acks must be read while sending");
    }
}
