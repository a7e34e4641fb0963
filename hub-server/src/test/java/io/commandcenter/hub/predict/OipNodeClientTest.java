package io.commandcenter.hub.predict;

import io.commandcenter.hub.runtime.Hub;
import io.commandcenter.hub.runtime.HubSettings;
import io.commandcenter.hub.testing.Credentials;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client in another language, made from the official KServe v2 {@code grpc_predict_v2.proto} alone
 * ({@code examples/oip-node-client}), lists and scores the hub's models and gets factors back.
 */
class OipNodeClientTest {
    @TempDir
    Path dir;

    @Test
    void aNodeClientFromTheOfficialProtoAlone_readsMetadata_scores_andGetsFactors() throws Exception {
        Path client = Path.of(System.getProperty("repo.root", ".."), "examples", "oip-node-client");
        run(client, 300, "npm", "ci", "--prefer-offline", "--no-audit", "--no-fund");
        try (Hub hub = Hub.start(HubSettings.defaults(dir, 0), Clock.systemUTC())) {
            String output = run(client, 120, "node", "client.mjs", "--hub", "localhost:" + hub.grpcPort(),
                    "--project", "polyglot", "--token", Credentials.adminToken(hub), "--model", "service_health");

            assertThat(output).contains("\"live\":true").contains("\"ready\":true").contains("\"modelReady\":true")
                    .contains("\"server\":\"commandcenter\"").contains("\"outputs\":[\"risk\",\"confidence\"]")
                    .contains("\"id\":\"node-1\"").contains("\"badCode\":\"INVALID_ARGUMENT\"")
                    .contains("inputs[0].name");
            String features = String.join("\",\"", hub.registry().metadata(hub.registry().resolve(
                    io.commandcenter.hub.project.ProjectId.of("polyglot"), "service_health", "")).features());
            assertThat(output).contains("\"inputs\":[\"" + features + "\"]");
            assertThat(output).containsPattern("\"risk\":\\[[0-9.e-]+,[0-9.e-]+\\]")
                    .containsPattern("\"topFactors\":\\[\\[\"[a-z_0-9]+\"");
        }
    }

    /** Runs a command, fails the test unless it exits 0 in time, returns what it printed. */
    static String run(Path dir, int seconds, String... command) throws Exception {
        Path log = Files.createTempFile("cc-oip-", ".log");
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        boolean finished = process.waitFor(seconds, TimeUnit.SECONDS);
        if (!finished) {
            process.destroyForcibly();
        }
        String output = Files.readString(log);
        assertThat(finished && process.exitValue() == 0).as("%s exited 0 in %d s; output:%n%s",
                String.join(" ", command), seconds, output).isTrue();
        return output;
    }
}
