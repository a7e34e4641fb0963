package io.commandcenter.cli;

import io.commandcenter.inference.BackendScorer;
import io.commandcenter.inference.ModelKey;
import io.commandcenter.inference.onnx.OnnxBackend;
import io.commandcenter.models.artifact.ModelArtifact;
import io.commandcenter.models.artifact.ModelMetadata;
import io.commandcenter.models.bootstrap.BootstrapModels;
import io.commandcenter.models.train.bootstrap.AsdCorpus;
import io.commandcenter.models.train.bootstrap.ServiceHealthTraining;
import io.commandcenter.models.train.bootstrap.ServiceHealthTraining.Replayed;
import io.commandcenter.models.train.loop.Evaluator;
import io.commandcenter.models.train.loop.RetrainEval;
import io.commandcenter.models.train.loop.RetrainingPath;
import io.commandcenter.models.train.loop.Retrainer;
import io.commandcenter.models.train.loop.ThresholdRefit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A study for the learning loop (guide 18.13), not a test: its name is outside surefire's includes, so it runs only
 * when named. Chooses the λ of the {@code f1-ew} refit objective ({@link ThresholdRefit.Objective#F1_EW}: the threshold
 * with the best {@code F1 + λ·EW/100} on the fit rows) by leave-one-server-out over the project servers (omi-1…9; the
 * held-out servers are never read, {@link RetrainEval#series}). Each server's rows are cut where a first-cycle
 * threshold refit cuts them ({@link RetrainingPath#DEFAULT_THRESHOLD_HOLDOUT}: the last 30 % is its holdout). For
 * each λ of the grid and each server s, the threshold is fitted on the other eight servers' rows before their holdouts
 * (the shipped service_health's probability, ONNX Runtime, the true labels) and s's holdout is scored at it; the
 * shipped threshold is scored on the same holdout.
 *
 * <p>The rule, stated before the figures were looked at: over the folds whose holdout holds an incident, take the λ
 * with the highest mean held-out F1 per incident among those whose mean held-out early-warning score is not below the
 * shipped threshold's (ties: the smaller λ); if no λ qualifies, the one with the highest mean held-out early warning
 * (ties: the smaller).
 *
 * <pre>
 * ./mvnw -B -o -Dmaven.repo.local=… test -pl cli -Dtest=ThresholdLambdaStudy -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dstudy.asd=../../shared/data/asd [-Dstudy.lambdas=0,0.1,0.25,0.5,1,2,5]   # prints LAMBDA lines
 * </pre>
 */
class ThresholdLambdaStudy {

    @Test
    @org.junit.jupiter.api.Timeout(3600)
    void study() throws Exception {
        Path dir = Path.of(System.getProperty("study.asd", "../../shared/data/asd"));
        Assumptions.assumeTrue(Files.isDirectory(dir), "no ASD folder at " + dir.toAbsolutePath());
        double[] lambdas = Arrays.stream(System.getProperty("study.lambdas", "0,0.1,0.25,0.5,1,2,5").split(","))
                .mapToDouble(Double::parseDouble).toArray();
        List<String> names = RetrainEval.series(dir);
        AsdCorpus corpus = new AsdCorpus(dir);
        List<Replayed> project = new ArrayList<>();
        for (String n : names) {
            project.add(ServiceHealthTraining.replay(corpus.server(n, "project")));
        }
        try (OnnxBackend backend = new OnnxBackend()) {
            ModelArtifact a = new BootstrapModels().load("service_health");
            ModelKey key = ModelKey.of(a.metadata(), a.onnxSha256());
            backend.load(key, a);
            ModelMetadata m = a.metadata();
            List<double[]> p = Evaluator.score(new BackendScorer(backend, key), m, project).probability();
            List<Replayed> fit = new ArrayList<>();
            List<double[]> fitP = new ArrayList<>();
            List<Replayed> hold = new ArrayList<>();
            List<double[]> holdP = new ArrayList<>();
            for (int s = 0; s < project.size(); s++) {
                Replayed r = project.get(s);
                int n = r.labels().length;
                int cut = (int) Math.round(n * (1 - RetrainingPath.DEFAULT_THRESHOLD_HOLDOUT));
                fit.add(Retrainer.slice(r, "project", 0, cut, true));
                fitP.add(Arrays.copyOfRange(p.get(s), 0, cut));
                hold.add(Retrainer.slice(r, "project", cut, n, true));
                holdP.add(Arrays.copyOfRange(p.get(s), cut, n));
            }
            List<Integer> folds = new ArrayList<>();
            double shippedF1 = 0;
            double shippedEw = 0;
            for (int s = 0; s < project.size(); s++) {
                Evaluator.Metrics at = ThresholdRefit.measureAt(m, m.threshold(), List.of(holdP.get(s)), List.of(hold.get(s)));
                if (at.incidents() > 0) {
                    folds.add(s);
                    shippedF1 += at.f1();
                    shippedEw += at.earlyWarning();
                }
            }
            shippedF1 /= folds.size();
            shippedEw /= folds.size();
            System.out.printf(Locale.ROOT, "LAMBDA service_health %s, servers %s, folds with a held-out incident %s%n",
                    m.version(), names, folds.stream().map(names::get).toList());
            System.out.printf(Locale.ROOT, "LAMBDA shipped %.2f | mean held-out F1 %.3f EW %.1f%n", m.threshold(),
                    shippedF1, shippedEw);
            double chosen = Double.NaN;
            double chosenF1 = Double.NEGATIVE_INFINITY;
            double fallback = Double.NaN;
            double fallbackEw = Double.NEGATIVE_INFINITY;
            for (double lambda : lambdas) {
                double f1 = 0;
                double ew = 0;
                long falseAlarms = 0;
                StringBuilder thresholds = new StringBuilder();
                for (int s : folds) {
                    List<Replayed> others = new ArrayList<>(fit);
                    List<double[]> othersP = new ArrayList<>(fitP);
                    others.remove(s);
                    othersP.remove(s);
                    double t = ThresholdRefit.threshold(m, othersP, others, lambda);
                    Evaluator.Metrics at = ThresholdRefit.measureAt(m, t, List.of(holdP.get(s)), List.of(hold.get(s)));
                    f1 += at.f1();
                    ew += at.earlyWarning();
                    falseAlarms += at.falseAlarms();
                    thresholds.append(String.format(Locale.ROOT, " %s:%.2f", names.get(s), t));
                }
                f1 /= folds.size();
                ew /= folds.size();
                boolean qualifies = ew >= shippedEw - 1e-9;
                System.out.printf(Locale.ROOT, "LAMBDA λ %.2f | mean held-out F1 %.3f EW %.1f false alarms %d | %s |%s%n",
                        lambda, f1, ew, falseAlarms, qualifies ? "EW kept" : "EW below shipped", thresholds);
                if (qualifies && f1 > chosenF1 + 1e-9) {
                    chosen = lambda;
                    chosenF1 = f1;
                }
                if (ew > fallbackEw + 1e-9) {
                    fallback = lambda;
                    fallbackEw = ew;
                }
            }
            System.out.printf(Locale.ROOT, "LAMBDA chosen %.2f (%s)%n", Double.isNaN(chosen) ? fallback : chosen,
                    Double.isNaN(chosen) ? "no λ kept the shipped early warning: the highest mean EW" : "rule met");
        }
    }
}
