package io.commandcenter.hub.events.grpc;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.hub.events.Event;
import io.commandcenter.hub.events.EventBus;
import io.commandcenter.hub.events.EventSink;
import io.commandcenter.hub.events.SubjectPattern;
import io.commandcenter.hub.events.Subscription;
import io.commandcenter.hub.project.Caller;
import io.commandcenter.hub.telemetry.grpc.TelemetryProtoMapper;
import io.commandcenter.hub.transport.grpc.CallContext;
import io.commandcenter.common.error.grpc.GrpcErrors;
import io.commandcenter.proto.v1.EventBatch;
import io.commandcenter.proto.v1.EventServiceGrpc;
import io.commandcenter.proto.v1.EventsDropped;
import io.commandcenter.proto.v1.SubscribeRequest;
import io.commandcenter.proto.v1.SubscribeResponse;
import io.commandcenter.proto.v1.SubscriptionStarted;
import io.commandcenter.proto.v1.TraceContext;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import java.time.Instant;

/**
 * {@code EventService}: streams a project's events to a gRPC subscriber, as fast as the client
 * reads (delivery stops while the stream is not ready; the bus drops for this subscriber only).
 */
public final class EventGrpcService extends EventServiceGrpc.EventServiceImplBase {
    private final EventBus bus;
    private final int bufferSize;

    /**
     * @param bufferSize undelivered events kept per subscriber before the oldest are dropped
     */
    public EventGrpcService(EventBus bus, int bufferSize) {
        this.bus = bus;
        this.bufferSize = bufferSize;
    }

    @Override
    public void subscribe(SubscribeRequest request, StreamObserver<SubscribeResponse> observer) {
        ServerCallStreamObserver<SubscribeResponse> call = (ServerCallStreamObserver<SubscribeResponse>) observer;
        Caller caller = CallContext.caller();
        Subscription subscription;
        GrpcSink sink;
        try {
            SubjectPattern pattern = SubjectPattern.parseAny(request.getPattern());
            sink = new GrpcSink(call, maxBatch(request.getMaxBatch()));
            subscription = bus.subscribe(caller.project(), pattern, bufferSize, sink);
        } catch (CommandCenterException e) {
            observer.onError(GrpcErrors.toStatus(e));
            return;
        }
        call.setOnCancelHandler(subscription::close);
        call.setOnReadyHandler(subscription::signal);
        synchronized (call) {
            call.onNext(SubscribeResponse.newBuilder().setStarted(SubscriptionStarted.newBuilder()
                    .setSubscriptionId(subscription.id())
                    .setPattern(subscription.pattern().toString())
                    .setProjectId(caller.project().value())
                    .setBufferSize(subscription.capacity())).build());
        }
        // Events buffered since the subscription registered wait until `started` is out.
        sink.open = true;
        subscription.signal();
    }

    /** Most events a {@code SubscribeResponse.events} may carry. */
    static final int MAX_BATCH = 1000;
    /** Most bytes of events in one {@code SubscribeResponse.events} (fewer events then; a lone larger event goes alone). */
    static final int MAX_BATCH_BYTES = 1 << 20;

    /** {@code max_batch}: 0 or 1 is one event per message; up to {@link #MAX_BATCH}. */
    static int maxBatch(int requested) {
        if (requested < 0 || requested > MAX_BATCH) {
            throw CommandCenterException.invalid("OUT_OF_RANGE", "max_batch",
                    "max_batch must be 0 to " + MAX_BATCH + " (0 or 1: one event per message), got " + requested);
        }
        return Math.max(1, requested);
    }

    /** The wire form of an event. */
    public static io.commandcenter.proto.v1.Event toProto(Event event) {
        return io.commandcenter.proto.v1.Event.newBuilder()
                .setEventId(event.id())
                .setSubject(event.subject())
                .setProjectId(event.project().value())
                .setHubId(event.hubId())
                .setTime(TelemetryProtoMapper.timestamp(event.time()))
                .setTrace(TraceContext.newBuilder().setTraceparent(event.trace().traceparent())
                        .setTracestate(event.trace().tracestate()))
                .setPayloadType(event.payload().type())
                .setPayload(ProtoPayload.structOf(event.payload()))
                .build();
    }

    private static final class GrpcSink implements EventSink {
        private final ServerCallStreamObserver<SubscribeResponse> call;
        private final int maxBatch;
        private volatile boolean open;

        GrpcSink(ServerCallStreamObserver<SubscribeResponse> call, int maxBatch) {
            this.call = call;
            this.maxBatch = maxBatch;
        }

        @Override
        public int maxBatch() {
            return maxBatch;
        }

        @Override
        public void deliver(java.util.List<Event> events) {
            EventBatch.Builder batch = EventBatch.newBuilder();
            int bytes = 0;
            for (Event event : events) {
                io.commandcenter.proto.v1.Event wire = toProto(event);
                int size = wire.getSerializedSize();
                // a message stays well within a client's default 4 MiB inbound limit, whatever the payloads
                if (batch.getEventsCount() > 0 && bytes + size > MAX_BATCH_BYTES) {
                    send(SubscribeResponse.newBuilder().setEvents(batch).build());
                    batch = EventBatch.newBuilder();
                    bytes = 0;
                }
                batch.addEvents(wire);
                bytes += size + 8;
            }
            send(SubscribeResponse.newBuilder().setEvents(batch).build());
        }

        @Override
        public boolean isReady() {
            return open && call.isReady() && !call.isCancelled();
        }

        @Override
        public void deliver(Event event) {
            if (maxBatch > 1) { // a subscriber that asked for batches gets every event in one
                deliver(java.util.List.of(event));
                return;
            }
            send(SubscribeResponse.newBuilder().setEvent(toProto(event)).build());
        }

        @Override
        public void dropped(long count, long total, Instant since) {
            send(SubscribeResponse.newBuilder().setDropped(EventsDropped.newBuilder().setCount(count).setTotal(total)
                    .setSince(TelemetryProtoMapper.timestamp(since))).build());
        }

        @Override
        public void closed() {
            synchronized (call) {
                if (!call.isCancelled()) {
                    call.onError(Status.UNAVAILABLE.withDescription("the event stream was closed by the hub (shutting down, or delivery failed); subscribe again").asRuntimeException());
                }
            }
        }

        private void send(SubscribeResponse response) {
            synchronized (call) {
                if (!call.isCancelled()) {
                    call.onNext(response);
                }
            }
        }
    }
}
