package io.commandcenter.hub.runtime;

import io.commandcenter.hub.learning.LearningLoop;
import io.commandcenter.hub.learning.LearningSettings;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.remediate.NodeRecord;
import io.commandcenter.hub.remediate.NodeState;
import io.commandcenter.hub.remediate.RunRecord;
import io.commandcenter.hub.remediate.RunState;
import io.commandcenter.hub.telemetry.SampleQuery;
import io.commandcenter.hub.telemetry.StoredSample;
import io.commandcenter.hub.telemetry.TelemetryStore;
import io.commandcenter.hub.testing.Credentials;
import io.commandcenter.hub.testing.GrpcFixture;
import io.commandcenter.models.train.loop.PromotionRule;
import io.commandcenter.proto.v1.CancelWorkflowRunRequest;
import io.commandcenter.proto.v1.RemediateServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Closing a hub while a learning step reads the embedded database: the step is asked to stop and ends at
 * its next safe point, never interrupted (H2 answers an interrupt inside a file operation by closing its
 * database), and the database closes only after it. A person cancelling the step's run stops it the same
 * way, through its task's revocation.
 */
class HubLearningShutdownTest {
    @TempDir
    Path dir;
    Hub hub;

    @AfterEach
    void stop() {
        if (hub != null) {
            hub.close();
        }
    }

    /**
     * The data collector's telemetry reads: the first one is held inside the database — read again and again
     * until {@code release} says so — and records whether anything interrupted it or failed under it.
     */
    static final class HeldReads implements TelemetryStore {
        final TelemetryStore real;
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch ended = new CountDownLatch(1);
        final AtomicInteger reads = new AtomicInteger();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        volatile boolean interrupted;
        volatile BooleanSupplier release = () -> true;
        private boolean held;

        HeldReads(TelemetryStore real) {
            this.real = real;
        }

        @Override
        public List<Outcome> write(List<Scoped> records, Instant receivedAt) {
            return real.write(records, receivedAt);
        }

        @Override
        public List<StoredSample> listHealthSamples(ProjectId project, SampleQuery query) {
            synchronized (this) {
                if (held) {
                    return real.listHealthSamples(project, query);
                }
                held = true;
            }
            entered.countDown();
            try {
                List<StoredSample> page;
                do {
                    page = real.listHealthSamples(project, query);
                    reads.incrementAndGet();
                    interrupted |= Thread.currentThread().isInterrupted();
                } while (!release.getAsBoolean());
                // one more read once released: the database is still open under the step
                page = real.listHealthSamples(project, query);
                reads.incrementAndGet();
                interrupted |= Thread.currentThread().isInterrupted();
                return page;
            } catch (RuntimeException | Error e) {
                failure.set(e);
                interrupted |= Thread.currentThread().isInterrupted();
                throw e;
            } finally {
                ended.countDown();
            }
        }
    }

    static LearningSettings learning(Duration stopWait) {
        return LearningSettings.defaults().withCorpus(2, 3).withRule(new PromotionRule(0.02, 0.02, 1))
                .withStopWait(stopWait);
    }

    /** Starts {@link #hub} with its learning loop's telemetry reads going through a {@link HeldReads}. */
    HeldReads startHeld(HubSettings settings) {
        AtomicReference<HeldReads> reads = new AtomicReference<>();
        hub = Hub.start(settings, Clock.systemUTC(), store -> {
            reads.set(new HeldReads(store));
            return reads.get();
        });
        return reads.get();
    }

    static NodeRecord node(RunRecord run, String id) {
        return run.nodes().stream().filter(n -> n.nodeId().equals(id)).findFirst().orElseThrow();
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void closingTheHub_whileALearningStepReadsTheDatabase_endsTheStepCancelled_beforeTheDatabaseCloses() throws Exception {
        Duration bound = Duration.ofSeconds(60);
        HubSettings settings = HubSettings.defaults(dir, 0).withLearning(learning(bound));
        ProjectId project = settings.defaultProject();
        HeldReads held = startHeld(settings);
        Hub closing = hub;
        // held inside the database until the hub has asked its learning steps to stop
        held.release = () -> closing.learningLoop().stopping();
        String runId = hub.learning().train(hub.remediation(), project, "service_health", "tester", "").runId();
        assertThat(held.entered.await(2, TimeUnit.MINUTES)).as("the collect step reads telemetry").isTrue();

        long started = System.nanoTime();
        hub.close();
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        hub = null;

        assertThat(held.ended.await(0, TimeUnit.SECONDS)).as("the step's read ended before close returned").isTrue();
        assertThat(held.failure.get()).as("no read failed under the step").isNull();
        assertThat(held.interrupted).as("nothing interrupted the thread inside the database").isFalse();
        assertThat(held.reads.get()).isGreaterThan(1);
        assertThat(took).as("close returned within the bound").isLessThan(bound);
        // H2 writes its errors (a file closed by an interrupt among them) to this trace file
        assertThat(dir.resolve("db").resolve("hub.trace.db")).doesNotExist();

        // the next start opens the database without error, and the run says what happened
        hub = Hub.start(settings, Clock.systemUTC());
        RunRecord run = hub.remediation().run(project, runId);
        NodeRecord collect = node(run, "collect");
        assertThat(collect.state()).as(String.valueOf(run)).isEqualTo(NodeState.FAILED);
        assertThat(collect.error()).startsWith("LEARNING_CANCELLED: the hub is closing: the learning work stopped")
                .contains("stopped before reading the feedback"); // the safe point right after the held read
        assertThat(run.state()).as("the seed workflow has no retry policy: the run fails, saying why")
                .isEqualTo(RunState.FAILED);
        assertThat(hub.registry().list(project, "service_health")).as("nothing registered").hasSize(1);
        assertThat(dir.resolve("db").resolve("hub.trace.db")).doesNotExist();
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aStepThatIgnoresTheStop_pastTheBound_isLeftToEndUninterrupted_andCloseStillReturns() throws Exception {
        HubSettings settings = HubSettings.defaults(dir, 0).withLearning(learning(Duration.ofMillis(200)));
        ProjectId project = settings.defaultProject();
        HeldReads held = startHeld(settings);
        CountDownLatch release = new CountDownLatch(1);
        // a step that never looks at the stop: it goes on until the test lets it
        held.release = () -> {
            try {
                return release.await(2, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                held.interrupted = true;
                Thread.currentThread().interrupt();
                return true;
            }
        };
        String runId = hub.learning().train(hub.remediation(), project, "service_health", "tester", "").runId();
        assertThat(held.entered.await(2, TimeUnit.MINUTES)).isTrue();

        hub.close();
        hub = null;
        assertThat(held.ended.getCount()).as("close returned while the step still ran").isEqualTo(1);
        release.countDown();

        assertThat(held.ended.await(1, TimeUnit.MINUTES)).isTrue();
        assertThat(held.interrupted).as("the step was never interrupted").isFalse();
        assertThat(held.failure.get()).as("its read after the close fails: the database is closed").isNotNull();
        assertThat(dir.resolve("db").resolve("hub.trace.db")).doesNotExist();

        // the next start opens the database without error; the step's result never reached the run, which says so
        hub = Hub.start(settings, Clock.systemUTC());
        // the take-up ends the run through the run's journal (fenced, ADR 0028), whose writer may finish after start
        await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> assertThat(hub.remediation().run(project, runId)
                .state()).isEqualTo(RunState.INTERRUPTED));
        RunRecord run = hub.remediation().run(project, runId);
        assertThat(node(run, "collect").state()).isEqualTo(NodeState.UNKNOWN);
        assertThat(Files.exists(dir.resolve("db").resolve("hub.trace.db"))).isFalse();
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void cancellingARun_throughTheApi_endsItsLearningStepAtTheNextSafePoint_registeringNothing() throws Exception {
        HubSettings settings = HubSettings.defaults(dir, 0).withLearning(learning(Duration.ofSeconds(60)));
        ProjectId project = settings.defaultProject();
        HeldReads held = startHeld(settings);
        CountDownLatch cancelled = new CountDownLatch(1);
        // held inside the database until the run's cancel has been answered
        held.release = () -> cancelled.getCount() == 0;
        LearningLoop loop = hub.learningLoop();
        String runId = hub.learning().train(hub.remediation(), project, LearningLoop.MODEL, "tester", "").runId();
        assertThat(held.entered.await(2, TimeUnit.MINUTES)).as("the collect step reads telemetry").isTrue();

        ManagedChannel channel = NettyChannelBuilder.forAddress("localhost", hub.grpcPort()).usePlaintext()
                .intercept(Credentials.bearer(Credentials.adminToken(hub))).build();
        io.commandcenter.proto.v1.CancelWorkflowRunResponse answer;
        try {
            answer = GrpcFixture.scoped(RemediateServiceGrpc.newBlockingStub(channel), project.value())
                    .cancelWorkflowRun(CancelWorkflowRunRequest.newBuilder().setRunId(runId).setReason("wrong window")
                            .build());
        } finally {
            channel.shutdownNow();
        }
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
        RunRecord run = hub.remediation().run(project, runId);
        assertThat(run.state()).isEqualTo(RunState.CANCELLED);
        assertThat(node(run, "collect").state()).as("what the cancel wrote; the step's result was refused")
                .isEqualTo(NodeState.CANCELLED);

        hub.close();
        hub = null;
        // H2 writes its errors (a file closed by an interrupt among them) to this trace file
        assertThat(dir.resolve("db").resolve("hub.trace.db")).doesNotExist();
    }
}
