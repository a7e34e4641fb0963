package io.commandcenter.inference.triton;

import com.google.protobuf.ByteString;
import io.commandcenter.inference.ModelKey;
import io.commandcenter.inference.onnx.OnnxBackend;
import io.commandcenter.models.artifact.ModelArtifact;
import io.commandcenter.models.artifact.ModelMetadata;
import io.commandcenter.proto.inference.GRPCInferenceServiceGrpc;
import io.commandcenter.proto.inference.ModelInferRequest;
import io.commandcenter.proto.inference.ModelInferResponse;
import io.commandcenter.proto.inference.ModelMetadataRequest;
import io.commandcenter.proto.inference.ModelMetadataResponse;
import io.commandcenter.proto.inference.ModelReadyRequest;
import io.commandcenter.proto.inference.ModelReadyResponse;
import io.commandcenter.proto.inference.ServerMetadataRequest;
import io.commandcenter.proto.inference.ServerMetadataResponse;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal, independent Open Inference Protocol server on a loopback port, behaving like Triton serving
 * the ONNX file itself: one packed input {@code [-1, features]}, the model's probability output
 * {@code [-1, classes]}, answers in {@code raw_output_contents}. Scores with ONNX Runtime. Knobs for the
 * failures a real remote has: not ready, wrong metadata, failing or hanging calls.
 */
final class LoopbackTriton implements AutoCloseable {
    final OnnxBackend onnx = new OnnxBackend();
    final ModelArtifact artifact;
    final ModelKey key;
    final AtomicInteger inferCalls = new AtomicInteger();
    final AtomicInteger serverMetadataCalls = new AtomicInteger();
    final AtomicInteger failNext = new AtomicInteger();
    volatile boolean ready = true;
    volatile int declaredFeatures;
    /** Serve output {@code risk} ({@code [-1]}) as a CommandCenter hub does, instead of the probabilities. */
    volatile boolean riskOutput;
    /** Added to every answer: a remote that answers something other than probabilities (logits, a wrong column). */
    volatile float shift;
    /** While set, ServerMetadata and ModelInfer wait for it: a remote that hangs. */
    volatile CountDownLatch hold;
    private final Server server;

    LoopbackTriton(ModelArtifact artifact) throws IOException {
        this.artifact = artifact;
        this.key = ModelKey.of(artifact.metadata());
        this.declaredFeatures = artifact.metadata().features().size();
        onnx.load(key, artifact);
        server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create()).addService(new Service()).build()
                .start();
    }

    String target() {
        return "localhost:" + server.getPort();
    }

    int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        CountDownLatch h = hold;
        if (h != null) {
            h.countDown();
        }
        try {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        onnx.close();
    }

    private void awaitHold() {
        CountDownLatch h = hold;
        if (h != null) {
            try {
                h.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private final class Service extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {
        @Override
        public void serverMetadata(ServerMetadataRequest request, StreamObserver<ServerMetadataResponse> observer) {
            serverMetadataCalls.incrementAndGet();
            awaitHold();
            observer.onNext(ServerMetadataResponse.newBuilder().setName("loopback-triton").setVersion("0").build());
            observer.onCompleted();
        }

        @Override
        public void modelReady(ModelReadyRequest request, StreamObserver<ModelReadyResponse> observer) {
            observer.onNext(ModelReadyResponse.newBuilder().setReady(ready && request.getName().equals(key.name()))
                    .build());
            observer.onCompleted();
        }

        @Override
        public void modelMetadata(ModelMetadataRequest request, StreamObserver<ModelMetadataResponse> observer) {
            ModelMetadata m = artifact.metadata();
            observer.onNext(ModelMetadataResponse.newBuilder().setName(m.name()).addVersions(m.version())
                    .setPlatform("onnxruntime_onnx")
                    .addInputs(ModelMetadataResponse.TensorMetadata.newBuilder().setName(m.inputName())
                            .setDatatype("FP32").addShape(-1).addShape(declaredFeatures))
                    .addOutputs(riskOutput
                            ? ModelMetadataResponse.TensorMetadata.newBuilder().setName("risk").setDatatype("FP32").addShape(-1)
                            : ModelMetadataResponse.TensorMetadata.newBuilder().setName(m.outputName())
                            .setDatatype("FP32").addShape(-1).addShape(2)).build());
            observer.onCompleted();
        }

        @Override
        public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> observer) {
            inferCalls.incrementAndGet();
            awaitHold();
            if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                observer.onError(Status.UNAVAILABLE.withDescription("overloaded").asRuntimeException());
                return;
            }
            ModelMetadata m = artifact.metadata();
            ModelInferRequest.InferInputTensor in = request.getInputs(0);
            if (!in.getName().equals(m.inputName()) || in.getShapeCount() != 2) {
                observer.onError(Status.INVALID_ARGUMENT.withDescription("unexpected input " + in.getName())
                        .asRuntimeException());
                return;
            }
            int n = (int) in.getShape(0);
            float[] rows = new float[in.getContents().getFp32ContentsCount()];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = in.getContents().getFp32Contents(i);
            }
            double[] p;
            try {
                p = onnx.score(key, rows, n);
            } catch (RuntimeException e) {
                observer.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
                return;
            }
            if (riskOutput) {
                ByteBuffer risk = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
                for (double v : p) {
                    risk.putFloat((float) v + shift);
                }
                observer.onNext(ModelInferResponse.newBuilder().setModelName(m.name()).setModelVersion(m.version())
                        .addOutputs(ModelInferResponse.InferOutputTensor.newBuilder().setName("risk").setDatatype("FP32")
                                .addShape(n)).addRawOutputContents(ByteString.copyFrom(risk.array())).build());
                observer.onCompleted();
                return;
            }
            ByteBuffer raw = ByteBuffer.allocate(n * 2 * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (double v : p) {
                float positive = (float) v + shift;
                raw.putFloat(m.positiveIndex() == 0 ? positive : 1 - positive);
                raw.putFloat(m.positiveIndex() == 0 ? 1 - positive : positive);
            }
            observer.onNext(ModelInferResponse.newBuilder().setModelName(m.name()).setModelVersion(m.version())
                    .addOutputs(ModelInferResponse.InferOutputTensor.newBuilder().setName(m.outputName())
                            .setDatatype("FP32").addShape(n).addShape(2))
                    .addRawOutputContents(ByteString.copyFrom(raw.array())).build());
            observer.onCompleted();
        }
    }
}
