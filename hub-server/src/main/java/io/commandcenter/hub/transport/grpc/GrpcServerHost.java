package io.commandcenter.hub.transport.grpc;

import io.grpc.BindableService;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerCredentials;
import io.grpc.ServerServiceDefinition;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The hub's own grpc-java server (Netty): the application services behind the caller
 * interceptor, every request's parsing guarded ({@link CallGuard}: unparseable bytes are
 * INVALID_ARGUMENT, not UNKNOWN), plus server reflection (v1 and v1alpha, for older grpcurl and reflection clients)
 * and the standard health service, so any gRPC tool can list and call everything.
 */
public final class GrpcServerHost implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(GrpcServerHost.class.getName());

    private final Server server;
    private final HealthStatusManager health;
    private final List<String> serviceNames;
    private final CallExecutors executors;
    /** Runs the interceptor's sweep of streams whose key ended; null when streams do not end with their key. */
    private final ScheduledExecutorService sweeper;

    private GrpcServerHost(Server server, HealthStatusManager health, List<String> serviceNames,
                           CallExecutors executors, ScheduledExecutorService sweeper) {
        this.server = server;
        this.health = health;
        this.serviceNames = serviceNames;
        this.executors = executors;
        this.sweeper = sweeper;
    }

    /**
     * Binds and starts the server.
     *
     * @param port                   TCP port; 0 picks a free one
     * @param maxInboundMessageBytes larger messages fail with RESOURCE_EXHAUSTED
     * @param flowControlWindowBytes HTTP/2 window per stream: how much a client may send ahead of
     *                               what the hub has read; bounds memory and ack latency per stream
     * @param credentials            TLS (with or without client certificates) or plaintext
     * @param clock                  paces the log of unparseable requests ({@link CallGuard})
     * @throws UncheckedIOException when the port cannot be bound
     */
    public static GrpcServerHost start(String host, int port, int maxInboundMessageBytes, int flowControlWindowBytes,
                                       ServerCredentials credentials, CallerInterceptor interceptor,
                                       List<BindableService> services, java.time.Clock clock) {
        return start(host, port, maxInboundMessageBytes, flowControlWindowBytes, credentials, interceptor, services,
                clock, CallExecutors.forHub(true));
    }

    /**
     * Binds and starts the server with the threads {@code executors} chooses for each call (the
     * event loop only picks them); the host closes them after the server stops.
     */
    @SuppressWarnings("deprecation") // v1alpha reflection kept on purpose for older clients
    public static GrpcServerHost start(String host, int port, int maxInboundMessageBytes, int flowControlWindowBytes,
                                       ServerCredentials credentials, CallerInterceptor interceptor,
                                       List<BindableService> services, java.time.Clock clock,
                                       CallExecutors executors) {
        HealthStatusManager health = new HealthStatusManager();
        CallGuard guard = new CallGuard(clock);
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(host, port), credentials)
                // every call gets an executor from the supplier; the direct default only runs its choice
                .directExecutor()
                .callExecutor(executors)
                .maxInboundMessageSize(maxInboundMessageBytes)
                .flowControlWindow(flowControlWindowBytes)
                .permitKeepAliveTime(10, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true)
                .keepAliveTime(60, TimeUnit.SECONDS)
                .addService(guard.guard(ProtoReflectionServiceV1.newInstance().bindService()))
                .addService(guard.guard(ProtoReflectionService.newInstance().bindService()))
                .addService(guard.guard(health.getHealthService().bindService()));
        List<String> names = new ArrayList<>();
        for (BindableService service : services) {
            ServerServiceDefinition definition = service.bindService();
            names.add(definition.getServiceDescriptor().getName());
            builder.addService(ServerInterceptors.intercept(guard.guard(definition), interceptor));
        }
        try {
            Server server = builder.build().start();
            for (String name : names) {
                health.setStatus(name, ServingStatus.SERVING);
            }
            health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.SERVING);
            boolean tls = !(credentials instanceof InsecureServerCredentials);
            LOG.log(Level.INFO, "gRPC listening on {0}:{1,number,#} ({2}) with {3}", host, server.getPort(),
                    tls ? "TLS" : "plaintext", names);
            ScheduledExecutorService sweeper = null;
            if (interceptor.endsStreams()) {
                // streams of expired keys, and of keys revoked on another hub, end within a second of it being
                // known; two threads, so that a slow database read of keys does not hold back the expiries
                sweeper = Executors.newScheduledThreadPool(2, r -> {
                    Thread thread = new Thread(r, "cc-key-sweep");
                    thread.setDaemon(true);
                    return thread;
                });
                sweeper.scheduleWithFixedDelay(() -> sweepSafely(interceptor::endExpired), 1, 1, TimeUnit.SECONDS);
                sweeper.scheduleWithFixedDelay(() -> sweepSafely(interceptor::readKeysAgain), 1, 1, TimeUnit.SECONDS);
            }
            return new GrpcServerHost(server, health, List.copyOf(names), executors, sweeper);
        } catch (IOException e) {
            executors.close();
            throw new UncheckedIOException("cannot listen for gRPC on " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    /** The bound port. */
    public int port() {
        return server.getPort();
    }

    /** The application services served (besides reflection and health). */
    public List<String> serviceNames() {
        return serviceNames;
    }

    public boolean isRunning() {
        return !server.isShutdown();
    }

    /** Marks every service NOT_SERVING and stops taking new calls; running calls go on. */
    public void beginShutdown() {
        if (sweeper != null) {
            sweeper.shutdownNow();
        }
        health.enterTerminalState();
        server.shutdown();
    }

    /**
     * Waits up to {@code millis} for running calls, then cancels the rest and stops the call threads.
     *
     * @return whether every call ended within the wait (none had to be cancelled)
     */
    public boolean awaitTermination(long millis) {
        try {
            if (!server.awaitTermination(millis, TimeUnit.MILLISECONDS)) {
                LOG.log(Level.WARNING, "gRPC calls still running {0} ms into the stop are cancelled", millis);
                server.shutdownNow();
                server.awaitTermination(5, TimeUnit.SECONDS);
                return false;
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.shutdownNow();
            return false;
        } finally {
            executors.close();
        }
    }

    /** The threads calls run on (how many went to the quick pool, how many overflowed). */
    public CallExecutors executors() {
        return executors;
    }

    @Override
    public void close() {
        beginShutdown();
        awaitTermination(5_000);
    }

    /** One run of a sweep; a failure is logged and the next run goes on. */
    /** Runs one sweep; whatever it throws is logged, never let through: a periodic task that throws is not run again. */
    private static void sweepSafely(Runnable sweep) {
        try {
            sweep.run();
        } catch (VirtualMachineError e) {
            LOG.log(Level.ERROR, "the sweep of streams by key failed", e);
            throw e;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "the sweep of streams by key failed: {0}", e.toString());
        } catch (Error e) {
            LOG.log(Level.ERROR, "the sweep of streams by key failed", e);
        }
    }
}
