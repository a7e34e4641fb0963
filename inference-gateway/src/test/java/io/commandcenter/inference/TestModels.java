package io.commandcenter.inference;

import io.commandcenter.models.artifact.CalibrationBin;
import io.commandcenter.models.artifact.ModelArtifact;
import io.commandcenter.models.artifact.ModelMetadata;
import io.commandcenter.models.artifact.ModelType;
import io.commandcenter.models.features.FeatureSchema;
import io.commandcenter.models.train.LogisticTrainer;
import io.commandcenter.models.train.PlattScaling;
import io.commandcenter.models.train.TrainedLogistic;
import io.commandcenter.models.train.TrainingData;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Small real models trained with the models library, for gateway tests. */
public final class TestModels {

    /** Pipeline order deliberately differs from Tribuo's sorted ONNX order. */
    public static final FeatureSchema SCHEMA = FeatureSchema.of("queue", "cpu", "disk");

    private TestModels() {
    }

    /** A model where risk rises strongly with cpu and a little with disk; queue is noise. */
    public static TrainedLogistic train(long seed, double shift) {
        Random rnd = new Random(seed);
        int n = 3000;
        float[] x = new float[n * 3];
        boolean[] y = new boolean[n];
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            float queue = (float) rnd.nextGaussian();
            float cpu = (float) rnd.nextGaussian();
            float disk = (float) rnd.nextGaussian();
            x[i * 3] = queue;
            x[i * 3 + 1] = cpu;
            x[i * 3 + 2] = disk;
            y[i] = rnd.nextDouble() < 1 / (1 + Math.exp(-(3 * cpu + 0.5 * disk - 1 + shift)));
            w[i] = 1f;
        }
        TrainedLogistic m = new LogisticTrainer(5, 0.1, seed).train(new TrainingData(SCHEMA, x, y, w));
        m.applyPlatt(PlattScaling.IDENTITY);
        return m;
    }

    public static ModelArtifact artifact(TrainedLogistic m, String name, String version, List<String> features, float[] reference) {
        List<Float> ref = new ArrayList<>();
        for (float v : reference) {
            ref.add(v);
        }
        ModelMetadata meta = new ModelMetadata(name, version, ModelType.PREDICTIVE, features, "input", "output", m.positiveIndex(),
                "test-v1", 0.8, ref, List.of(new CalibrationBin(0, 1, 1000, 0.5, 0.5)), "test", "hash", Map.of(), "test", 1,
                "2026-01-01T00:00:00Z", Map.of());
        return new ModelArtifact(meta, m.exportOnnx("test", 1, Map.of()));
    }

    public static ModelArtifact artifact(TrainedLogistic m, String name, String version) {
        return artifact(m, name, version, m.onnxSchema().names(), new float[m.onnxSchema().size()]);
    }
}
