package io.commandcenter.inference.triton;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.inference.TestModels;
import io.commandcenter.inference.remote.CircuitBreaker;
import io.commandcenter.inference.remote.RemoteEndpoint;
import io.commandcenter.models.artifact.ModelArtifact;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** {@link TritonBackend} against an independent loopback Open Inference Protocol server speaking over a real socket. */
class TritonBackendTest {
    static ModelArtifact artifact;

    @BeforeAll
    static void train() {
        artifact = TestModels.artifact(TestModels.train(7, 0), "cpu_risk", "1.0.0");
    }

    static final float[] ROWS = {0f, 0f, 0f, 1.5f, 0.2f, -1f, -2f, 1f, 0.5f, 0.3f, 2f, 0f};

    /** A clock the test moves. */
    static final class MovableClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    static RemoteEndpoint endpoint(LoopbackTriton remote) {
        return RemoteEndpoint.triton("loopback", remote.target()).withRetries(3, Duration.ZERO)
                .withDeadline(Duration.ofMillis(500)).withBreaker(3, Duration.ofSeconds(30));
    }

    @Test
    void load_checksTheRemoteModel_thenScoresExactlyAsLocalOnnxRuntime() throws Exception {
        try (LoopbackTriton remote = new LoopbackTriton(artifact);
             TritonBackend backend = new TritonBackend(endpoint(remote), Clock.systemUTC())) {
            backend.load(artifact);

            double[] remoteRisk = backend.score(remote.key, ROWS, 4);
            double[] localRisk = remote.onnx.score(remote.key, ROWS, 4);

            assertThat(remoteRisk).hasSize(4);
            for (int i = 0; i < 4; i++) {
                assertThat(remoteRisk[i]).isCloseTo(localRisk[i], within(1e-7));
            }
            assertThat(remoteRisk[1]).as("rows are kept apart").isNotEqualTo(remoteRisk[2]);
            assertThat(backend.metadata(remote.key)).isEqualTo(artifact.metadata());
        }
    }

    @Test
    void load_refusesARemoteModelThatIsNotReady_orDeclaresOtherFeatures() throws Exception {
        try (LoopbackTriton remote = new LoopbackTriton(artifact);
             TritonBackend backend = new TritonBackend(endpoint(remote), Clock.systemUTC())) {
            remote.ready = false;
            assertThatThrownBy(() -> backend.load(artifact)).isInstanceOfSatisfying(CommandCenterException.class,
                    e -> assertThat(e.reason()).isEqualTo("REMOTE_MODEL_NOT_READY"));

            remote.ready = true;
            remote.declaredFeatures = 5;
            assertThatThrownBy(() -> backend.load(artifact)).isInstanceOfSatisfying(CommandCenterException.class,
                    e -> {
                        assertThat(e.reason()).isEqualTo("REMOTE_MODEL_MISMATCH");
                        assertThat(e.getMessage()).contains("cpu", "disk", "queue");
                    });
            assertThat(backend.isLoaded(remote.key)).isFalse();
        }
    }

    @Test
    void transientFailures_areRetried_withinTheBound() throws Exception {
        try (LoopbackTriton remote = new LoopbackTriton(artifact);
             TritonBackend backend = new TritonBackend(endpoint(remote), Clock.systemUTC())) {
            backend.load(artifact);
            remote.failNext.set(2);

            assertThat(backend.score(remote.key, ROWS, 1)).hasSize(1);
            assertThat(remote.inferCalls.get()).as("two failures, then success").isEqualTo(3);

            remote.inferCalls.set(0);
            remote.failNext.set(3);
            assertThatThrownBy(() -> backend.score(remote.key, ROWS, 1)).isInstanceOfSatisfying(
                    CommandCenterException.class, e -> {
                        assertThat(e.reason()).isEqualTo("REMOTE_UNAVAILABLE");
                        assertThat(e.metadata()).containsEntry("code", "UNAVAILABLE");
                    });
            assertThat(remote.inferCalls.get()).as("no more than maxAttempts").isEqualTo(3);
        }
    }

    @Test
    void aHangingRemote_isCutOffAtTheDeadline() throws Exception {
        try (LoopbackTriton remote = new LoopbackTriton(artifact);
             TritonBackend backend = new TritonBackend(endpoint(remote).withRetries(1, Duration.ZERO)
                     .withDeadline(Duration.ofMillis(200)), Clock.systemUTC())) {
            backend.load(artifact);
            remote.hold = new CountDownLatch(1);
            long start = System.nanoTime();

            assertThatThrownBy(() -> backend.score(remote.key, ROWS, 1)).isInstanceOfSatisfying(
                    CommandCenterException.class, e -> assertThat(e.metadata()).containsEntry("code", "DEADLINE_EXCEEDED"));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            remote.hold.countDown();
        }
    }

    @Test
    void theCircuitOpensAfterRepeatedFailures_failsFastWhileOpen_andClosesAfterASuccessfulTrial() throws Exception {
        MovableClock clock = new MovableClock();
        try (LoopbackTriton remote = new LoopbackTriton(artifact);
             TritonBackend backend = new TritonBackend(endpoint(remote).withRetries(1, Duration.ZERO), clock)) {
            backend.load(artifact);
            remote.failNext.set(3);
            for (int i = 0; i < 3; i++) {
                assertThatThrownBy(() -> backend.score(remote.key, ROWS, 1)).isInstanceOf(CommandCenterException.class);
            }
            assertThat(backend.circuit()).isEqualTo(CircuitBreaker.State.OPEN);
            int calls = remote.inferCalls.get();

            assertThatThrownBy(() -> backend.score(remote.key, ROWS, 1)).isInstanceOfSatisfying(
                    CommandCenterException.class, e -> assertThat(e.reason()).isEqualTo("CIRCUIT_OPEN"));
            assertThat(remote.inferCalls.get()).as("an open circuit does not call").isEqualTo(calls);

            clock.now = clock.now.plusSeconds(31);
            assertThat(backend.circuit()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
            assertThat(backend.score(remote.key, ROWS, 1)).hasSize(1);
            assertThat(backend.circuit()).isEqualTo(CircuitBreaker.State.CLOSED);
        }
    }

    @Test
    void aRemoteThatIsGone_isUnavailable_notACrash() throws Exception {
        LoopbackTriton remote = new LoopbackTriton(artifact);
        try (TritonBackend backend = new TritonBackend(endpoint(remote), Clock.systemUTC())) {
            backend.load(artifact);
            remote.close();

            assertThatThrownBy(() -> backend.score(remote.key, ROWS, 1)).isInstanceOfSatisfying(
                    CommandCenterException.class, e -> assertThat(e.reason()).isEqualTo("REMOTE_UNAVAILABLE"));
        }
    }
}
