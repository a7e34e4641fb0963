package io.commandcenter.inference.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.commandcenter.inference.ModelKey;
import io.commandcenter.inference.TestModels;
import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.models.artifact.ModelArtifact;
import io.commandcenter.models.artifact.ModelMetadata;
import io.commandcenter.models.train.TrainedLogistic;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OnnxBackendTest {

    @Test
    void exportLoadScore_equalsTribuo_forRowsMappedByName() {
        TrainedLogistic m = TestModels.train(1, 0);
        try (OnnxBackend b = new OnnxBackend()) {
            ModelArtifact a = TestModels.artifact(m, "risk", "1");
            b.load(a);
            assertThat(b.metadata(ModelKey.of(a.metadata())).features()).containsExactly("cpu", "disk", "queue");
            Random rnd = new Random(9);
            int n = 200;
            float[] pipelineRows = new float[n * 3];
            for (int i = 0; i < pipelineRows.length; i++) {
                pipelineRows[i] = (float) (rnd.nextGaussian() * 2);
            }
            float[] modelRows = TestModels.SCHEMA.project(pipelineRows, n, m.onnxSchema());
            double[] ort = b.score(new ModelKey("risk", "1"), modelRows, n);
            for (int i = 0; i < n; i++) {
                float[] row = {pipelineRows[i * 3], pipelineRows[i * 3 + 1], pipelineRows[i * 3 + 2]};
                assertThat(ort[i]).isCloseTo(m.predict(row), within(1e-5));
            }
        }
    }

    @Test
    void declaredFeatures_thatDoNotMatchTheOnnxInput_areRefused() {
        TrainedLogistic m = TestModels.train(2, 0);
        try (OnnxBackend b = new OnnxBackend()) {
            ModelArtifact wrong = TestModels.artifact(m, "risk", "1", List.of("cpu", "disk"), new float[2]);
            assertThatThrownBy(() -> b.load(wrong))
                    .isInstanceOfSatisfying(CommandCenterException.class, e -> assertThat(e.reason()).isEqualTo("MODEL_INPUT_MISMATCH"));
            assertThat(b.loaded()).isEmpty();
        }
    }

    @Test
    void aWrongInputOrOutputName_isRefused_becauseTensorsAreMappedByName() {
        TrainedLogistic m = TestModels.train(3, 0);
        ModelArtifact ok = TestModels.artifact(m, "risk", "1");
        ModelMetadata md = ok.metadata();
        ModelMetadata badIn = new ModelMetadata(md.name(), md.version(), md.type(), md.features(), "features", md.outputName(),
                md.positiveIndex(), md.pipeline(), md.threshold(), md.reference(), md.calibration(), md.trainingWindow(), md.dataHash(),
                md.metrics(), md.codeVersion(), md.seed(), md.createdAt(), md.provenance());
        ModelMetadata badOut = new ModelMetadata(md.name(), md.version(), md.type(), md.features(), md.inputName(), "probabilities",
                md.positiveIndex(), md.pipeline(), md.threshold(), md.reference(), md.calibration(), md.trainingWindow(), md.dataHash(),
                md.metrics(), md.codeVersion(), md.seed(), md.createdAt(), md.provenance());
        try (OnnxBackend b = new OnnxBackend()) {
            assertThatThrownBy(() -> b.load(new ModelArtifact(badIn, ok.onnx())))
                    .isInstanceOfSatisfying(CommandCenterException.class, e -> assertThat(e.reason()).isEqualTo("MODEL_INPUT_MISMATCH"));
            assertThatThrownBy(() -> b.load(new ModelArtifact(badOut, ok.onnx())))
                    .isInstanceOfSatisfying(CommandCenterException.class, e -> assertThat(e.reason()).isEqualTo("MODEL_OUTPUT_MISMATCH"));
        }
    }

    @Test
    void garbageBytes_areRefusedAsUnreadable() {
        ModelArtifact ok = TestModels.artifact(TestModels.train(4, 0), "risk", "1");
        try (OnnxBackend b = new OnnxBackend()) {
            assertThatThrownBy(() -> b.load(new ModelArtifact(ok.metadata(), new byte[] {1, 2, 3})))
                    .isInstanceOfSatisfying(CommandCenterException.class, e -> assertThat(e.reason()).isEqualTo("MODEL_UNREADABLE"));
        }
    }

    @Test
    void reloadingTheSameVersion_isANoOp_butOtherBytesUnderTheSameVersionConflict() {
        try (OnnxBackend b = new OnnxBackend()) {
            b.load(TestModels.artifact(TestModels.train(5, 0), "risk", "1"));
            b.load(TestModels.artifact(TestModels.train(5, 0), "risk", "1"));
            assertThatThrownBy(() -> b.load(TestModels.artifact(TestModels.train(6, 1), "risk", "1")))
                    .isInstanceOfSatisfying(CommandCenterException.class, e -> assertThat(e.reason()).isEqualTo("MODEL_VERSION_CONFLICT"));
        }
    }

    @Test
    void badScoreInput_andUnknownOrUnloadedModels_failWithStableReasons() {
        try (OnnxBackend b = new OnnxBackend()) {
            b.load(TestModels.artifact(TestModels.train(7, 0), "risk", "1"));
            ModelKey k = new ModelKey("risk", "1");
            assertThatThrownBy(() -> b.score(k, new float[5], 2))
                    .isInstanceOfSatisfying(CommandCenterException.class, e -> assertThat(e.reason()).isEqualTo("SCORE_INPUT_INVALID"));
            assertThatThrownBy(() -> b.score(k, new float[] {0, Float.NaN, 0}, 1))
                    .isInstanceOfSatisfying(CommandCenterException.class, e -> assertThat(e.reason()).isEqualTo("SCORE_INPUT_INVALID"));
            assertThat(b.score(k, new float[0], 0)).isEmpty();
            b.unload(k);
            assertThatThrownBy(() -> b.score(k, new float[3], 1))
                    .isInstanceOfSatisfying(CommandCenterException.class, e -> assertThat(e.reason()).isEqualTo("MODEL_NOT_LOADED"));
        }
        OnnxBackend closed = new OnnxBackend();
        closed.close();
        assertThatThrownBy(() -> closed.score(new ModelKey("x", "1"), new float[0], 0))
                .isInstanceOfSatisfying(CommandCenterException.class, e -> assertThat(e.reason()).isEqualTo("BACKEND_CLOSED"));
    }

    @Test
    void theSchema_isBuiltOncePerLoad_andGoesWithTheVersion() {
        TrainedLogistic m = TestModels.train(8, 0);
        try (OnnxBackend b = new OnnxBackend()) {
            ModelKey k = new ModelKey("risk", "1");
            b.load(TestModels.artifact(m, "risk", "1"));
            var first = b.schema(k);
            assertThat(first.names()).isEqualTo(b.metadata(k).features());
            assertThat(b.schema(k)).as("one schema per loaded version, not one per call").isSameAs(first);
            b.unload(k);
            assertThatThrownBy(() -> b.schema(k))
                    .isInstanceOfSatisfying(CommandCenterException.class, e -> assertThat(e.reason()).isEqualTo("MODEL_NOT_LOADED"));
            // the same key loaded again with other feature names: the new load's schema, not the released one
            b.load(TestModels.artifact(m, "risk", "1", List.of("x", "y", "z"), new float[3]));
            assertThat(b.schema(k).names()).containsExactly("x", "y", "z");
            assertThat(b.schema(k)).isNotSameAs(first);
        }
    }
}
