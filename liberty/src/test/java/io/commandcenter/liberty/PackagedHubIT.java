package io.commandcenter.liberty;

import io.commandcenter.proto.v1.Agent;
import io.commandcenter.proto.v1.AgentState;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The module's artifact, {@code target/hub.jar}, deployed as the operator guide says: copied to a
 * directory of its own outside the checkout, started with {@code java -jar hub.jar} and configured only
 * by environment variables (those of the operator guide, section 2), it serves health, REST and gRPC
 * (with its scheduler's built-in agents), and SIGTERM stops it, server JVM included.
 */
@Tag("packaged-hub")
class PackagedHubIT {

    @Test
    void theRunnableJar_startsWithOnlyAJdkAndEnvironmentVariables_andStopsOnSigterm() throws Exception {
        Path home = Files.createTempDirectory("cc-packaged-hub-");
        HubProcess hub = null;
        try {
            Files.copy(HubProcess.HUB_JAR, home.resolve("hub.jar"), StandardCopyOption.COPY_ATTRIBUTES);
            hub = HubProcess.start(List.of(HubProcess.java(), "-jar", "hub.jar"), home, Map.ofEntries(
                    Map.entry("CC_HUB_ID", "packaged-it"),
                    Map.entry("CC_HTTP_PORT", "19190"),
                    Map.entry("CC_GRPC_PORT", "15160"),
                    Map.entry("CC_DATA_DIR", home.resolve("data").toString()),
                    Map.entry("CC_DEMO", "false"),
                    Map.entry("CC_TLS", "off"),
                    Map.entry("CC_HAZELCAST_HOST", "127.0.0.1"),
                    Map.entry("CC_HAZELCAST_PORT", "15910"),
                    Map.entry("CC_HAZELCAST_CLUSTER", "cc-packaged-it"),
                    Map.entry("WLP_JAR_EXTRACT_DIR", home.resolve("server").toString()),
                    Map.entry("WLP_OUTPUT_DIR", home.resolve("data/liberty").toString()),
                    Map.entry("JVM_ARGS", HubProcess.TEST_JVM_ARGS)));
            HubProcess started = hub;

            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                    .failFast("the hub exited", () -> !started.process.isAlive())
                    .untilAsserted(() -> assertThat(started.ready()).as(started::describe).isTrue());

            HttpResponse<String> ready = hub.get("/health/ready");
            assertThat(ready.body()).contains("\"status\":\"UP\"").contains("\"hubId\":\"packaged-it\"")
                    .contains("\"grpcPort\":15160");
            assertThat(hub.get("/health/live").statusCode()).isEqualTo(200);
            assertThat(hub.agents()).as(hub::describe)
                    .filteredOn(a -> a.getState() == AgentState.AGENT_STATE_CONNECTED)
                    .extracting(Agent::getAgentId).contains("devops:packaged-it", "notifier:packaged-it");
            // the hub's data where CC_DATA_DIR says, Liberty's output (log) where WLP_OUTPUT_DIR says, the
            // unpacked server where WLP_JAR_EXTRACT_DIR says
            assertThat(home.resolve("data/db")).isDirectory();
            assertThat(home.resolve("data/liberty/hub/logs/messages.log")).content().contains("CWWKF0011I");
            assertThat(home.resolve("server/wlp/usr/servers/hub/apps/hub-server.war")).isRegularFile();
            assertThat(home.resolve("server/wlp/usr/servers/hub/lib/global")).isDirectoryContaining("glob:**/onnxruntime-*.jar");

            List<ProcessHandle> jvms = hub.processes().toList();
            assertThat(jvms).as("the launcher and the server JVM it started").hasSize(2);
            hub.process.destroy();
            assertThat(hub.process.waitFor(60, TimeUnit.SECONDS)).as(hub::describe).isTrue();
            await().atMost(Duration.ofSeconds(30)).until(() -> jvms.stream().noneMatch(ProcessHandle::isAlive));
            assertThat(Files.readString(hub.console)).contains("CWWKE0036I"); // the server hub stopped
        } finally {
            if (hub != null) {
                hub.stop(Duration.ofSeconds(10));
            }
            HubProcess.deleteTree(home);
        }
    }
}
