package io.commandcenter.inference.triton;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.inference.InferenceBackend;
import io.commandcenter.inference.ModelKey;
import io.commandcenter.inference.RiskPrediction;
import io.commandcenter.inference.RiskPredictor;
import io.commandcenter.inference.TestModels;
import io.commandcenter.inference.onnx.OnnxBackend;
import io.commandcenter.inference.remote.InferencePolicy;
import io.commandcenter.inference.remote.RemoteEndpoint;
import io.commandcenter.inference.remote.RoutingBackend;
import io.commandcenter.models.artifact.ModelArtifact;
import io.commandcenter.models.confidence.ConfidenceCalculator;
import io.commandcenter.models.features.FeatureSchema;
import io.commandcenter.models.features.FeatureVector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Routes, fallback, the approved-endpoint allow-list and sensitive projects, over a real loopback OIP server. */
class RoutingBackendTest {
    static ModelArtifact routed;
    static ModelArtifact unrouted;
    static final float[] ROW = {0.5f, 1.5f, -0.2f};

    LoopbackTriton remote;
    TritonBackend triton;
    RemoteEndpoint endpoint;
    final List<String> refusals = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void train() {
        routed = TestModels.artifact(TestModels.train(7, 0), "cpu_risk", "1.0.0");
        unrouted = TestModels.artifact(TestModels.train(8, 0.5), "disk_risk", "1.0.0");
    }

    @BeforeEach
    void start() throws Exception {
        remote = new LoopbackTriton(routed);
        endpoint = RemoteEndpoint.triton("loopback", remote.target()).withRetries(2, Duration.ZERO)
                .withDeadline(Duration.ofSeconds(2));
        triton = new TritonBackend(endpoint, Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        triton.close();
        remote.close();
    }

    RoutingBackend routing(boolean fallback, Set<String> approved, Set<String> sensitive) {
        RoutingBackend backend = routing(new OnnxBackend(), fallback, approved, sensitive);
        backend.load(routed);
        backend.load(unrouted);
        return backend;
    }

    /** {@code cpu_risk} routed to the loopback remote, nothing loaded yet. */
    RoutingBackend routing(InferenceBackend local, boolean fallback, Set<String> approved, Set<String> sensitive) {
        InferencePolicy policy = new InferencePolicy(Map.of("cpu_risk", new InferencePolicy.Route("loopback", fallback)),
                approved, sensitive);
        return new RoutingBackend(local, Map.of("loopback", triton), Map.of("loopback", endpoint), policy,
                (project, model, e) -> refusals.add(project + "|" + model + "|" + e.kind() + "|" + e.reason()));
    }

    @Test
    void aVersionTheRemoteRefuses_isRefused_andNotLeftLoadedHere() {
        remote.declaredFeatures = routed.metadata().features().size() + 1;
        OnnxBackend local = new OnnxBackend();
        try (RoutingBackend backend = routing(local, true, Set.of("localhost"), Set.of())) {
            assertThatThrownBy(() -> backend.load(routed)).isInstanceOfSatisfying(CommandCenterException.class, e -> {
                assertThat(e.kind()).isEqualTo(ErrorKind.INVALID);
                assertThat(e.reason()).isEqualTo("REMOTE_MODEL_MISMATCH");
            });

            assertThat(local.loaded()).as("no ONNX Runtime session of the refused version").isEmpty();
            assertThat(backend.isLoaded(ModelKey.of(routed.metadata()))).isFalse();
            assertThatThrownBy(() -> backend.score(ModelKey.of(routed.metadata()), ROW, 1))
                    .isInstanceOfSatisfying(CommandCenterException.class,
                            e -> assertThat(e.reason()).isEqualTo("MODEL_NOT_LOADED"));
        }
    }

    @Test
    void aVersionTheRemoteCouldNotCheckAtRegistration_andThenServesWithOtherFeatures_isUnavailableThere_notInvalid() {
        remote.ready = false; // UNAVAILABLE at registration: asked again on the first call
        try (RoutingBackend withFallback = routing(true, Set.of("localhost"), Set.of());
             RoutingBackend without = routing(false, Set.of("localhost"), Set.of())) {
            remote.ready = true;
            remote.declaredFeatures = routed.metadata().features().size() + 1;

            InferenceBackend.Scored s = withFallback.scoreAttributed(ModelKey.of(routed.metadata()), ROW, 1);

            assertThat(s.backend()).isEqualTo("onnx (fallback from triton:loopback: REMOTE_MODEL_MISMATCH)");
            assertThatThrownBy(() -> without.score(ModelKey.of(routed.metadata()), ROW, 1))
                    .isInstanceOfSatisfying(CommandCenterException.class, e -> {
                        assertThat(e.kind()).as("the endpoint's fault, not the caller's rows").isEqualTo(ErrorKind.UNAVAILABLE);
                        assertThat(e.reason()).isEqualTo("REMOTE_MODEL_MISMATCH");
                        assertThat(e.getMessage()).contains("triton:loopback");
                    });
            assertThat(remote.inferCalls.get()).as("nothing scored on a remote that does not match").isZero();
        }
    }

    @Test
    void aRoutedModel_isScoredRemotely_andAnUnroutedOneLocally_eachSayingWhere() {
        try (RoutingBackend backend = routing(true, Set.of("localhost"), Set.of())) {
            InferenceBackend.Scored remoteScored = backend.scoreAttributed(ModelKey.of(routed.metadata()), ROW, 1);
            InferenceBackend.Scored localScored = backend.scoreAttributed(ModelKey.of(unrouted.metadata()), ROW, 1);

            assertThat(remoteScored.backend()).isEqualTo("triton:loopback");
            assertThat(remote.inferCalls.get()).isEqualTo(1);
            assertThat(localScored.backend()).isEqualTo("onnx");
            assertThat(remoteScored.risk()[0]).isEqualTo(remote.onnx.score(remote.key, ROW, 1)[0], org.assertj.core.data.Offset.offset(1e-7));
        }
    }

    @Test
    void explanations_useTheVerifiedLocalForm_onlyForModelsScoredHere() {
        try (RoutingBackend backend = routing(true, Set.of("localhost"), Set.of("secret"))) {
            assertThat(backend.affineLogOdds(ModelKey.of(unrouted.metadata()))).isPresent();
            // a routed model is explained by asking the backend that scores it
            assertThat(backend.affineLogOdds(ModelKey.of(routed.metadata()))).isEmpty();
            // a sensitive project scores everything here, so its view explains here too
            assertThat(backend.forProject("secret").affineLogOdds(ModelKey.of(routed.metadata()))).isPresent();
        }
    }

    @Test
    void whenTheRemoteGoesAway_aRouteWithFallback_scoresOnTheLocalChampion_andSaysSo() throws Exception {
        try (RoutingBackend backend = routing(true, Set.of("localhost"), Set.of())) {
            double before = backend.score(ModelKey.of(routed.metadata()), ROW, 1)[0];
            remote.close();

            InferenceBackend.Scored after = backend.scoreAttributed(ModelKey.of(routed.metadata()), ROW, 1);

            assertThat(after.backend()).isEqualTo("onnx (fallback from triton:loopback: REMOTE_UNAVAILABLE)");
            assertThat(after.risk()[0]).isCloseTo(before, org.assertj.core.data.Offset.offset(1e-7));
        }
    }

    @Test
    void withoutFallback_aRemoteFailure_isTheCallersError() throws Exception {
        try (RoutingBackend backend = routing(false, Set.of("localhost"), Set.of())) {
            remote.close();

            assertThatThrownBy(() -> backend.score(ModelKey.of(routed.metadata()), ROW, 1))
                    .isInstanceOfSatisfying(CommandCenterException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE);
                        assertThat(e.reason()).isEqualTo("REMOTE_UNAVAILABLE");
                    });
        }
    }

    @Test
    void aSensitiveProject_neverCallsOut_andTheRefusalIsRecordedOnce() {
        try (RoutingBackend backend = routing(false, Set.of("localhost"), Set.of("secret"))) {
            InferenceBackend view = backend.forProject("secret");
            int loadChecks = remote.inferCalls.get();
            for (int i = 0; i < 3; i++) {
                assertThat(view.scoreAttributed(ModelKey.of(routed.metadata()), ROW, 1).backend()).isEqualTo("onnx");
            }
            RiskPrediction p = new RiskPredictor(backend, new ConfidenceCalculator(), 3).forProject("secret")
                    .predict(ModelKey.of(routed.metadata()), new FeatureVector(new FeatureSchema(routed.metadata().features()),
                            ROW, List.of("", "", "")), 64, Duration.ZERO, null);

            assertThat(remote.inferCalls.get()).as("no row left the hub").isEqualTo(loadChecks);
            assertThat(p.backend()).isEqualTo("onnx");
            assertThat(refusals).containsExactly("secret|cpu_risk@1.0.0|PERMISSION_DENIED|PROJECT_SENSITIVE");
            assertThat(backend.forProject("open").scoreAttributed(ModelKey.of(routed.metadata()), ROW, 1).backend())
                    .as("other projects still go out").isEqualTo("triton:loopback");
        }
    }

    @Test
    void aRouteToAnEndpointNotOnTheAllowList_isRefused_withItsReason_andRecorded() {
        assertThatThrownBy(() -> routing(true, Set.of("triton.internal"), Set.of()))
                .isInstanceOfSatisfying(CommandCenterException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.PERMISSION_DENIED);
                    assertThat(e.reason()).isEqualTo("ENDPOINT_NOT_APPROVED");
                    assertThat(e.metadata()).containsEntry("host", "localhost");
                });
        assertThat(refusals).containsExactly("|cpu_risk|PERMISSION_DENIED|ENDPOINT_NOT_APPROVED");
        assertThat(remote.inferCalls.get()).isZero();
    }

    @Test
    void aPredictionThroughTheRemote_namesIt() {
        try (RoutingBackend backend = routing(true, Set.of("localhost"), Set.of())) {
            RiskPrediction p = new RiskPredictor(backend, new ConfidenceCalculator(), 3).predict(
                    ModelKey.of(routed.metadata()), new FeatureVector(new FeatureSchema(routed.metadata().features()),
                            ROW, List.of("", "", "")), 64, Duration.ZERO, null);

            assertThat(p.backend()).isEqualTo("triton:loopback");
            assertThat(p.factors()).isNotEmpty();
        }
    }

    @Test
    void aRemoteWhoseTokenCannotBeRead_fallsBackToTheLocalChampion(@TempDir Path dir) throws Exception {
        Path token = dir.resolve("token");
        Files.writeString(token, "t0k\n");
        triton.close();
        endpoint = endpoint.withTokenFile(token);
        triton = new TritonBackend(endpoint, Clock.systemUTC());
        try (RoutingBackend backend = routing(true, Set.of("localhost"), Set.of())) {
            double before = backend.score(ModelKey.of(routed.metadata()), ROW, 1)[0];
            Files.delete(token);

            InferenceBackend.Scored after = backend.scoreAttributed(ModelKey.of(routed.metadata()), ROW, 1);

            assertThat(after.backend()).isEqualTo("onnx (fallback from triton:loopback: REMOTE_UNAVAILABLE)");
            assertThat(after.risk()[0]).isCloseTo(before, org.assertj.core.data.Offset.offset(1e-7));
        }
    }
}
