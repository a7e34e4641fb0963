package io.commandcenter.models.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelStoreTest {

    static ModelArtifact artifact(String version, byte[] bytes) {
        ModelMetadata m = new ModelMetadata("service_health", version, ModelType.PREDICTIVE, List.of("a", "b"), "input", "output", 1,
                "telemetry-v1", 0.8, List.of(0f, 1f), List.of(new CalibrationBin(0, 1, 3, 0.2, 0.3)), "window", "hash",
                Map.of("f1", 0.5), "code", 7, "2026-01-01T00:00:00Z", Map.of("trainer", "t"));
        return new ModelArtifact(m, bytes);
    }

    @Test
    void writeThenRead_usesTheTypeNameVersionLayout_andRoundTripsTheSidecar(@TempDir Path root) {
        ModelStore store = new ModelStore(root);
        Path onnx = store.write(artifact("1.0.0", new byte[] {1, 2, 3}));
        assertThat(onnx).isEqualTo(root.resolve("predictive/service_health-1.0.0.onnx"));
        assertThat(Files.exists(root.resolve("predictive/service_health-1.0.0.json"))).isTrue();
        ModelArtifact back = store.read(ModelType.PREDICTIVE, "service_health", "1.0.0");
        assertThat(back.metadata()).isEqualTo(artifact("1.0.0", new byte[] {1}).metadata());
        assertThat(back.onnx()).containsExactly(1, 2, 3);
        assertThat(store.list()).extracting(ModelMetadata::version).containsExactly("1.0.0");
    }

    @Test
    void rewritingIdenticalBytes_isIdempotent_butDifferentBytesConflict(@TempDir Path root) {
        ModelStore store = new ModelStore(root);
        store.write(artifact("1", new byte[] {1}));
        store.write(artifact("1", new byte[] {1}));
        assertThatThrownBy(() -> store.write(artifact("1", new byte[] {2})))
                .isInstanceOfSatisfying(CommandCenterException.class, e -> assertThat(e.reason()).isEqualTo("MODEL_EXISTS"));
    }

    @Test
    void readingAMissingModel_failsNotFound(@TempDir Path root) {
        assertThatThrownBy(() -> new ModelStore(root).read(ModelType.CLASSIFIER, "x", "1"))
                .isInstanceOfSatisfying(CommandCenterException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND));
    }

    @Test
    void invalidNamesAndVersions_areRejectedByTheSidecar() {
        assertThatThrownBy(() -> artifact("../1", new byte[] {1}))
                .isInstanceOfSatisfying(CommandCenterException.class, e -> assertThat(e.reason()).isEqualTo("MODEL_VERSION_INVALID"));
        assertThatThrownBy(() -> new SidecarJson().read("{\"name\":\"Bad Name\"}".getBytes()))
                .isInstanceOf(CommandCenterException.class);
        assertThatThrownBy(() -> ModelType.parse("regressor"))
                .isInstanceOfSatisfying(CommandCenterException.class, e -> assertThat(e.reason()).isEqualTo("MODEL_TYPE_UNKNOWN"));
    }
}
