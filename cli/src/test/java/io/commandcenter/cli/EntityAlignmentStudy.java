package io.commandcenter.cli;

import io.commandcenter.models.train.bootstrap.ServiceHealthTraining.Replayed;
import io.commandcenter.models.train.loop.Evaluator;
import io.commandcenter.models.train.loop.ThresholdRefit;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A study for the learning loop (guide 18.14, direction B), not a test: its name is outside surefire's includes, so it
 * runs only when named. The pooled ROC AUC mixes servers whose normal levels of the champion's log-odds differ; can a
 * per-entity alignment learned from the feedback's <em>normal</em> rows rank the next chunk better? For cycle k each
 * server s gets the offset {@code o_s = (n_s·Q_s + m·Q) / (n_s + m)}: {@code Q_s} the q-quantile of the shipped model's
 * log-odds over s's rows of chunks 1…k labelled normal ({@code n_s} of them), {@code Q} the same quantile over all nine
 * servers' such rows, {@code m} a prior weight in rows; the aligned probability is {@code σ(z − o_s + Q)} (an entity
 * without rows keeps its log-odds). Within a server the ranking is unchanged by construction; only the pooled one moves.
 * The threshold is then refitted on chunks 1…k as the threshold-only challenger refits it (the default objective, best
 * F1 per incident + 5·EW/100: {@link ThresholdRefit#threshold}) and chunk k+1 is measured through the model's own onset
 * calibration; {@code none} is that refit without an offset (what the alignment adds to F1 is the difference). The
 * shipped validation series are not project entities, so their probabilities are unchanged and only the refitted
 * threshold moves the guard. Each cell is also measured at the shipped threshold (0.41), where the guard is the shipped
 * model's. {@code oracle-q…} (never candidates) fit the offsets on chunk k+1's own normal rows.
 *
 * <pre>
 * ./mvnw -B -o -Dmaven.repo.local=… test -pl cli -Dtest=EntityAlignmentStudy -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dstudy.asd=/work/shared/data/asd [-Dstudy.cycles=4,5,6]   # ALIGN lines
 * </pre>
 */
class EntityAlignmentStudy {

    /** The quantiles and prior weights (rows), fixed before any figure was seen (guide 18.14). */
    static final double[] QUANTILES = {0.5, 0.9, 0.99};
    static final double[] PRIORS = {0, 1000, 10000};

    @Test
    @org.junit.jupiter.api.Timeout(3600)
    void study() throws Exception {
        try (NextChunkRig rig = NextChunkRig.open(NextChunkRig.asd())) {
            System.out.printf(Locale.ROOT, "ALIGN service_health %s, %s, shipped validation early warning %.1f%n",
                    rig.model.version(), rig.names, rig.baseGuard);
            List<double[]> z = rig.championLogits();
            List<double[]> validationP = Evaluator.score(rig.scorer, rig.model, rig.validation).probability();
            NextChunkRig.Tally tally = new NextChunkRig.Tally();
            for (int cycles : NextChunkRig.chunkings()) {
                for (int k = 1; k < cycles; k++) {
                    NextChunkRig.Next base = rig.baseNext(k + 1, cycles);
                    List<Replayed> seen = rig.cycle(cycles, k, new io.commandcenter.models.train.loop.Retrainer()).seen();
                    StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                            "ALIGN N %d chunk %d | shipped AUC %.3f (omi-6…9 %.3f) F1 %.3f FA %d EW %.1f θ %.2f", cycles, k + 1,
                            base.auc(), base.unseenAuc(), base.f1(), base.falseAlarms(), base.earlyWarning(),
                            rig.model.threshold()));
                    List<String> cells = new ArrayList<>();
                    List<double[]> offsets = new ArrayList<>();
                    cells.add("none");
                    offsets.add(new double[rig.project.size()]);
                    for (double q : QUANTILES) {
                        for (double m : PRIORS) {
                            cells.add(String.format(Locale.ROOT, "q%s m%.0f", q, m));
                            offsets.add(offsets(z, rig.project, 0, k, cycles, q, m));
                        }
                    }
                    for (int c = 0; c < cells.size(); c++) {
                        // "none" is the shipped model's own probability (ONNX Runtime): its AUC is the yardstick's exactly
                        List<double[]> p = c == 0 ? rig.base.probability() : aligned(z, offsets.get(c));
                        // at the shipped threshold the validation series (no offset) score as shipped: the guard holds
                        NextChunkRig.Refit r = rig.atAndRefit(p, validationP, seen, k, cycles);
                        NextChunkRig.Next at = r.at();
                        double atGuard = r.atGuard();
                        tally.add(cells.get(c) + " at 0.41", at, base, rig.guardKept(atGuard));
                        double th = r.threshold();
                        NextChunkRig.Next n = r.refit();
                        double guard = r.guard();
                        tally.add(cells.get(c) + " refit", n, base, rig.guardKept(guard));
                        line.append(String.format(Locale.ROOT, " | %s AUC %.3f (%+.3f; omi-6…9 %+.3f) at 0.41: F1 %.3f FA %d EW %.1f guard %.1f;"
                                        + " refit: F1 %.3f FA %d EW %.1f θ %.2f guard %.1f%s",
                                cells.get(c), n.auc(), n.auc() - base.auc(), n.unseenAuc() - base.unseenAuc(), at.f1(),
                                at.falseAlarms(), at.earlyWarning(), atGuard, n.f1(), n.falseAlarms(), n.earlyWarning(), th,
                                guard,
                                rig.guardKept(guard) ? "" : " FAILS"));
                    }
                    for (double q : QUANTILES) {
                        // not a candidate: the offsets fitted on chunk k+1's own normal rows (in-sample)
                        NextChunkRig.Next n = rig.nextWithOnset(aligned(z, offsets(z, rig.project, k, k + 1, cycles, q, 0)),
                                rig.model.threshold(), k + 1, cycles);
                        line.append(String.format(Locale.ROOT, " | oracle-q%s AUC %.3f (%+.3f; omi-6…9 %+.3f)", q, n.auc(),
                                n.auc() - base.auc(), n.unseenAuc() - base.unseenAuc()));
                    }
                    System.out.println(line);
                }
            }
            tally.print("ALIGN ");
        }
    }

    /**
     * Per series, {@code Q − o_s} (see the class), from the rows labelled normal of chunks {@code from+1 … to} of
     * {@code cycles}: what is added to the series' log-odds.
     */
    static double[] offsets(List<double[]> z, List<Replayed> series, int from, int to, int cycles, double q, double prior) {
        double[] own = new double[series.size()];
        int[] count = new int[series.size()];
        List<Double> pooled = new ArrayList<>();
        for (int s = 0; s < series.size(); s++) {
            boolean[] y = series.get(s).labels();
            int a = (int) ((long) y.length * from / cycles);
            int b = (int) ((long) y.length * to / cycles);
            List<Double> normal = new ArrayList<>();
            for (int i = a; i < b; i++) {
                if (!y[i]) {
                    normal.add(z.get(s)[i]);
                }
            }
            pooled.addAll(normal);
            count[s] = normal.size();
            own[s] = count[s] == 0 ? Double.NaN : quantile(normal, q);
        }
        double all = quantile(pooled, q);
        double[] shift = new double[series.size()];
        for (int s = 0; s < series.size(); s++) {
            shift[s] = count[s] == 0 ? 0 : all - (count[s] * own[s] + prior * all) / (count[s] + prior);
        }
        return shift;
    }

    static double quantile(List<Double> values, double q) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return v[(int) Math.floor(q * (v.length - 1))];
    }

    /** The probability {@code σ(z + shift)} per series. */
    static List<double[]> aligned(List<double[]> z, double[] shift) {
        List<double[]> p = new ArrayList<>();
        for (int s = 0; s < z.size(); s++) {
            double[] zs = z.get(s);
            double[] ps = new double[zs.length];
            for (int i = 0; i < zs.length; i++) {
                ps[i] = 1.0 / (1.0 + Math.exp(-(zs[i] + shift[s])));
            }
            p.add(ps);
        }
        return p;
    }
}
