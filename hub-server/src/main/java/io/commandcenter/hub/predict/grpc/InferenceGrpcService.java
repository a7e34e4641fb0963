package io.commandcenter.hub.predict.grpc;

import com.google.protobuf.ByteString;
import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.Violations;
import io.commandcenter.common.error.grpc.GrpcErrors;
import io.commandcenter.common.json.Json;
import io.commandcenter.hub.predict.ModelRegistry;
import io.commandcenter.hub.predict.RegisteredModel;
import io.commandcenter.hub.predict.RunJson;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.transport.grpc.CallContext;
import io.commandcenter.inference.InferenceBackend;
import io.commandcenter.inference.ModelKey;
import io.commandcenter.inference.RiskPrediction;
import io.commandcenter.inference.RiskPredictor;
import io.commandcenter.models.artifact.ModelMetadata;
import io.commandcenter.models.features.FeatureSchema;
import io.commandcenter.models.features.FeatureVector;
import io.commandcenter.proto.inference.GRPCInferenceServiceGrpc;
import io.commandcenter.proto.inference.InferParameter;
import io.commandcenter.proto.inference.InferTensorContents;
import io.commandcenter.proto.inference.ModelInferRequest;
import io.commandcenter.proto.inference.ModelInferResponse;
import io.commandcenter.proto.inference.ModelMetadataRequest;
import io.commandcenter.proto.inference.ModelMetadataResponse;
import io.commandcenter.proto.inference.ModelReadyRequest;
import io.commandcenter.proto.inference.ModelReadyResponse;
import io.commandcenter.proto.inference.ServerLiveRequest;
import io.commandcenter.proto.inference.ServerLiveResponse;
import io.commandcenter.proto.inference.ServerMetadataRequest;
import io.commandcenter.proto.inference.ServerMetadataResponse;
import io.commandcenter.proto.inference.ServerReadyRequest;
import io.commandcenter.proto.inference.ServerReadyResponse;
import io.grpc.stub.StreamObserver;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * KServe v2 / Open Inference Protocol ({@code inference.GRPCInferenceService}) over the hub's registered
 * models, for the caller's project: any Triton or KServe client lists, checks and scores them.
 *
 * <p>A model is described as one FP32 input per feature (shape {@code [-1]}; {@code [N, 1]} is accepted
 * too) and the outputs {@code risk} and {@code confidence} (FP32 {@code [-1]}). The whole row may instead
 * come as the model's own packed input ({@code metadata.inputName()}, FP32 or FP64 {@code [N, features]},
 * features in the model's order). Contents may be typed ({@code fp32_contents}, {@code fp64_contents}) or
 * {@code raw_input_contents} (little-endian, as Triton's clients send them).
 *
 * <p>Beyond the protocol, the response carries each row's explanation as parameters (strings holding
 * JSON, one element per row): {@code top_factors}, {@code confidence} (value and its terms),
 * {@code recommended_action}, {@code backend} (what scored the row: {@code onnx}, {@code triton:<endpoint>}, a
 * fallback); and {@code threshold}. The request parameter {@code explain = false}
 * scores the rows in one backend call and returns {@code risk} alone; {@code observations} (int64,
 * default 64) is the amount of data behind the rows, which confidence weighs.
 *
 * <p>Errors: INVALID_ARGUMENT naming the field ({@code model_name}, {@code inputs[i].shape},
 * {@code inputs[i].contents}, {@code raw_input_contents}, {@code parameters[explain]}, …); NOT_FOUND
 * {@code MODEL_NOT_FOUND}; UNAVAILABLE when the backend fails.
 */
public final class InferenceGrpcService extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {
    /** Most rows in one {@code ModelInfer}. */
    public static final int MAX_ROWS = 4096;
    /** The platform named in model metadata. */
    public static final String PLATFORM = "onnxruntime_onnx";
    /** Output names. */
    public static final String RISK = "risk";
    public static final String CONFIDENCE = "confidence";

    private final ModelRegistry registry;
    private final RiskPredictor predictor;
    private final InferenceBackend backend;
    private final BooleanSupplier ready;
    private final Supplier<ProjectId> project;
    private final String version;

    public InferenceGrpcService(ModelRegistry registry, RiskPredictor predictor, InferenceBackend backend,
                                BooleanSupplier ready) {
        this(registry, predictor, backend, ready, () -> CallContext.caller().project());
    }

    InferenceGrpcService(ModelRegistry registry, RiskPredictor predictor, InferenceBackend backend,
                         BooleanSupplier ready, Supplier<ProjectId> project) {
        this.registry = registry;
        this.predictor = predictor;
        this.backend = backend;
        this.ready = atMostOncePerSecond(ready);
        this.project = project;
        String v = InferenceGrpcService.class.getPackage().getImplementationVersion();
        this.version = v == null ? "dev" : v;
    }

    /**
     * {@code ServerReady} is public: asked in a loop, it must not take a database connection per call, so the
     * answer is kept for a second.
     */
    private static BooleanSupplier atMostOncePerSecond(BooleanSupplier check) {
        long[] checkedAt = {System.nanoTime() - 2_000_000_000L};
        boolean[] value = {false};
        return () -> {
            synchronized (checkedAt) {
                long now = System.nanoTime();
                if (now - checkedAt[0] >= 1_000_000_000L) {
                    value[0] = check.getAsBoolean();
                    checkedAt[0] = now;
                }
                return value[0];
            }
        };
    }

    @Override
    public void serverLive(ServerLiveRequest request, StreamObserver<ServerLiveResponse> observer) {
        observer.onNext(ServerLiveResponse.newBuilder().setLive(true).build());
        observer.onCompleted();
    }

    @Override
    public void serverReady(ServerReadyRequest request, StreamObserver<ServerReadyResponse> observer) {
        observer.onNext(ServerReadyResponse.newBuilder().setReady(ready.getAsBoolean()).build());
        observer.onCompleted();
    }

    @Override
    public void serverMetadata(ServerMetadataRequest request, StreamObserver<ServerMetadataResponse> observer) {
        observer.onNext(ServerMetadataResponse.newBuilder().setName("commandcenter").setVersion(version)
                .addExtensions("commandcenter_explanations").build());
        observer.onCompleted();
    }

    @Override
    public void modelReady(ModelReadyRequest request, StreamObserver<ModelReadyResponse> observer) {
        try {
            PredictGrpcService.checkModel(required(request.getName(), "name"), request.getVersion(), "name", "version");
            ModelKey key = registry.resolve(project.get(), request.getName(), request.getVersion());
            observer.onNext(ModelReadyResponse.newBuilder().setReady(backend.isLoaded(key)).build());
            observer.onCompleted();
        } catch (RuntimeException e) {
            observer.onError(GrpcErrors.toStatus(e));
        }
    }

    @Override
    public void modelMetadata(ModelMetadataRequest request, StreamObserver<ModelMetadataResponse> observer) {
        try {
            observer.onNext(modelMetadata(project.get(), request));
            observer.onCompleted();
        } catch (RuntimeException e) {
            observer.onError(GrpcErrors.toStatus(e));
        }
    }

    ModelMetadataResponse modelMetadata(ProjectId project, ModelMetadataRequest request) {
        PredictGrpcService.checkModel(required(request.getName(), "name"), request.getVersion(), "name", "version");
        ModelKey key = registry.resolve(project, request.getName(), request.getVersion());
        ModelMetadata m = registry.metadata(key);
        ModelMetadataResponse.Builder out = ModelMetadataResponse.newBuilder().setName(key.name())
                .setPlatform(PLATFORM);
        out.addVersions(key.version());
        for (RegisteredModel r : registry.list(project, key.name())) {
            if (!r.version().equals(key.version())) {
                out.addVersions(r.version());
            }
        }
        for (String feature : m.features()) {
            out.addInputs(tensor(feature, "FP32", -1));
        }
        out.addOutputs(tensor(RISK, "FP32", -1)).addOutputs(tensor(CONFIDENCE, "FP32", -1));
        return out.build();
    }

    private static ModelMetadataResponse.TensorMetadata tensor(String name, String type, long... shape) {
        ModelMetadataResponse.TensorMetadata.Builder t = ModelMetadataResponse.TensorMetadata.newBuilder()
                .setName(name).setDatatype(type);
        for (long d : shape) {
            t.addShape(d);
        }
        return t.build();
    }

    @Override
    public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> observer) {
        try {
            observer.onNext(modelInfer(project.get(), request));
            observer.onCompleted();
        } catch (RuntimeException e) {
            observer.onError(GrpcErrors.toStatus(e));
        }
    }

    /** {@code ModelInfer} for a project. */
    public ModelInferResponse modelInfer(ProjectId project, ModelInferRequest request) {
        PredictGrpcService.checkModel(required(request.getModelName(), "model_name"), request.getModelVersion(),
                "model_name", "model_version");
        Options options = options(request.getParametersMap());
        ModelKey key = registry.resolve(project, request.getModelName(), request.getModelVersion());
        ModelMetadata m = registry.metadata(key);
        Rows rows = rows(request, m);
        Set<String> wanted = requestedOutputs(request);

        ModelInferResponse.Builder out = ModelInferResponse.newBuilder().setModelName(key.name())
                .setModelVersion(key.version()).setId(request.getId());
        float[] risk = new float[rows.count];
        if (!options.explain) {
            InferenceBackend.Scored p = backend.forProject(project.value()).scoreAttributed(key, rows.values, rows.count);
            for (int r = 0; r < rows.count; r++) {
                risk[r] = (float) p.risk()[r];
            }
            addOutput(out, wanted, RISK, risk);
            out.putParameters("backend", string(Json.write(Collections.nCopies(rows.count, p.backend()))));
            out.putParameters("threshold", string(Double.toString(m.threshold())));
            return out.build();
        }
        float[] confidence = new float[rows.count];
        List<Object> factors = new ArrayList<>(rows.count);
        List<Object> confidences = new ArrayList<>(rows.count);
        List<Object> actions = new ArrayList<>(rows.count);
        List<Object> backends = new ArrayList<>(rows.count);
        RiskPredictor scoped = predictor.forProject(project.value());
        FeatureSchema schema = new FeatureSchema(m.features());
        List<String> noSources = Collections.nCopies(m.features().size(), "");
        int width = m.features().size();
        for (int r = 0; r < rows.count; r++) {
            float[] row = java.util.Arrays.copyOfRange(rows.values, r * width, (r + 1) * width);
            RiskPrediction p = scoped.predict(key, new FeatureVector(schema, row, noSources), options.observations,
                    Duration.ZERO, null);
            risk[r] = (float) p.risk();
            confidence[r] = (float) p.confidence().value();
            factors.add(RunJson.factors(p.factors()));
            confidences.add(RunJson.confidence(p.confidence()));
            actions.add(p.recommendedAction());
            backends.add(p.backend());
        }
        addOutput(out, wanted, RISK, risk);
        addOutput(out, wanted, CONFIDENCE, confidence);
        out.putParameters("top_factors", string(Json.write(factors)));
        out.putParameters("confidence", string(Json.write(confidences)));
        out.putParameters("recommended_action", string(Json.write(actions)));
        out.putParameters("backend", string(Json.write(backends)));
        out.putParameters("threshold", string(Double.toString(m.threshold())));
        return out.build();
    }

    private static void addOutput(ModelInferResponse.Builder out, Set<String> wanted, String name, float[] values) {
        if (!wanted.isEmpty() && !wanted.contains(name)) {
            return;
        }
        InferTensorContents.Builder c = InferTensorContents.newBuilder();
        for (float v : values) {
            c.addFp32Contents(v);
        }
        out.addOutputs(ModelInferResponse.InferOutputTensor.newBuilder().setName(name).setDatatype("FP32")
                .addShape(values.length).setContents(c));
    }

    private static InferParameter string(String value) {
        return InferParameter.newBuilder().setStringParam(value).build();
    }

    private static String required(String value, String field) {
        if (value.isEmpty()) {
            throw CommandCenterException.invalid("REQUIRED", field, field + " is required");
        }
        return value;
    }

    private record Options(boolean explain, long observations) {
    }

    private static Options options(Map<String, InferParameter> parameters) {
        Violations v = new Violations();
        boolean explain = true;
        long observations = 64;
        InferParameter e = parameters.get("explain");
        if (e != null) {
            if (e.getParameterChoiceCase() != InferParameter.ParameterChoiceCase.BOOL_PARAM) {
                v.add("parameters[explain]", "BAD_FORMAT", "explain is a bool_param");
            } else {
                explain = e.getBoolParam();
            }
        }
        InferParameter o = parameters.get("observations");
        if (o != null) {
            if (o.getParameterChoiceCase() != InferParameter.ParameterChoiceCase.INT64_PARAM) {
                v.add("parameters[observations]", "BAD_FORMAT", "observations is an int64_param");
            } else if (o.getInt64Param() < 0) {
                v.add("parameters[observations]", "OUT_OF_RANGE", "observations must be >= 0");
            } else if (o.getInt64Param() > 0) {
                observations = o.getInt64Param();
            }
        }
        v.throwIfAnyWithSharedReason("INVALID_ARGUMENT", "invalid parameters");
        return new Options(explain, observations);
    }

    private static Set<String> requestedOutputs(ModelInferRequest request) {
        Violations v = new Violations();
        Set<String> wanted = new java.util.HashSet<>();
        for (int i = 0; i < request.getOutputsCount(); i++) {
            String name = request.getOutputs(i).getName();
            if (!RISK.equals(name) && !CONFIDENCE.equals(name)) {
                v.add("outputs[" + i + "].name", "UNKNOWN_OUTPUT", "the outputs are risk and confidence; got '"
                        + shorten(name) + "'");
            }
            wanted.add(name);
        }
        v.throwIfAnyWithSharedReason("INVALID_ARGUMENT", "invalid outputs");
        return wanted;
    }

    /** Row-major rows in the model's feature order. */
    private record Rows(float[] values, int count) {
    }

    private Rows rows(ModelInferRequest request, ModelMetadata m) {
        Violations v = new Violations();
        int inputs = request.getInputsCount();
        if (inputs == 0) {
            throw CommandCenterException.invalid("REQUIRED", "inputs", "inputs are required: one per feature "
                    + m.features() + ", or '" + m.inputName() + "' of shape [N, " + m.features().size() + "]");
        }
        boolean raw = request.getRawInputContentsCount() > 0;
        if (raw && request.getRawInputContentsCount() != inputs) {
            throw CommandCenterException.invalid("COUNT_MISMATCH", "raw_input_contents", "raw_input_contents has "
                    + request.getRawInputContentsCount() + " entries for " + inputs + " inputs");
        }
        int width = m.features().size();
        boolean packed = inputs == 1 && request.getInputs(0).getName().equals(m.inputName());
        Map<String, Integer> position = new LinkedHashMap<>();
        for (int j = 0; j < width; j++) {
            position.put(m.features().get(j), j);
        }
        long rowCount = -1;
        double[][] columns = new double[inputs][];
        int[] target = new int[inputs];
        for (int i = 0; i < inputs; i++) {
            ModelInferRequest.InferInputTensor t = request.getInputs(i);
            String at = "inputs[" + i + "]";
            if (raw && t.hasContents()) {
                v.add(at + ".contents", "RAW_AND_TYPED", "contents must be empty when raw_input_contents is used");
                continue;
            }
            if (!packed) {
                Integer p = position.get(t.getName());
                if (p == null) {
                    v.add(at + ".name", "UNKNOWN_INPUT", "'" + shorten(t.getName()) + "' is not an input of "
                            + m.name() + "; its inputs are " + m.features());
                    continue;
                }
                if (position.get(t.getName()) < 0) {
                    v.add(at + ".name", "DUPLICATE_INPUT", "input " + t.getName() + " is given twice");
                    continue;
                }
                target[i] = p;
                position.put(t.getName(), -1 - p);
            }
            long n = rowsOf(t.getShapeList(), packed ? width : 1, v, at + ".shape");
            if (n < 0) {
                continue;
            }
            if (rowCount >= 0 && n != rowCount) {
                v.add(at + ".shape", "ROWS_MISMATCH", "every input must have the same rows: " + n + " here, "
                        + rowCount + " before");
                continue;
            }
            rowCount = n;
            long expected = n * (packed ? width : 1);
            double[] values = raw ? rawValues(t.getDatatype(), request.getRawInputContents(i), v, at)
                    : typedValues(t.getDatatype(), t.getContents(), v, at);
            if (values == null) {
                continue;
            }
            if (values.length != expected) {
                v.add(raw ? "raw_input_contents[" + i + "]" : at + ".contents", "SIZE_MISMATCH", "shape "
                        + t.getShapeList() + " needs " + expected + " values, got " + values.length);
                continue;
            }
            for (int k = 0; k < values.length; k++) {
                if (!Double.isFinite(values[k]) || Math.abs(values[k]) > Float.MAX_VALUE) {
                    v.add(at + ".contents", "NOT_FINITE", "value " + k + " is not a finite FP32 number");
                    break;
                }
            }
            columns[i] = values;
        }
        if (!packed && v.isEmpty()) {
            for (Map.Entry<String, Integer> e : position.entrySet()) {
                if (e.getValue() >= 0) {
                    v.add("inputs", "MISSING_INPUT", "input " + e.getKey() + " is missing");
                }
            }
        }
        v.throwIfAnyWithSharedReason("INVALID_ARGUMENT", "invalid inputs");
        int n = (int) rowCount;
        float[] rows = new float[n * width];
        if (packed) {
            for (int k = 0; k < rows.length; k++) {
                rows[k] = (float) columns[0][k];
            }
        } else {
            for (int i = 0; i < inputs; i++) {
                for (int r = 0; r < n; r++) {
                    rows[r * width + target[i]] = (float) columns[i][r];
                }
            }
        }
        return new Rows(rows, n);
    }

    /** The rows a shape holds ({@code [N]} or {@code [N, width]}); -1 after adding a violation. */
    private static long rowsOf(List<Long> shape, int width, Violations v, String field) {
        boolean ok = (shape.size() == 1 && width == 1) || (shape.size() == 2 && shape.get(1) == width);
        if (!ok) {
            v.add(field, "BAD_SHAPE", "shape must be " + (width == 1 ? "[N] or [N, 1]" : "[N, " + width + "]")
                    + ", got " + shape);
            return -1;
        }
        long n = shape.get(0);
        if (n < 1 || n > MAX_ROWS) {
            v.add(field, "OUT_OF_RANGE", "rows must be 1 to " + MAX_ROWS + ", got " + n);
            return -1;
        }
        return n;
    }

    private static double[] typedValues(String datatype, InferTensorContents c, Violations v, String at) {
        switch (datatype) {
            case "FP32" -> {
                double[] out = new double[c.getFp32ContentsCount()];
                for (int k = 0; k < out.length; k++) {
                    out[k] = c.getFp32Contents(k);
                }
                return out;
            }
            case "FP64" -> {
                return c.getFp64ContentsList().stream().mapToDouble(Double::doubleValue).toArray();
            }
            default -> {
                v.add(at + ".datatype", "UNSUPPORTED_DATATYPE", "datatype must be FP32 or FP64, got '"
                        + shorten(datatype) + "'");
                return null;
            }
        }
    }

    private static double[] rawValues(String datatype, ByteString bytes, Violations v, String at) {
        int size = switch (datatype) {
            case "FP32" -> 4;
            case "FP64" -> 8;
            default -> 0;
        };
        if (size == 0) {
            v.add(at + ".datatype", "UNSUPPORTED_DATATYPE", "datatype must be FP32 or FP64, got '"
                    + shorten(datatype) + "'");
            return null;
        }
        if (bytes.size() % size != 0) {
            v.add("raw_input_contents", "SIZE_MISMATCH", "raw contents of " + at + " are " + bytes.size()
                    + " bytes, not a whole number of " + datatype + " values");
            return null;
        }
        ByteBuffer b = bytes.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        double[] out = new double[bytes.size() / size];
        for (int k = 0; k < out.length; k++) {
            out[k] = size == 4 ? b.getFloat() : b.getDouble();
        }
        return out;
    }

    private static String shorten(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "…" : s;
    }
}
