package io.commandcenter.liberty;

import io.commandcenter.proto.v1.Agent;
import io.commandcenter.proto.v1.AgentState;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three hubs on one machine from ONE copy of the packaged server, as {@code bin/hub} runs them: each a
 * real Liberty server process ({@code wlp/bin/server run hub}) with its own Liberty output directory
 * (WLP_OUTPUT_DIR), data directory, ports and Hazelcast member, the three members listed in
 * CC_HAZELCAST_MEMBERS. Every hub lists the built-in agents of all three; when one is killed (SIGKILL:
 * no shutdown runs) the two others mark its agents disconnected and keep answering.
 */
@Tag("packaged-hub")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ThreeHubsIT {
    static final int[] HTTP = {19180, 19181, 19182};
    static final int[] GRPC = {15151, 15152, 15153};
    static final int[] HAZELCAST = {15901, 15902, 15903};
    static final Path WORK = Path.of(System.getProperty("it.work.dir", "target"), "three-hubs");

    static final List<HubProcess> hubs = new ArrayList<>();

    @BeforeAll
    @Timeout(value = 5, unit = TimeUnit.MINUTES) // three Liberty starts; the await below bounds them at 240 s
    static void startThreeHubs() throws Exception {
        HubProcess.deleteTree(WORK);
        Path wlp = HubProcess.unpack(HubProcess.HUB_JAR, WORK.resolve("install"));
        String members = "127.0.0.1:" + HAZELCAST[0] + ",127.0.0.1:" + HAZELCAST[1] + ",127.0.0.1:" + HAZELCAST[2];
        for (int i = 0; i < 3; i++) {
            Path home = WORK.resolve("hub-" + (i + 1)).toAbsolutePath();
            hubs.add(HubProcess.start(List.of(wlp.resolve("bin/server").toString(), "run", "hub"), home, Map.ofEntries(
                    Map.entry("CC_HUB_ID", "it-hub-" + (i + 1)),
                    Map.entry("CC_HTTP_PORT", Integer.toString(HTTP[i])),
                    Map.entry("CC_GRPC_PORT", Integer.toString(GRPC[i])),
                    Map.entry("CC_DATA_DIR", home.resolve("data").toString()),
                    Map.entry("WLP_OUTPUT_DIR", home.resolve("data/liberty").toString()),
                    Map.entry("CC_DEMO", "false"),
                    Map.entry("CC_TLS", "off"),
                    Map.entry("CC_HAZELCAST_HOST", "127.0.0.1"),
                    Map.entry("CC_HAZELCAST_PORT", Integer.toString(HAZELCAST[i])),
                    Map.entry("CC_HAZELCAST_MEMBERS", members),
                    Map.entry("CC_HAZELCAST_CLUSTER", "cc-three-hubs-it"),
                    Map.entry("JVM_ARGS", HubProcess.TEST_JVM_ARGS))));
        }
        await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(500))
                .failFast("a hub exited", () -> hubs.stream().anyMatch(h -> !h.process.isAlive()))
                .untilAsserted(() -> {
                    for (HubProcess hub : hubs) {
                        assertThat(hub.ready()).as(hub::describe).isTrue();
                    }
                });
    }

    @AfterAll
    static void stopAll() throws Exception {
        // SIGTERM to all at once, then whatever is left is killed
        hubs.forEach(h -> h.process.destroy());
        for (HubProcess hub : hubs) {
            hub.stop(Duration.ofSeconds(30));
        }
    }

    static Set<String> agentIds(HubProcess hub, AgentState state) {
        return hub.agents().stream().filter(a -> a.getState() == state).map(Agent::getAgentId)
                .collect(Collectors.toSet());
    }

    static Set<String> builtInAgents(int... hubNumbers) {
        Set<String> ids = new java.util.TreeSet<>();
        for (int n : hubNumbers) {
            // the remediation agents and the learning loop's four (guide 18)
            for (String type : List.of("devops", "notifier", "data-collector", "trainer", "evaluator", "registry")) {
                ids.add(type + ":it-hub-" + n);
            }
        }
        return ids;
    }

    @Test
    @Order(1)
    void everyHub_listsTheBuiltInAgentsOfAllThree() {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            for (HubProcess hub : hubs) {
                assertThat(agentIds(hub, AgentState.AGENT_STATE_CONNECTED)).as(hub::describe)
                        .containsAll(builtInAgents(1, 2, 3));
            }
        });
        for (HubProcess hub : hubs) {
            assertThat(hub.agents()).as(hub::describe)
                    .filteredOn(a -> a.getAgentId().startsWith("devops:"))
                    .extracting(Agent::getHubId).containsExactlyInAnyOrder("it-hub-1", "it-hub-2", "it-hub-3");
        }
    }

    @Test
    @Order(2)
    void aKilledHub_isDroppedByTheOthers_whichKeepAnswering() throws Exception {
        HubProcess killed = hubs.get(2);
        List<HubProcess> survivors = hubs.subList(0, 2);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            for (HubProcess hub : survivors) {
                assertThat(agentIds(hub, AgentState.AGENT_STATE_CONNECTED)).containsAll(builtInAgents(3));
            }
        });

        long killedAt = System.nanoTime();
        killed.kill();
        assertThat(killed.process.isAlive()).isFalse();

        // the survivors see the member leave (Hazelcast) and mark the agents it held disconnected at once,
        // well before the agents' own silence timeout (cc.scheduler.agent-silence, 90 s)
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            for (HubProcess hub : survivors) {
                assertThat(agentIds(hub, AgentState.AGENT_STATE_CONNECTED)).as(hub::describe)
                        .containsExactlyInAnyOrderElementsOf(builtInAgents(1, 2));
            }
        });
        System.out.printf("ThreeHubsIT: the survivors dropped %s's agents %d ms after the kill%n",
                killed.hubId, Duration.ofNanos(System.nanoTime() - killedAt).toMillis());

        for (HubProcess hub : survivors) {
            assertThat(hub.get("/health/ready").statusCode()).as(hub::describe).isEqualTo(200);
            assertThat(HealthGrpc.newBlockingStub(hub.channel).check(HealthCheckRequest.getDefaultInstance())
                    .getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
            assertThat(agentIds(hub, AgentState.AGENT_STATE_DISCONNECTED)).as(hub::describe)
                    .containsAll(builtInAgents(3));
        }
    }
}
