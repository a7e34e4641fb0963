package io.commandcenter.cli;

import io.commandcenter.cli.ServerNormal.Kind;
import io.commandcenter.models.eval.Evaluation;
import io.commandcenter.models.features.TelemetryFeatures;
import io.commandcenter.models.train.bootstrap.BootstrapModelsMain;
import io.commandcenter.models.train.bootstrap.ServiceHealthTraining.Replayed;
import io.commandcenter.models.train.loop.Evaluator;
import io.commandcenter.models.train.loop.Retrainer;
import io.commandcenter.models.train.loop.ThresholdRefit;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A study for the learning loop (guide 18.15), not a test: its name is outside surefire's includes, so it runs only
 * when named. Can each server's rows labelled normal in chunks 1…k, taken as a model of that server's normal behaviour
 * in the champion's own feature space ({@link ServerNormal}), rank chunk k+1 better — within a server too? The combined
 * log-odds are {@code logit(p_shipped) + β·term}, {@code term} the row's novelty on its server's normal scale. Every
 * chunk j+1 is scored with the model of chunks 1…j (chunk 1 has no term), so the rows a threshold is refitted on carry
 * the term the hub would have served them. β ∈ {0.25, 0.5, 1}: chosen by forward-chaining inside chunks 1…k (the model
 * of 1…k−1 judged by pooled AUC on chunk k; ties to the smaller; k = 1: 0.5) — the candidates {@code maxz} and
 * {@code knn} — and each fixed. Measured on chunk k+1 as {@link EntityAlignmentStudy} measures: pooled AUC (all nine,
 * omi-6…9), F1 / false alarms / early warning at the shipped threshold and with the threshold refitted as the
 * threshold-only challenger refits it ({@link ThresholdRefit#threshold}); {@code none} is that refit without a term.
 * The term touches no shipped validation series, so the guard moves only with a refitted threshold. Not candidates:
 * {@code alone} (the term without the champion: does it rank at all?) and {@code oracle} (the model of chunk k+1's own
 * normal rows, each row not its own neighbour, β 0.5). Seeded: the figures do not depend on the load; the cost lines do.
 *
 * <pre>
 * ./mvnw -B -o -Dmaven.repo.local=… test -pl cli -Dtest=NoveltyStudy -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dstudy.asd=/work/shared/data/asd [-Dstudy.cycles=4,5,6]   # NOVELTY lines
 * </pre>
 */
class NoveltyStudy {

    /** The weights of the term, fixed before any figure was seen (guide 18.15). */
    static final double[] BETAS = {0.25, 0.5, 1};
    static final double FIRST_BETA = 0.5;
    /**
     * Round thirteen (guide 18.18), fixed before any of its figures was seen: the term bounded to {@code [−CLIP, CLIP]}
     * ({@code maxz-clip}, {@code knn-clip}), so a row far from its server's earlier normal rows lifts its log-odds by at
     * most {@code β·CLIP}; chosen and measured exactly as the unbounded terms, by 18.15's rule.
     */
    static final double CLIP = 2.0;

    @Test
    @org.junit.jupiter.api.Timeout(7200)
    void study() throws Exception {
        try (NextChunkRig rig = NextChunkRig.open(NextChunkRig.asd())) {
            System.out.printf(Locale.ROOT, "NOVELTY service_health %s, %s, %d columns, shipped validation early warning %.1f%n",
                    rig.model.version(), rig.names, rig.onnxSchema.size(), rig.baseGuard);
            int columns = rig.onnxSchema.size();
            List<float[]> x = new ArrayList<>();
            List<double[]> z = rig.championLogits();
            List<boolean[]> y = new ArrayList<>();
            for (Replayed r : rig.project) {
                x.add(TelemetryFeatures.SCHEMA.project(r.features(), r.labels().length, rig.onnxSchema));
                y.add(r.labels());
            }
            List<double[]> validationP = Evaluator.score(rig.scorer, rig.model, rig.validation).probability();
            NextChunkRig.Tally tally = new NextChunkRig.Tally();
            Map<String, int[]> f1NotBelow = new LinkedHashMap<>();
            Cost cost = new Cost();
            for (int cycles : NextChunkRig.chunkings()) {
                // terms[kind][j][s]: the term on chunk j+1 of series s from the model of chunks 1…j (null: none)
                double[][][][] terms = new double[Kind.values().length][cycles][][];
                double[][][][] oracle = new double[Kind.values().length][cycles][][];
                for (int j = 1; j < cycles; j++) {
                    ServerNormal[] fitted = ServerNormal.fit(x, y, columns, bounds(y, 0, cycles), bounds(y, j, cycles),
                            BootstrapModelsMain.SEED + 31L * cycles + j);
                    ServerNormal[] own = ServerNormal.fit(x, y, columns, bounds(y, j, cycles), bounds(y, j + 1, cycles),
                            BootstrapModelsMain.SEED + 31L * cycles + j + 17);
                    for (Kind kind : Kind.values()) {
                        terms[kind.ordinal()][j] = score(rig, kind, fitted, x, y, j, cycles, cost);
                        oracle[kind.ordinal()][j] = score(rig, kind, own, x, y, j, cycles, null);
                    }
                }
                for (int k = 1; k < cycles; k++) {
                    NextChunkRig.Next base = rig.baseNext(k + 1, cycles);
                    List<Replayed> seen = rig.cycle(cycles, k, new Retrainer()).seen();
                    StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                            "NOVELTY N %d chunk %d | shipped AUC %.3f (omi-6…9 %.3f) F1 %.3f FA %d EW %.1f θ %.2f", cycles,
                            k + 1, base.auc(), base.unseenAuc(), base.f1(), base.falseAlarms(), base.earlyWarning(),
                            rig.model.threshold()));
                    Map<String, List<double[]>> cells = new LinkedHashMap<>();
                    cells.put("none", rig.base.probability());
                    for (boolean bounded : new boolean[]{false, true}) {
                        for (Kind kind : Kind.values()) {
                            String name = kind.name().toLowerCase(Locale.ROOT) + (bounded ? "-clip" : "");
                            double[][][] t = bounded ? clip(terms[kind.ordinal()], CLIP) : terms[kind.ordinal()];
                            double beta = k == 1 ? FIRST_BETA : chooseBeta(z, y, t[k - 1], k, cycles);
                            cells.put(String.format(Locale.ROOT, "%s (β %s)", name, beta), combined(z, y, t, k + 1, cycles, beta));
                            for (double b : BETAS) {
                                cells.put(String.format(Locale.ROOT, "%s β%s", name, b), combined(z, y, t, k + 1, cycles, b));
                            }
                        }
                    }
                    double[] noneF1 = new double[1];
                    for (Map.Entry<String, List<double[]>> cell : cells.entrySet()) {
                        String name = cell.getKey().replaceAll(" \\(β .*\\)", "");
                        List<double[]> p = cell.getValue();
                        // the term touches no validation series: at the shipped threshold they score as shipped
                        NextChunkRig.Refit r = rig.atAndRefit(p, validationP, seen, k, cycles);
                        NextChunkRig.Next at = r.at();
                        tally.add(name + " at 0.41", at, base, rig.guardKept(r.atGuard()));
                        double th = r.threshold();
                        NextChunkRig.Next n = r.refit();
                        double guard = r.guard();
                        tally.add(name + " refit", n, base, rig.guardKept(guard));
                        if (name.equals("none")) {
                            noneF1[0] = n.f1();
                        }
                        f1NotBelow.computeIfAbsent(name, c -> new int[1])[0] += n.f1() >= noneF1[0] ? 1 : 0;
                        line.append(String.format(Locale.ROOT, " | %s AUC %.3f (%+.3f; omi-6…9 %+.3f) at 0.41: F1 %.3f FA %d"
                                        + " EW %.1f; refit: F1 %.3f FA %d EW %.1f θ %.2f guard %.1f%s", cell.getKey(), n.auc(),
                                n.auc() - base.auc(), n.unseenAuc() - base.unseenAuc(), at.f1(), at.falseAlarms(),
                                at.earlyWarning(), n.f1(), n.falseAlarms(), n.earlyWarning(), th, guard,
                                rig.guardKept(guard) ? "" : " FAILS"));
                    }
                    for (Kind kind : Kind.values()) {
                        String name = kind.name().toLowerCase(Locale.ROOT);
                        NextChunkRig.Next alone = rig.nextWithOnset(alone(z, oneChunk(terms[kind.ordinal()], k)),
                                rig.model.threshold(), k + 1, cycles);
                        NextChunkRig.Next o = rig.nextWithOnset(
                                combined(z, y, oneChunk(oracle[kind.ordinal()], k), k + 1, cycles, FIRST_BETA),
                                rig.model.threshold(), k + 1, cycles);
                        line.append(String.format(Locale.ROOT, " | %s alone AUC %.3f (omi-6…9 %.3f) | oracle-%s AUC %.3f"
                                        + " (%+.3f; omi-6…9 %+.3f)", name, alone.auc(), alone.unseenAuc(), name, o.auc(),
                                o.auc() - base.auc(), o.unseenAuc() - base.unseenAuc()));
                    }
                    System.out.println(line);
                }
            }
            tally.print("NOVELTY ");
            f1NotBelow.forEach((cell, count) -> System.out.printf(Locale.ROOT,
                    "NOVELTY %s: refit F1 not below the `none` refit on %d next chunks%n", cell, count[0]));
            cost.print();
        }
    }

    /** Row bounds of chunk boundary {@code j} of {@code cycles} per series (row {@code n·j/cycles}). */
    static int[] bounds(List<boolean[]> y, int j, int cycles) {
        return y.stream().mapToInt(l -> (int) ((long) l.length * j / cycles)).toArray();
    }

    /** Per series the term on chunk j+1's rows with {@code models} (null for a series without one), timed into {@code cost}. */
    private static double[][] score(NextChunkRig rig, Kind kind, ServerNormal[] models, List<float[]> x,
                                    List<boolean[]> y, int j, int cycles, Cost cost) {
        int[] from = bounds(y, j, cycles);
        int[] to = bounds(y, j + 1, cycles);
        double[][] t = new double[x.size()][];
        for (int s = 0; s < x.size(); s++) {
            ServerNormal m = models[s];
            if (m == null || !m.scores(kind)) {
                continue;
            }
            t[s] = new double[to[s] - from[s]];
            long t0 = System.nanoTime();
            for (int i = from[s]; i < to[s]; i++) {
                t[s][i - from[s]] = m.term(kind, x.get(s), i);
            }
            long t1 = System.nanoTime();
            if (cost != null) {
                // the champion's own logit over the same rows, timed beside it: the per-row cost a hub already pays
                double sink = 0;
                for (int i = from[s]; i < to[s]; i++) {
                    sink += rig.champion.logit(x.get(s), i);
                }
                cost.add(kind, to[s] - from[s], t1 - t0, System.nanoTime() - t1, sink);
            }
        }
        return t;
    }

    /** {@code terms} with every value bounded to {@code [−c, c]} (a copy; null stays null). */
    static double[][][] clip(double[][][] terms, double c) {
        double[][][] out = new double[terms.length][][];
        for (int j = 0; j < terms.length; j++) {
            if (terms[j] == null) {
                continue;
            }
            out[j] = new double[terms[j].length][];
            for (int s = 0; s < terms[j].length; s++) {
                if (terms[j][s] != null) {
                    out[j][s] = java.util.Arrays.stream(terms[j][s]).map(v -> Math.max(-c, Math.min(c, v))).toArray();
                }
            }
        }
        return out;
    }

    /** Only chunk k+1's terms of {@code terms} (the others left out). */
    private static double[][][] oneChunk(double[][][] terms, int k) {
        double[][][] only = new double[terms.length][][];
        only[k] = terms[k];
        return only;
    }

    /**
     * The probability per series {@code σ(z + β·term)}: rows of chunk j+1 (j = 1 … last−1) take {@code terms[j]}; chunk 1,
     * rows past chunk {@code last} and series without a term keep the champion's log-odds.
     */
    static List<double[]> combined(List<double[]> z, List<boolean[]> y, double[][][] terms, int last, int cycles,
                                   double beta) {
        List<double[]> p = new ArrayList<>();
        for (int s = 0; s < z.size(); s++) {
            double[] zs = z.get(s).clone();
            for (int j = 1; j < last; j++) {
                double[] t = terms[j] == null ? null : terms[j][s];
                if (t != null) {
                    int from = (int) ((long) zs.length * j / cycles);
                    for (int i = 0; i < t.length; i++) {
                        zs[from + i] += beta * t[i];
                    }
                }
            }
            p.add(sigmoid(zs));
        }
        return p;
    }

    /** σ(term) on chunk k+1 alone (0.5 elsewhere and for series without a term): the term's own ranking. */
    private static List<double[]> alone(List<double[]> z, double[][][] terms) {
        List<double[]> p = new ArrayList<>();
        for (int s = 0; s < z.size(); s++) {
            double[] t = new double[z.get(s).length];
            for (int j = 0; j < terms.length; j++) {
                if (terms[j] != null && terms[j][s] != null) {
                    System.arraycopy(terms[j][s], 0, t, (int) ((long) t.length * j / terms.length), terms[j][s].length);
                }
            }
            p.add(sigmoid(t));
        }
        return p;
    }

    /** The β of {@link #BETAS} with the highest pooled AUC on chunk k of {@code z + β·term} (term from chunks 1…k−1). */
    static double chooseBeta(List<double[]> z, List<boolean[]> y, double[][] termOfChunkK, int k, int cycles) {
        double best = Double.NaN;
        double bestAuc = Double.NEGATIVE_INFINITY;
        for (double beta : BETAS) {
            List<Double> scores = new ArrayList<>();
            List<Boolean> labels = new ArrayList<>();
            for (int s = 0; s < z.size(); s++) {
                int n = z.get(s).length;
                int from = (int) ((long) n * (k - 1) / cycles);
                int to = (int) ((long) n * k / cycles);
                for (int i = from; i < to; i++) {
                    double t = termOfChunkK[s] == null ? 0 : termOfChunkK[s][i - from];
                    scores.add(z.get(s)[i] + beta * t);
                    labels.add(y.get(s)[i]);
                }
            }
            boolean[] l = new boolean[labels.size()];
            for (int i = 0; i < l.length; i++) {
                l[i] = labels.get(i);
            }
            double auc = Evaluation.rocAuc(scores.stream().mapToDouble(Double::doubleValue).toArray(), l);
            if (auc > bestAuc) {
                bestAuc = auc;
                best = beta;
            }
        }
        return best;
    }

    private static double[] sigmoid(double[] z) {
        double[] p = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            p[i] = 1.0 / (1.0 + Math.exp(-z[i]));
        }
        return p;
    }

    /** Rows scored and nanoseconds per novelty kind, and the champion's logit over the same rows. */
    private static final class Cost {
        private final long[] rows = new long[Kind.values().length];
        private final long[] nanos = new long[Kind.values().length];
        private final long[] championNanos = new long[Kind.values().length];
        private double sink;

        void add(Kind kind, int n, long termNanos, long logitNanos, double sink) {
            rows[kind.ordinal()] += n;
            nanos[kind.ordinal()] += termNanos;
            championNanos[kind.ordinal()] += logitNanos;
            this.sink += sink;
        }

        void print() {
            for (Kind kind : Kind.values()) {
                int i = kind.ordinal();
                System.out.printf(Locale.ROOT, "NOVELTY cost %s: %d rows, %.0f rows/s one thread (the champion's logit over"
                                + " the same rows: %.0f rows/s)%s%n", kind.name().toLowerCase(Locale.ROOT), rows[i],
                        rows[i] / (nanos[i] / 1e9), rows[i] / (championNanos[i] / 1e9), Double.isNaN(sink) ? " (NaN)" : "");
            }
        }
    }
}
