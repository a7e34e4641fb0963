package io.commandcenter.hub.runtime;

import io.commandcenter.hub.testing.Credentials;
import io.commandcenter.hub.testing.GrpcFixture;
import io.commandcenter.hub.testing.Ingest;
import io.commandcenter.hub.testing.Records;
import io.commandcenter.hub.testing.TestAgent;
import io.commandcenter.proto.v1.CreateKeyRequest;
import io.commandcenter.proto.v1.KeyRole;
import io.commandcenter.proto.v1.KeyServiceGrpc;
import io.commandcenter.proto.v1.TelemetryServiceGrpc;
import io.commandcenter.scheduler.agents.AgentView;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An agent's host reports its health as telemetry, with the key that registered the agent: the
 * scheduler's agent score sees that load. The same sample from another key (even an
 * administrator's), and any sample for the hub's own agents, leave the agents alone.
 */
class AgentHealthFeedTest {
    @TempDir
    Path dir;

    @Test
    void aHealthSampleOfAnAgent_fromItsOwnKey_becomesItsLoad_andOtherSamplesLeaveAgentsAlone() throws Exception {
        try (Hub hub = Hub.start(HubSettings.defaults(dir, 0), Clock.systemUTC())) {
            ManagedChannel channel = NettyChannelBuilder.forAddress("localhost", hub.grpcPort()).usePlaintext()
                    .build();
            try {
                String own = KeyServiceGrpc.newBlockingStub(channel).withInterceptors(Credentials.admin(hub))
                        .createKey(CreateKeyRequest.newBuilder().setName("host-1").setRole(KeyRole.KEY_ROLE_AGENT)
                                .setProjectId("default").build()).getToken();
                TestAgent edge = TestAgent.connect(channel, own, "default", "gauge", "edge-1");
                TestAgent barrier = TestAgent.connect(channel, own, "default", "gauge", "edge-2");
                var asOwn = GrpcFixture.scoped(TelemetryServiceGrpc.newStub(channel), "default")
                        .withInterceptors(Credentials.bearer(own));
                var asAdmin = GrpcFixture.scoped(TelemetryServiceGrpc.newStub(channel), "default")
                        .withInterceptors(Credentials.admin(hub));
                Instant now = Instant.now();

                Ingest.call(asOwn, List.of(Records.request(Records.sample("h-1", "agent.gauge.edge-1", now, 12)
                        .setCpu(0.85).setMemory(0.4).putMetrics("running_tasks", 2)))).join();
                Ingest.call(asAdmin, List.of(
                        Records.request(Records.sample("h-2", "agent.gauge.edge-1", now, 12).setCpu(0.9)),
                        Records.request(Records.sample("h-3", "agent.devops.devops:hub-local", now, 12)
                                .setCpu(0.95).putMetrics("running_tasks", 1000)),
                        Records.request(Records.sample("h-4", "agent.devops.nobody", now, 12).setCpu(0.9)),
                        Records.request(Records.sample("h-5", "checkout", now, 12).setCpu(0.99)))).join();
                // taken after the others (the feed takes samples in the order they were stored)
                Ingest.call(asOwn, List.of(Records.request(Records.sample("h-6", "agent.gauge.edge-2", now, 12)
                        .setCpu(0.3)))).join();

                await().atMost(Duration.ofSeconds(10)).until(() -> agent(hub, "gauge", "edge-2").load().cpu() == 0.3);
                AgentView reported = agent(hub, "gauge", "edge-1");
                assertThat(reported.load().cpu()).as("its own key's sample, not the administrator's").isEqualTo(0.85);
                assertThat(reported.load().memory()).isEqualTo(0.4);
                assertThat(reported.load().runningTasks()).isEqualTo(2);
                assertThat(agent(hub, "devops", "devops:hub-local").load().runningTasks()).as("the hub's own agent")
                        .isZero();
                assertThat(agent(hub, "devops", "devops:hub-local").load().cpu()).isNotEqualTo(0.95);
                edge.leave();
                barrier.leave();
            } finally {
                channel.shutdownNow();
            }
        }
    }

    static AgentView agent(Hub hub, String type, String id) {
        return hub.scheduler().agents("default", type).agents().stream()
                .filter(a -> a.registration().agentId().equals(id)).findFirst().orElseThrow();
    }
}
