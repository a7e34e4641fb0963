package io.commandcenter.hub.predict.sql;

import io.commandcenter.hub.persistence.Database;
import io.commandcenter.hub.persistence.DatabaseSettings;
import io.commandcenter.hub.predict.ModelRegistry;
import io.commandcenter.hub.predict.ModelRepository.Row;
import io.commandcenter.hub.predict.ModelRepository.StoredArtifact;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.testing.Databases;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Migration V13 on H2 and PostgreSQL: one name, version and ONNX bytes kept with two sidecars are two
 * artifacts; a model row carries its sidecar's hash; what was kept by bytes alone is still found so.
 */
class ModelSidecarContentTest {
    static final String BYTES = "a".repeat(64);
    static final String SIDECAR_A = "b".repeat(64);
    static final String SIDECAR_B = "c".repeat(64);

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void equalBytesWithOtherSidecars_areKeptApart_andBytesOnlyContentStillReads(String vendor, @TempDir Path dir) {
        DatabaseSettings settings = vendor.equals("h2") ? Databases.h2(dir) : Databases.postgres(dir);
        try (Database database = Database.open(settings)) {
            JpaModelRepository repository = new JpaModelRepository(database);
            String a = ModelRegistry.content(BYTES, SIDECAR_A);
            String b = ModelRegistry.content(BYTES, SIDECAR_B);
            assertThat(a).isEqualTo(BYTES + ":" + SIDECAR_A);
            assertThat(ModelRegistry.content(BYTES, "")).isEqualTo(BYTES);

            repository.saveArtifact("service_health", "2.2.1", a, new StoredArtifact("SERVICE_HEALTH", new byte[]{1}, "{\"a\":1}"));
            repository.saveArtifact("service_health", "2.2.1", b, new StoredArtifact("SERVICE_HEALTH", new byte[]{1}, "{\"b\":1}"));
            repository.saveArtifact("service_health", "2.2.1", a, new StoredArtifact("SERVICE_HEALTH", new byte[]{1}, "{\"again\":1}"));
            repository.saveArtifact("service_health", "2.1.0", BYTES, new StoredArtifact("SERVICE_HEALTH", new byte[]{2}, "{\"old\":1}"));

            assertThat(repository.findArtifact("service_health", "2.2.1", a).orElseThrow().sidecarJson()).isEqualTo("{\"a\":1}");
            assertThat(repository.findArtifact("service_health", "2.2.1", b).orElseThrow().sidecarJson()).isEqualTo("{\"b\":1}");
            assertThat(repository.findArtifact("service_health", "2.2.1", BYTES)).as("no bytes-only artifact of 2.2.1").isEmpty();
            assertThat(repository.findArtifact("service_health", "2.1.0", BYTES).orElseThrow().sidecarJson()).isEqualTo("{\"old\":1}");

            Instant at = Instant.parse("2026-12-06T12:00:00Z");
            repository.insert(new Row("m-1", ProjectId.of("shop"), "service_health", "2.2.1", "SERVICE_HEALTH", "p", BYTES,
                    0.5, "{}", at, SIDECAR_A), null);
            repository.insert(new Row("m-2", ProjectId.of("lab"), "service_health", "2.2.1", "SERVICE_HEALTH", "p", BYTES,
                    0.7, "{}", at, SIDECAR_B), null);
            repository.insert(new Row("m-3", ProjectId.of("shop"), "service_health", "2.1.0", "SERVICE_HEALTH", "p", BYTES,
                    0.5, "{}", at, null), null);
            assertThat(repository.find(ProjectId.of("shop"), "service_health", "2.2.1").orElseThrow().content()).isEqualTo(a);
            assertThat(repository.find(ProjectId.of("lab"), "service_health", "2.2.1").orElseThrow().content()).isEqualTo(b);
            Row legacy = repository.find(ProjectId.of("shop"), "service_health", "2.1.0").orElseThrow();
            assertThat(legacy.sidecarSha256()).isEmpty();
            assertThat(legacy.content()).isEqualTo(BYTES);
        }
    }
}
