package io.commandcenter.hub.predict;

import io.commandcenter.hub.events.EventBus;
import io.commandcenter.hub.events.TraceContext;
import io.commandcenter.hub.predict.PredictiveEngineOnsetTest.ErrorRateBackend;
import io.commandcenter.hub.predict.PredictiveEngineOnsetTest.MemoryModels;
import io.commandcenter.hub.predict.PredictiveEngineOnsetTest.MemoryPredictions;
import io.commandcenter.hub.predict.PredictiveEngineOnsetTest.RecordPayload;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.telemetry.HealthSampleRecord;
import io.commandcenter.inference.InferenceBackend;
import io.commandcenter.inference.ModelKey;
import io.commandcenter.inference.RiskPredictor;
import io.commandcenter.inference.remote.InferencePolicy;
import io.commandcenter.inference.remote.RemoteEndpoint;
import io.commandcenter.inference.remote.RoutingBackend;
import io.commandcenter.inference.vertex.VertexBackend;
import io.commandcenter.models.artifact.ModelArtifact;
import io.commandcenter.models.artifact.ModelStore;
import io.commandcenter.models.bootstrap.BootstrapModels;
import io.commandcenter.models.confidence.ConfidenceCalculator;
import io.commandcenter.common.error.CommandCenterException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A routed model whose endpoint is down: its registration is checked in the hub (the model, not the network),
 * and a sensitive project's shadow is scored in the hub, like its champion, whatever the model's route says (the
 * engine scores the shadow through the project's view of the backend). The route goes to a real
 * {@link VertexBackend} whose endpoint has nothing listening and no fallback, so any row sent out fails.
 */
class RoutedEndpointDownTest {
    static final ProjectId SECRET = ProjectId.of("secret");
    static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");

    @TempDir
    Path dir;
    final ExecutorService busExecutor = Executors.newSingleThreadExecutor();
    final List<String> refusals = Collections.synchronizedList(new ArrayList<>());
    final Clock clock = Clock.fixed(T0.plus(Duration.ofDays(1)), ZoneOffset.UTC);
    RoutingBackend backend;
    ModelRegistry registry;
    PredictiveEngine engine;

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.close();
        }
        if (backend != null) {
            backend.close();
        }
        busExecutor.shutdownNow();
    }

    /**
     * {@code service_health} routed without fallback to a Vertex endpoint where nothing listens (any call made
     * there fails), project {@code secret} sensitive; the registry on that backend.
     */
    @BeforeEach
    void routeToAnEndpointThatIsDown() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort(); // closed again: nothing listens there
        }
        Path token = Files.writeString(dir.resolve("token"), "t");
        RemoteEndpoint vertex = new RemoteEndpoint("vertex-a", "vertex", "http://127.0.0.1:" + port
                + "/v1/projects/p/locations/l/endpoints/1:predict", false, Duration.ofSeconds(2), 1, Duration.ZERO, 100,
                Duration.ofSeconds(30), Map.of(), Optional.of(token), Optional.empty());
        backend = new RoutingBackend(new ErrorRateBackend(), Map.<String, InferenceBackend>of("vertex-a",
                new VertexBackend(vertex, clock)), Map.of("vertex-a", vertex), new InferencePolicy(
                Map.of(FeatureBook.SERVICE_HEALTH, new InferencePolicy.Route("vertex-a", false)), Set.of("127.0.0.1"),
                Set.of(SECRET.value())), (project, model, refusal) -> refusals.add(project + "|" + refusal.reason()));
        registry = new ModelRegistry(new MemoryModels(), backend, new ModelStore(dir), new BootstrapModels(),
                io.commandcenter.hub.audit.MemoryAuditSpool.trail(new io.commandcenter.hub.audit.InMemoryAuditLedger(),
                        clock, "hub-1"), clock);
    }

    @Test
    void aRoutedModel_isRegistered_whileItsEndpointIsDown_forTheModelIsCheckedInTheHub() {
        ProjectId open = ProjectId.of("open");

        registry.ensureBootstrap(open);

        ModelKey champion = registry.champion(open, FeatureBook.SERVICE_HEALTH).orElseThrow();
        assertThat(backend.isLoaded(champion)).isTrue();
        assertThatThrownBy(() -> backend.score(champion, new float[backend.metadata(champion).features().size()], 1))
                .as("the open project's calls still go to the route, which is down and has no fallback")
                .isInstanceOfSatisfying(CommandCenterException.class,
                        e -> assertThat(e.reason()).isEqualTo("REMOTE_UNAVAILABLE"));
    }

    @Test
    void aSensitiveProjectsShadow_isScoredInTheHub_notOnTheModelsRoute() throws Exception {
        EventBus bus = new EventBus("hub-test", clock, busExecutor, 16);
        registry.ensureBootstrap(SECRET);
        PredictiveEngine.Settings settings = new PredictiveEngine.Settings(true, 65_536, 512, Duration.ofMillis(50),
                Duration.ZERO, 1000, Duration.ofMinutes(1), Duration.ofHours(1));
        engine = new PredictiveEngine(bus, registry, backend, new RiskPredictor(backend, new ConfidenceCalculator(), 3),
                new MemoryPredictions(), p -> new RecordPayload(null), r -> new RecordPayload(null), clock, settings)
                .start();
        // a challenger of the routed model in shadow for the sensitive project
        ModelArtifact challenger = new BootstrapModels().load(FeatureBook.SERVICE_HEALTH);
        ModelKey shadow = ModelKey.of(challenger.metadata(), "challenger");
        backend.load(shadow, challenger);
        engine.shadows().start(SECRET, shadow, challenger.metadata(), clock.instant());

        int rows = 20;
        SplittableRandom rnd = new SplittableRandom(1);
        for (int i = 0; i < rows; i++) {
            HealthSampleRecord s = new HealthSampleRecord("s-" + i, "api", T0.plusSeconds(60L * i), 1.0,
                    100 + rnd.nextGaussian(), 0.01, 0.4, 0.5, Map.of());
            bus.publish(SECRET, s.subject(), TraceContext.newRoot(rnd), new RecordPayload(s));
        }
        await().atMost(30, TimeUnit.SECONDS).until(() -> engine.stats().recordsSeen() == rows);
        engine.sync();

        assertThat(engine.stats().runs()).as("the champion, scored in the hub").isEqualTo(rows);
        ShadowScoring.Report report = engine.shadows().report(SECRET, FeatureBook.SERVICE_HEALTH).orElseThrow();
        assertThat(report.failures()).as("no shadow row sent to the route's endpoint").isZero();
        assertThat(report.rows()).as("the shadow scored every row in the hub").isEqualTo(rows);
        assertThat(refusals).contains(SECRET.value() + "|PROJECT_SENSITIVE");
    }
}
