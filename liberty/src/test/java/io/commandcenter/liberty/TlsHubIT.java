package io.commandcenter.liberty;

import io.commandcenter.hub.testing.TestCertificates;
import io.commandcenter.proto.v1.ListWorkflowsRequest;
import io.commandcenter.proto.v1.RemediateServiceGrpc;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * The packaged hub with {@code CC_TLS=on} and one PKCS12 key store made by keytool: REST and health
 * over HTTPS only (plain HTTP is closed), gRPC over TLS only, both with the same certificate; a
 * client that does not trust it, or speaks plaintext, gets nothing.
 */
@Tag("packaged-hub")
class TlsHubIT {

    @Test
    void withTlsOn_restAndGrpcAreServedOverTlsOnly_fromOneKeyStore() throws Exception {
        Path home = Files.createTempDirectory("cc-tls-hub-");
        TestCertificates certs = TestCertificates.make(Files.createDirectories(home.resolve("keys")));
        HubProcess hub = null;
        try {
            Files.copy(HubProcess.HUB_JAR, home.resolve("hub.jar"), StandardCopyOption.COPY_ATTRIBUTES);
            hub = HubProcess.start(List.of(HubProcess.java(), "-jar", "hub.jar"), home, Map.ofEntries(
                    Map.entry("CC_HUB_ID", "tls-it"),
                    Map.entry("CC_HTTP_PORT", "-1"),
                    Map.entry("CC_HTTPS_PORT", "19293"),
                    Map.entry("CC_GRPC_PORT", "15260"),
                    Map.entry("CC_TLS", "on"),
                    Map.entry("CC_TLS_KEYSTORE", certs.hubKeystore().toString()),
                    Map.entry("CC_TLS_KEYSTORE_PASSWORD", TestCertificates.PASSWORD),
                    Map.entry("CC_DATA_DIR", home.resolve("data").toString()),
                    Map.entry("CC_DEMO", "false"),
                    Map.entry("CC_HAZELCAST_PORT", "15930"),
                    Map.entry("CC_HAZELCAST_CLUSTER", "cc-tls-it"),
                    Map.entry("WLP_JAR_EXTRACT_DIR", home.resolve("server").toString()),
                    Map.entry("WLP_OUTPUT_DIR", home.resolve("data/liberty").toString()),
                    Map.entry("JVM_ARGS", HubProcess.TEST_JVM_ARGS)), certs.hubCertificate());
            HubProcess started = hub;
            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                    .failFast("the hub exited", () -> !started.process.isAlive())
                    .untilAsserted(() -> assertThat(started.ready()).as(started::describe).isTrue());

            HttpResponse<String> runs = hub.get("/api/runs");
            assertThat(runs.statusCode()).as("HTTPS without a key").isEqualTo(401);
            assertThat(RemediateServiceGrpc.newBlockingStub(hub.channel).withDeadlineAfter(20, TimeUnit.SECONDS)
                    .listWorkflows(ListWorkflowsRequest.getDefaultInstance())).as("gRPC over TLS").isNotNull();

            assertThat(Files.readString(home.resolve("data/liberty/hub/logs/messages.log")))
                    .as("one listener, HTTPS").contains("defaultHttpEndpoint-ssl")
                    .doesNotContain("TCP Channel defaultHttpEndpoint has been started");
            HttpClient untrusting = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            assertThat(catchThrowable(() -> untrusting.send(HttpRequest.newBuilder(java.net.URI.create(
                    "https://localhost:19293/health/ready")).build(), HttpResponse.BodyHandlers.ofString())))
                    .as("a client that does not trust the certificate").isInstanceOf(javax.net.ssl.SSLException.class);
            var plaintext = NettyChannelBuilder.forAddress("localhost", 15260).usePlaintext().build();
            try {
                assertThat(catchThrowableOfType(StatusRuntimeException.class, () -> RemediateServiceGrpc
                        .newBlockingStub(plaintext).withDeadlineAfter(10, TimeUnit.SECONDS)
                        .listWorkflows(ListWorkflowsRequest.getDefaultInstance()))).as("plaintext gRPC").isNotNull();
            } finally {
                plaintext.shutdownNow();
            }
            assertThat(Files.readString(hub.console) + Files.readString(home.resolve(
                    "data/liberty/hub/logs/messages.log"))).contains("(TLS)")
                    .doesNotContain(TestCertificates.PASSWORD);
        } finally {
            if (hub != null) {
                hub.stop(Duration.ofSeconds(10));
            }
            HubProcess.deleteTree(home);
        }
    }
}
