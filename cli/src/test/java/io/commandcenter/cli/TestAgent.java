package io.commandcenter.cli;

import io.commandcenter.proto.v1.AgentAssignment;
import io.commandcenter.proto.v1.AgentRegistration;
import io.commandcenter.proto.v1.ConnectAgentRequest;
import io.commandcenter.proto.v1.ConnectAgentResponse;
import io.commandcenter.proto.v1.LeaseRevoked;
import io.commandcenter.proto.v1.ScheduleServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An agent connected over {@code ConnectAgent} that takes its tasks and holds them (never answers),
 * so a test sees tasks and runs that are still in progress.
 */
final class TestAgent implements AutoCloseable {
    final BlockingQueue<AgentAssignment> assignments = new LinkedBlockingQueue<>();
    final List<LeaseRevoked> revoked = new CopyOnWriteArrayList<>();
    private final ManagedChannel channel;
    private final StreamObserver<ConnectAgentRequest> requests;

    private TestAgent(ManagedChannel channel, String project, String type, String action, int capacity) {
        this.channel = channel;
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("x-cc-project", Metadata.ASCII_STRING_MARSHALLER), project);
        CountDownLatch registered = new CountDownLatch(1);
        requests = ScheduleServiceGrpc.newStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .connectAgent(new StreamObserver<>() {
                    @Override
                    public void onNext(ConnectAgentResponse value) {
                        switch (value.getKindCase()) {
                            case REGISTERED -> registered.countDown();
                            case ASSIGNMENT -> assignments.add(value.getAssignment());
                            case REVOKED -> revoked.add(value.getRevoked());
                            default -> {
                            }
                        }
                    }

                    @Override
                    public void onError(Throwable t) {
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        requests.onNext(ConnectAgentRequest.newBuilder().setRegister(AgentRegistration.newBuilder()
                .setAgentId(type + "-test-" + project).setAgentType(type).addActions(action).setCapacity(capacity))
                .build());
        try {
            if (!registered.await(20, TimeUnit.SECONDS)) {
                throw new AssertionError("agent " + type + " was not registered");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Connects an agent of {@code type} offering {@code action}, serving {@code project} only. */
    static TestAgent connect(int port, String project, String type, String action) {
        io.grpc.Metadata credentials = new io.grpc.Metadata();
        credentials.put(io.grpc.Metadata.Key.of("authorization", io.grpc.Metadata.ASCII_STRING_MARSHALLER),
                "Bearer " + SharedHub.adminToken());
        return new TestAgent(NettyChannelBuilder.forAddress("localhost", port).usePlaintext()
                .intercept(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(credentials)).build(), project, type,
                action, 4);
    }

    @Override
    public void close() {
        try {
            requests.onCompleted();
        } catch (RuntimeException ignored) {
            // the stream may already be gone
        }
        channel.shutdownNow();
    }
}
