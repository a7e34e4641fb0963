package io.commandcenter.inference.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.commandcenter.inference.InferenceBackend;
import io.commandcenter.inference.ModelKey;
import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.models.artifact.ModelArtifact;
import io.commandcenter.models.artifact.ModelMetadata;
import io.commandcenter.models.features.FeatureSchema;
import java.nio.FloatBuffer;
import java.util.Arrays;
import io.commandcenter.models.scoring.AffineLogOdds;
import io.commandcenter.models.scoring.BatchScorer;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link InferenceBackend} on the local ONNX Runtime: the JVM's single {@link OrtEnvironment}, one
 * {@link OrtSession} per model version. Sessions are reference-counted: {@link #unload} retires a
 * version at once for new calls and closes its session after the last running call returns, so a
 * champion can be swapped under load without failing a call (see {@code ChampionRouter}).
 *
 * <p>Inputs and outputs are found by NAME ({@code metadata.inputName()}, {@code metadata.outputName()}),
 * never by position; the input must be float {@code [N or -1, features]}, the output float {@code [N, C]}
 * with {@code C > positiveIndex}. Thread-safe.
 */
public final class OnnxBackend implements InferenceBackend {

    private final OrtEnvironment env;
    private final int intraOpThreads;
    private final Map<ModelKey, Handle> sessions = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** @param intraOpThreads ORT threads per call (1 suits small models: batches, not threads, give throughput) */
    public OnnxBackend(int intraOpThreads) {
        this.env = OrtEnvironment.getEnvironment();
        this.intraOpThreads = intraOpThreads;
    }

    public OnnxBackend() {
        this(1);
    }

    @Override
    public String name() {
        return "onnx";
    }

    @Override
    public synchronized void load(ModelKey key, ModelArtifact artifact) {
        ensureOpen();
        ModelMetadata m = artifact.metadata();
        if (!key.name().equals(m.name()) || !key.version().equals(m.version())) {
            throw new IllegalArgumentException(key + " is not the key of " + ModelKey.of(m));
        }
        Handle existing = sessions.get(key);
        if (existing != null) {
            if (existing.sha256.equals(artifact.onnxSha256()) && existing.metadata.equals(m)) {
                return;
            }
            throw new CommandCenterException(ErrorKind.CONFLICT, "MODEL_VERSION_CONFLICT",
                    key + " is loaded with different content; publish a new version instead");
        }
        OrtSession session;
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(intraOpThreads);
            opts.setInterOpNumThreads(1);
            session = env.createSession(artifact.onnx(), opts);
        } catch (OrtException e) {
            throw new CommandCenterException(ErrorKind.INVALID, "MODEL_UNREADABLE", "ONNX Runtime cannot load " + key + ": " + e.getMessage(),
                    Map.of("model", key.toString()), java.util.List.of(), e);
        }
        try {
            checkSignature(session, m, key);
        } catch (RuntimeException e) {
            closeQuietly(session);
            throw e;
        }
        Handle h = new Handle(session, m, artifact.onnxSha256());
        h.affine = probeAffine(h);
        sessions.put(key, h);
    }

    /** Verifies once, at load, whether the version's log-odds are affine (two small calls; see {@link AffineLogOdds}). */
    private Optional<AffineLogOdds> probeAffine(Handle h) {
        if (h.metadata.reference().size() != h.width) {
            return Optional.empty();
        }
        try {
            return AffineLogOdds.probe(new BatchScorer() {
                @Override
                public int featureCount() {
                    return h.width;
                }

                @Override
                public double[] score(float[] rows, int rowCount) {
                    return h.run(env, rows, rowCount);
                }
            }, h.metadata.referenceVector());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    @Override
    public Optional<AffineLogOdds> affineLogOdds(ModelKey key) {
        Handle h = sessions.get(key);
        return h == null ? Optional.empty() : h.affine;
    }

    private static void checkSignature(OrtSession session, ModelMetadata m, ModelKey key) {
        try {
            NodeInfo in = session.getInputInfo().get(m.inputName());
            if (in == null || !(in.getInfo() instanceof TensorInfo ti) || ti.type != ai.onnxruntime.OnnxJavaType.FLOAT
                    || ti.getShape().length != 2 || ti.getShape()[1] != m.features().size()) {
                throw new CommandCenterException(ErrorKind.INVALID, "MODEL_INPUT_MISMATCH",
                        key + ": expected float input '" + m.inputName() + "' of shape [N, " + m.features().size() + "], model has "
                                + describe(session.getInputInfo()), Map.of("model", key.toString()), java.util.List.of(), null);
            }
            NodeInfo out = session.getOutputInfo().get(m.outputName());
            if (out == null || !(out.getInfo() instanceof TensorInfo to) || to.getShape().length != 2
                    || (to.getShape()[1] >= 0 && to.getShape()[1] <= m.positiveIndex())) {
                throw new CommandCenterException(ErrorKind.INVALID, "MODEL_OUTPUT_MISMATCH",
                        key + ": expected output '" + m.outputName() + "' of shape [N, >" + m.positiveIndex() + "], model has "
                                + describe(session.getOutputInfo()), Map.of("model", key.toString()), java.util.List.of(), null);
            }
        } catch (OrtException e) {
            throw new CommandCenterException(ErrorKind.INVALID, "MODEL_UNREADABLE", key + ": " + e.getMessage(), Map.of(), java.util.List.of(), e);
        }
    }

    private static String describe(Map<String, NodeInfo> nodes) {
        StringBuilder sb = new StringBuilder("{");
        for (Map.Entry<String, NodeInfo> e : nodes.entrySet()) {
            sb.append(e.getKey()).append('=');
            if (e.getValue().getInfo() instanceof TensorInfo t) {
                sb.append(t.type).append(Arrays.toString(t.getShape()));
            } else {
                sb.append(e.getValue().getInfo());
            }
            sb.append(' ');
        }
        return sb.append('}').toString();
    }

    @Override
    public void unload(ModelKey key) {
        Handle h = sessions.remove(key);
        if (h != null) {
            h.retire();
        }
    }

    @Override
    public boolean isLoaded(ModelKey key) {
        return sessions.containsKey(key);
    }

    @Override
    public Set<ModelKey> loaded() {
        return Set.copyOf(sessions.keySet());
    }

    @Override
    public ModelMetadata metadata(ModelKey key) {
        Handle h = sessions.get(key);
        if (h == null) {
            throw notLoaded(key);
        }
        return h.metadata;
    }

    /** Built once when the version was loaded; gone with it when it is unloaded. */
    @Override
    public FeatureSchema schema(ModelKey key) {
        Handle h = sessions.get(key);
        if (h == null) {
            throw notLoaded(key);
        }
        return h.schema;
    }

    @Override
    public double[] score(ModelKey key, float[] rows, int rowCount) {
        ensureOpen();
        Handle h = sessions.get(key);
        if (h == null || !h.acquire()) {
            throw notLoaded(key);
        }
        try {
            return h.run(env, rows, rowCount);
        } finally {
            h.release();
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        for (ModelKey k : Set.copyOf(sessions.keySet())) {
            unload(k);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new CommandCenterException(ErrorKind.UNAVAILABLE, "BACKEND_CLOSED", "the ONNX backend is closed");
        }
    }

    private static CommandCenterException notLoaded(ModelKey key) {
        return new CommandCenterException(ErrorKind.NOT_FOUND, "MODEL_NOT_LOADED", "model " + key + " is not loaded",
                Map.of("model", key.toString()), java.util.List.of(), null);
    }

    private static void closeQuietly(OrtSession s) {
        try {
            s.close();
        } catch (OrtException e) {
            System.getLogger(OnnxBackend.class.getName()).log(System.Logger.Level.WARNING, "closing ONNX session failed", e);
        }
    }

    /** A session with a reference count; -1 once closed. */
    private static final class Handle {
        final OrtSession session;
        final ModelMetadata metadata;
        final FeatureSchema schema;
        final String sha256;
        final int width;
        final Set<String> outputs;
        private final AtomicInteger refs = new AtomicInteger();
        private volatile boolean retired;
        volatile Optional<AffineLogOdds> affine = Optional.empty();

        Handle(OrtSession session, ModelMetadata metadata, String sha256) {
            this.session = session;
            this.metadata = metadata;
            this.schema = new FeatureSchema(metadata.features());
            this.sha256 = sha256;
            this.width = metadata.features().size();
            this.outputs = Set.of(metadata.outputName());
        }

        boolean acquire() {
            for (;;) {
                int r = refs.get();
                if (r < 0 || retired) {
                    return false;
                }
                if (refs.compareAndSet(r, r + 1)) {
                    return true;
                }
            }
        }

        void release() {
            if (refs.decrementAndGet() == 0 && retired && refs.compareAndSet(0, -1)) {
                closeQuietly(session);
            }
        }

        void retire() {
            retired = true;
            if (refs.compareAndSet(0, -1)) {
                closeQuietly(session);
            }
        }

        double[] run(OrtEnvironment env, float[] rows, int rowCount) {
            if (rowCount < 0 || rows.length < (long) rowCount * width) {
                throw new CommandCenterException(ErrorKind.INVALID, "SCORE_INPUT_INVALID",
                        "need " + rowCount + " rows of " + width + " features, got " + rows.length + " values");
            }
            if (rowCount == 0) {
                return new double[0];
            }
            for (int i = 0; i < rowCount * width; i++) {
                if (!Float.isFinite(rows[i])) {
                    throw new CommandCenterException(ErrorKind.INVALID, "SCORE_INPUT_INVALID",
                            "non-finite value in row " + i / width + ", feature " + metadata.features().get(i % width));
                }
            }
            try (OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(rows, 0, rowCount * width), new long[] {rowCount, width});
                 OrtSession.Result res = session.run(Map.of(metadata.inputName(), in), outputs)) {
                OnnxValue v = res.get(metadata.outputName()).orElseThrow();
                FloatBuffer fb = ((OnnxTensor) v).getFloatBuffer();
                int cols = fb.remaining() / rowCount;
                double[] out = new double[rowCount];
                int pi = metadata.positiveIndex();
                for (int r = 0; r < rowCount; r++) {
                    out[r] = fb.get(r * cols + pi);
                }
                return out;
            } catch (OrtException e) {
                throw new CommandCenterException(ErrorKind.UNAVAILABLE, "BACKEND_FAILED",
                        "ONNX Runtime failed scoring " + metadata.fileStem() + ": " + e.getMessage(), Map.of(), java.util.List.of(), e);
            }
        }
    }
}
