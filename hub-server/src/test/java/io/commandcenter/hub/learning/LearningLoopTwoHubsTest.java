package io.commandcenter.hub.learning;

import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.remediate.NodeRecord;
import io.commandcenter.hub.remediate.RunRecord;
import io.commandcenter.hub.remediate.RunState;
import io.commandcenter.hub.runtime.Hub;
import io.commandcenter.hub.runtime.HubSettings;
import io.commandcenter.hub.testing.Databases;
import io.commandcenter.hub.testing.GrpcFixture;
import io.commandcenter.hub.testing.Ingest;
import io.commandcenter.hub.persistence.DatabaseSettings;
import io.commandcenter.hub.telemetry.grpc.TelemetryProtoMapper;
import io.commandcenter.proto.v1.DeclareIncidentRequest;
import io.commandcenter.proto.v1.EntityRef;
import io.commandcenter.proto.v1.PredictServiceGrpc;
import io.commandcenter.proto.v1.TelemetryServiceGrpc;
import io.commandcenter.scheduler.SchedulerSettings;
import io.commandcenter.scheduler.hazelcast.HazelcastSettings;
import io.commandcenter.scheduler.testing.Ports;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two hubs on one PostgreSQL database and one Hazelcast cluster, each with the four built-in learning
 * agents: a run's four steps stay on the hub that runs it, so no step on another hub makes its
 * predecessor's snapshot or challenger again (a second training). Two retrainings at once keep the
 * first hub's trainer busy while the second hub's idles — without the pin, the second run's training
 * would go there.
 */
class LearningLoopTwoHubsTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void aRunsFourStepsStayOnItsHub_andEachRunTrainsOnce_whileTheOtherHubsAgentsIdle() throws Exception {
        DatabaseSettings database = Databases.postgres(dir);
        String cluster = "learning-" + UUID.randomUUID();
        int portA = Ports.free();
        int portB = Ports.free();
        List<String> members = List.of("127.0.0.1:" + portA, "127.0.0.1:" + portB);
        try (Hub hubA = Hub.start(hub("hub-a", database, cluster, portA, members), Clock.systemUTC());
             Hub hubB = Hub.start(hub("hub-b", database, cluster, portB, members), Clock.systemUTC())) {
            ManagedChannel channel = NettyChannelBuilder.forAddress("localhost", hubA.grpcPort()).usePlaintext()
                    .intercept(io.commandcenter.hub.testing.Credentials.admin(hubA)).build();
            try {
                List<ProjectId> projects = List.of(ProjectId.of("one"), ProjectId.of("two"));
                long seed = 11;
                for (ProjectId p : projects) {
                    labelled(channel, p, seed);
                    seed += 20;
                }
                hubA.engine().sync();
                // both wait for their agents: the second run's steps are ready while hub A's trainer is busy
                List<RunRecord> started = projects.stream().map(p -> hubA.learning().train(hubA.remediation(), p,
                        "service_health", "tester", "two hubs")).toList();
                for (RunRecord r : started) {
                    RunRecord done = await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(200))
                            .until(() -> hubA.remediation().run(r.project(), r.runId()), x -> x.state().isFinished());
                    assertThat(done.state()).as(String.valueOf(done)).isEqualTo(RunState.SUCCEEDED);
                    assertThat(done.nodes()).extracting(NodeRecord::nodeId).containsExactly("collect", "train",
                            "evaluate", "register");
                    assertThat(LearningLoopHubTest.output(done, "register")).containsEntry("registered", true);
                }
                assertThat(hubB.learning().stepsTaken()).as("hub B's learning agents took no step").isZero();
                assertThat(hubA.learning().stepsTaken()).as("hub A took all eight").isEqualTo(8);
                assertThat(hubA.learning().trainings()).as("one training per run, none made again").isEqualTo(2);
            } finally {
                channel.shutdownNow();
            }
        }
    }

    /** Three services of a project with three declared incidents each (LearningLoopHubTest's data). */
    static void labelled(ManagedChannel channel, ProjectId project, long seed) {
        Instant end = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofHours(1));
        int rows = 300;
        int[][] incidents = {{70, 20}, {160, 20}, {255, 25}};
        for (int s = 0; s < 3; s++) {
            String service = "svc-" + s;
            Ingest.call(GrpcFixture.scoped(TelemetryServiceGrpc.newStub(channel), project.value()),
                    LearningLoopHubTest.series(service, rows, end, seed + s, incidents)).join();
            for (int[] inc : incidents) {
                Instant from = end.minus(Duration.ofMinutes(rows - 1 - inc[0]));
                GrpcFixture.scoped(PredictServiceGrpc.newBlockingStub(channel), project.value())
                        .declareIncident(DeclareIncidentRequest.newBuilder()
                                .setEntity(EntityRef.newBuilder().setKind("service").setId(service))
                                .setStartTime(TelemetryProtoMapper.timestamp(from))
                                .setEndTime(TelemetryProtoMapper.timestamp(from.plus(Duration.ofMinutes(inc[1] - 1))))
                                .setReason("paged").build());
            }
        }
    }

    HubSettings hub(String id, DatabaseSettings database, String cluster, int port, List<String> members) {
        HubSettings defaults = HubSettings.defaults(dir.resolve(id), 0);
        return defaults.withHubId(id).withDatabase(database)
                .withScheduler(SchedulerSettings.defaults(id), Optional.of(HazelcastSettings.embedded(id, "127.0.0.1",
                        port, members).withClusterName(cluster)))
                .withLearning(LearningLoopHubTest.small().withSchedule("off"));
    }
}
