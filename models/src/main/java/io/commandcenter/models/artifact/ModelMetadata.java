package io.commandcenter.models.artifact;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.models.calibration.OnsetCalibration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The JSON sidecar of a model artifact: everything needed to serve, explain and audit it.
 *
 * @param name           model name, {@code [a-z][a-z0-9_]*} (e.g. {@code service_health})
 * @param version        version, {@code [0-9A-Za-z][0-9A-Za-z.]*} (e.g. {@code 1.0.0})
 * @param features       feature names in the ONNX input's column order (Tribuo sorts them by name)
 * @param inputName      ONNX input tensor name (float {@code [N, features.size()]})
 * @param outputName     ONNX output tensor name (float {@code [N, classes]} probabilities)
 * @param positiveIndex  column of {@code outputName} holding the positive-class probability
 * @param pipeline       feature pipeline that produces the vectors (e.g. {@code telemetry-v2})
 * @param threshold      decision threshold on the positive probability chosen on validation data
 * @param reference      the reference ("normal") vector explanations substitute features with, in {@code features} order
 * @param calibration    reliability table on validation data (drives {@code confidence})
 * @param trainingWindow free-form description of the training data's span (e.g. time range, corpora)
 * @param dataHash       SHA-256 (hex) of the training matrix, labels and weights
 * @param metrics        evaluation figures (validation), name → value
 * @param codeVersion    version of the code that trained it
 * @param seed           random seed of training
 * @param createdAt      ISO-8601 instant of training (from an injected clock: reproducible)
 * @param provenance     further free-form facts (trainer, epochs, corpora …)
 * @param onset          the per-entity calibration between the model's probability and the risk acted on
 *                       ({@link OnsetCalibration#NONE} when the risk is the probability)
 */
public record ModelMetadata(String name, String version, ModelType type, List<String> features, String inputName,
                            String outputName, int positiveIndex, String pipeline, double threshold, List<Float> reference,
                            List<CalibrationBin> calibration, String trainingWindow, String dataHash,
                            Map<String, Double> metrics, String codeVersion, long seed, String createdAt,
                            Map<String, String> provenance, OnsetCalibration onset) {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");
    private static final Pattern VERSION = Pattern.compile("[0-9A-Za-z][0-9A-Za-z.]*");

    public ModelMetadata {
        Objects.requireNonNull(type, "type");
        if (name == null || !NAME.matcher(name).matches()) {
            throw CommandCenterException.invalid("MODEL_NAME_INVALID", "model name must match [a-z][a-z0-9_]*: " + name);
        }
        if (version == null || !VERSION.matcher(version).matches()) {
            throw CommandCenterException.invalid("MODEL_VERSION_INVALID", "model version must match [0-9A-Za-z][0-9A-Za-z.]*: " + version);
        }
        features = List.copyOf(features);
        reference = List.copyOf(reference);
        calibration = List.copyOf(calibration);
        metrics = Map.copyOf(metrics);
        provenance = Map.copyOf(provenance);
        Objects.requireNonNull(inputName, "inputName");
        Objects.requireNonNull(outputName, "outputName");
        Objects.requireNonNull(pipeline, "pipeline");
        if (features.isEmpty()) {
            throw CommandCenterException.invalid("MODEL_FEATURES_MISSING", "a model declares at least one feature");
        }
        if (!reference.isEmpty() && reference.size() != features.size()) {
            throw CommandCenterException.invalid("MODEL_REFERENCE_INVALID", "reference has " + reference.size() + " values for " + features.size() + " features");
        }
        if (positiveIndex < 0) {
            throw CommandCenterException.invalid("MODEL_OUTPUT_INVALID", "positiveIndex must be >= 0");
        }
        if (!(threshold > 0 && threshold < 1)) {
            throw CommandCenterException.invalid("MODEL_THRESHOLD_INVALID", "threshold must be in (0, 1)");
        }
        onset = onset == null ? OnsetCalibration.NONE : onset;
    }

    /** Metadata of a model whose risk is its probability ({@link OnsetCalibration#NONE}). */
    public ModelMetadata(String name, String version, ModelType type, List<String> features, String inputName,
                         String outputName, int positiveIndex, String pipeline, double threshold, List<Float> reference,
                         List<CalibrationBin> calibration, String trainingWindow, String dataHash,
                         Map<String, Double> metrics, String codeVersion, long seed, String createdAt,
                         Map<String, String> provenance) {
        this(name, version, type, features, inputName, outputName, positiveIndex, pipeline, threshold, reference, calibration,
                trainingWindow, dataHash, metrics, codeVersion, seed, createdAt, provenance, OnsetCalibration.NONE);
    }

    /** {@code <name>-<version>}: the artifact's file stem. */
    public String fileStem() {
        return name + "-" + version;
    }

    /** The reference vector as a float array in {@link #features} order. */
    public float[] referenceVector() {
        float[] r = new float[reference.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = reference.get(i);
        }
        return r;
    }
}
