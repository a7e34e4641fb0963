package io.commandcenter.hub.predict;

import static org.assertj.core.api.Assertions.assertThat;

import io.commandcenter.hub.runtime.Hub;
import io.commandcenter.hub.runtime.HubSettings;
import io.commandcenter.hub.testing.Credentials;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Python client whose stubs are generated from the official KServe v2 {@code grpc_predict_v2.proto}
 * alone ({@code examples/oip-python-client}, Debian's grpcio and grpc_tools: bin/install-python-grpc)
 * lists and scores the hub's models and gets factors back — the same walk as the Node client
 * (OipNodeClientTest), from a second language.
 */
class OipPythonClientTest {
    @TempDir
    Path dir;

    @Test
    void aPythonClientFromTheOfficialProtoAlone_readsMetadata_scores_andGetsFactors() throws Exception {
        Path client = Path.of(System.getProperty("repo.root", ".."), "examples", "oip-python-client");
        try (Hub hub = Hub.start(HubSettings.defaults(dir, 0), Clock.systemUTC())) {
            String output = OipNodeClientTest.run(client, 120, "/usr/bin/python3", "client.py", "--hub",
                    "localhost:" + hub.grpcPort(), "--project", "polyglot-py", "--token", Credentials.adminToken(hub),
                    "--model", "service_health");

            assertThat(output).contains("\"live\":true").contains("\"ready\":true").contains("\"modelReady\":true")
                    .contains("\"server\":\"commandcenter\"").contains("\"outputs\":[\"risk\",\"confidence\"]")
                    .contains("\"id\":\"python-1\"").contains("\"badCode\":\"INVALID_ARGUMENT\"")
                    .contains("inputs[0].name");
            String features = String.join("\",\"", hub.registry().metadata(hub.registry().resolve(
                    io.commandcenter.hub.project.ProjectId.of("polyglot-py"), "service_health", "")).features());
            assertThat(output).contains("\"inputs\":[\"" + features + "\"]");
            assertThat(output).containsPattern("\"risk\":\\[[0-9.e-]+,[0-9.e-]+\\]")
                    .containsPattern("\"topFactors\":\\[\\[\"[a-z_0-9]+\"");
        }
    }
}
