package io.commandcenter.models.train.bootstrap;

import io.commandcenter.models.eval.BinaryMetrics;
import io.commandcenter.models.eval.EarlyWarningProfile;
import io.commandcenter.models.eval.Evaluation;
import java.util.List;
import java.util.Map;

/** Aggregates per-series reports into sidecar metrics ({@code <group>_<measure>}). */
final class ServiceHealthMetrics {

    private ServiceHealthMetrics() {
    }

    static void add(Map<String, Double> metrics, String group, List<ServiceHealthTraining.SeriesReport> reports) {
        BinaryMetrics p = new BinaryMetrics(0, 0, 0, 0);
        BinaryMetrics inc = new BinaryMetrics(0, 0, 0, 0);
        double raw = 0;
        int windows = 0;
        double lead = 0;
        long leadN = 0;
        double auc = 0;
        int aucN = 0;
        double ece = 0;
        for (ServiceHealthTraining.SeriesReport r : reports) {
            p = p.plus(r.point());
            inc = inc.plus(r.incident());
            raw += r.rawEarlyWarning();
            windows += r.incidents();
            if (!Double.isNaN(r.meanLeadRows())) {
                lead += r.meanLeadRows() * r.incident().truePositives();
                leadN += r.incident().truePositives();
            }
            if (!Double.isNaN(r.auc())) {
                auc += r.auc();
                aucN++;
            }
            ece += r.ece() * r.rows();
        }
        long rows = reports.stream().mapToLong(ServiceHealthTraining.SeriesReport::rows).sum();
        metrics.put(group + "_series", (double) reports.size());
        metrics.put(group + "_precision", p.precision());
        metrics.put(group + "_recall", p.recall());
        metrics.put(group + "_f1", p.f1());
        metrics.put(group + "_incident_precision", inc.precision());
        metrics.put(group + "_incident_recall", inc.recall());
        metrics.put(group + "_incident_f1", inc.f1());
        metrics.put(group + "_mean_lead_rows", leadN == 0 ? 0.0 : lead / leadN);
        metrics.put(group + "_early_warning", windows == 0 ? 0.0 : Evaluation.normalise(raw, windows, EarlyWarningProfile.STANDARD));
        metrics.put(group + "_mean_roc_auc", aucN == 0 ? 0.0 : auc / aucN);
        metrics.put(group + "_ece", rows == 0 ? 0.0 : ece / rows);
    }
}
