package io.commandcenter.hub.runtime;

import io.commandcenter.hub.testing.GrpcFixture;
import io.commandcenter.hub.testing.Ingest;
import io.commandcenter.hub.testing.Records;
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

/** An agent's host reports its health as telemetry: the scheduler's agent score sees that load. */
class AgentHealthFeedTest {
    @TempDir
    Path dir;

    @Test
    void aHealthSampleOfAnAgent_becomesItsLoad_andOtherSamplesLeaveAgentsAlone() {
        try (Hub hub = Hub.start(HubSettings.defaults(dir, 0), Clock.systemUTC())) {
            ManagedChannel channel = NettyChannelBuilder.forAddress("localhost", hub.grpcPort()).usePlaintext()
                .intercept(io.commandcenter.hub.testing.Credentials.admin(hub)).build();
            try {
                Instant now = Instant.now();
                Ingest.call(GrpcFixture.scoped(TelemetryServiceGrpc.newStub(channel), "default"), List.of(
                        Records.request(Records.sample("h-1", "agent.devops.devops:hub-local", now, 12)
                                .setCpu(0.85).setMemory(0.4).putMetrics("running_tasks", 2)),
                        Records.request(Records.sample("h-2", "agent.devops.nobody", now, 12).setCpu(0.9)),
                        Records.request(Records.sample("h-3", "checkout", now, 12).setCpu(0.99)))).join();

                await().atMost(Duration.ofSeconds(10)).until(() -> devops(hub).load().cpu() == 0.85);
                AgentView devops = devops(hub);
                assertThat(devops.load().memory()).isEqualTo(0.4);
                assertThat(devops.load().runningTasks()).isEqualTo(2);
                assertThat(hub.scheduler().agents("default", "notifier").agents())
                        .allSatisfy(a -> assertThat(a.load().cpu()).isZero());
            } finally {
                channel.shutdownNow();
            }
        }
    }

    static AgentView devops(Hub hub) {
        return hub.scheduler().agents("default", "devops").agents().stream()
                .filter(a -> a.registration().agentId().equals("devops:hub-local")).findFirst().orElseThrow();
    }
}
