package io.commandcenter.hub.predict;

import com.google.protobuf.ByteString;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import io.commandcenter.common.json.Json;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.runtime.Hub;
import io.commandcenter.hub.runtime.HubSettings;
import io.commandcenter.hub.testing.GrpcFixture;
import io.commandcenter.proto.inference.GRPCInferenceServiceGrpc;
import io.commandcenter.proto.inference.InferParameter;
import io.commandcenter.proto.inference.InferTensorContents;
import io.commandcenter.proto.inference.ModelInferRequest;
import io.commandcenter.proto.inference.ModelInferResponse;
import io.commandcenter.proto.inference.ModelMetadataRequest;
import io.commandcenter.proto.inference.ModelMetadataResponse;
import io.commandcenter.proto.inference.ModelReadyRequest;
import io.commandcenter.proto.inference.ServerLiveRequest;
import io.commandcenter.proto.inference.ServerMetadataRequest;
import io.commandcenter.proto.inference.ServerReadyRequest;
import io.commandcenter.proto.v1.FeatureInput;
import io.commandcenter.proto.v1.PredictRequest;
import io.commandcenter.proto.v1.PredictResponse;
import io.commandcenter.proto.v1.PredictServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static io.commandcenter.hub.predict.PredictiveHubTest.detail;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** {@code inference.GRPCInferenceService} (KServe v2) on an assembled hub, against the hub's own Predict. */
class OpenInferenceHubTest {
    static final String MODEL = "workflow_failure";

    @TempDir
    static Path dir;
    static Hub hub;
    static ManagedChannel channel;
    static List<String> features;

    @BeforeAll
    static void start() {
        hub = Hub.start(HubSettings.defaults(dir, 0), Clock.systemUTC());
        channel = NettyChannelBuilder.forAddress("localhost", hub.grpcPort()).usePlaintext()
                .intercept(io.commandcenter.hub.testing.Credentials.admin(hub)).build();
        features = hub.registry().metadata(hub.registry().resolve(ProjectId.of("oip"), MODEL, "")).features();
    }

    @AfterAll
    static void stop() {
        channel.shutdownNow();
        hub.close();
    }

    static GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub oip() {
        return GrpcFixture.scoped(GRPCInferenceServiceGrpc.newBlockingStub(channel), "oip");
    }

    /** Row {@code r}: feature {@code j} is {@code 0.1 * (j + 1) * (r + 1)}. */
    static float value(int row, int feature) {
        return 0.1f * (feature + 1) * (row + 1);
    }

    static ModelInferRequest.Builder perFeature(int rows) {
        ModelInferRequest.Builder b = ModelInferRequest.newBuilder().setModelName(MODEL).setId("req-1");
        for (int j = 0; j < features.size(); j++) {
            InferTensorContents.Builder c = InferTensorContents.newBuilder();
            for (int r = 0; r < rows; r++) {
                c.addFp32Contents(value(r, j));
            }
            // reversed order on purpose: inputs are matched by name
            b.addInputs(0, ModelInferRequest.InferInputTensor.newBuilder().setName(features.get(j)).setDatatype("FP32")
                    .addShape(rows).setContents(c));
        }
        return b;
    }

    static float[] output(ModelInferResponse response, String name) {
        var t = response.getOutputsList().stream().filter(o -> o.getName().equals(name)).findFirst().orElseThrow();
        float[] out = new float[t.getContents().getFp32ContentsCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = t.getContents().getFp32Contents(i);
        }
        return out;
    }

    @Test
    void serverAndModelEndpoints_answerForTheProjectsRegisteredModels() {
        assertThat(oip().serverLive(ServerLiveRequest.getDefaultInstance()).getLive()).isTrue();
        assertThat(oip().serverReady(ServerReadyRequest.getDefaultInstance()).getReady()).isTrue();
        assertThat(oip().serverMetadata(ServerMetadataRequest.getDefaultInstance()).getName()).isEqualTo("commandcenter");
        assertThat(oip().modelReady(ModelReadyRequest.newBuilder().setName(MODEL).build()).getReady()).isTrue();

        ModelMetadataResponse meta = oip().modelMetadata(ModelMetadataRequest.newBuilder().setName(MODEL).build());

        assertThat(meta.getName()).isEqualTo(MODEL);
        assertThat(meta.getPlatform()).isEqualTo("onnxruntime_onnx");
        assertThat(meta.getInputsList()).extracting(ModelMetadataResponse.TensorMetadata::getName)
                .containsExactlyElementsOf(features);
        assertThat(meta.getInputsList()).allSatisfy(t -> {
            assertThat(t.getDatatype()).isEqualTo("FP32");
            assertThat(t.getShapeList()).containsExactly(-1L);
        });
        assertThat(meta.getOutputsList()).extracting(ModelMetadataResponse.TensorMetadata::getName)
                .containsExactly("risk", "confidence");
        assertThat(meta.getVersionsList()).first().isEqualTo(hub.registry().resolve(ProjectId.of("oip"), MODEL, "")
                .version());
        assertThatThrownBy(() -> oip().modelReady(ModelReadyRequest.newBuilder().setName("no_such_model").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    }

    @Test
    void modelInfer_scoresEachRowAsPredictDoes_withFactorsAndConfidenceAsParameters() {
        ModelInferResponse response = oip().modelInfer(perFeature(3).build());

        assertThat(response.getModelName()).isEqualTo(MODEL);
        assertThat(response.getId()).isEqualTo("req-1");
        float[] risk = output(response, "risk");
        float[] confidence = output(response, "confidence");
        assertThat(risk).hasSize(3);
        @SuppressWarnings("unchecked")
        List<List<Map<String, Object>>> factors = (List<List<Map<String, Object>>>) Json.parse(
                response.getParametersOrThrow("top_factors").getStringParam());
        assertThat(factors).hasSize(3);
        for (int r = 0; r < 3; r++) {
            FeatureInput.Builder row = FeatureInput.newBuilder();
            for (int j = 0; j < features.size(); j++) {
                row.putValues(features.get(j), value(r, j));
            }
            PredictResponse expected = GrpcFixture.scoped(PredictServiceGrpc.newBlockingStub(channel), "oip")
                    .predict(PredictRequest.newBuilder().setModel(MODEL).setFeatures(row).build());
            assertThat((double) risk[r]).as("row %d risk", r).isCloseTo(expected.getRisk(), within(1e-6));
            assertThat((double) confidence[r]).as("row %d confidence", r).isCloseTo(expected.getConfidence(), within(1e-6));
            assertThat(factors.get(r)).extracting(f -> f.get("feature"))
                    .containsExactlyElementsOf(expected.getFactorsList().stream().map(f -> f.getFeature()).toList());
        }
        assertThat(risk[0]).as("different rows, different answers").isNotEqualTo(risk[2]);
        assertThat(response.getParametersOrThrow("recommended_action").getStringParam()).startsWith("[\"");
        assertThat(response.getParametersOrThrow("confidence").getStringParam()).contains("\"calibration\"");
    }

    @Test
    void packedTypedAndRawInputs_andExplainFalse_allGiveTheSameRisk() {
        int rows = 2;
        int width = features.size();
        InferTensorContents.Builder typed = InferTensorContents.newBuilder();
        ByteBuffer raw = ByteBuffer.allocate(rows * width * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < width; j++) {
                typed.addFp32Contents(value(r, j));
                raw.putFloat(value(r, j));
            }
        }
        String input = hub.registry().metadata(hub.registry().resolve(ProjectId.of("oip"), MODEL, "")).inputName();
        ModelInferRequest.InferInputTensor.Builder packed = ModelInferRequest.InferInputTensor.newBuilder()
                .setName(input).setDatatype("FP32").addShape(rows).addShape(width);

        float[] byFeature = output(oip().modelInfer(perFeature(rows).build()), "risk");
        float[] byPacked = output(oip().modelInfer(ModelInferRequest.newBuilder().setModelName(MODEL)
                .addInputs(packed.clone().setContents(typed)).build()), "risk");
        float[] byRaw = output(oip().modelInfer(ModelInferRequest.newBuilder().setModelName(MODEL)
                .addInputs(packed).addRawInputContents(ByteString.copyFrom(raw.array())).build()), "risk");
        ModelInferResponse plain = oip().modelInfer(perFeature(rows)
                .putParameters("explain", InferParameter.newBuilder().setBoolParam(false).build()).build());

        assertThat(byPacked).containsExactly(byFeature);
        assertThat(byRaw).containsExactly(byFeature);
        assertThat(output(plain, "risk")).containsExactly(byFeature);
        assertThat(plain.getOutputsList()).extracting(o -> o.getName()).containsExactly("risk");
        assertThat(plain.getParametersMap()).doesNotContainKey("top_factors");
    }

    @Test
    void requestedOutputs_areTheOnlyOnesReturned() {
        ModelInferResponse response = oip().modelInfer(perFeature(1).addOutputs(
                ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName("confidence")).build());

        assertThat(response.getOutputsList()).extracting(o -> o.getName()).containsExactly("confidence");
    }

    static void assertInvalid(UnaryOperator<ModelInferRequest.Builder> edit, String field, String reason) {
        assertThatThrownBy(() -> oip().modelInfer(edit.apply(perFeature(2)).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).as(field).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(detail(e, BadRequest.class).getFieldViolationsList())
                            .anySatisfy(v -> {
                                assertThat(v.getField()).isEqualTo(field);
                                assertThat(v.getDescription()).isNotBlank();
                            });
                    assertThat(detail(e, ErrorInfo.class).getReason()).isEqualTo(reason);
                });
    }

    @Test
    void badRequests_areInvalidArgument_namingTheField() {
        assertInvalid(b -> b.setModelName(""), "model_name", "REQUIRED");
        assertInvalid(b -> b.setModelName("Bad-Name"), "model_name", "INVALID_ARGUMENT");
        assertInvalid(b -> b.setModelVersion("1/2"), "model_version", "INVALID_ARGUMENT");
        assertInvalid(ModelInferRequest.Builder::clearInputs, "inputs", "REQUIRED");
        assertInvalid(b -> b.setInputs(0, b.getInputs(0).toBuilder().setName("bogus")), "inputs[0].name", "UNKNOWN_INPUT");
        assertInvalid(b -> b.setInputs(1, b.getInputs(0)), "inputs[1].name", "DUPLICATE_INPUT");
        assertInvalid(b -> b.removeInputs(0), "inputs", "MISSING_INPUT");
        assertInvalid(b -> b.setInputs(0, b.getInputs(0).toBuilder().setDatatype("INT8")), "inputs[0].datatype",
                "UNSUPPORTED_DATATYPE");
        assertInvalid(b -> b.setInputs(0, b.getInputs(0).toBuilder().clearShape().addShape(2).addShape(3)),
                "inputs[0].shape", "BAD_SHAPE");
        assertInvalid(b -> b.setInputs(0, b.getInputs(0).toBuilder().clearShape().addShape(0)),
                "inputs[0].shape", "OUT_OF_RANGE");
        assertInvalid(b -> b.setInputs(0, b.getInputs(0).toBuilder().clearShape().addShape(1_000_000)),
                "inputs[0].shape", "OUT_OF_RANGE");
        assertInvalid(b -> b.setInputs(1, b.getInputs(1).toBuilder().clearShape().addShape(1)
                        .setContents(InferTensorContents.newBuilder().addFp32Contents(1))), "inputs[1].shape",
                "ROWS_MISMATCH");
        assertInvalid(b -> b.setInputs(0, b.getInputs(0).toBuilder().setContents(InferTensorContents.newBuilder()
                .addFp32Contents(1))), "inputs[0].contents", "SIZE_MISMATCH");
        assertInvalid(b -> b.setInputs(0, b.getInputs(0).toBuilder().setContents(InferTensorContents.newBuilder()
                .addFp32Contents(Float.NaN).addFp32Contents(1))), "inputs[0].contents", "NOT_FINITE");
        assertInvalid(b -> b.addRawInputContents(ByteString.copyFrom(new byte[8])), "raw_input_contents",
                "COUNT_MISMATCH");
        assertInvalid(b -> b.putParameters("explain", InferParameter.newBuilder().setStringParam("yes").build()),
                "parameters[explain]", "BAD_FORMAT");
        assertInvalid(b -> b.putParameters("observations", InferParameter.newBuilder().setInt64Param(-1).build()),
                "parameters[observations]", "OUT_OF_RANGE");
        assertInvalid(b -> b.addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName("x")),
                "outputs[0].name", "UNKNOWN_OUTPUT");
    }

    @Test
    void withoutCredentials_liveAnswers_butScoringIsRefused() {
        ManagedChannel anonymous = NettyChannelBuilder.forAddress("localhost", hub.grpcPort()).usePlaintext().build();
        try {
            var stub = GRPCInferenceServiceGrpc.newBlockingStub(anonymous);
            assertThat(stub.serverLive(ServerLiveRequest.getDefaultInstance()).getLive()).isTrue();
            assertThatThrownBy(() -> stub.modelInfer(perFeature(1).build()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
        } finally {
            anonymous.shutdownNow();
        }
    }
}
