package io.commandcenter.cli;

import io.commandcenter.models.eval.Evaluation;
import io.commandcenter.models.train.bootstrap.ServiceHealthTraining.Replayed;
import io.commandcenter.models.train.loop.Evaluator;
import io.commandcenter.models.train.loop.Retrainer;
import io.commandcenter.models.train.loop.ThresholdRefit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A study for the learning loop (guide 18.19), not a test: its name is outside surefire's includes, so it runs only
 * when named. The champion scores each row on its own; ASD incidents span many consecutive rows while many false alarms
 * are short spikes. Does a causal aggregate of the champion's log-odds over each entity's trailing rows
 * ({@link TrailingAggregate}: row t from rows ≤ t only, so the hub could apply it live) rank chunk k+1 better than the
 * shipped model does? The aggregate is chosen per cycle from {@link #CANDIDATES} by the best pooled ROC AUC on the
 * labelled rows of chunks 1…k (the aggregate has nothing else to fit, so forward chaining is: choose on chunks 1…k,
 * measure on chunk k+1, which the choice never saw); ties ({@link #TIE}) go to {@code none}, then to the candidate listed
 * first (the shorter window). Measured on chunk k+1 with {@link NextChunkRig}, as {@link NoveltyStudy} measures: pooled
 * AUC (all nine servers, omi-6…9), F1 / false alarms / early warning at the shipped threshold and with the threshold
 * refitted on chunks 1…k as the threshold-only challenger refits it ({@link ThresholdRefit#threshold}); {@code none} is
 * that refit without an aggregate. The hub would aggregate every entity it scores, so the shipped validation series are
 * aggregated too: their early warning (the promotion rule's guard) is measured with the aggregate applied. Every fixed
 * candidate is reported beside the chosen one, for reading only. Deterministic: no sampling, no timing.
 *
 * <p>Settings and win rule fixed before any figure was seen (guide 18.19, committed before the first run):
 * <ul>
 *   <li>z = the shipped service_health's log-odds per row (its logit from its own ONNX bytes, Platt folded in:
 *       {@link NextChunkRig#championLogits}); aggregated per series in time order over the scored rows (a window is
 *       shorter at a series' first rows); probability σ(aggregate), then the shipped onset calibration as served;</li>
 *   <li>candidates: {@code none}, {@code mean-w} and {@code max-w} for w ∈ {3, 5, 10, 20} rows, {@code ewma-h} for
 *       half-life h ∈ {2, 5, 10} rows;</li>
 *   <li>WIN (the chosen aggregate, over the 12 next chunks of N = 4, 5, 6): AUC above the shipped model's on ≥ 7 of 12,
 *       <b>and</b> mean ΔAUC ≥ +0.005 over all nine servers, <b>and</b> mean ΔAUC ≥ +0.005 over omi-6…9, <b>and</b> F1
 *       at the refitted threshold not below the {@code none} refit's on ≥ 7 of 12. The guard (early warning on the 20
 *       shipped validation series with the aggregate applied, at the shipped threshold, not more than 2 below the shipped
 *       model's) is reported; a win that breaks it does not meet the "not worse on the shipped validation
 *       series" and would not be proposed as is.</li>
 * </ul>
 *
 * <pre>
 * ./mvnw -B -o -Dmaven.repo.local=… test -pl cli -Dtest=TemporalAggregationStudy -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dstudy.asd=/work/shared/data/asd [-Dstudy.cycles=4,5,6]   # AGG lines
 * </pre>
 */
class TemporalAggregationStudy {

    /** The candidates, fixed before any figure was seen; in tie order: {@code none}, then by rows averaged over. */
    static final TrailingAggregate[] CANDIDATES = {
            TrailingAggregate.NONE,
            TrailingAggregate.mean(3), TrailingAggregate.max(3), TrailingAggregate.ewma(2),
            TrailingAggregate.mean(5), TrailingAggregate.max(5), TrailingAggregate.ewma(5),
            TrailingAggregate.mean(10), TrailingAggregate.max(10), TrailingAggregate.ewma(10),
            TrailingAggregate.mean(20), TrailingAggregate.max(20)};
    /** A candidate replaces the best so far only when its AUC on chunks 1…k is higher by more than this. */
    static final double TIE = 1e-4;
    /** The win rule: next chunks (of 12) with AUC above the shipped model's, and with refit F1 not below none's. */
    static final int WIN_CHUNKS = 7;
    /** The win rule: mean ΔAUC against the shipped model, over all nine servers and over omi-6…9 each. */
    static final double WIN_MEAN_DELTA = 0.005;

    @Test
    @Timeout(7200)
    void study() throws Exception {
        try (NextChunkRig rig = NextChunkRig.open(NextChunkRig.asd())) {
            List<double[]> z = rig.championLogits();
            List<boolean[]> y = rig.project.stream().map(Replayed::labels).toList();
            List<double[]> zValidation = new ArrayList<>();
            for (Replayed r : rig.validation) {
                zValidation.add(TreeChallengerStudy.logits(rig.champion, rig.onnxSchema, r.features(), r.labels().length));
            }
            List<boolean[]> yValidation = rig.validation.stream().map(Replayed::labels).toList();
            List<double[]> shippedValidation = Evaluator.score(rig.scorer, rig.model, rig.validation).probability();
            System.out.printf(Locale.ROOT, "AGG service_health %s, %s, threshold %.2f, shipped validation early warning %.1f%n",
                    rig.model.version(), rig.names, rig.model.threshold(), rig.baseGuard);

            // every candidate's probability on every row, project and shipped validation (`none`: the shipped ONNX one)
            List<List<double[]>> p = new ArrayList<>();
            List<List<double[]>> pValidation = new ArrayList<>();
            List<List<double[]>> aggregated = new ArrayList<>();
            for (TrailingAggregate a : CANDIDATES) {
                aggregated.add(z.stream().map(a::apply).toList());
                boolean none = a.equals(TrailingAggregate.NONE);
                p.add(none ? rig.base.probability() : a.probability(z));
                pValidation.add(none ? shippedValidation : a.probability(zValidation));
            }
            double shippedValidationAuc = pooledAuc(shippedValidation, yValidation, 0, 1, 1);
            for (int c = 0; c < CANDIDATES.length; c++) {
                double guard = rig.guardWithOnset(pValidation.get(c), rig.model.threshold());
                System.out.printf(Locale.ROOT, "AGG validation %s: early warning at %.2f %.1f (shipped %.1f)%s, AUC %.3f"
                                + " (shipped %.3f)%n", CANDIDATES[c].name(), rig.model.threshold(), guard, rig.baseGuard,
                        rig.guardKept(guard) ? "" : " GUARD FAILS", pooledAuc(pValidation.get(c), yValidation, 0, 1, 1),
                        shippedValidationAuc);
            }

            Map<String, Score> scores = new LinkedHashMap<>();
            double logitDrift = 0;
            for (int cycles : NextChunkRig.chunkings()) {
                for (int k = 1; k < cycles; k++) {
                    NextChunkRig.Next base = rig.baseNext(k + 1, cycles);
                    List<Replayed> seen = rig.cycle(cycles, k, new Retrainer()).seen();
                    double[] seenAuc = new double[CANDIDATES.length];
                    for (int c = 0; c < CANDIDATES.length; c++) {
                        seenAuc[c] = pooledAuc(aggregated.get(c), y, 0, k, cycles);
                    }
                    int chosen = choose(seenAuc);
                    logitDrift = Math.max(logitDrift, Math.abs(
                            pooledAuc(aggregated.get(0), y, k, k + 1, cycles) - base.auc()));
                    StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                            "AGG N %d chunk %d | shipped AUC %.3f (omi-6…9 %.3f) F1 %.3f FA %d EW %.1f | chosen on chunks"
                                    + " 1-%d: %s (AUC there %.4f, none %.4f)", cycles, k + 1, base.auc(), base.unseenAuc(),
                            base.f1(), base.falseAlarms(), base.earlyWarning(), k, CANDIDATES[chosen].name(),
                            seenAuc[chosen], seenAuc[0]));
                    NextChunkRig.Refit[] refits = new NextChunkRig.Refit[CANDIDATES.length];
                    for (int c = 0; c < CANDIDATES.length; c++) {
                        refits[c] = rig.atAndRefit(p.get(c), pValidation.get(c), seen, k, cycles);
                    }
                    double noneRefitF1 = refits[0].refit().f1();
                    int inSample = 0;
                    for (int c = 0; c < CANDIDATES.length; c++) {
                        if (refits[c].refit().auc() > refits[inSample].refit().auc() + TIE) {
                            inSample = c;
                        }
                    }
                    record(scores, "chosen", refits[chosen], base, noneRefitF1, rig);
                    line.append(cell("chosen " + CANDIDATES[chosen].name(), refits[chosen], base, rig));
                    for (int c = 0; c < CANDIDATES.length; c++) {
                        record(scores, CANDIDATES[c].name(), refits[c], base, noneRefitF1, rig);
                        line.append(cell(CANDIDATES[c].name(), refits[c], base, rig));
                    }
                    line.append(String.format(Locale.ROOT, " | best on chunk %d itself (in-sample, not a candidate): %s %+.3f",
                            k + 1, CANDIDATES[inSample].name(), refits[inSample].refit().auc() - base.auc()));
                    System.out.println(line);
                }
            }
            System.out.printf(Locale.ROOT, "AGG σ(logit) against the shipped ONNX probability: largest |ΔAUC| on a next chunk %.5f%n",
                    logitDrift);
            scores.forEach((name, s) -> s.print(name));
        }
    }

    /**
     * The index in {@link #CANDIDATES} of the highest AUC on chunks 1…k: scanned in order from {@code none}, a candidate
     * replaces the best so far only when higher by more than {@link #TIE}; an AUC that is NaN never does.
     */
    static int choose(double[] aucs) {
        int best = 0;
        for (int c = 1; c < aucs.length; c++) {
            if (aucs[c] > aucs[best] + TIE) {
                best = c;
            }
        }
        return best;
    }

    /** Pooled ROC AUC of {@code scores} over chunks {@code from+1}…{@code to} of {@code cycles} of every series (the rig's cuts). */
    static double pooledAuc(List<double[]> scores, List<boolean[]> labels, int from, int to, int cycles) {
        int rows = 0;
        int[][] bounds = new int[scores.size()][];
        for (int s = 0; s < scores.size(); s++) {
            int n = labels.get(s).length;
            bounds[s] = new int[]{(int) ((long) n * from / cycles), (int) ((long) n * to / cycles)};
            rows += bounds[s][1] - bounds[s][0];
        }
        double[] x = new double[rows];
        boolean[] l = new boolean[rows];
        int at = 0;
        for (int s = 0; s < scores.size(); s++) {
            int length = bounds[s][1] - bounds[s][0];
            System.arraycopy(scores.get(s), bounds[s][0], x, at, length);
            System.arraycopy(labels.get(s), bounds[s][0], l, at, length);
            at += length;
        }
        return Evaluation.rocAuc(x, l);
    }

    private static String cell(String name, NextChunkRig.Refit r, NextChunkRig.Next base, NextChunkRig rig) {
        NextChunkRig.Next at = r.at();
        NextChunkRig.Next n = r.refit();
        return String.format(Locale.ROOT, " | %s AUC %.3f (%+.3f; omi-6…9 %+.3f) at %.2f: F1 %.3f FA %d EW %.1f guard %.1f%s;"
                        + " refit: F1 %.3f FA %d EW %.1f θ %.2f guard %.1f%s", name, n.auc(), n.auc() - base.auc(),
                n.unseenAuc() - base.unseenAuc(), rig.model.threshold(), at.f1(), at.falseAlarms(), at.earlyWarning(),
                r.atGuard(), rig.guardKept(r.atGuard()) ? "" : " FAILS", n.f1(), n.falseAlarms(), n.earlyWarning(),
                r.threshold(), r.guard(), rig.guardKept(r.guard()) ? "" : " FAILS");
    }

    private static void record(Map<String, Score> scores, String name, NextChunkRig.Refit r, NextChunkRig.Next base,
                               double noneRefitF1, NextChunkRig rig) {
        scores.computeIfAbsent(name, x -> new Score()).add(r, base, noneRefitF1, rig);
    }

    /** One setting over the next chunks judged: the win rule's counts and means, and what else the guide reports. */
    private static final class Score {
        int chunks;
        int aucUp;
        int unseenUp;
        double delta;
        double unseenDelta;
        int refitF1NotBelowNone;
        int atF1NotBelowShipped;
        long atFalseAlarms;
        long refitFalseAlarms;
        long shippedFalseAlarms;
        int atGuardKept;
        int refitGuardKept;

        void add(NextChunkRig.Refit r, NextChunkRig.Next base, double noneRefitF1, NextChunkRig rig) {
            NextChunkRig.Next n = r.refit();
            chunks++;
            aucUp += n.auc() > base.auc() ? 1 : 0;
            unseenUp += n.unseenAuc() > base.unseenAuc() ? 1 : 0;
            delta += n.auc() - base.auc();
            unseenDelta += n.unseenAuc() - base.unseenAuc();
            refitF1NotBelowNone += n.f1() >= noneRefitF1 ? 1 : 0;
            atF1NotBelowShipped += r.at().f1() >= base.f1() ? 1 : 0;
            atFalseAlarms += r.at().falseAlarms();
            refitFalseAlarms += n.falseAlarms();
            shippedFalseAlarms += base.falseAlarms();
            atGuardKept += rig.guardKept(r.atGuard()) ? 1 : 0;
            refitGuardKept += rig.guardKept(r.guard()) ? 1 : 0;
        }

        void print(String name) {
            List<String> failed = new ArrayList<>();
            if (aucUp < WIN_CHUNKS) {
                failed.add("AUC above the shipped model's on " + aucUp + " < " + WIN_CHUNKS);
            }
            if (delta / chunks < WIN_MEAN_DELTA) {
                failed.add(String.format(Locale.ROOT, "mean ΔAUC %+.4f < %+.3f", delta / chunks, WIN_MEAN_DELTA));
            }
            if (unseenDelta / chunks < WIN_MEAN_DELTA) {
                failed.add(String.format(Locale.ROOT, "mean ΔAUC omi-6…9 %+.4f < %+.3f", unseenDelta / chunks, WIN_MEAN_DELTA));
            }
            if (refitF1NotBelowNone < WIN_CHUNKS) {
                failed.add("refit F1 not below none's on " + refitF1NotBelowNone + " < " + WIN_CHUNKS);
            }
            System.out.printf(Locale.ROOT, "AGG %s: of %d next chunks, AUC above the shipped model's on %d (omi-6…9: %d);"
                            + " mean ΔAUC %+.4f (omi-6…9 %+.4f); refit F1 not below none's on %d; F1 at the shipped threshold"
                            + " not below the shipped model's on %d; false alarms at the shipped threshold %d (shipped %d),"
                            + " refitted %d; guard kept at the shipped threshold on %d, refitted on %d; %s%s%n", name, chunks,
                    aucUp, unseenUp, delta / chunks, unseenDelta / chunks, refitF1NotBelowNone, atF1NotBelowShipped,
                    atFalseAlarms, shippedFalseAlarms, refitFalseAlarms, atGuardKept, refitGuardKept,
                    name.equals("chosen") ? "" : "(for reading only) ",
                    failed.isEmpty() ? "WINS by the rule" : "loses by the rule: " + String.join(", ", failed));
        }
    }
}
