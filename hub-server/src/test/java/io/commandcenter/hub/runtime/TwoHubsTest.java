package io.commandcenter.hub.runtime;

import com.sun.net.httpserver.HttpServer;
import io.commandcenter.hub.agents.AgentSettings;
import io.commandcenter.hub.persistence.DatabaseSettings;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.remediate.RemediationStore;
import io.commandcenter.hub.remediate.RunRecord;
import io.commandcenter.hub.remediate.RunState;
import io.commandcenter.hub.testing.Databases;
import io.commandcenter.models.artifact.ModelArtifact;
import io.commandcenter.models.artifact.ModelMetadata;
import io.commandcenter.models.bootstrap.BootstrapModels;
import io.commandcenter.scheduler.SchedulerSettings;
import io.commandcenter.scheduler.hazelcast.HazelcastSettings;
import io.commandcenter.scheduler.testing.Ports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Users who outgrow one machine add hubs: two hubs on one PostgreSQL database and one Hazelcast
 * cluster (loopback). Runs started on hub A dispatch their nodes to the built-in agents of both
 * hubs; hub A follows results that hub B's agents report, and every action runs exactly once. The
 * models one hub registers serve on the other, and its promotions reach the other's scoring.
 */
class TwoHubsTest {
    static final ProjectId P = ProjectId.of("default");
    static final int RUNS = 16;
    /** Each hub's devops agent runs 4 actions at once: 8 in flight means both hubs are working. */
    static final int BOTH_HUBS_BUSY = 8;

    @TempDir
    Path dir;

    @Test
    void runsStartedOnOneHub_runOnBothHubsAgents_andEachActionRunsOnce() throws Exception {
        // the services' admin endpoints: each restart is held until both hubs' agents are busy at once
        Map<String, AtomicInteger> restarts = new ConcurrentHashMap<>();
        CountDownLatch inFlight = new CountDownLatch(BOTH_HUBS_BUSY);
        // a restart whose wait ran out was never among eight in flight at once
        AtomicBoolean waitedAlone = new AtomicBoolean();
        HttpServer admin = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        ExecutorService handlers = Executors.newCachedThreadPool();
        admin.setExecutor(handlers);
        admin.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            restarts.computeIfAbsent(exchange.getRequestURI().getPath(), k -> new AtomicInteger()).incrementAndGet();
            inFlight.countDown();
            try {
                if (!inFlight.await(30, TimeUnit.SECONDS)) {
                    waitedAlone.set(true);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] answer = "{}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        admin.start();
        Map<String, URI> endpoints = new HashMap<>();
        for (int i = 0; i < RUNS; i++) {
            endpoints.put("svc-" + i, URI.create("http://127.0.0.1:" + admin.getAddress().getPort() + "/svc-" + i));
        }

        DatabaseSettings database = Databases.postgres(dir);
        String cluster = "two-hubs-" + UUID.randomUUID();
        int portA = Ports.free();
        int portB = Ports.free();
        List<String> members = List.of("127.0.0.1:" + portA, "127.0.0.1:" + portB);
        try (Hub hubA = peersConfigured(Hub.start(hub("hub-a", database, cluster, portA, members, endpoints),
                Clock.systemUTC()));
             Hub hubB = Hub.start(hub("hub-b", database, cluster, portB, members, endpoints), Clock.systemUTC())) {
            // hubs in a cluster share the database: with two members every decision reads the store
            assertThat(hubA.remediation().isSoleWriter()).isFalse();
            assertThat(hubB.remediation().isSoleWriter()).isFalse();
            hubA.remediation().catalog().put(P, """
                    name: restart-it
                    trigger:
                      on: [prediction.created]
                    nodes:
                      - id: restart_service
                        agent: devops
                        action: restart
                        inputs:
                          service: $entity.id
                    """, "test");
            for (int i = 0; i < RUNS; i++) {
                hubA.remediation().trigger(P, "restart-it", null, "service", "svc-" + i, "ana", "two hubs");
            }

            await().atMost(Duration.ofSeconds(60)).until(() -> runs(hubA).stream()
                    .filter(r -> r.state() == RunState.SUCCEEDED).count() == RUNS);
            List<RunRecord> runs = runs(hubA);
            assertThat(runs).allSatisfy(r -> {
                assertThat(r.hubId()).isEqualTo("hub-a");
                assertThat(r.node("restart_service").outputJson()).isEqualTo("{\"status\":200}");
            });
            // eight restarts were in flight at once: more than one hub's agent holds
            assertThat(inFlight.getCount()).isZero();
            assertThat(waitedAlone).isFalse();
            // every service restarted exactly once
            assertThat(restarts.keySet()).hasSize(RUNS);
            assertThat(restarts.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
            // and both hubs' agents did the work
            Set<String> agentHubs = runs.stream().map(r -> hubA.scheduler().get(P.value(),
                    r.node("restart_service").taskId()).assignment().agentHub()).collect(Collectors.toSet());
            assertThat(agentHubs).containsExactlyInAnyOrder("hub-a", "hub-b");

            // the models hub A registered in the shared database serve on hub B too, from its own
            // copy written from the database (the hubs share no models directory)
            hubA.registry().ensureBootstrap(P);
            assertThat(hubB.registry().champion(P, "service_health")).isPresent();
            assertThat(dir.resolve("hub-b").resolve("models")).isDirectoryRecursivelyContaining("glob:**/*.onnx");

            // a version promoted on hub A becomes hub B's champion within the refresh
            ModelArtifact shipped = new BootstrapModels().load("service_health");
            ModelMetadata m = shipped.metadata();
            ModelArtifact next = new ModelArtifact(new ModelMetadata(m.name(), "1.0.1", m.type(), m.features(),
                    m.inputName(), m.outputName(), m.positiveIndex(), m.pipeline(), m.threshold(), m.reference(),
                    m.calibration(), m.trainingWindow(), m.dataHash(), m.metrics(), m.codeVersion(), m.seed(),
                    m.createdAt(), m.provenance()), shipped.onnx());
            hubA.registry().register(P, next, true, "ana", "retrained");
            await().atMost(Duration.ofSeconds(30)).until(() -> hubB.registry().champion(P, "service_health")
                    .map(k -> k.version().equals("1.0.1")).orElse(false));
        } finally {
            admin.stop(0);
            handlers.shutdownNow();
        }
    }

    /**
     * A member configured with peers never decides from memory, not even while it is alone (before
     * the second hub starts): alone, it may only be cut off from peers that still write (ADR 0027).
     */
    static Hub peersConfigured(Hub hub) {
        assertThat(hub.remediation().isSoleWriter()).as("alone, but with a peer configured").isFalse();
        return hub;
    }

    /** The default hub (embedded, no peer configured, no clients) keeps its decision facts in memory. */
    @Test
    void anEmbeddedHubWithNoPeerConfigured_decidesFromMemory() throws Exception {
        HubSettings settings = hub("solo", HubSettings.defaults(dir.resolve("solo"), 0).database(),
                "solo-" + UUID.randomUUID(), Ports.free(), List.of(), Map.of());
        try (Hub solo = Hub.start(settings, Clock.systemUTC())) {
            assertThat(solo.remediation().isSoleWriter()).isTrue();
        }
    }

    static List<RunRecord> runs(Hub hub) {
        return hub.remediation().store().runs(P, new RemediationStore.RunQuery("restart-it", null, null, 100, null,
                null));
    }

    HubSettings hub(String id, DatabaseSettings database, String cluster, int port, List<String> members,
                    Map<String, URI> endpoints) {
        HubSettings defaults = HubSettings.defaults(dir.resolve(id), 0);
        return defaults.withHubId(id).withDatabase(database)
                .withPredict(defaults.predict().withChampionRefresh(Duration.ofMillis(200)))
                .withScheduler(SchedulerSettings.defaults(id), Optional.of(HazelcastSettings.embedded(id, "127.0.0.1",
                        port, members).withClusterName(cluster)))
                .withAgents(new AgentSettings(4, Duration.ofSeconds(40), Optional.empty(), Map.of(), endpoints,
                        Map.of()));
    }
}
