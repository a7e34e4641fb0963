package io.commandcenter.models.train.bootstrap;

import io.commandcenter.models.bootstrap.BootstrapModels;
import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.commandcenter.models.artifact.ModelArtifact;
import io.commandcenter.models.artifact.ModelStore;
import io.commandcenter.models.artifact.ModelType;
import io.commandcenter.models.features.FeatureSchema;
import io.commandcenter.models.features.TelemetryFeatures;
import io.commandcenter.models.features.compliance.ComplianceFeatures;
import io.commandcenter.models.features.workflow.WorkflowFeatures;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootstrapModelsTest {

    private final BootstrapModels bootstrap = new BootstrapModels();

    @Test
    void theJarShipsServiceHealthComplianceRiskAndWorkflowFailure() {
        assertThat(bootstrap.index()).containsExactly("predictive/service_health-2.5.0", "classifier/compliance_risk-1.0.0",
                "classifier/workflow_failure-1.0.0");
        assertThat(bootstrap.load("service_health").metadata().type()).isEqualTo(ModelType.PREDICTIVE);
    }

    @Test
    void everyModel_declaresFeaturesItsPipelineProduces_andAReferenceAndCalibration() {
        Map<String, FeatureSchema> pipelines = Map.of(TelemetryFeatures.PIPELINE_VERSION, TelemetryFeatures.SCHEMA,
                ComplianceFeatures.PIPELINE_VERSION, ComplianceFeatures.SCHEMA, WorkflowFeatures.PIPELINE_VERSION, WorkflowFeatures.SCHEMA);
        for (ModelArtifact a : bootstrap.load()) {
            FeatureSchema model = new FeatureSchema(a.metadata().features());
            assertThat(pipelines.get(a.metadata().pipeline()).projectionTo(model)).hasSize(model.size());
            assertThat(a.metadata().reference()).hasSize(model.size());
            assertThat(a.metadata().calibration()).hasSize(10);
            assertThat(a.metadata().threshold()).isBetween(0.05, 0.95);
            assertThat(a.metadata().dataHash()).hasSize(64);
            assertThat(a.metadata().metrics()).isNotEmpty();
        }
    }

    @Test
    void everyShippedModel_wasTrainedOnTheFeaturesTheCurrentPipelineComputes() {
        for (ModelArtifact a : bootstrap.load()) {
            assertThat(a.metadata().provenance().get("pipeline_fingerprint"))
                    .as("%s is stale: feature code changed since it was trained; rerun BootstrapModelsMain", a.metadata().fileStem())
                    .isEqualTo(PipelineFingerprint.of(a.metadata().pipeline()));
        }
    }

    @Test
    void everyModel_loadsInOnnxRuntime_withItsDeclaredInputAndOutputNames() throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        for (ModelArtifact a : bootstrap.load()) {
            try (OrtSession s = env.createSession(a.onnx(), new OrtSession.SessionOptions())) {
                assertThat(s.getInputNames()).containsExactly(a.metadata().inputName());
                assertThat(s.getOutputNames()).containsExactly(a.metadata().outputName());
                assertThat(s.getMetadata().getCustomMetadata()).containsEntry("commandcenter.name", a.metadata().name());
            }
        }
    }

    @Test
    void installInto_writesTheArtifactLayout_idempotently(@TempDir Path root) {
        ModelStore store = new ModelStore(root);
        assertThat(bootstrap.installInto(store)).hasSize(3);
        assertThat(bootstrap.installInto(store)).hasSize(3);
        assertThat(root.resolve("classifier/workflow_failure-1.0.0.onnx")).exists();
        assertThat(store.list()).hasSize(3);
    }
}
