package io.commandcenter.scheduler.testing;

import io.commandcenter.proto.v1.ScheduleServiceGrpc;
import io.commandcenter.scheduler.Scheduler;
import io.commandcenter.scheduler.grpc.CallScope;
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
 * in the call's context and the service reads it through its caller supplier. No default
 * project: a call without the header has none (to test that refusal). A call may name a test
 * credential ({@code x-test-credential}: {@code <owner>} for one covering every project,
 * {@code <owner>@<project>} for one covering a single project, which is then the call's project),
 * standing in for the API key the hub's interceptor authenticates.
 */
public final class GrpcFixture implements AutoCloseable {
    public static final Metadata.Key<String> PROJECT_HEADER =
            Metadata.Key.of("x-cc-project", Metadata.ASCII_STRING_MARSHALLER);
    public static final Metadata.Key<String> CREDENTIAL_HEADER =
            Metadata.Key.of("x-test-credential", Metadata.ASCII_STRING_MARSHALLER);
    static final Context.Key<CallScope> CALLER = Context.key("test-caller");

    private final Server server;
    private final ManagedChannel channel;
    private final ScheduleGrpcService service;

    private GrpcFixture(Server server, ManagedChannel channel, ScheduleGrpcService service) {
        this.server = server;
        this.channel = channel;
        this.service = service;
    }

    /** An in-process server and channel. */
    public static GrpcFixture inProcess(Scheduler scheduler, ScheduleGrpcService.Options options) {
        String name = InProcessServerBuilder.generateName();
        ScheduleGrpcService service = service(scheduler, options);
        try {
            Server server = InProcessServerBuilder.forName(name).maxInboundMessageSize(1024 * 1024)
                    .addService(ServerInterceptors.intercept(service, new ProjectInterceptor()))
                    .build().start();
            return new GrpcFixture(server, InProcessChannelBuilder.forName(name).build(), service);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A Netty server on a loopback port (no channel of its own). */
    public static GrpcFixture loopback(Scheduler scheduler) {
        ScheduleGrpcService service = service(scheduler, ScheduleGrpcService.Options.DEFAULT);
        try {
            Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                    .addService(ServerInterceptors.intercept(service, new ProjectInterceptor()))
                    .build().start();
            return new GrpcFixture(server, null, service);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ScheduleGrpcService service(Scheduler scheduler, ScheduleGrpcService.Options options) {
        return new ScheduleGrpcService(scheduler, CALLER::get, options);
    }

    /** The service the server serves. */
    public ScheduleGrpcService service() {
        return service;
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

    /** A stub calling in {@code project} with a test credential (see the class comment). */
    public ScheduleServiceGrpc.ScheduleServiceStub async(String project, String credential) {
        Metadata headers = new Metadata();
        headers.put(CREDENTIAL_HEADER, credential);
        return scoped(ScheduleServiceGrpc.newStub(channel), project)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
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

    /** What the hub's CallerInterceptor does, reduced to the project header and a test credential. */
    static final class ProjectInterceptor implements ServerInterceptor {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                          ServerCallHandler<Q, R> next) {
            String project = headers.get(PROJECT_HEADER);
            String credential = headers.get(CREDENTIAL_HEADER);
            CallScope scope;
            if (credential == null) {
                scope = CallScope.of(project);
            } else if (credential.contains("@")) {
                scope = new CallScope(credential.substring(credential.indexOf('@') + 1),
                        credential.substring(0, credential.indexOf('@')), false);
            } else {
                scope = new CallScope(project, credential, true);
            }
            return Contexts.interceptCall(Context.current().withValue(CALLER, scope), call, headers, next);
        }
    }
}
