package io.commandcenter.hub.runtime;

import io.commandcenter.hub.learning.LearningLoop;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.remediate.RunState;
import io.commandcenter.hub.runtime.HubLearningShutdownTest.HeldReads;
import io.commandcenter.hub.testing.Credentials;
import io.commandcenter.hub.testing.GrpcFixture;
import io.commandcenter.proto.v1.CancelWorkflowRunRequest;
import io.commandcenter.proto.v1.RemediateServiceGrpc;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A person cancels a retraining run while its learning step reads the embedded database: the step is told
 * through its task's revocation, ends at its next safe point (never interrupted), and nothing is registered.
 */
class HubLearningCancelTest {
    @TempDir
    Path dir;
    Hub hub;
    ManagedChannel channel;

    @AfterEach
    void stop() {
        if (channel != null) {
            channel.shutdownNow();
        }
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void cancellingARun_throughTheApi_endsItsLearningStepAtTheNextSafePoint_registeringNothing() throws Exception {
        HubSettings settings = HubSettings.defaults(dir, 0)
                .withLearning(HubLearningShutdownTest.learning(Duration.ofSeconds(60)));
        ProjectId project = settings.defaultProject();
        AtomicReference<HeldReads> reads = new AtomicReference<>();
        hub = Hub.start(settings, Clock.systemUTC(), store -> {
            reads.set(new HeldReads(store));
            return reads.get();
        });
        HeldReads held = reads.get();
        CountDownLatch cancelled = new CountDownLatch(1);
        // held inside the database until the run's cancel has been answered
        held.release = () -> cancelled.getCount() == 0;
        LearningLoop loop = hub.learningLoop();
        String runId = hub.learning().train(hub.remediation(), project, LearningLoop.MODEL, "tester", "").runId();
        assertThat(held.entered.await(2, TimeUnit.MINUTES)).as("the collect step reads telemetry").isTrue();

        channel = NettyChannelBuilder.forAddress("localhost", hub.grpcPort()).usePlaintext()
                .intercept(Credentials.bearer(Credentials.adminToken(hub))).build();
        var api = GrpcFixture.scoped(RemediateServiceGrpc.newBlockingStub(channel), project.value());
        var answer = api.cancelWorkflowRun(CancelWorkflowRunRequest.newBuilder().setRunId(runId)
                .setReason("wrong window").build());
        assertThat(answer.getRun().getState()).isEqualTo(io.commandcenter.proto.v1.RunState.RUN_STATE_CANCELLED);
        cancelled.countDown();

        // the step's read ends, and the step stops at the safe point right after it
        assertThat(held.ended.await(1, TimeUnit.MINUTES)).isTrue();
        await().atMost(Duration.ofMinutes(1)).until(() -> loop.stepsCancelled() == 1);
        assertThat(held.failure.get()).as("no read failed under the step").isNull();
        assertThat(held.interrupted).as("nothing interrupted the thread inside the database").isFalse();
        assertThat(loop.stepsTaken()).as("no later step of the cancelled run started").isEqualTo(1);
        assertThat(loop.trainings()).as("nothing was trained").isZero();
        assertThat(hub.registry().list(project, LearningLoop.MODEL)).as("nothing registered").hasSize(1);
        assertThat(hub.remediation().run(project, runId).state()).isEqualTo(RunState.CANCELLED);

        hub.close();
        hub = null;
        // H2 writes its errors (a file closed by an interrupt among them) to this trace file
        assertThat(dir.resolve("db").resolve("hub.trace.db")).doesNotExist();
    }
}
