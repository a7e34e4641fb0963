package io.commandcenter.cli;

import io.commandcenter.inference.BackendScorer;
import io.commandcenter.inference.ModelKey;
import io.commandcenter.inference.onnx.OnnxBackend;
import io.commandcenter.models.artifact.ModelArtifact;
import io.commandcenter.models.artifact.ModelMetadata;
import io.commandcenter.models.bootstrap.BootstrapModels;
import io.commandcenter.models.features.FeatureSchema;
import io.commandcenter.models.scoring.LinearScorer;
import io.commandcenter.models.train.bootstrap.AsdCorpus;
import io.commandcenter.models.train.bootstrap.BootstrapModelsMain;
import io.commandcenter.models.train.bootstrap.CorpusEntry;
import io.commandcenter.models.train.bootstrap.ServiceHealthCorpus;
import io.commandcenter.models.train.bootstrap.ServiceHealthTraining;
import io.commandcenter.models.train.bootstrap.ServiceHealthTraining.Replayed;
import io.commandcenter.models.train.loop.DataSnapshot;
import io.commandcenter.models.train.loop.Evaluator;
import io.commandcenter.models.train.loop.OnnxLogit;
import io.commandcenter.models.train.loop.RetrainEval;
import io.commandcenter.models.train.loop.Retrainer;
import io.commandcenter.models.train.loop.ThresholdRefit;
import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The set-up the learning loop's next-chunk studies share (guide 18.11–18.14: {@code RetrainWeightStudy},
 * {@code TreeChallengerStudy}, {@code EntityAlignmentStudy}): ASD omi-1…9 replayed as the project (held-out servers never
 * read: {@link RetrainEval#series}), the shipped corpus the loop retrains on (60 synthetic series + 40 health streams),
 * the 20 shipped validation series of the promotion rule's guard, and the shipped service_health scored once through
 * ONNX Runtime (its probability on every project row, its guard figure, and its logit read from its own ONNX bytes).
 * {@link #cycle} cuts chunks 1…k and splits them as {@link Retrainer#split} does; {@link #next} measures chunk k+1.
 */
final class NextChunkRig implements AutoCloseable {
    /** The promotion rule's tolerance on the shipped validation series' early warning. */
    static final double GUARD_TOLERANCE = 2;

    final List<String> names;
    final List<Replayed> project;
    final List<Replayed> shipped;
    final List<Replayed> validation;
    final ModelArtifact artifact;
    final ModelMetadata model;
    final BackendScorer scorer;
    /** The shipped model's probability and risk on every project row (ONNX Runtime). */
    final Evaluator.Scored base;
    /** The shipped model's early warning on the shipped validation series. */
    final double baseGuard;
    /** The shipped model's logit (Platt folded in), from its ONNX bytes, over {@link #onnxSchema}. */
    final LinearScorer champion;
    final FeatureSchema onnxSchema;
    private final OnnxBackend backend;

    private NextChunkRig(Path dir) throws Exception {
        names = RetrainEval.series(dir);
        AsdCorpus corpus = new AsdCorpus(dir);
        project = new ArrayList<>();
        for (String n : names) {
            project.add(ServiceHealthTraining.replay(corpus.server(n, "project")));
        }
        shipped = new ArrayList<>();
        for (CorpusEntry e : ServiceHealthCorpus.build(BootstrapModelsMain.SEED, 60, null)) {
            shipped.add(ServiceHealthTraining.replay(e));
        }
        validation = new ArrayList<>();
        for (CorpusEntry e : ServiceHealthCorpus.syntheticTest(BootstrapModelsMain.SEED, 20)) {
            validation.add(ServiceHealthTraining.replay(e));
        }
        backend = new OnnxBackend();
        try {
            artifact = new BootstrapModels().load("service_health");
            ModelKey key = ModelKey.of(artifact.metadata(), artifact.onnxSha256());
            backend.load(key, artifact);
            model = artifact.metadata();
            scorer = new BackendScorer(backend, key);
            base = Evaluator.score(scorer, model, project);
            baseGuard = Evaluator.measure(scorer, model, validation).earlyWarning();
            champion = OnnxLogit.read(artifact.onnx(), model.positiveIndex());
            onnxSchema = new FeatureSchema(model.features());
        } catch (Exception | Error e) {
            backend.close();
            throw e;
        }
    }

    static NextChunkRig open(Path dir) throws Exception {
        return new NextChunkRig(dir);
    }

    /** The ASD folder of {@code -Dstudy.asd}; a study without it is skipped (a JUnit assumption), not failed. */
    static Path asd() {
        Path dir = Path.of(System.getProperty("study.asd", "../../shared/data/asd"));
        Assumptions.assumeTrue(Files.isDirectory(dir), "no ASD folder at " + dir.toAbsolutePath());
        return dir;
    }

    /** The shipped model's log-odds on every project row (its logit from its ONNX bytes), per series. */
    List<double[]> championLogits() {
        List<double[]> z = new ArrayList<>();
        for (Replayed r : project) {
            z.add(TreeChallengerStudy.logits(champion, onnxSchema, r.features(), r.labels().length));
        }
        return z;
    }

    /**
     * A challenger that keeps the champion's weights for the shipped validation series ({@code validationP}, their
     * probability as shipped) and gives the project's rows probability {@code p}: chunk k+1 measured at the shipped
     * threshold, and at the threshold refitted on chunks 1…k ({@code seen}) as the threshold-only challenger refits it
     * ({@link ThresholdRefit#threshold}, its default objective), each with its guard figure.
     */
    Refit atAndRefit(List<double[]> p, List<double[]> validationP, List<Replayed> seen, int k, int cycles) {
        Next at = nextWithOnset(p, model.threshold(), k + 1, cycles);
        double atGuard = guardWithOnset(validationP, model.threshold());
        List<double[]> seenP = new ArrayList<>();
        for (int s = 0; s < seen.size(); s++) {
            seenP.add(Arrays.copyOf(p.get(s), seen.get(s).labels().length));
        }
        double th = ThresholdRefit.threshold(model, seenP, seen, ThresholdRefit.F1_EW_LAMBDA);
        return new Refit(at, atGuard, nextWithOnset(p, th, k + 1, cycles), th, guardWithOnset(validationP, th));
    }

    /** {@link #atAndRefit}'s figures: at the shipped threshold, and refitted ({@code threshold}, its guard). */
    record Refit(Next at, double atGuard, Next refit, double threshold, double guard) {
    }

    /** The chunkings to study: {@code -Dstudy.cycles}, 4,5,6 by default. */
    static int[] chunkings() {
        return Arrays.stream(System.getProperty("study.cycles", "4,5,6").split(",")).mapToInt(Integer::parseInt).toArray();
    }

    /**
     * Cycle {@code k} of {@code cycles}: the project's rows of chunks 1…k ({@code seen}, with their normal history), split
     * as {@code retrainer} splits them, and the corpus a retrained challenger is fitted on ({@code all}: the shipped
     * entries plus the split's train and validation parts; {@code projectTrain} tells the split's train entries apart).
     */
    record Cycle(int cycles, int k, List<Replayed> seen, Retrainer.Split split, List<Replayed> all,
                 Set<Replayed> projectTrain) {
        /** The validation entries of {@link #all}: what Platt scaling and the threshold are fitted on. */
        List<Replayed> calibration() {
            return all.stream().filter(r -> r.entry().group().equals("validation")).toList();
        }
    }

    Cycle cycle(int cycles, int k, Retrainer retrainer) {
        List<Replayed> seen = new ArrayList<>();
        for (Replayed r : project) {
            seen.add(Retrainer.slice(r, "project", 0, (int) ((long) r.labels().length * k / cycles), true));
        }
        Retrainer.Split split = retrainer.split(DataSnapshot.of(seen, 0, "chunks 1-" + k + " of " + cycles));
        Set<Replayed> train = Collections.newSetFromMap(new IdentityHashMap<>());
        train.addAll(split.train());
        List<Replayed> all = new ArrayList<>(shipped);
        all.addAll(split.train());
        all.addAll(split.validation());
        return new Cycle(cycles, k, seen, split, all, train);
    }

    /** Chunk {@code k} (1-based) of every project series as a {@code train} entry (an oracle's rows). */
    List<Replayed> chunk(int k, int cycles) {
        List<Replayed> rows = new ArrayList<>();
        for (Replayed r : project) {
            int n = r.labels().length;
            rows.add(Retrainer.slice(r, "train", (int) ((long) n * (k - 1) / cycles), (int) ((long) n * k / cycles), false));
        }
        return rows;
    }

    /** The shipped model on chunk {@code k} (1-based). */
    Next baseNext(int k, int cycles) {
        return next(project, base.probability(), base.risk(), model.threshold(), k, cycles);
    }

    /**
     * A challenger given by its probability per series on chunk {@code k} of the project, its risk through the
     * bootstrap onset calibration ({@link ServiceHealthTraining#calibrate}) as a retrained challenger's.
     */
    Next nextOf(Function<Replayed, double[]> probability, double threshold, int k, int cycles) {
        Evaluator.Scored s = scored(project, probability, threshold);
        return next(project, s.probability(), s.risk(), threshold, k, cycles);
    }

    /** The promotion rule's guard figure: early warning on the shipped validation series (bootstrap onset calibration). */
    double guard(Function<Replayed, double[]> probability, double threshold) {
        Evaluator.Scored s = scored(validation, probability, threshold);
        return Evaluator.measure(s.probability(), s.risk(), validation.stream().map(Replayed::labels).toList(), threshold)
                .earlyWarning();
    }

    private static Evaluator.Scored scored(List<Replayed> series, Function<Replayed, double[]> probability,
                                           double threshold) {
        List<double[]> p = new ArrayList<>();
        List<double[]> risk = new ArrayList<>();
        for (Replayed r : series) {
            double[] q = probability.apply(r);
            p.add(q);
            risk.add(ServiceHealthTraining.calibrate(q, r, threshold));
        }
        return new Evaluator.Scored(p, risk, threshold);
    }

    /** The champion's weights with another probability per project series: risk through the shipped onset calibration. */
    Next nextWithOnset(List<double[]> probability, double threshold, int k, int cycles) {
        return next(project, probability, onset(project, probability, threshold), threshold, k, cycles);
    }

    /** The guard figure of probabilities of the shipped validation series through the shipped onset calibration. */
    double guardWithOnset(List<double[]> probability, double threshold) {
        return Evaluator.measure(probability, onset(validation, probability, threshold),
                validation.stream().map(Replayed::labels).toList(), threshold).earlyWarning();
    }

    private List<double[]> onset(List<Replayed> series, List<double[]> probability, double threshold) {
        List<double[]> risk = new ArrayList<>();
        for (int s = 0; s < series.size(); s++) {
            Replayed r = series.get(s);
            risk.add(model.onset().apply(probability.get(s), threshold, r.entry().scored().times(),
                    r.entry().scored().axis()));
        }
        return risk;
    }

    boolean guardKept(double guard) {
        return guard >= baseGuard - GUARD_TOLERANCE;
    }

    @Override
    public void close() {
        backend.close();
    }

    /**
     * @param unseenAuc the pooled AUC on the servers whose rows the shipped model's weights never trained on
     *                  (omi-6 calibrated it, omi-7…9 were its holdout): on omi-1…5 the shipped yardstick is in-sample
     * @param earlyWarning the early-warning score of the chunk's alarms (all nine servers)
     */
    record Next(double auc, double unseenAuc, double f1, long falseAlarms, double earlyWarning) {
    }

    /** Chunk {@code k} (1-based) of every series: pooled AUC of the probability, F1 per incident, false alarms. */
    static Next next(List<Replayed> series, List<double[]> p, List<double[]> risk, double threshold, int k, int cycles) {
        List<double[]> ps = new ArrayList<>();
        List<double[]> rs = new ArrayList<>();
        List<boolean[]> ls = new ArrayList<>();
        for (int s = 0; s < series.size(); s++) {
            int n = series.get(s).labels().length;
            int from = (int) ((long) n * (k - 1) / cycles);
            int to = (int) ((long) n * k / cycles);
            ps.add(Arrays.copyOfRange(p.get(s), from, to));
            rs.add(Arrays.copyOfRange(risk.get(s), from, to));
            ls.add(Arrays.copyOfRange(series.get(s).labels(), from, to));
        }
        Evaluator.Metrics x = Evaluator.measure(ps, rs, ls, threshold);
        List<Integer> unseen = new ArrayList<>();
        for (int s = 0; s < series.size(); s++) {
            if (!ServiceHealthCorpus.ASD_TRAIN.contains(series.get(s).entry().name())) {
                unseen.add(s);
            }
        }
        Evaluator.Metrics u = Evaluator.measure(unseen.stream().map(ps::get).toList(), unseen.stream().map(rs::get).toList(),
                unseen.stream().map(ls::get).toList(), threshold);
        return new Next(x.auc(), u.auc(), x.f1(), x.falseAlarms(), x.earlyWarning());
    }

    /** Per setting, over the next chunks judged: AUC above the shipped model's, on omi-6…9, guard kept, both; mean ΔAUC. */
    static final class Tally {
        private final Map<String, double[]> counts = new LinkedHashMap<>();

        void add(String setting, Next challenger, Next shipped, boolean guardKept) {
            double[] t = counts.computeIfAbsent(setting, x -> new double[7]);
            boolean up = challenger.auc > shipped.auc;
            t[0]++;
            t[1] += up ? 1 : 0;
            t[2] += challenger.unseenAuc > shipped.unseenAuc ? 1 : 0;
            t[3] += guardKept ? 1 : 0;
            t[4] += guardKept && up ? 1 : 0;
            t[5] += challenger.auc - shipped.auc;
            t[6] += challenger.unseenAuc - shipped.unseenAuc;
        }

        void print(String prefix) {
            counts.forEach((w, t) -> System.out.printf(Locale.ROOT,
                    "%s%s: of %d next chunks, AUC above the shipped model's on %d (omi-6…9: %d), guard kept on %d, "
                            + "both on %d; mean ΔAUC %+.4f (omi-6…9 %+.4f)%n", prefix, w, (int) t[0], (int) t[1], (int) t[2],
                    (int) t[3], (int) t[4], t[5] / t[0], t[6] / t[0]));
        }
    }
}
