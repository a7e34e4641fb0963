package io.commandcenter.models.train.bootstrap;

import io.commandcenter.models.artifact.CalibrationBin;
import io.commandcenter.models.eval.BinaryMetrics;
import io.commandcenter.models.eval.Evaluation;
import io.commandcenter.models.scoring.LinearScorer;
import io.commandcenter.models.train.LogisticTrainer;
import io.commandcenter.models.train.PlattScaling;
import io.commandcenter.models.train.TrainedLogistic;
import io.commandcenter.models.train.TrainingData;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Train → calibrate (Platt on validation, folded into the weights) → threshold (max F1 on validation)
 * → reliability table and reference vector, for a classifier over event-history features.
 */
public final class ClassifierTraining {

    private final LogisticTrainer trainer;

    public ClassifierTraining(LogisticTrainer trainer) {
        this.trainer = trainer;
    }

    public record Outcome(TrainedLogistic model, PlattScaling platt, double threshold, List<CalibrationBin> calibration,
                          float[] reference, Map<String, Double> metrics) {
    }

    public Outcome train(TrainingData train, TrainingData validation) {
        TrainedLogistic model = trainer.train(train);
        float[] xv = train.schema().project(validation.x(), validation.rows(), model.onnxSchema());
        LinearScorer raw = model.scorer();
        double[] z = new double[validation.rows()];
        for (int i = 0; i < z.length; i++) {
            z[i] = raw.logit(xv, i);
        }
        PlattScaling platt = PlattScaling.fit(z, validation.y(), validation.weights());
        model.applyPlatt(platt);
        double[] p = model.scorer().score(xv, validation.rows());
        double best = 0.5;
        double bestF1 = -1;
        for (int t = 5; t <= 95; t++) {
            double f1 = Evaluation.pointwise(Evaluation.alarms(p, t / 100.0), validation.y()).f1();
            if (f1 > bestF1 + 1e-9) {
                bestF1 = f1;
                best = t / 100.0;
            }
        }
        BinaryMetrics m = Evaluation.pointwise(Evaluation.alarms(p, best), validation.y());
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("validation_precision", m.precision());
        metrics.put("validation_recall", m.recall());
        metrics.put("validation_f1", m.f1());
        metrics.put("validation_roc_auc", Evaluation.rocAuc(p, validation.y()));
        metrics.put("validation_ece", Evaluation.expectedCalibrationError(p, validation.y(), 10));
        metrics.put("validation_rows", (double) validation.rows());
        metrics.put("validation_positive_rate", (double) validation.positives() / validation.rows());
        return new Outcome(model, platt, best, reliability(p, validation.y()), ServiceHealthTraining.reference(train, model.onnxSchema()), metrics);
    }

    static List<CalibrationBin> reliability(double[] p, boolean[] y) {
        int bins = 10;
        double[] sumP = new double[bins];
        double[] sumY = new double[bins];
        long[] n = new long[bins];
        for (int i = 0; i < p.length; i++) {
            int b = Math.min(bins - 1, (int) (p[i] * bins));
            sumP[b] += p[i];
            sumY[b] += y[i] ? 1 : 0;
            n[b]++;
        }
        List<CalibrationBin> out = new ArrayList<>();
        for (int b = 0; b < bins; b++) {
            out.add(new CalibrationBin(b / (double) bins, (b + 1) / (double) bins, n[b],
                    n[b] == 0 ? (b + 0.5) / bins : sumP[b] / n[b], n[b] == 0 ? (b + 0.5) / bins : sumY[b] / n[b]));
        }
        return out;
    }
}
