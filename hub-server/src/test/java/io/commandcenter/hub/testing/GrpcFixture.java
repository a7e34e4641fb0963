package io.commandcenter.hub.testing;

import io.commandcenter.hub.events.EventBus;
import io.commandcenter.hub.events.grpc.EventGrpcService;
import io.commandcenter.hub.project.CallerResolver;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.telemetry.IngestPipeline;
import io.commandcenter.hub.telemetry.RecordRules;
import io.commandcenter.hub.telemetry.SampleListing;
import io.commandcenter.hub.telemetry.TelemetryStore;
import io.commandcenter.hub.telemetry.grpc.TelemetryGrpcService;
import io.commandcenter.hub.telemetry.grpc.TelemetryProtoMapper;
import io.commandcenter.hub.transport.grpc.CallGuard;
import io.commandcenter.hub.transport.grpc.CallerInterceptor;
import io.commandcenter.proto.v1.EventServiceGrpc;
import io.commandcenter.proto.v1.TelemetryServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The hub's telemetry and event services on an in-process gRPC server, wired as the hub wires
 * them (behind the caller interceptor and the {@link CallGuard}), over a given store, for adapter tests.
 */
public final class GrpcFixture implements AutoCloseable {
    public static final ProjectId DEFAULT_PROJECT = ProjectId.of("default");

    public final EventBus bus;
    public final IngestPipeline pipeline;
    private final ExecutorService delivery = Executors.newFixedThreadPool(2);
    private final Server server;
    private final ManagedChannel channel;

    public GrpcFixture(TelemetryStore store, Clock clock, int window, int maxStreams, int eventBuffer,
                       int maxSubscribers) {
        this(store, clock, window, maxStreams, eventBuffer, maxSubscribers,
                io.commandcenter.hub.telemetry.InFlightShares.unbounded());
    }

    /** As above, with the records of all ingest streams together bounded by {@code shares}. */
    public GrpcFixture(TelemetryStore store, Clock clock, int window, int maxStreams, int eventBuffer,
                       int maxSubscribers, io.commandcenter.hub.telemetry.InFlightShares shares) {
        bus = new EventBus("hub-test", clock, delivery, maxSubscribers);
        pipeline = new IngestPipeline(store, bus, TelemetryProtoMapper::payload, clock, 100,
                window * maxStreams + 16, shares).start();
        RecordRules rules = new RecordRules(clock, Duration.ofMinutes(5));
        CallerInterceptor interceptor = new CallerInterceptor(CallerResolver.unauthenticated(DEFAULT_PROJECT),
                new SplittableRandom(42));
        CallGuard guard = new CallGuard(clock);
        String name = InProcessServerBuilder.generateName();
        try {
            server = InProcessServerBuilder.forName(name)
                    .maxInboundMessageSize(64 * 1024)
                    .addService(ServerInterceptors.intercept(guard.guard(
                            new TelemetryGrpcService(pipeline, new SampleListing(store), rules, window, maxStreams)
                                    .bindService()), interceptor))
                    .addService(ServerInterceptors.intercept(guard.guard(new EventGrpcService(bus, eventBuffer)
                            .bindService()), interceptor))
                    .build().start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        channel = InProcessChannelBuilder.forName(name).build();
    }

    public GrpcFixture(TelemetryStore store, Clock clock) {
        this(store, clock, 64, 8, 64, 16);
    }

    /** The channel, for calls the stubs cannot make (raw bytes). */
    public ManagedChannel channel() {
        return channel;
    }

    public TelemetryServiceGrpc.TelemetryServiceBlockingStub telemetry(String project) {
        return scoped(TelemetryServiceGrpc.newBlockingStub(channel), project);
    }

    public TelemetryServiceGrpc.TelemetryServiceStub telemetryAsync(String project) {
        return scoped(TelemetryServiceGrpc.newStub(channel), project);
    }

    public EventServiceGrpc.EventServiceStub eventsAsync(String project) {
        return scoped(EventServiceGrpc.newStub(channel), project);
    }

    public EventServiceGrpc.EventServiceBlockingStub events(String project) {
        return scoped(EventServiceGrpc.newBlockingStub(channel), project);
    }

    /** A stub that names its project in the {@code x-cc-project} header; {@code null} for none. */
    public static <S extends AbstractStub<S>> S scoped(S stub, String project) {
        if (project == null) {
            return stub;
        }
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("x-cc-project", Metadata.ASCII_STRING_MARSHALLER), project);
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow();
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
        bus.close();
        pipeline.close();
        delivery.shutdownNow();
    }
}
