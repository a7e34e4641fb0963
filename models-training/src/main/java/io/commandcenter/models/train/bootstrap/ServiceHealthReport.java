package io.commandcenter.models.train.bootstrap;

import io.commandcenter.models.eval.BinaryMetrics;
import io.commandcenter.models.eval.EarlyWarningProfile;
import io.commandcenter.models.eval.Evaluation;
import io.commandcenter.models.train.LogisticTrainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Trains the service_health model on {@link ServiceHealthCorpus} and prints its quality per ASD server,
 * per group and overall (the figures of docs/phase12-intelligence.md, section 12.6).
 * Usage: {@code ServiceHealthReport <asd dir> [seed] [synthetic series]}.
 */
public final class ServiceHealthReport {

    private ServiceHealthReport() {
    }

    public static void main(String[] args) throws Exception {
        Path asd = Path.of(args.length > 0 ? args[0] : "../shared/data/asd");
        long seed = args.length > 1 ? Long.parseLong(args[1]) : BootstrapModelsMain.SEED;
        int synthetic = args.length > 2 ? Integer.parseInt(args[2]) : BootstrapModelsMain.SYNTHETIC_SERIES;
        long t0 = System.nanoTime();
        List<ServiceHealthTraining.Replayed> corpus = new ArrayList<>();
        for (CorpusEntry e : ServiceHealthCorpus.build(seed, synthetic, asd)) {
            corpus.add(ServiceHealthTraining.replay(e));
        }
        for (CorpusEntry e : ServiceHealthCorpus.syntheticTest(seed, 200)) {
            corpus.add(ServiceHealthTraining.replay(e));
        }
        long t1 = System.nanoTime();
        ServiceHealthTraining.Outcome o = new ServiceHealthTraining(BootstrapModelsMain.serviceHealthTrainer(seed)).train(corpus);
        long t2 = System.nanoTime();
        System.out.printf(Locale.ROOT, "replay %.1fs, train %.1fs, rows %d (positives %d)%n", (t1 - t0) / 1e9, (t2 - t1) / 1e9,
                o.data().rows(), o.data().positives());
        System.out.printf(Locale.ROOT, "platt a=%.3f b=%.3f threshold=%.2f%n", o.platt().a(), o.platt().b(), o.threshold());
        double[] w = o.model().scorer().weights();
        for (int j = 0; j < w.length; j++) {
            System.out.printf(Locale.ROOT, "  w %-22s %8.3f  ref %.3f%n", o.model().onnxSchema().name(j), w[j], o.reference()[j]);
        }
        System.out.printf(Locale.ROOT, "  bias %.3f%n", o.model().scorer().bias());
        print(o, "ASD per server (threshold " + o.threshold() + ")", r -> r.name().startsWith("omi"));
        for (String g : List.of("train", "validation", "holdout")) {
            summary(o, g + " ASD", r -> r.name().startsWith("omi") && r.group().equals(g));
            summary(o, g + " synthetic", r -> r.name().startsWith("syn") && r.group().equals(g));
        }
        summary(o, "validation health", r -> r.name().startsWith("health") && r.group().equals("validation"));
        summary(o, "test synthetic", r -> r.group().equals("test"));
        summary(o, "test uni synthetic", r -> r.group().equals("test") && r.univariate());
        summary(o, "test multi synthetic", r -> r.group().equals("test") && !r.univariate());
        summary(o, "ASD all", r -> r.name().startsWith("omi"));
        System.out.println("At other thresholds (same weights and calibration): early-warning / incidents caught / false-alarm events");
        System.out.println("| threshold | all ASD | test synthetic |");
        System.out.println("|---|---|---|");
        for (double th : new double[] {0.2, 0.3, o.threshold(), 0.5, 0.6, 0.7, 0.8, 0.9}) {
            System.out.printf(Locale.ROOT, "| %.2f%s | %s | %s |%n", th, th == o.threshold() ? " (model)" : "",
                    atThreshold(o, corpus, th, r -> r.entry().name().startsWith("omi")),
                    atThreshold(o, corpus, th, r -> r.entry().group().equals("test")));
        }
    }

    private static String atThreshold(ServiceHealthTraining.Outcome o, List<ServiceHealthTraining.Replayed> corpus, double threshold,
                                      java.util.function.Predicate<ServiceHealthTraining.Replayed> f) {
        double raw = 0;
        int windows = 0;
        long caught = 0;
        long falseAlarms = 0;
        for (ServiceHealthTraining.Replayed r : corpus) {
            if (f.test(r)) {
                ServiceHealthTraining.SeriesReport s = ServiceHealthTraining.evaluate(o.model(), r, threshold);
                raw += s.rawEarlyWarning();
                windows += s.incidents();
                caught += s.incident().truePositives();
                falseAlarms += s.incident().falsePositives();
            }
        }
        return String.format(Locale.ROOT, "%.1f / %d of %d / %d", Evaluation.normalise(raw, windows, EarlyWarningProfile.STANDARD),
                caught, windows, falseAlarms);
    }

    static void print(ServiceHealthTraining.Outcome o, String title, java.util.function.Predicate<ServiceHealthTraining.SeriesReport> f) {
        System.out.println(title);
        System.out.println("| server | group | P | R | F1 | inc P | inc R | inc F1 | lead (rows) | early-warning | AUC | ECE |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (ServiceHealthTraining.SeriesReport r : o.reports().values()) {
            if (f.test(r)) {
                System.out.printf(Locale.ROOT, "| %s | %s | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.1f | %.1f | %.3f | %.3f |%n", r.name(), r.group(),
                        r.point().precision(), r.point().recall(), r.point().f1(), r.incident().precision(), r.incident().recall(),
                        r.incident().f1(), r.meanLeadRows(), r.earlyWarning(), r.auc(), r.ece());
            }
        }
    }

    static void summary(ServiceHealthTraining.Outcome o, String title, java.util.function.Predicate<ServiceHealthTraining.SeriesReport> f) {
        BinaryMetrics p = new BinaryMetrics(0, 0, 0, 0);
        BinaryMetrics inc = new BinaryMetrics(0, 0, 0, 0);
        double raw = 0;
        int windows = 0;
        double lead = 0;
        int leadN = 0;
        int n = 0;
        double auc = 0;
        int aucN = 0;
        for (ServiceHealthTraining.SeriesReport r : o.reports().values()) {
            if (!f.test(r)) {
                continue;
            }
            n++;
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
        }
        if (n == 0) {
            return;
        }
        System.out.printf(Locale.ROOT, "%-22s series=%d P=%.3f R=%.3f F1=%.3f | incidents=%d P=%.3f R=%.3f F1=%.3f | lead=%.1f rows | EW=%.1f | meanAUC=%.3f%n",
                title, n, p.precision(), p.recall(), p.f1(), windows, inc.precision(), inc.recall(), inc.f1(),
                leadN == 0 ? Double.NaN : lead / leadN, windows == 0 ? Double.NaN : Evaluation.normalise(raw, windows, EarlyWarningProfile.STANDARD),
                aucN == 0 ? Double.NaN : auc / aucN);
    }
}
