package io.commandcenter.models.train;

import ai.onnx.proto.OnnxMl;
import io.commandcenter.models.features.FeatureSchema;
import io.commandcenter.models.scoring.LinearScorer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.tribuo.Example;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.sgd.linear.LinearSGDModel;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.LinearParameters;
import org.tribuo.math.la.DenseMatrix;
import org.tribuo.math.la.Tensor;

/**
 * A trained Tribuo logistic model plus the facts serving needs: the ONNX feature order (Tribuo's,
 * sorted by name), the positive output column, and in-place Platt calibration.
 */
public final class TrainedLogistic {

    private final LinearSGDModel model;
    private final FeatureSchema trainingSchema;
    private final FeatureSchema onnxSchema;
    private final int positiveIndex;

    TrainedLogistic(LinearSGDModel model, FeatureSchema trainingSchema) {
        this.model = model;
        this.trainingSchema = trainingSchema;
        ImmutableFeatureMap fmap = model.getFeatureIDMap();
        List<String> order = new ArrayList<>();
        for (int i = 0; i < fmap.size(); i++) {
            order.add(fmap.get(i).getName());
        }
        this.onnxSchema = new FeatureSchema(order);
        ImmutableOutputInfo<Label> out = model.getOutputIDInfo();
        this.positiveIndex = out.getID(new Label(LogisticTrainer.POSITIVE));
        if (positiveIndex < 0 || out.size() != 2) {
            throw new IllegalStateException("training data must contain both labels");
        }
    }

    public LinearSGDModel tribuoModel() {
        return model;
    }

    /** Feature names in the ONNX input's column order. */
    public FeatureSchema onnxSchema() {
        return onnxSchema;
    }

    public int positiveIndex() {
        return positiveIndex;
    }

    /** The model as a plain-Java scorer over vectors in {@link #onnxSchema()} order. */
    public LinearScorer scorer() {
        DenseMatrix w = weights();
        int f = onnxSchema.size();
        int neg = 1 - positiveIndex;
        double[] d = new double[f];
        for (int j = 0; j < f; j++) {
            d[j] = w.get(positiveIndex, j) - w.get(neg, j);
        }
        double b = w.get(positiveIndex, f) - w.get(neg, f);
        return new LinearScorer(d, b);
    }

    /** Tribuo's own positive-class probability for one vector in the TRAINING schema order. */
    public double predict(float[] vector) {
        String[] names = trainingSchema.names().toArray(String[]::new);
        double[] v = new double[vector.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = vector[i] == 0f ? 1e-12 : vector[i];
        }
        Example<Label> ex = new ArrayExample<>(new Label(LogisticTrainer.NEGATIVE), names, v);
        Prediction<Label> p = model.predict(ex);
        return p.getOutputScores().get(LogisticTrainer.POSITIVE).getScore();
    }

    /**
     * Folds a Platt scaling into the weights: with a two-class softmax, {@code p1 = σ(z1 - z0)}; scaling
     * both rows by {@code a} and moving {@code ±b/2} into the biases gives {@code σ(a(z1 - z0) + b)}.
     * Tribuo's predictions and the exported ONNX both change accordingly.
     */
    public void applyPlatt(PlattScaling platt) {
        DenseMatrix w = weights();
        int cols = w.getDimension2Size();
        int neg = 1 - positiveIndex;
        for (int r = 0; r < 2; r++) {
            for (int c = 0; c < cols; c++) {
                w.set(r, c, w.get(r, c) * platt.a());
            }
        }
        w.set(positiveIndex, cols - 1, w.get(positiveIndex, cols - 1) + platt.b() / 2);
        w.set(neg, cols - 1, w.get(neg, cols - 1) - platt.b() / 2);
        liveParameters().set(new Tensor[] {w});
    }

    /**
     * Exports ONNX (input {@code input} float[N, F], output {@code output} float[N, 2] probabilities in
     * output-id order) whose metadata properties are exactly {@code metadataProps}.
     */
    public byte[] exportOnnx(String domain, long modelVersion, Map<String, String> metadataProps) {
        OnnxMl.ModelProto proto = model.exportONNXModel(domain, modelVersion);
        // Tribuo's provenance (with wall-clock training time and host facts) would make the bytes
        // irreproducible: replace it by the caller's metadata
        OnnxMl.ModelProto.Builder b = proto.toBuilder().clearMetadataProps().clearDocString();
        b.getGraphBuilder().clearDocString();
        for (Map.Entry<String, String> e : new TreeMap<>(metadataProps).entrySet()) {
            b.addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder().setKey(e.getKey()).setValue(e.getValue()));
        }
        return b.build().toByteArray();
    }

    private DenseMatrix weights() {
        return liveParameters().getWeightMatrix();
    }

    /**
     * The model's own parameter object ({@code getModelParameters()} hands out a copy). Tribuo offers no
     * public way to rescale a trained linear model, so the protected field is read reflectively; the
     * trainer tests pin the behaviour to Tribuo 4.3.
     */
    private LinearParameters liveParameters() {
        try {
            java.lang.reflect.Field f = org.tribuo.common.sgd.AbstractSGDModel.class.getDeclaredField("modelParameters");
            f.setAccessible(true);
            return (LinearParameters) f.get(model);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("unsupported Tribuo version: cannot reach linear model parameters", e);
        }
    }
}
