package io.commandcenter.cli;

import io.commandcenter.inference.BackendScorer;
import io.commandcenter.inference.ModelKey;
import io.commandcenter.inference.onnx.OnnxBackend;
import io.commandcenter.models.artifact.ModelArtifact;
import io.commandcenter.models.artifact.ModelMetadata;
import io.commandcenter.models.bootstrap.BootstrapModels;
import io.commandcenter.models.eval.Evaluation;
import io.commandcenter.models.train.bootstrap.AsdCorpus;
import io.commandcenter.models.train.bootstrap.ServiceHealthTraining;
import io.commandcenter.models.train.bootstrap.ServiceHealthTraining.Replayed;
import io.commandcenter.models.train.loop.Evaluator;
import io.commandcenter.models.train.loop.RetrainEval;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A study for the learning loop's next step (guide 18.8), not a test: its name is outside surefire's
 * includes, so it runs only when named. Would a per-entity log-odds offset, fitted on each entity's own
 * labelled rows of the chunks before, read the next chunk better? The shipped service_health scores every
 * series once (ONNX Runtime); for chunk k each series gets the offset of {@link #GRID} with the best F1 per
 * incident on its rows of chunks 1…k−1 (0 on ties and when those rows hold no incident), added to the
 * probability's log-odds before the model's own onset calibration, as one implementation in the
 * calibration path would; the same is done with one offset for all series (the global lever), and both are
 * measured on chunk k against no offset. Held-out servers are never read ({@link RetrainEval#series}).
 *
 * <pre>
 * ./mvnw -B -o -Dmaven.repo.local=… test -pl cli -Dtest=EntityOffsetStudy -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dstudy.asd=../shared/data/asd      # prints STUDY lines
 * </pre>
 */
class EntityOffsetStudy {
    static final double[] GRID = {-3, -2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2, 3};

    @Test
    void study() throws Exception {
        Path dir = Path.of(System.getProperty("study.asd", "../../shared/data/asd"));
        Assumptions.assumeTrue(Files.isDirectory(dir), "no ASD folder at " + dir.toAbsolutePath());
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
            System.out.println("STUDY service_health " + m.version() + ", " + names);
            for (int cycles : new int[] {4, 5, 6}) {
                for (int k = 2; k <= cycles; k++) {
                    int kk = k;
                    double[] entity = new double[project.size()];
                    for (int s = 0; s < project.size(); s++) {
                        int ss = s;
                        entity[s] = best(d -> f1(m, List.of(project.get(ss)), List.of(p.get(ss)), d, 0, kk - 1, cycles));
                    }
                    double global = best(d -> f1(m, project, p, d, 0, kk - 1, cycles));
                    double[] all = new double[project.size()];
                    Arrays.fill(all, global);
                    String none = chunk(m, project, p, new double[project.size()], k, cycles);
                    System.out.printf(Locale.ROOT, "STUDY cycles %d chunk %d | none %s | global %+.1f %s | per entity %s %s%n",
                            cycles, k, none, global, chunk(m, project, p, all, k, cycles),
                            chunk(m, project, p, entity, k, cycles), Arrays.toString(entity));
                }
            }
        }
    }

    /** The offset of the grid with the best F1; of equal ones, the smallest in size (0 when nothing beats it). */
    static double best(java.util.function.DoubleUnaryOperator f1) {
        double best = 0;
        double bestF1 = f1.applyAsDouble(0);
        for (double d : GRID) {
            double f = f1.applyAsDouble(d);
            if (f > bestF1 + 1e-9 || Math.abs(f - bestF1) <= 1e-9 && Math.abs(d) < Math.abs(best)) {
                best = d;
                bestF1 = f;
            }
        }
        return best;
    }

    /** F1 per incident on chunks [c0+1 … c1] (1-based, inclusive) of every series with one offset; 0 without incidents. */
    static double f1(ModelMetadata m, List<Replayed> series, List<double[]> p, double d, int c0, int c1, int cycles) {
        List<double[]> ps = new ArrayList<>();
        List<double[]> rs = new ArrayList<>();
        List<boolean[]> ls = new ArrayList<>();
        for (int s = 0; s < series.size(); s++) {
            Replayed r = series.get(s);
            int n = r.labels().length;
            int from = (int) ((long) n * c0 / cycles);
            int to = (int) ((long) n * c1 / cycles);
            double[] q = shift(p.get(s), d);
            ps.add(Arrays.copyOfRange(q, from, to));
            rs.add(Arrays.copyOfRange(risk(m, q, r), from, to));
            ls.add(Arrays.copyOfRange(r.labels(), from, to));
        }
        Evaluator.Metrics x = Evaluator.measure(ps, rs, ls, m.threshold());
        return x.incidents() == 0 ? 0 : x.f1();
    }

    /** Chunk k with an offset per series: F1, pooled AUC of the shifted probability, mean per-series AUC, false alarms. */
    static String chunk(ModelMetadata m, List<Replayed> series, List<double[]> p, double[] d, int k, int cycles) {
        List<double[]> ps = new ArrayList<>();
        List<double[]> rs = new ArrayList<>();
        List<boolean[]> ls = new ArrayList<>();
        double aucSum = 0;
        int aucN = 0;
        for (int s = 0; s < series.size(); s++) {
            Replayed r = series.get(s);
            int n = r.labels().length;
            int from = (int) ((long) n * (k - 1) / cycles);
            int to = (int) ((long) n * k / cycles);
            double[] q = shift(p.get(s), d[s]);
            ps.add(Arrays.copyOfRange(q, from, to));
            rs.add(Arrays.copyOfRange(risk(m, q, r), from, to));
            ls.add(Arrays.copyOfRange(r.labels(), from, to));
            double auc = Evaluation.rocAuc(ps.get(s), ls.get(s));
            if (!Double.isNaN(auc)) {
                aucSum += auc;
                aucN++;
            }
        }
        Evaluator.Metrics x = Evaluator.measure(ps, rs, ls, m.threshold());
        return String.format(Locale.ROOT, "F1 %.3f AUC %.3f (per series %.3f) FA %d", x.f1(), x.auc(),
                aucN == 0 ? Double.NaN : aucSum / aucN, x.falseAlarms());
    }

    static double[] risk(ModelMetadata m, double[] p, Replayed r) {
        return m.onset().apply(p, m.threshold(), r.entry().scored().times(), r.entry().scored().axis());
    }

    static double[] shift(double[] p, double d) {
        if (d == 0) {
            return p;
        }
        double[] q = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            double x = Math.min(Math.max(p[i], 1e-9), 1 - 1e-9);
            q[i] = 1 / (1 + Math.exp(-(Math.log(x / (1 - x)) + d)));
        }
        return q;
    }
}
