package io.commandcenter.models.train.loop;

import io.commandcenter.models.artifact.ModelArtifact;
import io.commandcenter.models.scoring.BatchScorer;
import io.commandcenter.models.train.bootstrap.AsdCorpus;
import io.commandcenter.models.train.bootstrap.BootstrapModelsMain;
import io.commandcenter.models.train.bootstrap.CorpusEntry;
import io.commandcenter.models.train.bootstrap.ServiceHealthCorpus;
import io.commandcenter.models.train.bootstrap.ServiceHealthTraining;
import io.commandcenter.models.train.bootstrap.ServiceHealthTraining.Replayed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code cc retrain-eval}: does the learning loop learn? Replays a labelled corpus (the ASD layout:
 * {@code NAME_test.csv} with a {@code label} column, {@code NAME_train.csv} its normal history) in
 * {@code cycles} time-ordered chunks. Each cycle scores its chunk with the current champion (the
 * measurement: data no model has seen), turns the chunk's labels into feedback exactly as the hub
 * would ({@link ChunkFeedback}), snapshots the feedback so far, and runs the real
 * {@link RetrainingPath} — the same trainer, evaluator and promotion rule — promoting the challenger
 * only when the rule says so. The shipped model scores every chunk too, as the baseline.
 */
public final class RetrainEval {
    /** Servers that are held out of all development: never read. */
    public static final Set<String> HELD_OUT = Set.of("omi-10", "omi-11", "omi-12");
    private static final Pattern TEST_FILE = Pattern.compile("(.+)_test\\.csv");

    private final Function<ModelArtifact, BatchScorer> scorers;
    private final Predicate<ModelArtifact> explainable;
    private final PromotionRule rule;
    private final int syntheticSeries;
    private final int validationSeries;
    private final Retrainer retrainer;
    private final boolean holdoutPerChunk;
    private RetrainingPath.Challengers challengers = RetrainingPath.Challengers.BOTH;
    private ThresholdRefit.Objective objective = ThresholdRefit.DEFAULT_OBJECTIVE;

    public RetrainEval(Function<ModelArtifact, BatchScorer> scorers, Predicate<ModelArtifact> explainable,
                       PromotionRule rule, int syntheticSeries, int validationSeries) {
        this(scorers, explainable, rule, syntheticSeries, validationSeries, new Retrainer());
    }

    /** @param retrainer the trainer step (its project weighting and threshold choice) */
    public RetrainEval(Function<ModelArtifact, BatchScorer> scorers, Predicate<ModelArtifact> explainable,
                       PromotionRule rule, int syntheticSeries, int validationSeries, Retrainer retrainer) {
        this(scorers, explainable, rule, syntheticSeries, validationSeries, retrainer, false);
    }

    /**
     * @param holdoutPerChunk split the data seen so far in one block per chunk ({@link Retrainer#withBlocks}), so the
     *                        holdout is the last part of every chunk seen rather than of the whole window
     */
    public RetrainEval(Function<ModelArtifact, BatchScorer> scorers, Predicate<ModelArtifact> explainable,
                       PromotionRule rule, int syntheticSeries, int validationSeries, Retrainer retrainer,
                       boolean holdoutPerChunk) {
        this.holdoutPerChunk = holdoutPerChunk;
        this.retrainer = retrainer;
        this.scorers = scorers;
        this.explainable = explainable;
        this.rule = rule;
        this.syntheticSeries = syntheticSeries;
        this.validationSeries = validationSeries;
    }

    /** Challengers are the champion with a re-fitted threshold ({@link ThresholdRefit}) only, rather than both kinds. */
    public RetrainEval thresholdOnly(boolean on) {
        return challengers(on ? RetrainingPath.Challengers.THRESHOLD_ONLY : RetrainingPath.Challengers.BOTH);
    }

    /** Which thresholds the threshold-only challenger's refit may choose (default {@link ThresholdRefit#DEFAULT_OBJECTIVE}, f1-ew). */
    public RetrainEval objective(ThresholdRefit.Objective which) {
        this.objective = java.util.Objects.requireNonNull(which, "objective");
        return this;
    }

    /** Which challengers each retraining makes (default {@link RetrainingPath.Challengers#BOTH}). */
    public RetrainEval challengers(RetrainingPath.Challengers which) {
        this.challengers = which;
        return this;
    }

    /**
     * The share of the data seen that a threshold-only challenger is judged on at cycle {@code k}: the last chunk
     * seen (fitted on every chunk before it, as {@code EntityOffsetStudy} measured); in the first cycle, which has
     * no earlier chunk, the last {@link RetrainingPath#DEFAULT_THRESHOLD_HOLDOUT} of it.
     */
    static double thresholdHoldout(int k) {
        return k >= 2 ? 1.0 / k : RetrainingPath.DEFAULT_THRESHOLD_HOLDOUT;
    }

    /** One cycle of the replay. */
    public record Cycle(int cycle, int cycles, String champion, Evaluator.Metrics metrics, Evaluator.Metrics shipped,
                        int confirmed, int declared, int falseAlarms, DataSnapshot snapshot, String challenger,
                        PromotionRule.Comparison comparison, boolean promoted, String reason,
                        List<RetrainingPath.Candidate> candidates) {
    }

    /** The labelled series of a directory (ASD layout), held-out servers left out; sorted by their number. */
    public static List<String> series(Path dir) throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Matcher m = TEST_FILE.matcher(p.getFileName().toString());
                if (m.matches() && !HELD_OUT.contains(m.group(1))) {
                    names.add(m.group(1));
                }
            }
        }
        names.sort(Comparator.comparing((String s) -> s.replaceAll("\\d+", "")).thenComparingInt(s -> {
            String digits = s.replaceAll("\\D+", "");
            return digits.isEmpty() ? 0 : Integer.parseInt(digits);
        }));
        return names;
    }

    /**
     * Runs the replay over {@code names} in {@code dir}, starting from {@code shipped} (the bootstrap
     * service_health), calling {@code each} after every cycle.
     */
    public List<Cycle> run(Path dir, List<String> names, int cycles, ModelArtifact shipped, Consumer<Cycle> each)
            throws IOException {
        if (cycles < 2) {
            throw new IllegalArgumentException("--cycles must be at least 2");
        }
        for (String n : names) {
            if (HELD_OUT.contains(n)) {
                throw new IllegalArgumentException(n + " is held out of all development and is never read");
            }
        }
        AsdCorpus corpus = new AsdCorpus(dir);
        List<Replayed> project = new ArrayList<>();
        for (String n : names) {
            if (!Files.isRegularFile(dir.resolve(n + "_test.csv"))) {
                throw new IllegalArgumentException("no " + n + "_test.csv in " + dir);
            }
            CorpusEntry e = Files.isRegularFile(dir.resolve(n + "_train.csv")) ? corpus.server(n, "project")
                    : new CorpusEntry(n, "project", null, AsdCorpus.load(dir.resolve(n + "_test.csv"), n + "_test"));
            project.add(ServiceHealthTraining.replay(e));
        }
        List<Replayed> shippedTraining = new ArrayList<>();
        for (CorpusEntry e : ServiceHealthCorpus.build(BootstrapModelsMain.SEED, syntheticSeries, null)) {
            shippedTraining.add(ServiceHealthTraining.replay(e));
        }
        List<Replayed> shippedValidation = new ArrayList<>();
        for (CorpusEntry e : ServiceHealthCorpus.syntheticTest(BootstrapModelsMain.SEED, validationSeries)) {
            shippedValidation.add(ServiceHealthTraining.replay(e));
        }

        Map<String, Evaluator.Scored> scoredBy = new HashMap<>();
        Function<ModelArtifact, Evaluator.Scored> scoreAll = a -> scoredBy.computeIfAbsent(a.metadata().version(),
                v -> Evaluator.score(scorers.apply(a), a.metadata(), project));
        List<boolean[]> feedbackLabels = new ArrayList<>();
        project.forEach(r -> feedbackLabels.add(new boolean[r.labels().length]));
        long feedbackRows = 0;
        ModelArtifact champion = shipped;
        List<Cycle> out = new ArrayList<>();
        for (int k = 1; k <= cycles; k++) {
            Evaluator.Scored now = scoreAll.apply(champion);
            Evaluator.Scored base = scoreAll.apply(shipped);
            List<double[]> p = new ArrayList<>();
            List<double[]> risk = new ArrayList<>();
            List<double[]> baseP = new ArrayList<>();
            List<double[]> baseRisk = new ArrayList<>();
            List<boolean[]> labels = new ArrayList<>();
            int confirmed = 0;
            int declared = 0;
            int falseAlarms = 0;
            List<Replayed> seen = new ArrayList<>();
            for (int s = 0; s < project.size(); s++) {
                Replayed r = project.get(s);
                int n = r.labels().length;
                int from = (int) ((long) n * (k - 1) / cycles);
                int to = (int) ((long) n * k / cycles);
                p.add(Arrays.copyOfRange(now.probability().get(s), from, to));
                risk.add(Arrays.copyOfRange(now.risk().get(s), from, to));
                baseP.add(Arrays.copyOfRange(base.probability().get(s), from, to));
                baseRisk.add(Arrays.copyOfRange(base.risk().get(s), from, to));
                labels.add(Arrays.copyOfRange(r.labels(), from, to));
                ChunkFeedback f = ChunkFeedback.of(now.risk().get(s), now.threshold(), r.labels(), from, to);
                System.arraycopy(f.labels(), 0, feedbackLabels.get(s), from, to - from);
                confirmed += f.confirmed();
                declared += f.declared();
                falseAlarms += f.falseAlarms();
                feedbackRows += f.feedbackRows();
                Replayed upTo = Retrainer.slice(r, "project", 0, to, true);
                seen.add(new Replayed(upTo.entry(), upTo.historyFeatures(), upTo.historyRows(), upTo.features(),
                        Arrays.copyOfRange(feedbackLabels.get(s), 0, to), upTo.historyNovelty(), upTo.novelty()));
            }
            Evaluator.Metrics metrics = Evaluator.measure(p, risk, labels, now.threshold());
            Evaluator.Metrics baseline = Evaluator.measure(baseP, baseRisk, labels, base.threshold());
            DataSnapshot snapshot = DataSnapshot.of(seen, feedbackRows, "chunks 1-" + k + " of " + cycles);
            String version = nextVersion(shipped.metadata().version(), k);
            // with a holdout per chunk, the split has one block per chunk seen: every chunk's last part judges
            RetrainingPath path = new RetrainingPath(holdoutPerChunk ? retrainer.withBlocks(k) : retrainer, rule,
                    shippedTraining, shippedValidation, scorers, explainable, challengers, thresholdHoldout(k),
                    objective);
            RetrainingPath.Result result = path.run(snapshot, champion, version);
            Cycle cycle = new Cycle(k, cycles, champion.metadata().version(), metrics, baseline, confirmed, declared,
                    falseAlarms, snapshot, result.challenger().artifact().metadata().version(), result.comparison(), result.verdict().promote(),
                    result.verdict().reason(), result.candidates());
            out.add(cycle);
            each.accept(cycle);
            if (result.verdict().promote()) {
                champion = result.challenger().artifact();
            }
        }
        return out;
    }

    /** {@code 2.0.0} → {@code 2.1.k}: a retrained version of the shipped model. */
    static String nextVersion(String shipped, int k) {
        String[] parts = shipped.split("\\.");
        int minor = parts.length > 1 && parts[1].matches("\\d+") ? Integer.parseInt(parts[1]) + 1 : 1;
        return parts[0] + "." + minor + "." + k;
    }
}
