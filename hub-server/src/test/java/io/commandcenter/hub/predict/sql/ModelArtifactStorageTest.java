package io.commandcenter.hub.predict.sql;

import io.commandcenter.hub.persistence.Database;
import io.commandcenter.hub.persistence.DatabaseSettings;
import io.commandcenter.hub.predict.ModelRepository;
import io.commandcenter.hub.testing.Databases;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Model artifacts kept in the database, on both engines: what every hub sharing it loads from. */
class ModelArtifactStorageTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void anArtifactIsKeptOnce_andReadBackByteForByte(String engine) {
        DatabaseSettings settings = engine.equals("h2") ? Databases.h2(dir) : Databases.postgres(dir);
        try (Database database = Database.open(settings)) {
            JpaModelRepository repository = new JpaModelRepository(database);
            byte[] onnx = new byte[300_000];
            new Random(7).nextBytes(onnx);
            ModelRepository.StoredArtifact artifact = new ModelRepository.StoredArtifact("PREDICTIVE", onnx,
                    "{\"name\":\"service_health\",\"version\":\"2.0.0\",\"note\":\"\u00e9t\u00e9\"}");

            repository.saveArtifact("service_health", "2.0.0", "aa", artifact);
            // a second hub keeping the same version and content stores nothing and fails nothing
            repository.saveArtifact("service_health", "2.0.0", "aa", new ModelRepository.StoredArtifact("PREDICTIVE",
                    new byte[]{1}, "{}"));
            // another project's 2.0.0 with other bytes is kept beside it
            repository.saveArtifact("service_health", "2.0.0", "bb", new ModelRepository.StoredArtifact("PREDICTIVE",
                    new byte[]{2}, "{}"));

            ModelRepository.StoredArtifact read = repository.findArtifact("service_health", "2.0.0", "aa").orElseThrow();
            assertThat(read.type()).isEqualTo("PREDICTIVE");
            assertThat(read.onnx()).isEqualTo(onnx);
            assertThat(read.sidecarJson()).isEqualTo(artifact.sidecarJson());
            assertThat(repository.findArtifact("service_health", "2.0.0", "bb").orElseThrow().onnx())
                    .containsExactly(2);
            assertThat(repository.findArtifact("service_health", "2.0.1", "aa")).isEmpty();
        }
    }
}
