package io.commandcenter.inference.triton;

import io.commandcenter.common.concurrent.CircuitBreaker;
import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.common.testing.ManualClock;
import io.commandcenter.inference.TestModels;
import io.commandcenter.inference.remote.RemoteEndpoint;
import io.commandcenter.models.artifact.ModelArtifact;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** {@link TritonBackend} against an independent loopback Open Inference Protocol server speaking over a real socket. */
class TritonBackendTest {
    static ModelArtifact artifact;

    @BeforeAll
    static void train() {
        artifact = TestModels.artifact(TestModels.train(7, 0), "cpu_risk", "1.0.0");
    }

    static final float[] ROWS = {0f, 0f, 0f, 1.5f, 0.2f, -1f, -2f, 1f, 0.5f, 0.3f, 2f, 0f};

    @TempDir
    Path dir;

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
        ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
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

            clock.advance(Duration.ofSeconds(31));
            assertThat(backend.circuit()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
            assertThat(backend.score(remote.key, ROWS, 1)).hasSize(1);
            assertThat(backend.circuit()).isEqualTo(CircuitBreaker.State.CLOSED);
        }
    }

    @Test
    void anAnswerThatIsNotAProbability_isABadResponse_countedByTheBreaker_notARisk() throws Exception {
        try (LoopbackTriton remote = new LoopbackTriton(artifact);
             TritonBackend backend = new TritonBackend(endpoint(remote).withBreaker(1, Duration.ofSeconds(30)),
                     Clock.systemUTC())) {
            backend.load(artifact);
            remote.shift = 2f;

            assertThatThrownBy(() -> backend.score(remote.key, ROWS, 4)).isInstanceOfSatisfying(
                    CommandCenterException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE);
                        assertThat(e.reason()).isEqualTo("REMOTE_BAD_RESPONSE");
                        assertThat(e.getMessage()).contains("row 0").contains("not a probability");
                    });
            assertThat(remote.inferCalls.get()).as("not retried").isEqualTo(1);
            assertThat(backend.circuit()).as("counted by the breaker").isEqualTo(CircuitBreaker.State.OPEN);
        }
    }

    @Test
    void aRowThatIsNotFinite_isTheCallersError_neverSent() throws Exception {
        try (LoopbackTriton remote = new LoopbackTriton(artifact);
             TritonBackend backend = new TritonBackend(endpoint(remote).withBreaker(1, Duration.ofSeconds(30)),
                     Clock.systemUTC())) {
            backend.load(artifact);
            float[] rows = ROWS.clone();
            rows[4] = Float.NaN; // row 1, the model's second feature

            assertThatThrownBy(() -> backend.score(remote.key, rows, 4)).isInstanceOfSatisfying(
                    CommandCenterException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ErrorKind.INVALID);
                        assertThat(e.reason()).isEqualTo("SCORE_INPUT_INVALID");
                        assertThat(e.getMessage()).contains("row 1, feature " + artifact.metadata().features().get(1));
                    });
            // a real Triton does not refuse NaN: it would answer NaN, a bad response counted against the endpoint
            assertThat(remote.inferCalls.get()).as("never sent").isZero();
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

    @Test
    void aTokenFileThatCannotBeRead_isUnavailable_andCountsAsAFailure() throws Exception {
        Path token = dir.resolve("token");
        Files.writeString(token, "t0k\n");
        try (LoopbackTriton remote = new LoopbackTriton(artifact);
             TritonBackend backend = new TritonBackend(endpoint(remote).withTokenFile(token).withBreaker(1,
                     Duration.ofSeconds(30)), Clock.systemUTC())) {
            backend.load(artifact);
            Files.delete(token);

            assertThatThrownBy(() -> backend.score(remote.key, ROWS, 1)).isInstanceOfSatisfying(
                    CommandCenterException.class, e -> {
                        assertThat(e.reason()).isEqualTo("REMOTE_UNAVAILABLE");
                        assertThat(e.metadata()).containsEntry("code", "TOKEN_UNREADABLE");
                    });
            assertThat(backend.circuit()).as("counted by the breaker").isEqualTo(CircuitBreaker.State.OPEN);
            assertThat(remote.inferCalls.get()).isZero();
        }
    }

    @Test
    void aHalfOpenTrialThatCannotReadItsToken_freesTheTrial_theNextOneReachesTheRemote() throws Exception {
        Path token = dir.resolve("token");
        Files.writeString(token, "t0k\n");
        ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
        try (LoopbackTriton remote = new LoopbackTriton(artifact);
             // one attempt per call, and a deadline no loaded machine's first connection reaches (nothing here hangs)
             TritonBackend backend = new TritonBackend(endpoint(remote).withRetries(1, Duration.ZERO).withTokenFile(token)
                     .withDeadline(Duration.ofSeconds(10)).withBreaker(1, Duration.ofSeconds(30)), clock)) {
            backend.load(artifact);
            remote.failNext.set(1);
            assertThatThrownBy(() -> backend.score(remote.key, ROWS, 1)).isInstanceOf(CommandCenterException.class);
            assertThat(backend.circuit()).isEqualTo(CircuitBreaker.State.OPEN);

            clock.advance(Duration.ofSeconds(31));
            Files.delete(token);
            assertThatThrownBy(() -> backend.score(remote.key, ROWS, 1)).isInstanceOfSatisfying(
                    CommandCenterException.class, e -> assertThat(e.reason()).isEqualTo("REMOTE_UNAVAILABLE"));
            assertThat(backend.circuit()).as("the failed trial opens it again").isEqualTo(CircuitBreaker.State.OPEN);

            clock.advance(Duration.ofSeconds(31));
            Files.writeString(token, "t0k\n");
            int calls = remote.inferCalls.get();
            assertThat(backend.score(remote.key, ROWS, 1)).hasSize(1);
            assertThat(remote.inferCalls.get()).as("the next trial reached the remote").isEqualTo(calls + 1);
            assertThat(backend.circuit()).isEqualTo(CircuitBreaker.State.CLOSED);
        }
    }

    @Test
    void aHangingRemote_holdsAScoreForItsAttemptsOnce_andCountsOneFailure() throws Exception {
        try (LoopbackTriton remote = new LoopbackTriton(artifact);
             TritonBackend backend = new TritonBackend(endpoint(remote).withRetries(2, Duration.ZERO)
                     .withBreaker(2, Duration.ofSeconds(30)), Clock.systemUTC())) {
            remote.riskOutput = true;
            backend.load(artifact);
            int metadataCalls = remote.serverMetadataCalls.get();
            remote.hold = new CountDownLatch(1);

            // a guard against hanging, not a timing: 2 attempts x 500 ms is the bound
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThatThrownBy(() -> backend.score(remote.key, ROWS, 1))
                    .isInstanceOfSatisfying(CommandCenterException.class,
                            e -> assertThat(e.metadata()).containsEntry("code", "DEADLINE_EXCEEDED")));

            assertThat(remote.serverMetadataCalls.get()).as("no capability check on a score").isEqualTo(metadataCalls);
            // 2 attempts were made; under load the second can be cancelled at its deadline before the remote's
            // handler counts it, so 1 is possible too; more would be a second round of attempts
            assertThat(remote.inferCalls.get()).isBetween(1, 2);
            assertThat(backend.circuit()).as("one failure of two counted").isEqualTo(CircuitBreaker.State.CLOSED);
        }
    }

    @Test
    void aRemoteServingRisk_isScoredThroughIt() throws Exception {
        try (LoopbackTriton remote = new LoopbackTriton(artifact);
             TritonBackend backend = new TritonBackend(endpoint(remote), Clock.systemUTC())) {
            remote.riskOutput = true;
            backend.load(artifact);

            assertThat(backend.score(remote.key, ROWS, 2)[1]).isCloseTo(remote.onnx.score(remote.key, ROWS, 2)[1],
                    within(1e-7));
            assertThat(remote.serverMetadataCalls.get()).as("asked once, at load").isEqualTo(1);
        }
    }

    @Test
    void theRemotesCapabilities_areAskedAtEachLoad() throws Exception {
        try (LoopbackTriton remote = new LoopbackTriton(artifact);
             TritonBackend backend = new TritonBackend(endpoint(remote), Clock.systemUTC())) {
            remote.riskOutput = true;
            backend.load(artifact);
            backend.unload(remote.key);
            backend.load(artifact);

            assertThat(remote.serverMetadataCalls.get()).as("the answer is the version's, not the backend's").isEqualTo(2);
        }
    }

    @Test
    void anInterruptedCaller_isUnavailable_keepsItsInterrupt_andIsNotCountedAgainstTheRemote() throws Exception {
        try (LoopbackTriton remote = new LoopbackTriton(artifact);
             TritonBackend backend = new TritonBackend(endpoint(remote).withBreaker(1, Duration.ofSeconds(30)),
                     Clock.systemUTC())) {
            backend.load(artifact);

            Thread.currentThread().interrupt();
            assertThatThrownBy(() -> backend.score(remote.key, ROWS, 1)).isInstanceOfSatisfying(
                    CommandCenterException.class, e -> {
                        assertThat(e.reason()).isEqualTo("REMOTE_UNAVAILABLE");
                        assertThat(e.metadata()).containsEntry("code", "INTERRUPTED");
                    });
            assertThat(Thread.interrupted()).as("the interrupt kept (and cleared here)").isTrue();

            assertThat(backend.circuit()).as("one failure would open it").isEqualTo(CircuitBreaker.State.CLOSED);
            assertThat(backend.score(remote.key, ROWS, 1)).hasSize(1);
        }
    }
}
