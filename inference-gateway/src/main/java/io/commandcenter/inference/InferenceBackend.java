package io.commandcenter.inference;

import io.commandcenter.models.artifact.ModelArtifact;
import io.commandcenter.models.artifact.ModelMetadata;
import io.commandcenter.models.features.FeatureSchema;
import io.commandcenter.models.scoring.AffineLogOdds;
import java.util.Optional;
import java.util.Set;

/**
 * Port: something that runs model versions — in process (ONNX Runtime), or remote (Triton, Vertex).
 * Implementations are thread-safe: {@link #score} may be called concurrently with itself, with
 * {@link #load} of other versions and with {@link #unload}.
 *
 * <p>Failures are {@link io.commandcenter.common.error.CommandCenterException}s:
 * <ul>
 *   <li>{@code load}: INVALID / MODEL_UNREADABLE (not a model the backend can run), INVALID /
 *       MODEL_INPUT_MISMATCH (no input named {@code metadata.inputName()} of shape [N, features]),
 *       INVALID / MODEL_OUTPUT_MISMATCH (no output named {@code metadata.outputName()} with a column
 *       {@code positiveIndex}), CONFLICT / MODEL_VERSION_CONFLICT (same key loaded with other bytes).</li>
 *   <li>{@code score}: NOT_FOUND / MODEL_NOT_LOADED (never loaded, or unloaded — retry against the current
 *       champion), INVALID / SCORE_INPUT_INVALID (wrong row width or a non-finite value), UNAVAILABLE /
 *       BACKEND_FAILED (the runtime failed).</li>
 * </ul>
 */
public interface InferenceBackend extends AutoCloseable {

    /** Makes a model version scorable under its sidecar's name and version. Loading identical bytes again is a no-op. */
    default void load(ModelArtifact artifact) {
        load(ModelKey.of(artifact.metadata()), artifact);
    }

    /**
     * Makes a model version scorable under {@code key} (its name and version are the sidecar's;
     * its {@code content} tells apart versions of equal name and version). Loading identical bytes
     * again is a no-op.
     */
    void load(ModelKey key, ModelArtifact artifact);

    /**
     * Stops routing new calls to a version; calls already running finish normally and its resources are
     * freed after the last one. Unknown keys are ignored.
     */
    void unload(ModelKey key);

    boolean isLoaded(ModelKey key);

    Set<ModelKey> loaded();

    /** The sidecar of a loaded version; NOT_FOUND / MODEL_NOT_LOADED otherwise. */
    ModelMetadata metadata(ModelKey key);

    /**
     * The loaded version's feature order ({@code metadata(key).features()}) as a schema; NOT_FOUND /
     * MODEL_NOT_LOADED otherwise. A backend that holds its versions builds it once per load and drops it
     * with the version, so per-call scoring does not rebuild it; this default builds it per call.
     */
    default FeatureSchema schema(ModelKey key) {
        return new FeatureSchema(metadata(key).features());
    }

    /**
     * Positive-class probabilities of {@code rowCount} rows, row-major, in the model's feature order
     * ({@code metadata(key).features()}), mapping the model's input and output by name.
     */
    double[] score(ModelKey key, float[] rows, int rowCount);

    /**
     * The loaded version's log-odds as an affine function of its features, when the backend has
     * verified it ({@link AffineLogOdds#probe}); explanations then cost one model call per row. Empty
     * by default: explanations fall back to occlusion, which is right for any model.
     */
    default Optional<AffineLogOdds> affineLogOdds(ModelKey key) {
        return Optional.empty();
    }

    /** What scored a call, as predictions report it: {@code onnx}, {@code triton:<endpoint>}, {@code vertex:<endpoint>}. */
    default String name() {
        return getClass().getSimpleName();
    }

    /**
     * {@link #score} and which backend answered: a backend that routes or falls back says where this
     * call went ({@code onnx (fallback from triton:a: REMOTE_UNAVAILABLE)}).
     */
    default Scored scoreAttributed(ModelKey key, float[] rows, int rowCount) {
        return new Scored(score(key, rows, rowCount), name());
    }

    /**
     * This backend as seen by one project's calls: a routing backend keeps a sensitive project's scoring
     * in the hub whatever a model's route says. Loading and unloading go through any view alike.
     */
    default InferenceBackend forProject(String project) {
        return this;
    }

    /**
     * This backend with every call scored in the hub, whatever a model's route says: what checks a model
     * itself (the explainability check at registration) uses, so a remote endpoint that is down or slow does
     * not decide whether a model may be registered. Loading and unloading go through it alike.
     */
    default InferenceBackend inHub() {
        return this;
    }

    /** Probabilities and the backend that produced them. */
    record Scored(double[] risk, String backend) {
    }

    /** Frees every session; later calls fail UNAVAILABLE / BACKEND_CLOSED. */
    @Override
    void close();
}
