package io.commandcenter.inference.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import io.commandcenter.inference.explain.ExplainabilityValidator;
import io.commandcenter.models.artifact.ModelArtifact;
import io.commandcenter.models.bootstrap.BootstrapModels;
import org.junit.jupiter.api.Test;

class BootstrapModelsOnOnnxTest {

    @Test
    void everyBootstrapModel_passesTheExplainabilityValidator() {
        try (OnnxBackend backend = new OnnxBackend()) {
            ExplainabilityValidator v = new ExplainabilityValidator(backend);
            for (ModelArtifact a : new BootstrapModels().load()) {
                ExplainabilityValidator.Report r = v.validate(a);
                assertThat(r.problems()).as(a.metadata().fileStem()).isEmpty();
                assertThat(r.explainable()).isTrue();
            }
            assertThat(backend.loaded()).hasSize(3);
        }
    }
}
