package io.commandcenter.hub.predict;

import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.runtime.Hub;
import io.commandcenter.hub.runtime.HubSettings;
import io.commandcenter.hub.runtime.InferenceSettings;
import io.commandcenter.hub.testing.Credentials;
import io.commandcenter.hub.testing.GrpcFixture;
import io.commandcenter.proto.inference.GRPCInferenceServiceGrpc;
import io.commandcenter.proto.inference.InferParameter;
import io.commandcenter.proto.inference.InferTensorContents;
import io.commandcenter.proto.inference.ModelInferRequest;
import io.commandcenter.proto.v1.FeatureInput;
import io.commandcenter.proto.v1.PredictRequest;
import io.commandcenter.proto.v1.PredictServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Many concurrent ModelInfer and Predict callers on a hub whose local scoring is micro-batched (with a
 * gathering delay, so calls really are shared): each gets its own row's answer, equal to an unbatched hub's.
 */
class MicroBatchingHubTest {
    static final String MODEL = "workflow_failure";

    @TempDir
    Path dir;

    @Test
    void concurrentCallers_eachGetTheirOwnRowsAnswer_asAnUnbatchedHubGivesIt() throws Exception {
        HubSettings batchedSettings = HubSettings.defaults(dir.resolve("batched"), 0);
        batchedSettings = batchedSettings.withSecurity(batchedSettings.security().withCallRate(0, 1));
        ExecutorService pool = Executors.newFixedThreadPool(32);
        try (Hub batched = Hub.start(batchedSettings,
                InferenceSettings.defaults().withBatching(64, Duration.ofMillis(2)), Clock.systemUTC());
             Hub plain = Hub.start(HubSettings.defaults(dir.resolve("plain"), 0),
                     InferenceSettings.defaults().withBatching(1, Duration.ZERO), Clock.systemUTC())) {
            List<String> features = batched.registry().metadata(batched.registry().resolve(ProjectId.of("mb"), MODEL, ""))
                    .features();
            ManagedChannel toBatched = NettyChannelBuilder.forAddress("localhost", batched.grpcPort()).usePlaintext()
                    .intercept(Credentials.admin(batched)).build();
            ManagedChannel toPlain = NettyChannelBuilder.forAddress("localhost", plain.grpcPort()).usePlaintext()
                    .intercept(Credentials.admin(plain)).build();
            try {
                var oip = GrpcFixture.scoped(GRPCInferenceServiceGrpc.newBlockingStub(toBatched), "mb");
                var predict = GrpcFixture.scoped(PredictServiceGrpc.newBlockingStub(toBatched), "mb");
                var reference = GrpcFixture.scoped(GRPCInferenceServiceGrpc.newBlockingStub(toPlain), "mb");
                int callers = 96;
                List<CompletableFuture<double[]>> answers = new ArrayList<>();
                for (int c = 0; c < callers; c++) {
                    int caller = c;
                    answers.add(CompletableFuture.supplyAsync(() -> {
                        ModelInferRequest request = request(features, caller, caller % 2 == 0);
                        double viaInfer = oip.modelInfer(request).getOutputs(0).getContents().getFp32Contents(0);
                        FeatureInput.Builder values = FeatureInput.newBuilder();
                        for (int j = 0; j < features.size(); j++) {
                            values.putValues(features.get(j), value(caller, j));
                        }
                        double viaPredict = predict.predict(PredictRequest.newBuilder().setModel(MODEL)
                                .setFeatures(values).build()).getRisk();
                        return new double[] {viaInfer, viaPredict};
                    }, pool));
                }
                for (int c = 0; c < callers; c++) {
                    double[] got = answers.get(c).get(60, TimeUnit.SECONDS);
                    double expected = reference.modelInfer(request(features, c, false)).getOutputs(0).getContents()
                            .getFp32Contents(0);
                    assertThat(got[0]).as("caller %d ModelInfer", c).isCloseTo(expected, within(1e-6));
                    assertThat(got[1]).as("caller %d Predict", c).isCloseTo(expected, within(1e-6));
                }
                assertThat(answers.get(1).get()[0]).isNotEqualTo(answers.get(2).get()[0]);
            } finally {
                toBatched.shutdownNow();
                toPlain.shutdownNow();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    static float value(int caller, int feature) {
        return ((caller * 7 + feature * 3) % 17) / 17f;
    }

    static ModelInferRequest request(List<String> features, int caller, boolean explain) {
        ModelInferRequest.Builder b = ModelInferRequest.newBuilder().setModelName(MODEL);
        for (int j = 0; j < features.size(); j++) {
            b.addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName(features.get(j)).setDatatype("FP32")
                    .addShape(1).setContents(InferTensorContents.newBuilder().addFp32Contents(value(caller, j))));
        }
        if (!explain) {
            b.putParameters("explain", InferParameter.newBuilder().setBoolParam(false).build());
        }
        return b.build();
    }
}
