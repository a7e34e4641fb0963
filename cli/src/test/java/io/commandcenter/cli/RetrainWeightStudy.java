package io.commandcenter.cli;

import io.commandcenter.cli.NextChunkRig.Next;
import io.commandcenter.inference.BackendScorer;
import io.commandcenter.models.artifact.ModelMetadata;
import io.commandcenter.models.train.bootstrap.BootstrapModelsMain;
import io.commandcenter.models.train.bootstrap.CorpusEntry;
import io.commandcenter.models.train.bootstrap.ServiceHealthTraining;
import io.commandcenter.models.train.bootstrap.ServiceHealthTraining.Replayed;
import io.commandcenter.models.features.FeatureSchema;
import io.commandcenter.models.scoring.LinearScorer;
import io.commandcenter.models.train.loop.Evaluator;
import io.commandcenter.models.train.loop.FineTune;
import io.commandcenter.models.train.loop.RetrainEval;
import io.commandcenter.models.train.loop.Retrainer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A study for the learning loop (guide 18.11), not a test: its name is outside surefire's includes, so it runs
 * only when named. Can a retrained challenger's <em>weights</em> rank the next, unseen chunk better than the shipped
 * service_health — the AUC half of the loop's target, which no threshold moves? For N chunkings and every cycle k
 * (1 … N−1) the project's labelled rows of chunks 1…k (the labels the hub's feedback gives them:
 * {@code ChunkFeedback}'s labels are the true incident rows) are split as the retrainer splits them
 * ({@link Retrainer#split}: 60 % train, 20 % validation, 20 % holdout per series) and a challenger is trained as
 * {@link Retrainer#train} trains it (shipped corpus + project train and validation rows, {@link ServiceHealthTraining}),
 * each project train row weighing {@code w} against a shipped row's 1 (w = 0 for shipped training rows:
 * "project only"; "normals" and "normals3": the shipped training entries' normal rows only, with project rows
 * weighing 1 or 3, so every incident row learnt from is the project's). It is measured on chunk k+1 (pooled ROC AUC of the probability, F1 per incident at its own
 * threshold) against the shipped model on the same rows (ONNX Runtime), and on the shipped validation series
 * (early warning: the promotion rule's guard, 2 points of tolerance). Everything is seeded: the figures do not
 * depend on the load. Held-out servers are never read ({@link RetrainEval#series}).
 *
 * <p>Guide 18.12 adds warm starts ({@link FineTune}): settings {@code ft<anchor>x<steps>[r<replay>]} fine-tune the
 * shipped model's own weights on the split's project train rows (anchored to those weights, the shipped training rows
 * replayed), then Platt scaling and the threshold on the validation entries as the retrainer fits them; {@code ft} is
 * the cell of {@link #FT_GRID} that {@link #choose} picks from the rows of chunks 1…k only; {@code ftoracle} (never a
 * candidate) fits chunk k+1 itself, the ceiling of what re-weighting these features can do to that chunk's AUC.
 *
 * <pre>
 * ./mvnw -B -o -Dmaven.repo.local=… test -pl cli -Dtest=RetrainWeightStudy -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dstudy.asd=../../shared/data/asd [-Dstudy.weights=1,3,10,30,only,normals,normals3] [-Dstudy.cycles=4,5,6]   # prints STUDY lines
 * # 18.12: -Dstudy.weights=ft,ft0.001x1,ft0.001x4,ft0.01x1,ft0.01x4,ft0.1x1,ft0.1x4,ft1x1,ft1x4,ftoracle
 * </pre>
 */
class RetrainWeightStudy {

    @Test
    @org.junit.jupiter.api.Timeout(3600)
    void study() throws Exception {
        Path dir = Path.of(System.getProperty("study.asd", "../../shared/data/asd"));
        Assumptions.assumeTrue(Files.isDirectory(dir), "no ASD folder at " + dir.toAbsolutePath());
        String[] weights = System.getProperty("study.weights", "1,3,10,30,only,normals,normals3").split(",");
        try (NextChunkRig rig = NextChunkRig.open(dir)) {
            List<Replayed> project = rig.project;
            List<Replayed> shipped = rig.shipped;
            List<Replayed> validation = rig.validation;
            // "normals": the shipped training entries' normal rows only (incident rows and the rows right after them
            // dropped, as training drops those), so every incident row the challenger learns from is the project's
            List<Replayed> shippedNormals = new ArrayList<>();
            for (Replayed r : shipped) {
                shippedNormals.add(r.entry().group().equals("train") ? normals(r) : r);
            }
            ModelMetadata m = rig.model;
            BackendScorer scorer = rig.scorer;
            double baseGuard = rig.baseGuard;
            System.out.printf(Locale.ROOT, "STUDY service_health %s, %s, shipped validation early warning %.1f%n",
                    m.version(), rig.names, baseGuard);
            Retrainer retrainer = new Retrainer();
            NextChunkRig.Tally tally = new NextChunkRig.Tally();
            LinearScorer champion = rig.champion;
            FeatureSchema onnxSchema = rig.onnxSchema;
            for (int cycles : NextChunkRig.chunkings()) {
                for (int k = 1; k < cycles; k++) {
                    NextChunkRig.Cycle cycle = rig.cycle(cycles, k, retrainer);
                    Retrainer.Split split = cycle.split();
                    Set<Replayed> train = cycle.projectTrain();
                    List<Replayed> all = cycle.all();
                    Next baseNext = rig.baseNext(k + 1, cycles);
                    StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                            "STUDY N %d chunk %d | shipped AUC %.3f (omi-6…9 %.3f) F1 %.3f FA %d", cycles, k + 1, baseNext.auc(),
                            baseNext.unseenAuc(), baseNext.f1(),
                            baseNext.falseAlarms()));
                    // fine-tune cells (guide 18.12): every grid cell is fitted; "ft" is the one the rule chooses
                    java.util.Map<String, Cell> cells = new java.util.LinkedHashMap<>();
                    boolean anyFt = Arrays.stream(weights).anyMatch(w -> w.startsWith("ft"));
                    if (anyFt) {
                        List<Replayed> cal = cycle.calibration();
                        List<String> grid = new ArrayList<>(FT_GRID);
                        Arrays.stream(weights).filter(w -> w.startsWith("ft") && !w.equals("ft") && !w.equals("ftoracle")
                                && !grid.contains(w))
                                .forEach(grid::add);
                        for (String g : grid) {
                            cells.put(g, fineTune(rig, split, cal, g, k + 1, cycles));
                        }
                        Evaluator.Scored h = Evaluator.score(scorer, m, split.holdout());
                        double baseHoldout = Evaluator.measure(h.probability(), h.risk(),
                                split.holdout().stream().map(Replayed::labels).toList(), m.threshold()).auc();
                        Cell stay = new Cell("champion", baseNext, baseHoldout, baseGuard, m.threshold(), Double.NaN,
                                fitAuc(champion, onnxSchema, split.train()));
                        cells.put("ft", choose(stay, cells, baseGuard));
                        // not a candidate: the same fine-tune fitted on chunk k+1 itself (in-sample), the most a
                        // re-weighting of these features could raise that chunk's AUC from the champion's
                        Retrainer.Split oracle = new Retrainer.Split(rig.chunk(k + 1, cycles), List.of(), split.holdout());
                        cells.put("ftoracle", fineTune(rig, oracle, cal, "ft0.001x4", k + 1, cycles));
                    }
                    for (String w : weights) {
                        if (w.startsWith("ft")) {
                            Cell cell = cells.get(w);
                            if (cell == null) {
                                throw new IllegalArgumentException(w + " is not in the fine-tune grid " + FT_GRID);
                            }
                            Next c = cell.next;
                            double guard = cell.guard;
                            tally.add(w, c, baseNext, rig.guardKept(guard));
                            line.append(String.format(Locale.ROOT,
                                    " | w=%s%s AUC %.3f (%+.3f; omi-6…9 %+.3f) F1 %.3f FA %d θ %.2f Platt a %.2f fit-rows AUC %.3f holdout AUC %.3f guard %.1f%s",
                                    w, w.equals("ft") ? "[" + cell.name + "]" : "", c.auc(), c.auc() - baseNext.auc(),
                                    c.unseenAuc() - baseNext.unseenAuc(), c.f1(), c.falseAlarms(), cell.threshold, cell.plattA,
                                    cell.trainAuc, cell.holdoutAuc, guard, guard < baseGuard - 2 ? " FAILS" : ""));
                            continue;
                        }
                        boolean only = w.equals("only");
                        boolean normals = w.startsWith("normals");
                        double pw = only ? 1 : normals ? (w.length() > 7 ? Double.parseDouble(w.substring(7)) : 1)
                                : Double.parseDouble(w);
                        List<Replayed> corpusFor = all;
                        if (normals) {
                            corpusFor = new ArrayList<>(shippedNormals);
                            corpusFor.addAll(split.train());
                            corpusFor.addAll(split.validation());
                        }
                        ServiceHealthTraining.Outcome o = new ServiceHealthTraining(
                                BootstrapModelsMain.serviceHealthTrainer(BootstrapModelsMain.SEED))
                                .train(corpusFor, r -> train.contains(r) ? pw : only ? 0 : 1);
                        List<double[]> p = new ArrayList<>();
                        List<double[]> risk = new ArrayList<>();
                        for (Replayed r : project) {
                            double[] q = ServiceHealthTraining.probability(o.model(), r);
                            p.add(q);
                            risk.add(ServiceHealthTraining.calibrate(q, r, o.threshold()));
                        }
                        Next c = NextChunkRig.next(project, p, risk, o.threshold(), k + 1, cycles);
                        double guard = rig.guard(r -> ServiceHealthTraining.probability(o.model(), r), o.threshold());
                        tally.add(w, c, baseNext, rig.guardKept(guard));
                        line.append(String.format(Locale.ROOT, " | w=%s AUC %.3f (%+.3f; omi-6…9 %+.3f) F1 %.3f FA %d θ %.2f Platt a %.2f guard %.1f%s",
                                w, c.auc(), c.auc() - baseNext.auc(), c.unseenAuc() - baseNext.unseenAuc(), c.f1(), c.falseAlarms(), o.threshold(), o.platt().a(), guard,
                                guard < baseGuard - 2 ? " FAILS" : ""));
                    }
                    System.out.println(line);
                }
            }
            tally.print("STUDY w=");
        }
    }

    /**
     * The fine-tune grid (guide 18.12), fixed before any figure was seen: anchor (pull toward the champion's weights,
     * per unit of mean row loss, in each feature's own standard deviation) × Newton steps; the shipped training rows
     * replayed at the project rows' total weight.
     */
    static final List<String> FT_GRID = List.of("ft0.001x1", "ft0.001x4", "ft0.01x1", "ft0.01x4", "ft0.1x1", "ft0.1x4",
            "ft1x1", "ft1x4");

    /** One fine-tuned challenger: its figures on the next chunk, on the split's holdout and on the guard. */
    record Cell(String name, Next next, double holdoutAuc, double guard, double threshold, double plattA, double trainAuc) {
    }

    /**
     * The rule, stated before looking: among the grid cells that keep the shipped-validation guard (early warning
     * not more than 2 below the shipped model's), the one with the highest pooled ROC AUC on the split's own project
     * holdout (the last 20 % of every series seen, never fitted); the first in grid order on ties; none keeping the
     * guard — or none above the champion's own holdout AUC (a zero-step fine-tune, first in the order) — the champion.
     * Only rows of chunks 1…k decide.
     */
    static Cell choose(Cell champion, java.util.Map<String, Cell> cells, double baseGuard) {
        Cell best = champion;
        for (String g : FT_GRID) {
            Cell c = cells.get(g);
            if (c.guard >= baseGuard - 2 && c.holdoutAuc > best.holdoutAuc + 1e-12) {
                best = c;
            }
        }
        return best;
    }

    static Cell fineTune(NextChunkRig rig, Retrainer.Split split, List<Replayed> cal, String cell, int k, int cycles) {
        // ft<anchor>x<steps>[r<replay>]: the replay defaults to 1 (the shipped rows weigh as much as the project's)
        String[] ar = cell.substring(2).split("r");
        String[] ax = ar[0].split("x");
        FineTune.Settings s = new FineTune.Settings(Double.parseDouble(ax[0]), Integer.parseInt(ax[1]),
                ar.length > 1 ? Double.parseDouble(ar[1]) : 1.0, BootstrapModelsMain.SEED);
        FeatureSchema onnxSchema = rig.onnxSchema;
        LinearScorer tuned = FineTune.fit(rig.champion, onnxSchema, split.train(), rig.shipped, s);
        FineTune.Calibrated c = FineTune.calibrate(tuned, onnxSchema, cal);
        java.util.function.Function<Replayed, double[]> p = r -> FineTune.probability(c.model(), onnxSchema, r);
        Next next = rig.nextOf(p, c.threshold(), k, cycles);
        List<double[]> hp = new ArrayList<>();
        List<double[]> hr = new ArrayList<>();
        for (Replayed r : split.holdout()) {
            double[] q = p.apply(r);
            hp.add(q);
            hr.add(ServiceHealthTraining.calibrate(q, r, c.threshold()));
        }
        double holdoutAuc = Evaluator.measure(hp, hr, split.holdout().stream().map(Replayed::labels).toList(),
                c.threshold()).auc();
        double trainAuc = fitAuc(c.model(), onnxSchema, split.train());
        return new Cell(cell, next, holdoutAuc, rig.guard(p, c.threshold()), c.threshold(), c.platt().a(), trainAuc);
    }

    /** Pooled ROC AUC of a logit's probability over the scored rows of the fitted entries (in-sample: the optimiser's check). */
    static double fitAuc(LinearScorer model, FeatureSchema onnxSchema, List<Replayed> train) {
        List<double[]> p = new ArrayList<>();
        for (Replayed r : train) {
            p.add(FineTune.probability(model, onnxSchema, r));
        }
        return Evaluator.measure(p, p, train.stream().map(Replayed::labels).toList(), 0.5).auc();
    }

    /** {@code r}'s normal rows (no incident row, none of the 12 after an incident), with its history. */
    static Replayed normals(Replayed r) {
        boolean[] lab = r.labels();
        io.commandcenter.models.synthetic.LabelledSeries s = r.entry().scored();
        int n = lab.length;
        if (s.rows() != n) {
            throw new IllegalStateException(r.entry().name() + ": scored rows differ from replayed rows");
        }
        int nf = io.commandcenter.models.features.TelemetryFeatures.SCHEMA.size();
        int m = s.metrics().size();
        List<Integer> keep = new ArrayList<>();
        int sinceEnd = Integer.MAX_VALUE / 2;
        for (int i = 0; i < n; i++) {
            sinceEnd = lab[i] ? 0 : sinceEnd + 1;
            if (!lab[i] && sinceEnd > 12) {
                keep.add(i);
            }
        }
        long[] times = new long[keep.size()];
        double[] values = new double[keep.size() * m];
        float[] features = new float[keep.size() * nf];
        for (int j = 0; j < keep.size(); j++) {
            int i = keep.get(j);
            times[j] = s.times()[i];
            System.arraycopy(s.values(), i * m, values, j * m, m);
            System.arraycopy(r.features(), i * nf, features, j * nf, nf);
        }
        boolean[] none = new boolean[keep.size()];
        io.commandcenter.models.synthetic.LabelledSeries cut = new io.commandcenter.models.synthetic.LabelledSeries(
                s.name(), s.metrics(), s.axis(), times, values, none, s.kinds());
        return new Replayed(new CorpusEntry(r.entry().name() + "[normals]", r.entry().group(), r.entry().history(), cut),
                r.historyFeatures(), r.historyRows(), features, none);
    }
}
