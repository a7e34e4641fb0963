package io.commandcenter.hub.events.rest;

import com.google.protobuf.MessageOrBuilder;
import io.commandcenter.common.proto.ProtoJson;
import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.hub.events.Event;
import io.commandcenter.hub.events.EventSink;
import io.commandcenter.hub.events.SubjectPattern;
import io.commandcenter.hub.events.Subscription;
import io.commandcenter.hub.events.grpc.EventGrpcService;
import io.commandcenter.hub.project.Caller;
import io.commandcenter.hub.security.OpenStreams;
import io.commandcenter.hub.events.EventStreams;
import io.commandcenter.hub.telemetry.grpc.TelemetryProtoMapper;
import io.commandcenter.hub.transport.rest.Mirrors;
import io.commandcenter.hub.transport.rest.RequestCaller;
import io.commandcenter.proto.v1.EventsDropped;
import io.commandcenter.proto.v1.SubscriptionStarted;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

import java.time.Instant;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code GET /api/events?pattern=hub.health.*}: the caller's project's events as Server-Sent
 * Events, the REST mirror of {@code EventService.Subscribe}. Messages:
 * <ul>
 *   <li>{@code event: started}: first, once the subscription is live ({@code SubscriptionStarted} as JSON);</li>
 *   <li>unnamed (so {@code EventSource.onmessage} gets them), with {@code id:} = event id: each
 *       event, the {@code Event} envelope in the protobuf JSON mapping;</li>
 *   <li>{@code event: dropped}: events were dropped because this client read too slowly;</li>
 *   <li>a comment every second ({@code cc.events.sse-heartbeat}), so a client that went away is
 *       noticed within about two and its subscription released, and proxies keep the stream open;</li>
 *   <li>{@code event: error}, last, when the key that opened the stream is revoked or expires
 *       ({@code {"code":"UNAUTHENTICATED","reason":"KEY_REVOKED"}} or {@code KEY_EXPIRED}), or the identity
 *       provider's token that opened it expires ({@code TOKEN_EXPIRED}): the stream then ends.</li>
 * </ul>
 * Each connection delivers on a thread of its own: a client that reads slowly blocks only itself.
 */
@Path("/events")
@RequestScoped
public class EventsResource {
    private static final int IN_FLIGHT = 8;

    @Inject
    Provider<EventStreams> streams;
    @Inject
    RequestCaller caller;

    @Mirrors("commandcenter.v1.EventService/Subscribe")
    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void stream(@QueryParam("pattern") String pattern, @Context SseEventSink sink, @Context Sse sse) {
        EventStreams events = streams.get();
        Caller who = caller.get();
        SubjectPattern parsed = SubjectPattern.parseAny(pattern);
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "cc-sse-" + who.project());
            thread.setDaemon(true);
            return thread;
        });
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false); // an ended stream's thread goes at once
        SseSink sseSink = new SseSink(sink, sse, executor);
        Subscription subscription;
        try {
            subscription = events.subscribe(who.project(), parsed, sseSink, executor);
        } catch (RuntimeException e) {
            executor.shutdownNow();
            throw e;
        }
        sseSink.subscription = subscription;
        try {
            sseSink.registration = events.openStream(who.who(), sseSink::endedByKey);
        } catch (RuntimeException e) {
            sseSink.end();
            throw e;
        }
        try {
            startStream(events, sseSink, sse, subscription, parsed, who, executor);
        } catch (RejectedExecutionException e) {
            // the key was revoked since it was checked: endedByKey has said so and ended the stream
        }
    }

    private static void startStream(EventStreams events, SseSink sseSink, Sse sse, Subscription subscription,
                                    SubjectPattern parsed, Caller who, ScheduledThreadPoolExecutor executor) {
        executor.execute(() -> {
            sseSink.send(sse.newEventBuilder().name("started").mediaType(MediaType.APPLICATION_JSON_TYPE)
                    .data(String.class, json(SubscriptionStarted.newBuilder().setSubscriptionId(subscription.id())
                            .setPattern(parsed.toString()).setProjectId(who.project().value())
                            .setBufferSize(subscription.capacity())))
                    .build());
            sseSink.open = !sseSink.keyEnded;
            subscription.signal();
        });
        long heartbeat = events.heartbeat().toMillis();
        executor.scheduleWithFixedDelay(() -> sseSink.send(sse.newEventBuilder().comment("keepalive").build()),
                heartbeat, heartbeat, TimeUnit.MILLISECONDS);
    }

    static String json(MessageOrBuilder message) {
        return ProtoJson.print(message);
    }

    private static final class SseSink implements EventSink {
        private final SseEventSink sink;
        private final Sse sse;
        private final ScheduledThreadPoolExecutor executor;
        private final AtomicInteger inFlight = new AtomicInteger();
        volatile Subscription subscription;
        volatile OpenStreams.Registration registration;
        volatile boolean open;
        /** How long the last error event may take to reach a client before the stream is closed anyway. */
        private static final long ERROR_GRACE_SECONDS = 10;
        /** Its key ended it: no more events, only the error. */
        volatile boolean keyEnded;

        SseSink(SseEventSink sink, Sse sse, ScheduledThreadPoolExecutor executor) {
            this.sink = sink;
            this.sse = sse;
            this.executor = executor;
        }

        @Override
        public boolean isReady() {
            return open && !keyEnded && !sink.isClosed() && inFlight.get() < IN_FLIGHT;
        }

        @Override
        public void deliver(Event event) {
            send(sse.newEventBuilder().id(event.id()).mediaType(MediaType.APPLICATION_JSON_TYPE)
                    .data(String.class, json(EventGrpcService.toProto(event))).build());
        }

        @Override
        public void dropped(long count, long total, Instant since) {
            send(sse.newEventBuilder().name("dropped").mediaType(MediaType.APPLICATION_JSON_TYPE)
                    .data(String.class, json(EventsDropped.newBuilder().setCount(count).setTotal(total)
                            .setSince(TelemetryProtoMapper.timestamp(since))))
                    .build());
        }

        @Override
        public void closed() {
            end();
        }

        /** The key that opened the stream was revoked or expired: says so, then ends the stream. */
        void endedByKey(CommandCenterException why) {
            keyEnded = true;
            open = false;
            try {
                executor.execute(() -> {
                    if (sink.isClosed()) {
                        end();
                        return;
                    }
                    try {
                        // ended once the error event is sent: closing sooner could cut it off; a client
                        // that does not read is ended all the same after a while
                        sink.send(sse.newEventBuilder().name("error").mediaType(MediaType.APPLICATION_JSON_TYPE)
                                .data(String.class, "{\"code\":\"UNAUTHENTICATED\",\"reason\":\"" + why.reason()
                                        + "\"}").build()).whenComplete((ok, failure) -> end());
                        executor.schedule(this::end, ERROR_GRACE_SECONDS, TimeUnit.SECONDS);
                    } catch (RuntimeException e) {
                        end();
                    }
                });
            } catch (RejectedExecutionException e) {
                end(); // the stream is ending already
            }
        }

        void send(OutboundSseEvent event) {
            if (sink.isClosed()) {
                end();
                return;
            }
            inFlight.incrementAndGet();
            try {
                sink.send(event).whenComplete((ok, failure) -> {
                    inFlight.decrementAndGet();
                    if (failure != null) {
                        end();
                    } else if (subscription != null) {
                        subscription.signal();
                    }
                });
            } catch (RuntimeException e) {
                inFlight.decrementAndGet();
                end();
            }
        }

        void end() {
            OpenStreams.Registration r = registration;
            if (r != null) {
                r.close();
            }
            Subscription s = subscription;
            if (s != null) {
                s.close();
            }
            try {
                sink.close();
            } catch (RuntimeException ignored) {
                // already closed by the client
            }
            executor.shutdown();
        }
    }
}
