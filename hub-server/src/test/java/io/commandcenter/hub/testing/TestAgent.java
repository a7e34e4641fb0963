package io.commandcenter.hub.testing;

import io.commandcenter.proto.v1.AgentAssignment;
import io.commandcenter.proto.v1.AgentRegistration;
import io.commandcenter.proto.v1.ConnectAgentRequest;
import io.commandcenter.proto.v1.ConnectAgentResponse;
import io.commandcenter.proto.v1.ScheduleServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An agent on {@code ConnectAgent} with a key, as tests need it: registered for one project (every
 * action of its type, capacity 4), what it was assigned, and how its stream ended.
 */
public final class TestAgent implements StreamObserver<ConnectAgentResponse> {
    public final CompletableFuture<ConnectAgentResponse> registered = new CompletableFuture<>();
    public final BlockingQueue<AgentAssignment> assignments = new LinkedBlockingQueue<>();
    /** The stream's end: its error, or null when the hub completed it. */
    public final CompletableFuture<Throwable> ended = new CompletableFuture<>();
    private StreamObserver<ConnectAgentRequest> out;

    private TestAgent() {
    }

    /**
     * Connects and registers; fails when the registration is not answered within 15 s.
     *
     * @param token the key's token, sent as bearer credentials
     */
    public static TestAgent connect(ManagedChannel channel, String token, String project, String type,
                                    String agentId) throws Exception {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("x-cc-project", Metadata.ASCII_STRING_MARSHALLER), project);
        TestAgent agent = new TestAgent();
        agent.out = ScheduleServiceGrpc.newStub(channel).withInterceptors(Credentials.bearer(token),
                MetadataUtils.newAttachHeadersInterceptor(headers)).connectAgent(agent);
        agent.out.onNext(ConnectAgentRequest.newBuilder().setRegister(AgentRegistration.newBuilder()
                .setAgentId(agentId).setAgentType(type).addActions("*").setCapacity(4).addProjects(project)).build());
        agent.registered.get(15, TimeUnit.SECONDS);
        return agent;
    }

    /** Ends the stream from the agent's side. */
    public void leave() {
        out.onCompleted();
    }

    @Override
    public void onNext(ConnectAgentResponse value) {
        if (value.hasRegistered()) {
            registered.complete(value);
        } else if (value.hasAssignment()) {
            assignments.add(value.getAssignment());
        }
    }

    @Override
    public void onError(Throwable t) {
        registered.completeExceptionally(t);
        ended.complete(t);
    }

    @Override
    public void onCompleted() {
        ended.complete(null);
    }
}
