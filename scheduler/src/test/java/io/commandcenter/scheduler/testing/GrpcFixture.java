package io.commandcenter.scheduler.testing;

import io.commandcenter.proto.v1.ScheduleServiceGrpc;
import io.commandcenter.scheduler.Scheduler;
import io.commandcenter.scheduler.grpc.ScheduleGrpcService;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * {@link ScheduleGrpcService} on a gRPC server (in-process, or Netty on loopback for clients in
 * other languages), wired as the hub wires it: an interceptor puts the {@code x-cc-project} header
 * in the call's context and the service reads it through its project supplier. No default
 * project: a call without the header has none (to test that refusal).
 */
public final class GrpcFixture implements AutoCloseable {
    public static final Metadata.Key<String> PROJECT_HEADER =
            Metadata.Key.of("x-cc-project", Metadata.ASCII_STRING_MARSHALLER);
    static final Context.Key<String> PROJECT = Context.key("test-project");

    private final Server server;
    private final ManagedChannel channel;

    private GrpcFixture(Server server, ManagedChannel channel) {
        this.server = server;
        this.channel = channel;
    }

    /** An in-process server and channel. */
    public static GrpcFixture inProcess(Scheduler scheduler, ScheduleGrpcService.Options options) {
        String name = InProcessServerBuilder.generateName();
        try {
            Server server = InProcessServerBuilder.forName(name).maxInboundMessageSize(1024 * 1024)
                    .addService(ServerInterceptors.intercept(service(scheduler, options), new ProjectInterceptor()))
                    .build().start();
            return new GrpcFixture(server, InProcessChannelBuilder.forName(name).build());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A Netty server on a loopback port (no channel of its own). */
    public static GrpcFixture loopback(Scheduler scheduler) {
        try {
            Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                    .addService(ServerInterceptors.intercept(service(scheduler, ScheduleGrpcService.Options.DEFAULT),
                            new ProjectInterceptor()))
                    .build().start();
            return new GrpcFixture(server, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ScheduleGrpcService service(Scheduler scheduler, ScheduleGrpcService.Options options) {
        return new ScheduleGrpcService(scheduler, PROJECT::get, options);
    }

    public int port() {
        return server.getPort();
    }

    public ScheduleServiceGrpc.ScheduleServiceBlockingStub blocking(String project) {
        return scoped(ScheduleServiceGrpc.newBlockingStub(channel), project);
    }

    public ScheduleServiceGrpc.ScheduleServiceStub async(String project) {
        return scoped(ScheduleServiceGrpc.newStub(channel), project);
    }

    private static <S extends AbstractStub<S>> S scoped(S stub, String project) {
        if (project == null) {
            return stub;
        }
        Metadata headers = new Metadata();
        headers.put(PROJECT_HEADER, project);
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    @Override
    public void close() throws InterruptedException {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    /** What the hub's CallerInterceptor does, reduced to the project header. */
    static final class ProjectInterceptor implements ServerInterceptor {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                          ServerCallHandler<Q, R> next) {
            return Contexts.interceptCall(Context.current().withValue(PROJECT, headers.get(PROJECT_HEADER)), call,
                    headers, next);
        }
    }
}
