package io.commandcenter.hub.transport;

import io.commandcenter.hub.runtime.Hub;
import io.commandcenter.hub.runtime.HubSettings;
import io.commandcenter.hub.testing.Credentials;
import io.commandcenter.hub.testing.Ingest;
import io.commandcenter.hub.testing.Records;
import io.commandcenter.hub.testing.Subscriptions;
import io.commandcenter.hub.testing.TestAgent;
import io.commandcenter.proto.v1.AgentAssignment;
import io.commandcenter.proto.v1.CreateKeyRequest;
import io.commandcenter.proto.v1.GetTaskRequest;
import io.commandcenter.proto.v1.KeyRole;
import io.commandcenter.proto.v1.KeyServiceGrpc;
import io.commandcenter.proto.v1.ListAgentsRequest;
import io.commandcenter.proto.v1.RevokeKeyRequest;
import io.commandcenter.proto.v1.ScheduleServiceGrpc;
import io.commandcenter.proto.v1.ScheduledTaskState;
import io.commandcenter.proto.v1.SubmitTaskRequest;
import io.commandcenter.proto.v1.SubscribeResponse;
import io.commandcenter.proto.v1.EventServiceGrpc;
import io.commandcenter.proto.v1.TelemetryServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * On an assembled hub with real keys: a revoked key ends the streams it opened (an agent's
 * {@code ConnectAgent}, a viewer's {@code Subscribe}) with UNAUTHENTICATED {@code KEY_REVOKED}, and
 * what comes afterwards does not reach them; an agent's health sent through ingest counts only
 * when it comes from the key that registered the agent.
 */
class KeyRevocationHubTest {
    @TempDir
    static Path dir;
    static Hub hub;
    static ManagedChannel channel;
    static KeyServiceGrpc.KeyServiceBlockingStub keys;

    @BeforeAll
    static void start() {
        hub = Hub.start(HubSettings.defaults(dir, 0), Clock.systemUTC());
        channel = NettyChannelBuilder.forAddress("localhost", hub.grpcPort()).usePlaintext().build();
        keys = KeyServiceGrpc.newBlockingStub(channel).withInterceptors(Credentials.admin(hub));
    }

    @AfterAll
    static void stop() {
        channel.shutdownNow();
        hub.close();
    }

    /** A new key: its token and id. */
    record Key(String token, String id) {
    }

    static Key key(String name, KeyRole role, String project) {
        var created = keys.createKey(CreateKeyRequest.newBuilder().setName(name).setRole(role).setProjectId(project)
                .build());
        return new Key(created.getToken(), created.getKey().getKeyId());
    }

    static <S extends AbstractStub<S>> S as(S stub, String token, String project) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("x-cc-project", Metadata.ASCII_STRING_MARSHALLER), project);
        return stub.withInterceptors(Credentials.bearer(token), MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    static TestAgent connect(String token, String project, String type, String agentId) throws Exception {
        return TestAgent.connect(channel, token, project, type, agentId);
    }

    static String reason(Throwable ended) {
        return Subscriptions.unauthenticatedReason(ended);
    }

    static String submit(String project, String capability) {
        return as(ScheduleServiceGrpc.newBlockingStub(channel), Credentials.adminToken(hub), project)
                .submitTask(SubmitTaskRequest.newBuilder().setCapability(capability).build()).getTask().getTaskId();
    }

    static ScheduledTaskState state(String project, String taskId) {
        return as(ScheduleServiceGrpc.newBlockingStub(channel), Credentials.adminToken(hub), project)
                .getTask(GetTaskRequest.newBuilder().setTaskId(taskId).build()).getTask().getState();
    }

    @Test
    void revokingAnAgentsKey_endsItsStream_andLaterTasksGoToAnotherAgent() throws Exception {
        Key first = key("edge-a", KeyRole.KEY_ROLE_AGENT, "shop");
        TestAgent revoked = connect(first.token(), "shop", "probe", "probe-a");
        String before = submit("shop", "probe.check");
        assertThat(revoked.assignments.poll(15, TimeUnit.SECONDS)).as("served while its key works")
                .satisfies(a -> assertThat(a.getTaskId()).isEqualTo(before));

        keys.revokeKey(RevokeKeyRequest.newBuilder().setKeyId(first.id()).build());

        assertThat(reason(revoked.ended.get(15, TimeUnit.SECONDS))).isEqualTo("KEY_REVOKED");
        String after = submit("shop", "probe.check");
        TestAgent other = connect(key("edge-b", KeyRole.KEY_ROLE_AGENT, "shop").token(), "shop", "probe", "probe-b");
        // the task waited for an agent whose key works (the first task's lease may come to it too)
        List<String> taken = new java.util.ArrayList<>();
        while (!taken.contains(after)) {
            AgentAssignment next = other.assignments.poll(15, TimeUnit.SECONDS);
            assertThat(next).as("assigned to the agent whose key works").isNotNull();
            taken.add(next.getTaskId());
        }
        assertThat(revoked.assignments).as("nothing reached the revoked agent").isEmpty();
        other.leave();
    }

    @Test
    void revokingAViewersKey_endsItsSubscription_andLaterEventsAreNotDelivered() throws Exception {
        Key viewer = key("dash", KeyRole.KEY_ROLE_VIEWER, "news");
        BlockingQueue<SubscribeResponse> received = new LinkedBlockingQueue<>();
        CompletableFuture<Throwable> ended = subscribe(viewer.token(), received);
        BlockingQueue<SubscribeResponse> working = new LinkedBlockingQueue<>();
        subscribe(Credentials.adminToken(hub), working);
        assertThat(received.poll(15, TimeUnit.SECONDS).hasStarted()).isTrue();
        assertThat(working.poll(15, TimeUnit.SECONDS).hasStarted()).isTrue();
        var ingest = as(TelemetryServiceGrpc.newStub(channel), Credentials.adminToken(hub), "news");
        Instant now = Instant.now();
        Ingest.call(ingest, List.of(Records.request(Records.sample("n-1", "web", now, 10)))).get(15, TimeUnit.SECONDS);
        assertThat(received.poll(15, TimeUnit.SECONDS)).as("delivered while its key works").isNotNull();
        assertThat(working.poll(15, TimeUnit.SECONDS)).isNotNull();

        keys.revokeKey(RevokeKeyRequest.newBuilder().setKeyId(viewer.id()).build());

        assertThat(reason(ended.get(15, TimeUnit.SECONDS))).isEqualTo("KEY_REVOKED");
        Ingest.call(ingest, List.of(Records.request(Records.sample("n-2", "web", now.plusSeconds(1), 10))))
                .get(15, TimeUnit.SECONDS);
        assertThat(working.poll(15, TimeUnit.SECONDS)).as("published after the revocation, to a working key")
                .isNotNull();
        assertThat(received).as("nothing after the revocation").isEmpty();
    }

    /** Subscribes to {@code hub.health.*} of the project news; completes with the stream's end. */
    CompletableFuture<Throwable> subscribe(String token, BlockingQueue<SubscribeResponse> received) {
        return Subscriptions.healthEvents(as(EventServiceGrpc.newStub(channel), token, "news"), received);
    }

    @Test
    void anAgentsHealth_fromAnotherProjectsKey_doesNotStarveTheHubsOwnAgent() throws Exception {
        String builtIn = as(ScheduleServiceGrpc.newBlockingStub(channel), Credentials.adminToken(hub), "default")
                .listAgents(ListAgentsRequest.getDefaultInstance()).getAgentsList().stream()
                .filter(a -> "true".equals(a.getLabelsMap().get("builtin")))
                .filter(a -> a.getAgentType().equals("devops")).findFirst().orElseThrow().getAgentId();
        Key shop = key("shop-host", KeyRole.KEY_ROLE_AGENT, "shop");
        TestAgent own = connect(shop.token(), "shop", "gauge", "gauge-1");
        Instant now = Instant.now();
        var fake = Records.sample("fake-1", "agent.devops." + builtIn, now, 1).putMetrics("running_tasks", 1000);
        var genuine = Records.sample("own-1", "agent.gauge.gauge-1", now, 1).setCpu(0.42);

        // in order on one stream: the feed takes them in order, so the genuine one's effect follows the fake one's
        Ingest.call(as(TelemetryServiceGrpc.newStub(channel), shop.token(), "shop"),
                List.of(Records.request(fake), Records.request(genuine))).get(15, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(15)).until(() -> as(ScheduleServiceGrpc.newBlockingStub(channel),
                Credentials.adminToken(hub), "shop").listAgents(ListAgentsRequest.newBuilder().setAgentType("gauge")
                .build()).getAgentsList().stream().anyMatch(a -> a.getHealth().getCpu() == 0.42));
        String restart = submit("bank", "devops.restart");

        await().atMost(Duration.ofSeconds(15)).until(() -> java.util.Set.of(
                ScheduledTaskState.SCHEDULED_TASK_STATE_ASSIGNED, ScheduledTaskState.SCHEDULED_TASK_STATE_SUCCEEDED,
                ScheduledTaskState.SCHEDULED_TASK_STATE_FAILED).contains(state("bank", restart)));
        own.leave();
    }
}
