package io.commandcenter.cli;

import io.commandcenter.common.json.Json;
import io.commandcenter.inference.BackendScorer;
import io.commandcenter.inference.ModelKey;
import io.commandcenter.inference.explain.ExplainabilityValidator;
import io.commandcenter.inference.onnx.OnnxBackend;
import io.commandcenter.models.artifact.ModelArtifact;
import io.commandcenter.models.bootstrap.BootstrapModels;
import io.commandcenter.models.synthetic.LabelledSeries;
import io.commandcenter.models.synthetic.SyntheticTelemetry;
import io.commandcenter.models.train.bootstrap.BootstrapModelsMain;
import io.commandcenter.models.train.bootstrap.CorpusEntry;
import io.commandcenter.models.train.bootstrap.ServiceHealthCorpus;
import io.commandcenter.models.train.bootstrap.ServiceHealthTraining;
import io.commandcenter.models.train.bootstrap.ServiceHealthTraining.Replayed;
import io.commandcenter.models.train.loop.DataSnapshot;
import io.commandcenter.models.train.loop.PromotionRule;
import io.commandcenter.models.train.loop.Retrainer;
import io.commandcenter.models.train.loop.RetrainingPath;
import io.commandcenter.models.train.loop.ThresholdRefit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The learning loop's retraining path with models run by ONNX Runtime: a better challenger is
 * promoted, a worse one refused; {@code cc retrain-eval} replays a labelled corpus in cycles.
 */
class RetrainEvalTest {
    @TempDir
    static Path dir;
    static OnnxBackend backend;
    static RetrainingPath path;
    static List<Replayed> validation;
    static List<Replayed> project = new ArrayList<>();

    record Result(int exit, String out, String err) {
    }

    static Result cc(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Cc.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(exit, out.toString(), err.toString());
    }

    /** A small corpus in the ASD layout: NAME_train.csv (normal history) and NAME_test.csv (labelled). */
    @BeforeAll
    static void corpus() throws IOException {
        SyntheticTelemetry gen = new SyntheticTelemetry(41);
        for (int s = 1; s <= 3; s++) {
            write(dir.resolve("srv-" + s + "_train.csv"), gen.series("h" + s, 1200, 4, 0));
            write(dir.resolve("srv-" + s + "_test.csv"), gen.series("t" + s, 3000, 4, 5));
        }
        // a held-out server's files: never to be read (the command leaves them out by name)
        Files.writeString(dir.resolve("omi-10_test.csv"), "not a corpus\n");
        backend = new OnnxBackend();
        ExplainabilityValidator validator = new ExplainabilityValidator(backend);
        List<Replayed> shipped = new ArrayList<>();
        for (CorpusEntry e : ServiceHealthCorpus.build(BootstrapModelsMain.SEED, 2, null)) {
            if (e.health() == null) {
                shipped.add(ServiceHealthTraining.replay(e));
            }
        }
        List<Replayed> validation = new ArrayList<>();
        for (CorpusEntry e : ServiceHealthCorpus.syntheticTest(BootstrapModelsMain.SEED, 3)) {
            validation.add(ServiceHealthTraining.replay(e));
        }
        RetrainEvalTest.validation = validation;
        path = new RetrainingPath(new Retrainer(), PromotionRule.DEFAULT, shipped, validation, RetrainEvalTest::scorer,
                a -> validator.validate(ModelKey.of(a.metadata(), a.onnxSha256()), a).explainable());
        for (int s = 1; s <= 3; s++) {
            project.add(ServiceHealthTraining.replay(new io.commandcenter.models.train.bootstrap.AsdCorpus(dir)
                    .server("srv-" + s, "project")));
        }
    }

    @AfterAll
    static void close() {
        backend.close();
    }

    static BackendScorer scorer(ModelArtifact a) {
        ModelKey key = ModelKey.of(a.metadata(), a.onnxSha256());
        backend.load(key, a);
        return new BackendScorer(backend, key);
    }

    static void write(Path file, LabelledSeries s) throws IOException {
        StringBuilder csv = new StringBuilder("t");
        for (int m = 0; m < s.metrics().size(); m++) {
            csv.append(",m").append(m + 1);
        }
        csv.append(",label\n");
        int k = s.metrics().size();
        for (int i = 0; i < s.times().length; i++) {
            csv.append(i);
            for (int m = 0; m < k; m++) {
                csv.append(',').append(String.format(Locale.ROOT, "%.4f", s.values()[i * k + m]));
            }
            csv.append(',').append(s.labels()[i] ? 1 : 0).append('\n');
        }
        Files.writeString(file, csv);
    }

    /** The project's series with the labels of every row before {@code realFrom} (a fraction) scrambled. */
    static DataSnapshot snapshot(double realFrom) {
        SplittableRandom rnd = new SplittableRandom(5);
        List<Replayed> out = new ArrayList<>();
        for (Replayed r : project) {
            boolean[] labels = r.labels().clone();
            int cut = (int) (labels.length * realFrom);
            for (int i = 0; i < cut; i += 20) {
                boolean noise = rnd.nextInt(8) == 0;
                for (int j = i; j < Math.min(cut, i + 20); j++) {
                    labels[j] = noise;
                }
            }
            out.add(new Replayed(r.entry(), r.historyFeatures(), r.historyRows(), r.features(), labels));
        }
        return DataSnapshot.of(out, 0, realFrom == 0 ? "true labels" : "scrambled labels");
    }

    @Test
    void aChallengerTrainedOnTheTruth_beatsAChampionTrainedOnNoise_andTheReverseIsRefused() {
        DataSnapshot truth = snapshot(0);
        DataSnapshot noise = snapshot(0.8); // scrambled where it trains, true where it is judged
        ModelArtifact noisy = new Retrainer().train(noise, List.of(), "0.9.0", "none").artifact();

        RetrainingPath.Result better = path.run(truth, noisy, "2.1.1");
        RetrainingPath.Result worse = path.run(noise, better.challenger().artifact(), "2.1.2");

        assertThat(better.verdict().promote()).as(better.verdict().reason()).isTrue();
        assertThat(better.comparison().challengerProject().f1())
                .isGreaterThan(better.comparison().championProject().f1() + PromotionRule.DEFAULT.margin());
        assertThat(better.challenger().artifact().metadata().version()).isEqualTo("2.1.1");
        assertThat(better.challenger().artifact().metadata().provenance()).containsEntry("parent", "0.9.0")
                .containsEntry("data_hash", truth.sha256());
        assertThat(worse.verdict().promote()).as(worse.verdict().reason()).isFalse();
        assertThat(worse.verdict().reason()).isNotBlank();
        assertThat(worse.comparison().challengerProject().f1()).isLessThan(worse.comparison().championProject().f1());
    }

    @Test
    void tooLittleLabelledData_keepsTheChampion_andSaysWhy() {
        List<Replayed> quiet = project.stream().map(r -> new Replayed(r.entry(), r.historyFeatures(), r.historyRows(),
                r.features(), new boolean[r.labels().length])).toList();
        RetrainingPath.Result r = path.run(DataSnapshot.of(quiet, 0, "no incidents"),
                new BootstrapModels().load("service_health"), "2.1.9");
        assertThat(r.verdict().promote()).isFalse();
        assertThat(r.verdict().reason()).startsWith("too little labelled data: 0 incident(s)");
    }

    @Test
    void retrainEval_printsOneJsonObjectPerCycle_drawsTheChart_andNeverReadsHeldOutServers() throws Exception {
        Path png = dir.resolve("cycles.png");
        Result r = cc("retrain-eval", "--data", dir.toString(), "--cycles", "2", "--synthetic", "4",
                "--validation-series", "3", "--json", "--plot", png.toString());

        assertThat(r.exit()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(2);
        String shipped = new BootstrapModels().load("service_health").metadata().version();
        Map<String, Object> first = Json.parseObject(lines.get(0));
        Map<String, Object> second = Json.parseObject(lines.get(1));
        assertThat(first).containsKeys("precision", "recall", "f1", "auc", "early_warning", "calibration_error",
                "promoted", "reason", "challenger", "data_hash", "feedback_rows", "shipped_f1");
        assertThat(first.get("cycle")).isEqualTo(1L);
        assertThat(first.get("champion")).isEqualTo(shipped);
        assertThat((String) first.get("data_hash")).hasSize(64).isNotEqualTo(second.get("data_hash"));
        assertThat(((Number) first.get("rows")).longValue()).isEqualTo(3 * 1500);
        assertThat(second.get("champion")).isEqualTo(Boolean.TRUE.equals(first.get("promoted"))
                ? first.get("challenger") : shipped);
        assertThat(Files.readAllBytes(png)).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
        // by default both challengers each cycle: the retrained one, and the threshold-only one judged forward —
        // in cycle 2 on the whole of chunk 2 (rows 1500-3000 of each series), fitted on chunk 1
        for (Map<String, Object> cycle : List.of(first, second)) {
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> candidates = (List<Map<String, Object>>) cycle.get("candidates");
            assertThat(candidates).extracting(c -> c.get("kind")).containsExactly("retrained", "threshold-only");
            assertThat(candidates.get(1).get("version")).isEqualTo(candidates.get(0).get("version") + "t");
            // the one promoted is the passing one with the larger F1 gain on its own holdout
            List<Map<String, Object>> passed = candidates.stream().filter(c -> Boolean.TRUE.equals(c.get("passed")))
                    .toList();
            assertThat(cycle.get("promoted")).isEqualTo(!passed.isEmpty());
            if (!passed.isEmpty()) {
                Map<String, Object> best = passed.stream().max(java.util.Comparator.comparingDouble(c -> gain(c)))
                        .orElseThrow();
                assertThat(gain(candidates.stream().filter(c -> c.get("version").equals(cycle.get("challenger")))
                        .findFirst().orElseThrow())).isEqualTo(gain(best));
            }
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> forward = ((List<Map<String, Object>>) second.get("candidates")).get(1);
        long chunk2Incidents = 0;
        for (Replayed s : project) {
            chunk2Incidents += segments(s.labels(), 1500, 3000);
        }
        assertThat(((Number) forward.get("holdout_rows")).longValue()).isEqualTo(3 * 1500);
        assertThat(((Number) forward.get("holdout_incidents")).longValue()).isEqualTo(chunk2Incidents);
        @SuppressWarnings("unchecked")
        Map<String, Object> firstForward = ((List<Map<String, Object>>) first.get("candidates")).get(1);
        assertThat(((Number) firstForward.get("holdout_rows")).longValue()).as("cycle 1: the last 30 % of chunk 1")
                .isEqualTo(3 * 450);

        Result table = cc("retrain-eval", "--data", dir.toString(), "--cycles", "2", "--only", "srv-1", "--synthetic", "2",
                "--validation-series", "2");
        assertThat(table.exit()).as(table.err()).isZero();
        assertThat(table.out()).contains("1 series (srv-1), 2 cycles").contains("CYCLE CHAMPION")
                .contains("first cycle F1");
        Result heldOut = cc("retrain-eval", "--data", dir.toString(), "--cycles", "2", "--only", "omi-10");
        assertThat(heldOut.exit()).isEqualTo(2);
        assertThat(heldOut.err()).contains("omi-10 is held out");
        assertThat(cc("retrain-eval", "--data", dir.toString(), "--cycles", "1").exit()).isEqualTo(2);
    }

    @Test
    void holdoutPerChunk_judgesOnTheLastPartOfEveryChunkSeen_andTheFirstCycleIsUnchanged() throws Exception {
        // the retrained challenger's split is what this test compares
        String[] args = {"retrain-eval", "--data", dir.toString(), "--cycles", "2", "--synthetic", "4",
                "--validation-series", "3", "--json", "--retrained-only"};
        Result whole = cc(args);
        String[] perChunkArgs = java.util.Arrays.copyOf(args, args.length + 1);
        perChunkArgs[args.length] = "--holdout-per-chunk";
        Result perChunk = cc(perChunkArgs);
        assertThat(whole.exit()).as(whole.err()).isZero();
        assertThat(perChunk.exit()).as(perChunk.err()).isZero();
        List<Map<String, Object>> w = whole.out().lines().map(Json::parseObject).toList();
        List<Map<String, Object>> c = perChunk.out().lines().map(Json::parseObject).toList();

        assertThat(c.get(0)).as("one chunk seen: one block, the whole-window split").isEqualTo(w.get(0));
        // cycle 2 has seen rows [0, 3000) of each series: whole window, the holdout is [2400, 3000); per chunk,
        // [1200, 1500) and [2700, 3000) — the labels the feedback gives are the true incident rows
        long wholeIncidents = 0;
        long perChunkIncidents = 0;
        for (Replayed r : project) {
            wholeIncidents += segments(r.labels(), 2400, 3000);
            perChunkIncidents += segments(r.labels(), 1200, 1500) + segments(r.labels(), 2700, 3000);
        }
        assertThat(perChunkIncidents).as("this corpus tells the two splits apart").isNotEqualTo(wholeIncidents);
        assertThat(((Number) w.get(1).get("holdout_incidents")).longValue()).isEqualTo(wholeIncidents);
        assertThat(((Number) c.get(1).get("holdout_incidents")).longValue()).isEqualTo(perChunkIncidents);
        assertThat(((Number) c.get(1).get("holdout_rows")).longValue()).isEqualTo(3 * 600);
        assertThat(((Number) w.get(1).get("holdout_rows")).longValue()).isEqualTo(3 * 600);
        assertThat(c.get(1).get("data_hash")).as("the same feedback, split otherwise").isEqualTo(w.get(1).get("data_hash"));
    }

    private static double gain(Map<String, Object> candidate) {
        return ((Number) candidate.get("holdout_challenger_f1")).doubleValue()
                - ((Number) candidate.get("holdout_champion_f1")).doubleValue();
    }

    private static long segments(boolean[] labels, int from, int to) {
        return io.commandcenter.models.eval.Segment.fromLabels(java.util.Arrays.copyOfRange(labels, from, to)).size();
    }

    @Test
    void aThresholdOnlyChallenger_keepsTheChampionsWeights_andRefitsItsThresholdOnTheRowsBeforeTheHoldout() {
        ModelArtifact shipped = new BootstrapModels().load("service_health");
        io.commandcenter.models.artifact.ModelMetadata m = shipped.metadata();
        // a champion whose threshold is far too strict: it never alarms on this corpus
        ModelArtifact strict = new ModelArtifact(new io.commandcenter.models.artifact.ModelMetadata(m.name(), "0.9.9",
                m.type(), m.features(), m.inputName(), m.outputName(), m.positiveIndex(), m.pipeline(), 0.999,
                m.reference(), m.calibration(), m.trainingWindow(), m.dataHash(), m.metrics(), m.codeVersion(), m.seed(),
                m.createdAt(), m.provenance(), m.onset()), shipped.onnx());
        RetrainingPath thresholdOnly = new RetrainingPath(new Retrainer(), PromotionRule.DEFAULT, List.of(), validation,
                RetrainEvalTest::scorer, a -> true, true);
        DataSnapshot truth = snapshot(0);

        RetrainingPath.Result r = thresholdOnly.run(truth, strict, "0.9.10");

        ModelArtifact c = r.challenger().artifact();
        assertThat(c.onnx()).as("the champion's weights").isEqualTo(strict.onnx());
        assertThat(c.metadata().threshold()).isBetween(0.30, 0.95);
        assertThat(c.metadata().onset()).isEqualTo(m.onset());
        assertThat(c.metadata().provenance()).containsEntry("parent", "0.9.9").containsEntry("data_hash", truth.sha256())
                .containsKey("refit");
        assertThat(r.comparison().challengerProject().auc()).as("same weights, same ranking")
                .isEqualTo(r.comparison().championProject().auc());
        List<Replayed> fit = new ArrayList<>(r.challenger().split().train());
        fit.addAll(r.challenger().split().validation());
        assertThat(io.commandcenter.models.train.loop.Evaluator.measure(scorer(c), c.metadata(), fit).f1())
                .as("the refitted threshold catches incidents on the rows it was fitted on").isGreaterThan(0);
        assertThat(io.commandcenter.models.train.loop.Evaluator.measure(scorer(strict), strict.metadata(), fit).f1())
                .isZero();
        assertThat(r.comparison().challengerProject().f1()).isGreaterThan(r.comparison().championProject().f1());
        assertThat(r.verdict().promote()).as(r.verdict().reason()).isTrue();
    }

    @Test
    void theRecallFloor_neverChoosesAThresholdCatchingFewerIncidentsThanTheChampionOnTheFitRows() {
        ModelArtifact champion = new BootstrapModels().load("service_health");
        DataSnapshot truth = snapshot(0);
        ModelArtifact plain = thresholdOnly(ThresholdRefit.Objective.F1).run(truth, champion, "0.9.21").challenger()
                .artifact();
        RetrainingPath.Result floor = thresholdOnly(ThresholdRefit.Objective.RECALL_FLOOR).run(truth, champion,
                "0.9.22");
        ModelArtifact floored = floor.challenger().artifact();
        List<Replayed> fit = floor.challenger().split().train();

        var championFit = io.commandcenter.models.train.loop.Evaluator.measure(scorer(champion), champion.metadata(), fit);
        var flooredFit = io.commandcenter.models.train.loop.Evaluator.measure(scorer(floored), floored.metadata(), fit);
        var plainFit = io.commandcenter.models.train.loop.Evaluator.measure(scorer(plain), plain.metadata(), fit);
        assertThat(flooredFit.recall()).isGreaterThanOrEqualTo(championFit.recall());
        assertThat(flooredFit.f1()).as("the best F1 of fewer thresholds").isLessThanOrEqualTo(plainFit.f1())
                .isGreaterThanOrEqualTo(championFit.f1());
        assertThat(floored.metadata().provenance().get("refit")).contains("recall not below the champion's");
        assertThat(plain.metadata().provenance().get("refit")).contains("best F1 per incident on")
                .doesNotContain("not below");

        Result bad = cc("retrain-eval", "--data", dir.toString(), "--cycles", "2", "--refit-objective", "recall");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("--refit-objective must be one of f1, recall-floor, warning-floor, "
                + "weights-recall-floor, f1-ew, not recall");
        Result retrainedOnly = cc("retrain-eval", "--data", dir.toString(), "--cycles", "2", "--retrained-only",
                "--refit-objective", "warning-floor");
        assertThat(retrainedOnly.exit()).isEqualTo(2);
        assertThat(retrainedOnly.err()).contains("--refit-objective needs the threshold-only challenger");
        Result namedDefault = cc("retrain-eval", "--data", dir.toString(), "--cycles", "2", "--retrained-only",
                "--refit-objective", "f1");
        assertThat(namedDefault.exit()).as("any objective named is refused without the challenger").isEqualTo(2);
        assertThat(namedDefault.err()).contains("--refit-objective needs the threshold-only challenger");
    }

    @Test
    void theF1EwObjective_namesItsLambdaInTheLineage_andBeatsPlainF1OnItsOwnSumOnTheFitRows() {
        ModelArtifact champion = new BootstrapModels().load("service_health");
        DataSnapshot truth = snapshot(0);
        ModelArtifact plain = thresholdOnly(ThresholdRefit.Objective.F1).run(truth, champion, "0.9.31").challenger()
                .artifact();
        RetrainingPath.Result mixed = thresholdOnly(ThresholdRefit.Objective.F1_EW).run(truth, champion, "0.9.32");
        ModelArtifact f1Ew = mixed.challenger().artifact();
        List<Replayed> fit = mixed.challenger().split().train();

        var plainFit = io.commandcenter.models.train.loop.Evaluator.measure(scorer(plain), plain.metadata(), fit);
        var mixedFit = io.commandcenter.models.train.loop.Evaluator.measure(scorer(f1Ew), f1Ew.metadata(), fit);
        double lambda = ThresholdRefit.F1_EW_LAMBDA;
        assertThat(mixedFit.f1() + lambda * mixedFit.earlyWarning() / 100)
                .as("the sum it maximises is not below plain F1's choice's")
                .isGreaterThanOrEqualTo(plainFit.f1() + lambda * plainFit.earlyWarning() / 100 - 1e-9);
        assertThat(mixedFit.f1()).as("plain F1's choice has the best F1").isLessThanOrEqualTo(plainFit.f1() + 1e-9);
        assertThat(f1Ew.metadata().provenance().get("refit"))
                .contains(String.format(java.util.Locale.ROOT, "best F1 per incident + %.2f·early warning/100 on", lambda));

        // the default (ADR 0022): a path made without an objective refits as f1-ew does
        ModelArtifact byDefault = new RetrainingPath(new Retrainer(), PromotionRule.DEFAULT, List.of(), validation,
                RetrainEvalTest::scorer, a -> true, RetrainingPath.Challengers.THRESHOLD_ONLY, 0.3)
                .run(truth, champion, "0.9.33").challenger().artifact();
        assertThat(byDefault.metadata().threshold()).isEqualTo(f1Ew.metadata().threshold());
        assertThat(byDefault.metadata().provenance().get("refit")).contains(ThresholdRefit.Objective.F1_EW.says());
    }

    static RetrainingPath thresholdOnly(ThresholdRefit.Objective objective) {
        return new RetrainingPath(new Retrainer(), PromotionRule.DEFAULT, List.of(), validation, RetrainEvalTest::scorer,
                a -> true, RetrainingPath.Challengers.THRESHOLD_ONLY, 0.3, objective);
    }

    /** The shipped model at another threshold, under another version: the same ONNX bytes. */
    static ModelArtifact atThreshold(String version, double threshold) {
        ModelArtifact shipped = new BootstrapModels().load("service_health");
        io.commandcenter.models.artifact.ModelMetadata m = shipped.metadata();
        return new ModelArtifact(new io.commandcenter.models.artifact.ModelMetadata(m.name(), version, m.type(),
                m.features(), m.inputName(), m.outputName(), m.positiveIndex(), m.pipeline(), threshold, m.reference(),
                m.calibration(), m.trainingWindow(), m.dataHash(), m.metrics(), m.codeVersion(), m.seed(), m.createdAt(),
                m.provenance(), m.onset()), shipped.onnx());
    }

    @Test
    void bothChallengers_theThresholdOnlyOneIsJudgedOnTheProjectAlone_andTheRetrainedOneByEveryCheck() {
        ModelArtifact strict = atThreshold("0.9.9", 0.999);
        RetrainingPath both = new RetrainingPath(new Retrainer(), PromotionRule.DEFAULT, List.of(), validation,
                RetrainEvalTest::scorer, a -> true, RetrainingPath.Challengers.BOTH, 0.3);

        RetrainingPath.Result r = both.run(snapshot(0), strict, "0.9.10");

        assertThat(r.candidates()).extracting(RetrainingPath.Candidate::kind).containsExactly("retrained",
                "threshold-only");
        RetrainingPath.Candidate threshold = r.candidates().get(1);
        assertThat(threshold.version()).isEqualTo("0.9.10t");
        assertThat(threshold.challenger().artifact().onnx()).isEqualTo(strict.onnx());
        assertThat(threshold.verdict().promote()).as(threshold.verdict().reason()).isTrue();
        assertThat(threshold.verdict().reason()).contains("weights unchanged: shipped validation guard not applicable");
        RetrainingPath.Candidate retrained = r.candidates().get(0);
        assertThat(retrained.challenger().artifact().onnx()).isNotEqualTo(strict.onnx());
        assertThat(retrained.verdict().reason()).doesNotContain("weights unchanged");
        assertThat(retrained.challenger().split().holdout()).as("the retrained one keeps its own split")
                .isNotEqualTo(threshold.challenger().split().holdout());
        assertThat(r.verdict().promote()).isTrue();
        assertThat(r.verdict().reason()).contains("threshold-only 0.9.10t").contains("retrained 0.9.10");
    }

    @Test
    void theJudgedThreshold_isFittedOnlyOnRowsBeforeTheHoldout_andPromotedAsJudged() {
        ModelArtifact strict = atThreshold("0.9.9", 0.999);
        RetrainingPath thresholdOnly = new RetrainingPath(new Retrainer(), PromotionRule.DEFAULT, List.of(), validation,
                RetrainEvalTest::scorer, a -> true, RetrainingPath.Challengers.THRESHOLD_ONLY, 0.3);
        DataSnapshot truth = snapshot(0);
        // the same rows, every holdout label (the last 30 %) turned to an incident: the fit must not see it
        List<Replayed> changed = new ArrayList<>();
        for (Replayed p : truth.series()) {
            boolean[] labels = p.labels().clone();
            java.util.Arrays.fill(labels, labels.length - (int) Math.round(labels.length * 0.3), labels.length, true);
            changed.add(new Replayed(p.entry(), p.historyFeatures(), p.historyRows(), p.features(), labels));
        }
        DataSnapshot otherHoldout = DataSnapshot.of(changed, 0, "other holdout labels");
        // and the reverse: the holdout kept, every earlier row's labels scrambled — the fit must see that
        DataSnapshot otherFit = snapshot(0.7);

        RetrainingPath.Result r = thresholdOnly.run(truth, strict, "0.9.11");
        RetrainingPath.Result h = thresholdOnly.run(otherHoldout, strict, "0.9.12");
        RetrainingPath.Result f = thresholdOnly.run(otherFit, strict, "0.9.13");

        double judged = r.challenger().artifact().metadata().threshold();
        assertThat(h.challenger().artifact().metadata().threshold()).as("holdout labels do not move the fit")
                .isEqualTo(judged);
        assertThat(f.challenger().artifact().metadata().threshold()).as("the rows before the holdout do")
                .isNotEqualTo(judged);
        for (int k = 0; k < project.size(); k++) {
            int n = project.get(k).labels().length;
            assertThat(r.challenger().split().train().get(k).labels()).hasSize(n - 900);
            assertThat(r.challenger().split().holdout().get(k).labels()).hasSize(900);
        }
        assertThat(r.challenger().artifact().metadata().provenance().get("refit"))
                .contains("every project row before the holdout").contains("weights unchanged");
        // what is promoted is what was judged: its threshold gives the challenger's holdout F1
        ModelArtifact promoted = r.challenger().artifact();
        assertThat(io.commandcenter.models.train.loop.Evaluator.measure(scorer(promoted), promoted.metadata(),
                r.challenger().split().holdout()).f1()).isEqualTo(r.comparison().challengerProject().f1());
    }

    @Test
    void theShippedGuard_measuresAThresholdOnlyChampionsWeightsAtTheThresholdTheyWereTrainedWith() {
        ModelArtifact shipped = new BootstrapModels().load("service_health");
        DataSnapshot truth = snapshot(0);
        RetrainingPath thresholdOnly = new RetrainingPath(new Retrainer(), PromotionRule.DEFAULT, List.of(), validation,
                RetrainEvalTest::scorer, a -> true, RetrainingPath.Challengers.THRESHOLD_ONLY, 0.3);
        // a threshold-only champion far stricter than its weights' own threshold: alarms late on the synthetic series
        ModelArtifact strict = io.commandcenter.models.train.loop.ThresholdRefit.refit(shipped, scorer(shipped),
                truth.series(), "2.9.0t", truth, "test rows", io.commandcenter.models.train.loop.ThresholdRefit.Objective.F1);
        ModelArtifact tuned = new ModelArtifact(new io.commandcenter.models.artifact.ModelMetadata(
                strict.metadata().name(), "2.9.1t", strict.metadata().type(), strict.metadata().features(),
                strict.metadata().inputName(), strict.metadata().outputName(), strict.metadata().positiveIndex(),
                strict.metadata().pipeline(), 0.95, strict.metadata().reference(), strict.metadata().calibration(),
                strict.metadata().trainingWindow(), strict.metadata().dataHash(), strict.metadata().metrics(),
                strict.metadata().codeVersion(), strict.metadata().seed(), strict.metadata().createdAt(),
                strict.metadata().provenance(), strict.metadata().onset()), strict.onnx());
        assertThat(io.commandcenter.models.train.loop.ThresholdRefit.weightsThreshold(tuned.metadata()))
                .isEqualTo(shipped.metadata().threshold());

        RetrainingPath.Result r = thresholdOnly.run(truth, tuned, "2.9.2");

        double atWeights = io.commandcenter.models.train.loop.Evaluator.measure(scorer(shipped), shipped.metadata(),
                validation).earlyWarning();
        double atOwn = io.commandcenter.models.train.loop.Evaluator.measure(scorer(tuned), tuned.metadata(), validation)
                .earlyWarning();
        assertThat(atOwn).as("this corpus tells the two apart").isNotEqualTo(atWeights);
        assertThat(r.comparison().championShipped().earlyWarning()).as("the bar a retrained challenger must clear")
                .isEqualTo(atWeights);
    }
}
