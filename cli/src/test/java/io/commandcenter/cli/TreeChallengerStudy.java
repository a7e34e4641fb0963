package io.commandcenter.cli;

import io.commandcenter.models.features.FeatureSchema;
import io.commandcenter.models.features.TelemetryFeatures;
import io.commandcenter.models.scoring.LinearScorer;
import io.commandcenter.models.train.BoostedTrees;
import io.commandcenter.models.train.GradientBoostingTrainer;
import io.commandcenter.models.train.GradientBoostingTrainer.Form;
import io.commandcenter.models.train.PlattScaling;
import io.commandcenter.models.train.TrainingData;
import io.commandcenter.models.train.bootstrap.BootstrapModelsMain;
import io.commandcenter.models.train.bootstrap.ServiceHealthTraining;
import io.commandcenter.models.train.bootstrap.ServiceHealthTraining.Replayed;
import io.commandcenter.models.train.loop.Retrainer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A study for the learning loop (guide 18.14, direction A), not a test: its name is outside surefire's includes, so it
 * runs only when named. Can a challenger with more capacity than the logistic model — boosted trees
 * ({@link GradientBoostingTrainer}) grown from the champion's own log-odds, so they fit only what the shipped model
 * leaves — rank the next, unseen chunk better? For N chunkings and every cycle k (1 … N−1) each setting of {@link #GRID}
 * is trained on exactly the rows a retrained challenger gets ({@link ServiceHealthTraining#trainingData} over the shipped
 * corpus plus the project's train rows of chunks 1…k, split as {@link Retrainer#split}), Platt-scaled on the validation
 * entries (shipped + project, unweighted) and given the threshold of best validation early warning, as
 * {@link ServiceHealthTraining} does after training; then measured on chunk k+1 (pooled ROC AUC against the shipped
 * model's, all nine servers and omi-6…9) and on the shipped validation series (the guard). {@code oracle} (never a
 * candidate) grows the {@code gbt-d2} setting on chunk k+1's own rows alone: in-sample, the most this family could lift
 * that chunk's AUC from the champion's log-odds. Seeded: the figures do not depend on the load.
 *
 * <pre>
 * ./mvnw -B -o -Dmaven.repo.local=… test -pl cli -Dtest=TreeChallengerStudy -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dstudy.asd=/work/shared/data/asd [-Dstudy.cycles=4,5,6] [-Dstudy.trees=gbt-d2,gbt-d2-w10,ebm-mono,oracle]   # TREES lines
 * </pre>
 */
class TreeChallengerStudy {

    /** One setting: the trees' form and settings, and how much a project train row weighs against a shipped one. */
    record Setting(GradientBoostingTrainer.Settings trees, double projectWeight) {
    }

    /**
     * The settings, fixed before any figure was seen (guide 18.14): depth-2 trees as 12.13's best margin variant
     * ({@code lin+gbt/r100/lr0.05/d2/l200/b256}), the same with each project train row weighing 10, and 12.13's closest
     * additive variant ({@code lin+ebm/r300/lr0.02/d2/l1000/mono}: monotone shapes, one feature per tree).
     */
    static final Map<String, Setting> GRID = new LinkedHashMap<>();

    static {
        GRID.put("gbt-d2", new Setting(new GradientBoostingTrainer.Settings(Form.TREES, 100, 2, 0.05, 200, 1, 256, 1), 1));
        GRID.put("gbt-d2-w10", new Setting(GRID.get("gbt-d2").trees(), 10));
        GRID.put("ebm-mono", new Setting(new GradientBoostingTrainer.Settings(Form.ADDITIVE, 300, 2, 0.02, 1000, 1, 64, 1,
                true), 1));
    }

    @Test
    @org.junit.jupiter.api.Timeout(7200)
    void study() throws Exception {
        Path dir = Path.of(System.getProperty("study.asd", "../../shared/data/asd"));
        Assumptions.assumeTrue(Files.isDirectory(dir), "no ASD folder at " + dir.toAbsolutePath());
        List<String> settings = List.of(System.getProperty("study.trees", "gbt-d2,gbt-d2-w10,ebm-mono,oracle").split(","));
        try (NextChunkRig rig = NextChunkRig.open(dir)) {
            System.out.printf(Locale.ROOT, "TREES service_health %s, %s, shipped validation early warning %.1f%n",
                    rig.model.version(), rig.names, rig.baseGuard);
            Retrainer retrainer = new Retrainer();
            NextChunkRig.Tally tally = new NextChunkRig.Tally();
            for (int cycles : NextChunkRig.chunkings()) {
                for (int k = 1; k < cycles; k++) {
                    NextChunkRig.Cycle cycle = rig.cycle(cycles, k, retrainer);
                    NextChunkRig.Next base = rig.baseNext(k + 1, cycles);
                    StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                            "TREES N %d chunk %d | shipped AUC %.3f (omi-6…9 %.3f) F1 %.3f FA %d EW %.1f", cycles, k + 1,
                            base.auc(), base.unseenAuc(), base.f1(), base.falseAlarms(), base.earlyWarning()));
                    for (String s : settings) {
                        long t0 = System.nanoTime();
                        if (s.equals("oracle")) {
                            // not a candidate: gbt-d2 grown on chunk k+1 itself, its raw log-odds (Platt keeps the ranking)
                            List<Replayed> rows = rig.chunk(k + 1, cycles);
                            Function<Replayed, double[]> raw = grow(rig, GRID.get("gbt-d2"), rows, Set.of(), null);
                            NextChunkRig.Next o = rig.nextOf(raw, rig.model.threshold(), k + 1, cycles);
                            line.append(String.format(Locale.ROOT, " | oracle AUC %.3f (%+.3f; omi-6…9 %+.3f)", o.auc(),
                                    o.auc() - base.auc(), o.unseenAuc() - base.unseenAuc()));
                            continue;
                        }
                        Setting setting = GRID.get(s);
                        if (setting == null) {
                            throw new IllegalArgumentException(s + " is not a setting of " + GRID.keySet() + " or oracle");
                        }
                        PlattScaling[] platt = new PlattScaling[1];
                        Function<Replayed, double[]> p = grow(rig, setting, cycle.all(), cycle.projectTrain(), platt);
                        List<Replayed> cal = cycle.calibration();
                        double threshold = ServiceHealthTraining.chooseThreshold(cal, cal.stream().map(p).toList());
                        NextChunkRig.Next c = rig.nextOf(p, threshold, k + 1, cycles);
                        double guard = rig.guard(p, threshold);
                        tally.add(s, c, base, rig.guardKept(guard));
                        line.append(String.format(Locale.ROOT,
                                " | %s AUC %.3f (%+.3f; omi-6…9 %+.3f) F1 %.3f FA %d EW %.1f θ %.2f Platt a %.2f guard %.1f%s %.0fs", s,
                                c.auc(), c.auc() - base.auc(), c.unseenAuc() - base.unseenAuc(), c.f1(), c.falseAlarms(),
                                c.earlyWarning(),
                                threshold, platt[0].a(), guard, rig.guardKept(guard) ? "" : " FAILS",
                                (System.nanoTime() - t0) / 1e9));
                    }
                    System.out.println(line);
                }
            }
            tally.print("TREES ");
        }
    }

    /**
     * Grows {@code setting}'s trees from the champion's log-odds on {@code corpus}'s training rows (project train rows,
     * {@code projectTrain}, weighing {@code setting.projectWeight()}); with {@code platt} non-null, Platt scaling is fitted
     * on the corpus's validation entries' raw log-odds (unweighted) and stored there, and the returned function gives the
     * calibrated probability; without it, the sigmoid of the raw log-odds.
     */
    static Function<Replayed, double[]> grow(NextChunkRig rig, Setting setting, List<Replayed> corpus,
                                             Set<Replayed> projectTrain, PlattScaling[] platt) {
        FeatureSchema schema = TelemetryFeatures.SCHEMA;
        TrainingData data = ServiceHealthTraining.trainingData(schema, BootstrapModelsMain.SEED, corpus,
                r -> projectTrain.contains(r) ? setting.projectWeight() : 1.0);
        double[] margin = logits(rig.champion, rig.onnxSchema, data.x(), data.rows());
        BoostedTrees trees = new GradientBoostingTrainer(setting.trees(), BootstrapModelsMain.SEED).train(data, margin);
        Function<Replayed, double[]> raw = r -> {
            int n = r.labels().length;
            double[] z = logits(rig.champion, rig.onnxSchema, r.features(), n);
            for (int i = 0; i < n; i++) {
                z[i] += trees.logit(r.features(), i);
            }
            return z;
        };
        PlattScaling scaling = PlattScaling.IDENTITY;
        if (platt != null) {
            List<Replayed> val = corpus.stream().filter(r -> r.entry().group().equals("validation")).toList();
            int n = val.stream().mapToInt(r -> r.labels().length).sum();
            double[] z = new double[n];
            boolean[] y = new boolean[n];
            int at = 0;
            for (Replayed r : val) {
                double[] zr = raw.apply(r);
                System.arraycopy(zr, 0, z, at, zr.length);
                System.arraycopy(r.labels(), 0, y, at, zr.length);
                at += zr.length;
            }
            float[] w = new float[n];
            Arrays.fill(w, 1f);
            scaling = PlattScaling.fit(z, y, w);
            platt[0] = scaling;
        }
        PlattScaling s = scaling;
        return r -> {
            double[] z = raw.apply(r);
            for (int i = 0; i < z.length; i++) {
                z[i] = s.apply(z[i]);
            }
            return z;
        };
    }

    /** The champion's log-odds of {@code rows} feature rows laid out as {@link TelemetryFeatures#SCHEMA}. */
    static double[] logits(LinearScorer champion, FeatureSchema onnxSchema, float[] x, int rows) {
        float[] proj = TelemetryFeatures.SCHEMA.project(x, rows, onnxSchema);
        double[] z = new double[rows];
        for (int i = 0; i < rows; i++) {
            z[i] = champion.logit(proj, i);
        }
        return z;
    }
}
