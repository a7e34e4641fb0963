package io.commandcenter.inference.triton;

import com.google.protobuf.ByteString;
import io.commandcenter.common.concurrent.CircuitBreaker;
import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.inference.remote.RemoteBackend;
import io.commandcenter.inference.ModelKey;
import io.commandcenter.inference.remote.RemoteEndpoint;
import io.commandcenter.models.artifact.ModelArtifact;
import io.commandcenter.models.artifact.ModelMetadata;
import io.commandcenter.proto.inference.GRPCInferenceServiceGrpc;
import io.commandcenter.proto.inference.InferParameter;
import io.commandcenter.proto.inference.InferTensorContents;
import io.commandcenter.proto.inference.ModelInferRequest;
import io.commandcenter.proto.inference.ModelInferResponse;
import io.commandcenter.proto.inference.ModelMetadataRequest;
import io.commandcenter.proto.inference.ModelMetadataResponse;
import io.commandcenter.proto.inference.ModelReadyRequest;
import io.commandcenter.proto.inference.ServerMetadataRequest;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.MetadataUtils;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@link InferenceBackend} on a remote Triton / KServe v2 server, over the Open Inference Protocol
 * ({@code inference.GRPCInferenceService}). The remote serves the model under its sidecar's name and version.
 *
 * <p>{@link #load} checks the remote model before it is used: ready ({@code ModelReady}), and its
 * metadata matching the sidecar's features — either one FP32 input per feature (CommandCenter's own
 * server, or a Triton ensemble that splits them), or one FP32 input {@code metadata.inputName()} of shape
 * {@code [-1, features]} (the ONNX file itself on Triton). Its output is {@code risk} ({@code [N]}) or
 * {@code metadata.outputName()} ({@code [N, classes]}, column {@code positiveIndex}).
 *
 * <p>Every call has the endpoint's deadline per attempt; transient failures (UNAVAILABLE,
 * DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED) are retried up to {@code maxAttempts} with doubling
 * back-off; a {@link CircuitBreaker} stops calling an endpoint that keeps failing. Failures:
 * UNAVAILABLE {@code REMOTE_UNAVAILABLE} (after the attempts), {@code CIRCUIT_OPEN} (not tried),
 * {@code REMOTE_MODEL_NOT_READY}; INVALID {@code REMOTE_MODEL_MISMATCH} at load; INVALID
 * {@code SCORE_INPUT_INVALID} when the remote refused the input. Thread-safe.
 */
public final class TritonBackend extends RemoteBackend<TritonBackend.Remote> {
    private static final System.Logger LOG = System.getLogger(TritonBackend.class.getName());

    private final ManagedChannel channel;

    /**
     * How a loaded model is called.
     *
     * @param quiet send {@code explain=false}: the remote is a CommandCenter hub, which explains by default
     */
    record Remote(ModelMetadata metadata, boolean perFeature, List<Long> featureShape, boolean riskOutput, boolean quiet) {
        Remote withQuiet() {
            return new Remote(metadata, perFeature, featureShape, riskOutput, true);
        }
    }

    public TritonBackend(RemoteEndpoint endpoint, Clock clock) {
        super("triton", endpoint, clock);
        ChannelCredentials credentials = endpoint.tls() ? TlsChannelCredentials.create() : InsecureChannelCredentials.create();
        this.channel = Grpc.newChannelBuilder(endpoint.target(), credentials).build();
    }

    @Override
    public void load(ModelKey key, ModelArtifact artifact) {
        ensureOpen();
        ModelMetadata m = artifact.metadata();
        boolean ready = call("ModelReady", stub -> stub.modelReady(ModelReadyRequest.newBuilder().setName(m.name())
                .setVersion(m.version()).build())).getReady();
        if (!ready) {
            throw new CommandCenterException(ErrorKind.UNAVAILABLE, "REMOTE_MODEL_NOT_READY", endpoint.name() + " says "
                    + key + " is not ready", Map.of("endpoint", endpoint.name(), "model", key.toString()), List.of(), null);
        }
        ModelMetadataResponse meta = call("ModelMetadata", stub -> stub.modelMetadata(ModelMetadataRequest.newBuilder()
                .setName(m.name()).setVersion(m.version()).build()));
        Remote remote = check(key, m, meta);
        // asked at each load, not on a score: a remote that fails it fails the load, never holds a score twice;
        // the answer is the version's (the server behind the endpoint may be replaced between loads)
        register(key, remote.riskOutput && isCommandCenter() ? remote.withQuiet() : remote);
    }

    private Remote check(ModelKey key, ModelMetadata m, ModelMetadataResponse meta) {
        Set<String> names = new HashSet<>();
        meta.getInputsList().forEach(t -> names.add(t.getName()));
        boolean perFeature = names.equals(new HashSet<>(m.features()))
                && meta.getInputsList().stream().allMatch(t -> t.getDatatype().equals("FP32")
                && (t.getShapeCount() == 1 || (t.getShapeCount() == 2 && t.getShape(1) == 1)));
        boolean packed = meta.getInputsCount() == 1 && meta.getInputs(0).getName().equals(m.inputName())
                && meta.getInputs(0).getDatatype().equals("FP32") && meta.getInputs(0).getShapeCount() == 2
                && meta.getInputs(0).getShape(1) == m.features().size();
        boolean risk = meta.getOutputsList().stream().anyMatch(t -> t.getName().equals("risk"));
        boolean probabilities = meta.getOutputsList().stream().anyMatch(t -> t.getName().equals(m.outputName()));
        if (!(perFeature || packed) || !(risk || probabilities)) {
            throw new CommandCenterException(ErrorKind.INVALID, "REMOTE_MODEL_MISMATCH", endpoint.name() + " serves "
                    + key + " with inputs " + names + " and outputs " + meta.getOutputsList().stream()
                    .map(ModelMetadataResponse.TensorMetadata::getName).toList() + "; the sidecar declares features "
                    + m.features() + " (one FP32 input each, or '" + m.inputName() + "' [-1, " + m.features().size()
                    + "]) and output 'risk' or '" + m.outputName() + "'",
                    Map.of("endpoint", endpoint.name(), "model", key.toString()), List.of(), null);
        }
        List<Long> shape = perFeature ? meta.getInputs(0).getShapeList() : List.of();
        return new Remote(m, perFeature, shape, risk, false);
    }

    @Override
    protected ModelMetadata metadataOf(Remote loaded) {
        return loaded.metadata;
    }

    @Override
    public double[] score(ModelKey key, float[] rows, int rowCount) {
        ensureOpen();
        Remote r = loaded(key);
        checkRows(r.metadata, rows, rowCount);
        if (rowCount == 0) {
            return new double[0];
        }
        ModelInferRequest request = request(r, rows, rowCount);
        // read inside the call: an answer that is not usable is a failure of the endpoint
        return call("ModelInfer", stub -> risks(r, stub.modelInfer(request), rowCount));
    }

    private ModelInferRequest request(Remote r, float[] rows, int n) {
        ModelMetadata m = r.metadata;
        int width = m.features().size();
        ModelInferRequest.Builder b = ModelInferRequest.newBuilder().setModelName(m.name()).setModelVersion(m.version());
        if (r.perFeature) {
            for (int j = 0; j < width; j++) {
                InferTensorContents.Builder c = InferTensorContents.newBuilder();
                for (int i = 0; i < n; i++) {
                    c.addFp32Contents(rows[i * width + j]);
                }
                ModelInferRequest.InferInputTensor.Builder t = ModelInferRequest.InferInputTensor.newBuilder()
                        .setName(m.features().get(j)).setDatatype("FP32").addShape(n).setContents(c);
                if (r.featureShape.size() == 2) {
                    t.addShape(1);
                }
                b.addInputs(t);
            }
        } else {
            InferTensorContents.Builder c = InferTensorContents.newBuilder();
            for (int k = 0; k < n * width; k++) {
                c.addFp32Contents(rows[k]);
            }
            b.addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName(m.inputName()).setDatatype("FP32")
                    .addShape(n).addShape(width).setContents(c));
        }
        String output = r.riskOutput ? "risk" : m.outputName();
        b.addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName(output));
        if (r.quiet) {
            // a CommandCenter hub explains by default; the caller explains here, through this backend
            b.putParameters("explain", InferParameter.newBuilder().setBoolParam(false).build());
        }
        return b.build();
    }

    private double[] risks(Remote r, ModelInferResponse response, int n) {
        String name = r.riskOutput ? "risk" : r.metadata.outputName();
        for (int i = 0; i < response.getOutputsCount(); i++) {
            ModelInferResponse.InferOutputTensor t = response.getOutputs(i);
            if (!t.getName().equals(name)) {
                continue;
            }
            float[] values = values(t, i < response.getRawOutputContentsCount() ? response.getRawOutputContents(i) : null);
            int columns = r.riskOutput ? 1 : (n == 0 ? 0 : values.length / n);
            int column = r.riskOutput ? 0 : r.metadata.positiveIndex();
            if (values.length != n * columns || column >= columns) {
                break;
            }
            double[] out = new double[n];
            for (int row = 0; row < n; row++) {
                out[row] = values[row * columns + column];
            }
            return probabilities(out);
        }
        throw badResponse("answered without a usable '" + name + "' output for " + n + " rows");
    }

    private static float[] values(ModelInferResponse.InferOutputTensor t, ByteString raw) {
        if (raw != null && !raw.isEmpty()) {
            ByteBuffer b = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            float[] out = new float[raw.size() / 4];
            for (int i = 0; i < out.length; i++) {
                out[i] = b.getFloat();
            }
            return out;
        }
        float[] out = new float[t.getContents().getFp32ContentsCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = t.getContents().getFp32Contents(i);
        }
        return out;
    }

    /**
     * Whether the remote is a CommandCenter hub ({@code ServerMetadata}), asked at the load of a version with
     * output {@code risk}: a remote without that RPC (UNIMPLEMENTED) is not one; any other failure is the
     * caller's (the load fails, and is tried again later).
     */
    private boolean isCommandCenter() {
        try {
            return call("ServerMetadata", stub -> stub.serverMetadata(ServerMetadataRequest.getDefaultInstance()))
                    .getExtensionsList().contains("commandcenter_explanations");
        } catch (CommandCenterException e) {
            if (!Status.Code.UNIMPLEMENTED.name().equals(e.metadata().get("code"))) {
                throw e;
            }
            return false;
        }
    }

    private interface Call<T> {
        T on(GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub);
    }

    /**
     * One RPC with deadline, retries and the breaker; failures translated. Whatever ends the call without an
     * answer — an RPC error, an unreadable token file — is UNAVAILABLE {@code REMOTE_UNAVAILABLE} and a
     * failure for the breaker, as is an answer {@code call} finds unusable ({@code REMOTE_BAD_RESPONSE}, not
     * retried); a refused input is INVALID and is not; an interrupted caller (the flag kept)
     * is UNAVAILABLE with {@code code} {@code INTERRUPTED}, counted neither way.
     */
    private <T> T call(String rpc, Call<T> call) {
        try (CircuitBreaker.Permit permit = permit()) {
            GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub = stub(rpc);
            StatusRuntimeException last = null;
            for (int attempt = 0; attempt < endpoint.maxAttempts() && backOff(attempt); attempt++) {
                try {
                    T result = call.on(stub.withDeadlineAfter(endpoint.deadline().toMillis(), TimeUnit.MILLISECONDS));
                    permit.succeeded();
                    return result;
                } catch (StatusRuntimeException e) {
                    last = e;
                    Status.Code code = e.getStatus().getCode();
                    if (code == Status.Code.INVALID_ARGUMENT) {
                        permit.succeeded(); // the endpoint is fine; the input is not
                        throw new CommandCenterException(ErrorKind.INVALID, "SCORE_INPUT_INVALID", endpoint.name()
                                + " refused the input: " + e.getStatus().getDescription(),
                                Map.of("endpoint", endpoint.name()), List.of(), e);
                    }
                    if (!transient_(code)) {
                        break;
                    }
                }
            }
            if (Thread.currentThread().isInterrupted()) {
                // the caller gave up (a shutdown), not the endpoint: neither a failure nor a success
                permit.abandon();
                throw unavailable(rpc, "interrupted", "INTERRUPTED", last);
            }
            Status status = last == null ? Status.CANCELLED : last.getStatus();
            throw unavailable(rpc, status.getCode().name() + (status.getDescription() == null ? "" : " "
                    + status.getDescription()), status.getCode().name(), last);
        }
    }

    private CommandCenterException unavailable(String rpc, String why, String code, Exception cause) {
        LOG.log(System.Logger.Level.WARNING, "{0} to {1} ({2}) failed: {3}", rpc, endpoint.name(), endpoint.target(), why);
        return new CommandCenterException(ErrorKind.UNAVAILABLE, "REMOTE_UNAVAILABLE", rpc + " to " + endpoint.name()
                + " failed: " + why, Map.of("endpoint", endpoint.name(), "code", code), List.of(), cause);
    }

    private static boolean transient_(Status.Code code) {
        return code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED
                || code == Status.Code.RESOURCE_EXHAUSTED || code == Status.Code.ABORTED;
    }

    /** A stub carrying the endpoint's headers and its token, read now (UNAVAILABLE when it cannot be). */
    private GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub(String rpc) {
        Metadata headers = new Metadata();
        endpoint.headers().forEach((k, v) -> headers.put(Metadata.Key.of(k, Metadata.ASCII_STRING_MARSHALLER), v));
        if (endpoint.tokenFile().isPresent()) {
            try {
                headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
                        "Bearer " + Files.readString(endpoint.tokenFile().get()).strip());
            } catch (IOException e) {
                throw unavailable(rpc, "cannot read the token file: " + e, "TOKEN_UNREADABLE", e);
            }
        }
        return GRPCInferenceServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    @Override
    protected void release() {
        channel.shutdownNow();
    }
}
