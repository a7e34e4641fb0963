package io.commandcenter.models.train;

import io.commandcenter.models.features.FeatureSchema;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LinearSGDModel;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * Trains a binary logistic-regression model with Tribuo's {@link LinearSGDTrainer} (log loss, AdaGrad),
 * reproducibly: same data and seed give the same weights. Labels are {@code "0"} / {@code "1"}; each row
 * carries its weight.
 */
public final class LogisticTrainer {

    public static final String POSITIVE = "1";
    public static final String NEGATIVE = "0";

    private final int epochs;
    private final double learningRate;
    private final int minibatch;
    private final long seed;

    /**
     * Minibatches are always of one example: Tribuo 4.3's SGD honours example weights only then (its
     * minibatch path drops them; {@code LogisticTrainerTest} pins this).
     */
    public LogisticTrainer(int epochs, double learningRate, long seed) {
        if (epochs < 1 || learningRate <= 0) {
            throw new IllegalArgumentException("need epochs >= 1, learningRate > 0");
        }
        this.epochs = epochs;
        this.learningRate = learningRate;
        this.minibatch = 1;
        this.seed = seed;
    }

    public long seed() {
        return seed;
    }

    public String describe() {
        return "tribuo LinearSGDTrainer(LogMulticlass, AdaGrad lr=" + learningRate + ", epochs=" + epochs + ", minibatch=1, seed=" + seed + ")";
    }

    public TrainedLogistic train(TrainingData data) {
        LabelFactory factory = new LabelFactory();
        // fixed provenance time: the ONNX bytes must not depend on when training ran
        MutableDataset<Label> dataset = new MutableDataset<>(
                new SimpleDataSourceProvenance("commandcenter-training", OffsetDateTime.of(2026, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC), factory), factory);
        FeatureSchema schema = data.schema();
        String[] names = schema.names().toArray(String[]::new);
        int f = schema.size();
        Label pos = new Label(POSITIVE);
        Label neg = new Label(NEGATIVE);
        double[] row = new double[f];
        for (int r = 0; r < data.rows(); r++) {
            for (int j = 0; j < f; j++) {
                // Tribuo drops exact zeros from the feature map of an example; a tiny epsilon keeps every
                // feature in the model's domain (and hence in the ONNX input) without changing any score
                float v = data.x()[r * f + j];
                row[j] = v == 0f ? 1e-12 : v;
            }
            ArrayExample<Label> ex = new ArrayExample<>(data.y()[r] ? pos : neg, names, row);
            ex.setWeight(data.weights()[r]);
            dataset.add(ex);
        }
        LinearSGDTrainer trainer = new LinearSGDTrainer(new LogMulticlass(), new AdaGrad(learningRate, 0.1), epochs, epochs * 100_000, minibatch, seed);
        LinearSGDModel model = trainer.train(dataset);
        return new TrainedLogistic(model, schema);
    }
}
