package io.commandcenter.hub.predict;

import io.commandcenter.inference.ModelKey;
import io.commandcenter.models.artifact.ModelMetadata;
import io.commandcenter.models.calibration.OnsetCalibration;
import io.commandcenter.models.features.FeatureVector;

import java.time.Duration;
import java.time.Instant;

/**
 * The feature state the engine keeps for one entity, fed in time order. Owned by the engine's
 * thread: not thread-safe.
 */
public interface EntityFeatures {

    EntityKey key();

    /** The model that scores this kind of entity ({@code service_health}, ...). */
    String model();

    /** The vector as of now. */
    FeatureVector vector(Instant now);

    /** How much data stands behind the vector (samples of its least-observed metric, or records). */
    long observations();

    /** Time of the latest record fed. */
    Instant lastTime();

    /** The entity's typical interval between records; {@code null} until two were seen. */
    Duration interval();

    /** Trace id of the latest record, so a prediction links to the telemetry that caused it. */
    String traceId();

    /**
     * The entity's calibration state for a model version ({@link ModelMetadata#onset()}), fed with the
     * model's probability of each of the entity's records in time order; a different version (a promotion)
     * starts from a fresh state.
     */
    OnsetCalibration.State onset(ModelKey key, ModelMetadata metadata);

    /**
     * The latest record's peak novelty ({@code TelemetryFeatureExtractor.peakNovelty()}), which the calibration state takes
     * beside the probability; NaN when the entity's pipeline has none (compliance, workflows).
     */
    default double novelty() {
        return Double.NaN;
    }
}
