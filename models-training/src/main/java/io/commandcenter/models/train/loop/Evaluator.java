package io.commandcenter.models.train.loop;

import io.commandcenter.models.artifact.ModelMetadata;
import io.commandcenter.models.eval.BinaryMetrics;
import io.commandcenter.models.eval.EarlyWarningProfile;
import io.commandcenter.models.eval.Evaluation;
import io.commandcenter.models.eval.Segment;
import io.commandcenter.models.features.FeatureSchema;
import io.commandcenter.models.features.TelemetryFeatures;
import io.commandcenter.models.scoring.BatchScorer;
import io.commandcenter.models.train.bootstrap.ServiceHealthTraining;
import io.commandcenter.models.train.bootstrap.ServiceHealthTraining.Replayed;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code evaluator.validate}: a model's quality on labelled series, scored the way the hub scores
 * (the model's own features, its threshold, its onset calibration, one state per series in row
 * order). Precision, recall and F1 are per incident (an incident is caught by an alarm from
 * {@value ServiceHealthTraining#HORIZON} rows before its start to its end; an alarm event touching no
 * incident is a false alarm), ROC AUC of the model's probability over every row of every series
 * pooled (how well it ranks incident rows above normal ones, whatever the series), the NAB-style early-warning score
 * (standard profile), and the expected calibration error of the probability (10 bins).
 */
public final class Evaluator {

    /** Quality on a set of series. */
    public record Metrics(long rows, int incidents, double precision, double recall, double f1, double auc,
                          double earlyWarning, double calibrationError, long falseAlarms) {
    }

    /** A model's probability and risk on each series. */
    public record Scored(List<double[]> probability, List<double[]> risk, double threshold) {
    }

    private Evaluator() {
    }

    /** Scores every series with a model (through {@code scorer}, which runs it). */
    public static Scored score(BatchScorer scorer, ModelMetadata model, List<Replayed> series) {
        FeatureSchema schema = new FeatureSchema(model.features());
        List<double[]> probability = new ArrayList<>();
        List<double[]> risk = new ArrayList<>();
        for (Replayed r : series) {
            int n = r.labels().length;
            double[] p = n == 0 ? new double[0]
                    : scorer.score(TelemetryFeatures.SCHEMA.project(r.features(), n, schema), n);
            probability.add(p);
            // the onset calibration with the rows' times, as backtests and the live engine apply it (see risk)
            risk.add(risk(model, p, model.threshold(), r));
        }
        return new Scored(probability, risk, model.threshold());
    }

    public static Metrics measure(BatchScorer scorer, ModelMetadata model, List<Replayed> series) {
        Scored s = score(scorer, model, series);
        List<boolean[]> labels = series.stream().map(Replayed::labels).toList();
        return measure(s.probability(), s.risk(), labels, s.threshold());
    }

    /**
     * The risk of {@code r}'s rows at {@code threshold}: the onset calibration with the rows' times, as the live engine
     * ({@code PredictiveEngine}) and {@code cc backtest} apply it, without the rows' peak novelty. The loop judges
     * alarms at the threshold the calibration's state is built with, and a novelty discount (service_health 2.4.0) is
     * floored there, so it changes no alarm the loop counts ({@code OnsetCalibrationTest}); only the ranking above the
     * threshold (which no loop metric reads: ROC AUC and calibration error read the probability) differs.
     */
    static double[] risk(ModelMetadata model, double[] p, double threshold, Replayed r) {
        if (p.length == 0) {
            return p;
        }
        return model.onset().apply(p, threshold, r.entry().scored().times(), r.entry().scored().axis());
    }

    /** Quality of given probabilities and risks (one array per series) against labels. */
    public static Metrics measure(List<double[]> probability, List<double[]> risk, List<boolean[]> labels,
                                  double threshold) {
        BinaryMetrics incidents = new BinaryMetrics(0, 0, 0, 0);
        double raw = 0;
        int windows = 0;
        long rows = 0;
        for (double[] r : risk) {
            rows += r.length;
        }
        double[] allRisk = new double[(int) rows];
        double[] allP = new double[(int) rows];
        boolean[] allL = new boolean[(int) rows];
        int at = 0;
        for (int k = 0; k < risk.size(); k++) {
            double[] r = risk.get(k);
            boolean[] l = labels.get(k);
            boolean[] alarms = Evaluation.alarms(r, threshold);
            List<Segment> segments = Segment.fromLabels(l);
            incidents = incidents.plus(Evaluation.perIncident(alarms, segments, ServiceHealthTraining.HORIZON));
            raw += Evaluation.rawEarlyWarning(alarms, segments, ServiceHealthTraining.HORIZON,
                    EarlyWarningProfile.STANDARD);
            windows += segments.size();
            System.arraycopy(r, 0, allRisk, at, r.length);
            System.arraycopy(probability.get(k), 0, allP, at, r.length);
            System.arraycopy(l, 0, allL, at, r.length);
            at += r.length;
        }
        double auc = Evaluation.rocAuc(allP, allL);
        return new Metrics(rows, windows, incidents.precision(), incidents.recall(), incidents.f1(),
                Double.isNaN(auc) ? 0.5 : auc,
                windows == 0 ? 0.0 : Evaluation.normalise(raw, windows, EarlyWarningProfile.STANDARD),
                rows == 0 ? 0.0 : Evaluation.expectedCalibrationError(allP, allL, 10), incidents.falsePositives());
    }
}
