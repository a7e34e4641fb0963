package io.commandcenter.models.train.bootstrap;

import io.commandcenter.models.backtest.Backtest;
import io.commandcenter.models.backtest.FeatureReplay;
import io.commandcenter.models.backtest.LabelledCorpus;
import io.commandcenter.models.eval.EarlyWarningProfile;
import io.commandcenter.models.eval.Evaluation;
import io.commandcenter.models.eval.NabScorer;
import io.commandcenter.models.eval.Segment;
import io.commandcenter.models.features.TelemetryFeatures;
import io.commandcenter.models.train.TrainedLogistic;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Research harness (not part of the product; the figures of docs/phase12-intelligence.md 12.9 "what was tried"):
 * trains exactly the shipped service_health weights, caches their probabilities on the ASD/synthetic corpus and
 * on the open NAB part, and measures calibration variants (probability -> risk) on both — per variant: the
 * threshold chosen on validation (early-warning, standard and low-FP profiles); ASD all / holdout / validation /
 * test synthetic as early-warning / incidents caught / false-alarm events; NAB's corpus sweep, NAB at the
 * validation threshold, per category (at the corpus threshold, its own sweep, leave-one-category-out = the
 * threshold swept on the other categories, at the validation threshold).
 *
 * <p>Usage: {@code CalibrationStudy <asd dir> <nab-open dir> <variants>}, variants a comma list of
 * {@code base} (onset rule alone), {@code product} (the shipped ONSET with times), {@code rw} (recurrence
 * window 3 and 12), {@code grid1} (per-entity shift of the log-odds by its own 99/99.5 % quantile),
 * {@code grid2} (per-entity affine map of its q90/q99 onto the pooled ones), {@code recur} (daily recurrence
 * by rows, one previous day), {@code onsetgrid} (refractory / margin), {@code budget} / {@code budget2} (an alarm budget per entity), {@code hyst} (hold until the probability falls back),
 * {@code diag} (per NAB file probability quantiles), {@code rmargin} (the daily-recurrence rule's margin 0.1…0.5 log-odds),
 * {@code nov} (a peak-novelty gate: log-odds lowered by kappa x the share of the last 3 / 7 days whose extreme the
 * row does not exceed, {@link PeakNovelty}), {@code nov1} (the same, on one-metric entities only), {@code confirm} (a burst must last: the second-largest probability of
 * the last k rows), {@code quiet} (session 5: the quiet-entity bonus of service_health 2.3.0 at three settings), {@code quietpre} / {@code compress}
 * (its first form, before the onset rule, and a compression for entities that alarm often: {@link #alarmRate}); {@code discount} / {@code discount2} (session 6: the
 * novelty discount of service_health 2.4.0 — above the threshold, kappa x (1 − peak novelty) x min(1, c / c0) log-odds less — at five / six
 * settings), {@code nbonus} (2.4.0 plus a bonus for new extremes), {@code joint} (the quiet-entity bonus re-chosen beside
 * the discount); {@code -Ddump=DIR} writes each NAB file's probability and risk for offline study; {@code -Dperfile=PREFIX} prints NAB files' shares at the corpus threshold, {@code -Doracle=1}
 * each NAB file's own best threshold. Every variant also prints the ceilings of calibration alone (each category,
 * each file at the threshold best for it).
 */
public final class CalibrationStudy {

    private CalibrationStudy() {
    }

    record Nab(String name, String category, double[] p, List<Segment> windows) {
    }

    /** A calibration variant: (probability series, threshold) → risk series. */
    interface Variant extends BiFunction<double[], Double, double[]> {
    }

    /** The bootstrap corpus (shipped seed and size) plus 200 synthetic test series, replayed: what the studies train on. */
    static List<ServiceHealthTraining.Replayed> studyCorpus(Path asd) throws java.io.IOException {
        long seed = BootstrapModelsMain.SEED;
        List<ServiceHealthTraining.Replayed> corpus = new ArrayList<>();
        for (CorpusEntry e : ServiceHealthCorpus.build(seed, BootstrapModelsMain.SYNTHETIC_SERIES, asd)) {
            corpus.add(ServiceHealthTraining.replay(e));
        }
        for (CorpusEntry e : ServiceHealthCorpus.syntheticTest(seed, 200)) {
            corpus.add(ServiceHealthTraining.replay(e));
        }
        return corpus;
    }

    public static void main(String[] args) throws Exception {
        Path asd = Path.of(args[0]);
        Path nabDir = Path.of(args[1]);
        long seed = BootstrapModelsMain.SEED;
        List<ServiceHealthTraining.Replayed> corpus = studyCorpus(asd);
        ServiceHealthTraining.Outcome o = new ServiceHealthTraining(BootstrapModelsMain.serviceHealthTrainer(seed)).train(corpus);
        TrainedLogistic model = o.model();
        List<double[]> probs = new ArrayList<>();
        for (ServiceHealthTraining.Replayed r : corpus) {
            double[] pr = ServiceHealthTraining.probability(model, r);
            TIMES.put(pr, r.entry().scored().times());
            if (r.entry().health() == null) {
                io.commandcenter.models.synthetic.LabelledSeries h = r.entry().history();
                io.commandcenter.models.synthetic.LabelledSeries sc = r.entry().scored();
                METRICS.put(pr, sc.metrics().size());
                for (int dd : NOV_DAYS) {
                    NOV.computeIfAbsent(dd, k -> new java.util.IdentityHashMap<>()).put(pr, PeakNovelty.compute(h == null ? null : h.times(), h == null ? null : h.values(),
                            sc.times(), sc.values(), sc.metrics().size(), sc.axis(), dd));
                }
                NOVP.put(pr, r.novelty());
                if (args.length > 2 && args[2].contains("phasedisc")) {
                    double[] ph = FeatureStudy.entryColumns(r)[1];
                    PHASE.put(pr, Arrays.copyOfRange(ph, ph.length - sc.rows(), ph.length));
                }
            }
            AXIS.put(pr, r.entry().scored().axis());
            probs.add(pr);
        }
        LabelledCorpus lc = new LabelledCorpus(nabDir, "label");
        List<Nab> nab = new ArrayList<>();
        for (String name : lc.names(List.of())) {
            LabelledCorpus.File f = lc.read(name);
            FeatureReplay.Result rep = FeatureReplay.replay(f.series().axis(), f.series().metrics(), f.series().times(), f.series().values(), false);
            float[] proj = TelemetryFeatures.SCHEMA.project(rep.features(), rep.rows(), model.onnxSchema());
            double[] pr = model.scorer().score(proj, rep.rows());
            long[] ts = f.series().times();
            long[] d = new long[ts.length - 1];
            for (int i = 1; i < ts.length; i++) {
                d[i - 1] = ts[i] - ts[i - 1];
            }
            java.util.Arrays.sort(d);
            long step = Math.max(1, d[d.length / 2]);
            PERIOD.put(pr, (int) Math.round(86_400_000.0 / step));
            TIMES.put(pr, ts);
            METRICS.put(pr, f.series().metrics().size());
            for (int dd : NOV_DAYS) {
                NOV.computeIfAbsent(dd, k -> new java.util.IdentityHashMap<>()).put(pr, PeakNovelty.compute(null, null, ts, f.series().values(),
                        f.series().metrics().size(), f.series().axis(), dd));
            }
            NOVP.put(pr, rep.novelty());
            if (args.length > 2 && args[2].contains("phasedisc")) {
                PHASE.put(pr, FeatureStudy.phase(ts, f.series().values(), f.series().metrics().size(), f.series().axis()));
            }
            AXIS.put(pr, f.series().axis());
            nab.add(new Nab(name, f.category(), pr, f.incidents()));
            if (System.getProperty("dump") != null) {
                dump(Path.of(System.getProperty("dump")), name, ts, f.series().values(), f.series().metrics().size(), pr, f.incidents());
            }
        }
        List<Double> trainZ = new ArrayList<>();
        for (int k = 0; k < corpus.size(); k++) {
            if (corpus.get(k).entry().group().equals("train")) {
                for (double p : probs.get(k)) {
                    trainZ.add(logit(p));
                }
            }
        }
        trainZ.sort(null);
        QG90 = trainZ.get((int) (0.90 * trainZ.size()));
        QG99 = trainZ.get((int) (0.99 * trainZ.size()));
        QG995 = trainZ.get((int) (0.995 * trainZ.size()));
        QG999 = trainZ.get((int) (0.999 * trainZ.size()));
        System.out.printf(Locale.ROOT, "pooled train logit quantiles: q99 %.2f q995 %.2f q999 %.2f%n", QG99, QG995, QG999);
        if (args.length > 2 && args[2].contains("diag")) {
            for (Nab n : nab) {
                double[] q = n.p().clone();
                java.util.Arrays.sort(q);
                double[] r = ServiceHealthTraining.ONSET.apply(n.p(), 0.41);
                int above = 0;
                int alarms = 0;
                for (int i = 0; i < r.length; i++) {
                    if (n.p()[i] >= 0.41) above++;
                    if (r[i] >= 0.41) alarms++;
                }
                System.out.printf(Locale.ROOT, "%-60s rows %5d p50 %.3f p90 %.3f p99 %.3f  >=.41 %5d alarms %4d%n", n.name(), q.length, q[q.length / 2],
                        q[(int) (q.length * 0.9)], q[(int) (q.length * 0.99)], above, alarms);
            }
        }
        Map<String, Variant> variants = variants(args.length > 2 ? args[2] : "");
        for (Map.Entry<String, Variant> v : variants.entrySet()) {
            measure(v.getKey(), v.getValue(), corpus, probs, nab);
        }
    }

    /** {@code -Ddump=DIR}: per NAB file, time, first metric's value, model probability, shipped risk (θ 0.41), window flag. */
    static void dump(Path dir, String name, long[] ts, double[] values, int metrics, double[] p, List<Segment> windows) throws java.io.IOException {
        double[] r = ServiceHealthTraining.ONSET.apply(p, 0.41, TIMES.get(p), AXIS.get(p));
        StringBuilder sb = new StringBuilder("t,value,p,risk,window\n");
        for (int i = 0; i < p.length; i++) {
            int w = -1;
            for (int k = 0; k < windows.size(); k++) {
                if (i >= windows.get(k).start() && i <= windows.get(k).end()) {
                    w = k;
                }
            }
            sb.append(ts[i]).append(',').append(values[i * metrics]).append(',').append(p[i]).append(',').append(r[i]).append(',').append(w).append('\n');
        }
        Path out = dir.resolve(name.replace("/", "__"));
        java.nio.file.Files.createDirectories(dir);
        java.nio.file.Files.writeString(out, sb);
    }

    static double QG99;
    static double QG995;
    static double QG999;

    /** Whether {@code name} is one of the comma-separated variant names (not only a part of one). */
    static boolean token(String which, String name) {
        return java.util.Arrays.asList(which.split(",")).contains(name);
    }

    static Map<String, Variant> variants(String which) {
        Map<String, Variant> m = new LinkedHashMap<>();
        if (which.contains("product")) {
            m.put("product " + ServiceHealthTraining.ONSET, (p, th) -> ServiceHealthTraining.ONSET.apply(p, th, TIMES.get(p), AXIS.get(p)));
        }
        if (which.contains("onsetgrid")) {
            for (int[] rm : new int[][] {{50, 35}, {100, 25}, {30, 25}, {50, 15}}) {
                io.commandcenter.models.calibration.OnsetCalibration c = new io.commandcenter.models.calibration.OnsetCalibration(rm[0], rm[1] / 10.0, 6);
                m.put("product " + c, (p, th) -> c.apply(p, th, TIMES.get(p), AXIS.get(p)));
            }
        }
        if (which.contains("budget")) {
            int[] ws = which.contains("budget2") ? new int[] {2000, 4000, 8000} : new int[] {288, 1000, 4000};
            double[] ks = which.contains("budget2") ? new double[] {0.75, 1.0, 1.5} : new double[] {0.5, 1.0, 2.0};
            for (int w : ws) {
                for (double kappa : ks) {
                    m.put(String.format(Locale.ROOT, "alarm budget W=%d kappa=%.1f", w, kappa), (p, th) -> budget(p, th, w, kappa));
                }
            }
        }
        if (which.contains("hyst")) {
            for (double f : new double[] {0.7, 0.5, 0.3}) {
                m.put(String.format(Locale.ROOT, "hysteresis: held until p < %.1f x threshold for 3 rows", f), (p, th) -> hysteresis(p, th, f, 3));
            }
        }
        if (which.contains("rmargin")) {
            for (double mg : new double[] {0.1, 0.2, 0.25, 0.3, 0.35, 0.5}) {
                io.commandcenter.models.calibration.OnsetCalibration c = new io.commandcenter.models.calibration.OnsetCalibration(50, 2.5, 6, mg);
                m.put("product " + c, (p, th) -> c.apply(p, th, TIMES.get(p), AXIS.get(p)));
            }
        }
        if (which.contains("confirm")) {
            for (int k : new int[] {2, 3, 6, 12}) {
                m.put(String.format(Locale.ROOT, "confirm: second-largest probability of the last %d rows", k), (p, th) -> {
                    double[] q = new double[p.length];
                    for (int i = 0; i < p.length; i++) {
                        double a = Double.NEGATIVE_INFINITY;
                        double b = Double.NEGATIVE_INFINITY;
                        for (int j = Math.max(0, i - k + 1); j <= i; j++) {
                            if (p[j] > a) {
                                b = a;
                                a = p[j];
                            } else if (p[j] > b) {
                                b = p[j];
                            }
                        }
                        q[i] = i == 0 ? p[0] : b;
                    }
                    return ServiceHealthTraining.ONSET.apply(q, th, TIMES.get(p), AXIS.get(p));
                });
            }
        }
        if (which.contains("nov")) {
            boolean uni = which.contains("nov1");
            for (int dd : NOV_DAYS) {
                for (double kappa : new double[] {1, 2, 4}) {
                    m.put(String.format(Locale.ROOT, "peak novelty days=%d kappa=%.1f%s", dd, kappa, uni ? " (one-metric entities only)" : ""), (p, th) -> {
                        double[] nv = uni && METRICS.getOrDefault(p, 0) != 1 ? null : NOV.get(dd).get(p);
                        double[] q = new double[p.length];
                        for (int i = 0; i < p.length; i++) {
                            double z = logit(p[i]) - (nv == null ? 0 : kappa * (1 - nv[i]));
                            q[i] = 1 / (1 + Math.exp(-z));
                        }
                        return ServiceHealthTraining.ONSET.apply(q, th, TIMES.get(p), AXIS.get(p));
                    });
                }
            }
        }
        if (which.contains("discount")) {
            // session 6: above the threshold, after the rule and the quiet-entity bonus, log-odds lowered by
            // kappa x (1 - peak novelty) x min(1, c / c0), c the entity's decayed alarm count; never below the threshold
            double[][] grid = which.contains("discount2") ? new double[][] {{0.5, 10}, {1.5, 10}, {1, 15}, {1, 20}, {1.5, 20}, {0.75, 10}}
                    : new double[][] {{1, 10}, {2, 10}, {1, 5}, {2, 5}, {3, 10}};
            for (double[] kc : grid) {
                io.commandcenter.models.calibration.OnsetCalibration c = new io.commandcenter.models.calibration.OnsetCalibration(50, 2.5, 6, 0.3, 2, 5, 7, kc[0], kc[1]);
                m.put("product " + c, (p, th) -> {
                    double[] nv = NOVP.get(p);
                    return nv == null ? c.apply(p, th, TIMES.get(p), AXIS.get(p)) : c.apply(p, th, TIMES.get(p), AXIS.get(p), nv);
                });
            }
        }
        if (token(which, "burst")) {
            // session 12: one burst, one alarm — an alarm on one of the k rows right after an alarm row reported at the
            // threshold itself (decision-neutral); k = 0 is 2.4.0 as shipped
            for (int k : new int[] {0, 1, 2, 3}) {
                io.commandcenter.models.calibration.OnsetCalibration c = new io.commandcenter.models.calibration.OnsetCalibration(50, 2.5, 6, 0.3, 2, 5, 7, 0.75, 10, k);
                m.put("burst rows " + k + ": " + c, (p, th) -> {
                    double[] nv = NOVP.get(p);
                    return nv == null ? c.apply(p, th, TIMES.get(p), AXIS.get(p)) : c.apply(p, th, TIMES.get(p), AXIS.get(p), nv);
                });
            }
        }
        if (token(which, "burstread")) {
            // session 12: the burst rule read as NAB's sweep reads a risk: the state built at 0.41, the alarms counted at a
            // stricter threshold (the hub never does this: it builds the state at the threshold it decides at). Each variant
            // turns the risk into 0.99 at or above the stricter threshold and at most 0.3 below it, so the ASD and validation
            // columns at the chosen threshold (0.30-0.31) count exactly the rows at or above the stricter one
            for (int k : new int[] {0, 1}) {
                io.commandcenter.models.calibration.OnsetCalibration c = new io.commandcenter.models.calibration.OnsetCalibration(50, 2.5, 6, 0.3, 2, 5, 7, 0.75, 10, k);
                for (double stricter : new double[] {0.6, 0.7, 0.8, 0.9}) {
                    m.put("burst rows " + k + ", state at 0.41, alarms at " + stricter, (p, th) -> {
                        double[] nv = NOVP.get(p);
                        double[] r = nv == null ? c.apply(p, 0.41, TIMES.get(p), AXIS.get(p)) : c.apply(p, 0.41, TIMES.get(p), AXIS.get(p), nv);
                        for (int i = 0; i < r.length; i++) {
                            r[i] = r[i] >= stricter ? 0.99 : Math.min(r[i], 0.3);
                        }
                        return r;
                    });
                }
            }
        }
        if (which.contains("phasedisc")) {
            // session 7: 2.4.0's discount reading the phase novelty (FeatureStudy.phase: outside the same hour's range on the
            // last 7 days) beside or instead of the peak novelty — an anomaly inside the daily range but not this hour's (a
            // daily square wave's) would then not be discounted. Decision-neutral like the discount itself
            for (String form : new String[] {"max", "phase", "0.25", "0.5"}) {
                m.put("2.4.0, discount novelty = " + (form.equals("max") ? "max(peak, phase)" : form.equals("phase") ? "phase alone"
                        : "peak + " + form + " x (max(peak, phase) - peak)"), (p, th) -> {
                    double[] nv = NOVP.get(p);
                    double[] ph = PHASE.get(p);
                    if (nv == null || ph == null) {
                        return nv == null ? ServiceHealthTraining.ONSET.apply(p, th, TIMES.get(p), AXIS.get(p))
                                : ServiceHealthTraining.ONSET.apply(p, th, TIMES.get(p), AXIS.get(p), nv);
                    }
                    double[] q = new double[nv.length];
                    for (int i = 0; i < q.length; i++) {
                        double mx = Double.isNaN(nv[i]) ? ph[i] : Math.max(nv[i], ph[i]);
                        q[i] = form.equals("phase") ? ph[i] : form.equals("max") || Double.isNaN(nv[i]) ? mx
                                : nv[i] + Double.parseDouble(form) * (mx - nv[i]);
                    }
                    return ServiceHealthTraining.ONSET.apply(p, th, TIMES.get(p), AXIS.get(p), q);
                });
            }
            m.put("2.4.0 (as shipped, same run)", (p, th) -> {
                double[] nv = NOVP.get(p);
                return nv == null ? ServiceHealthTraining.ONSET.apply(p, th, TIMES.get(p), AXIS.get(p))
                        : ServiceHealthTraining.ONSET.apply(p, th, TIMES.get(p), AXIS.get(p), nv);
            });
        }
        if (which.contains("joint")) {
            // session 6: the quiet-entity bonus re-chosen with the novelty discount beside it
            for (double[] b : new double[][] {{1, 2}, {2, 10}, {3, 10}, {1, 5}}) {
                for (double[] d : new double[][] {{0.75, 10}, {1, 10}}) {
                    io.commandcenter.models.calibration.OnsetCalibration c = new io.commandcenter.models.calibration.OnsetCalibration(50, 2.5, 6, 0.3, b[0], b[1], 7, d[0], d[1]);
                    m.put("product " + c, (p, th) -> {
                        double[] nv = NOVP.get(p);
                        return nv == null ? c.apply(p, th, TIMES.get(p), AXIS.get(p)) : c.apply(p, th, TIMES.get(p), AXIS.get(p), nv);
                    });
                }
            }
        }
        if (which.contains("nbonus")) {
            // session 6: on top of 2.4.0, rows at or above the threshold get beta x novelty more log-odds (a new extreme of
            // any entity ranks up); rows below are untouched, so are decisions at the threshold. Not taken (guide 12.11)
            for (double beta : new double[] {0.5, 1, 2}) {
                m.put(String.format(Locale.ROOT, "2.4.0 + novelty bonus beta=%.1f", beta), (p, th) -> {
                    double[] nv = NOVP.get(p);
                    double[] r = nv == null ? ServiceHealthTraining.ONSET.apply(p, th, TIMES.get(p), AXIS.get(p))
                            : ServiceHealthTraining.ONSET.apply(p, th, TIMES.get(p), AXIS.get(p), nv);
                    for (int i = 0; nv != null && i < r.length; i++) {
                        if (r[i] >= th && nv[i] >= 0) {
                            r[i] = 1 / (1 + Math.exp(-(logit(r[i]) + beta * nv[i])));
                        }
                    }
                    return r;
                });
            }
        }
        if (which.contains("quietpre")) {
            // session 5, first form: the bonus added to the probability before the onset rule (it then also moves the
            // refractory comparisons: ASD loses incidents at stricter thresholds)
            for (double[] kc : new double[][] {{1, 2}, {2, 5}, {3, 5}}) {
                m.put(String.format(Locale.ROOT, "quiet-entity bonus before the rule kappa=%.0f c0=%.0f tau=7d", kc[0], kc[1]), (p, th) -> alarmRate(p, th, 7, kc[0], kc[1], false));
            }
        } else if (which.contains("quiet")) {
            // session 5, shipped form (service_health 2.3.0): the bonus added to what the rule reports at or above the threshold
            for (double[] kc : new double[][] {{1, 2}, {2, 5}, {3, 5}}) {
                io.commandcenter.models.calibration.OnsetCalibration c = new io.commandcenter.models.calibration.OnsetCalibration(50, 2.5, 6, 0.3, kc[0], kc[1], 7);
                m.put("product " + c, (p, th) -> c.apply(p, th, TIMES.get(p), AXIS.get(p)));
            }
        }
        if (which.contains("compress")) {
            // session 5: above z0 = logit(0.9) the log-odds are divided by (1 + kappa x the entity's recent alarm count)
            for (double kappa : new double[] {0.5, 1.0}) {
                m.put(String.format(Locale.ROOT, "frequent-alarm compression above 0.9, kappa=%.1f tau=7d", kappa), (p, th) -> alarmRate(p, th, 7, kappa, 0, true));
            }
        }
        if (which.contains("rw")) {
            for (int w : new int[] {3, 12}) {
                io.commandcenter.models.calibration.OnsetCalibration c = new io.commandcenter.models.calibration.OnsetCalibration(50, 2.5, w);
                m.put("product " + c, (p, th) -> c.apply(p, th, TIMES.get(p), AXIS.get(p)));
            }
        }
        if (which.isEmpty() || which.contains("base")) {
            m.put("onset(50,2.5)", (p, th) -> ServiceHealthTraining.ONSET.apply(p, th));
        }
        if (which.contains("grid1")) {
            for (double tau : new double[] {0.99, 0.995}) {
                for (double lambda : new double[] {0.5, 1.0}) {
                    for (int w : new int[] {1000, 4000}) {
                        for (double n0 : new double[] {100, 1000}) {
                            double qg = tau == 0.99 ? QG99 : QG995;
                            m.put(String.format(Locale.ROOT, "shift tau=%.3f l=%.1f W=%d n0=%.0f freeze", tau, lambda, w, n0),
                                    (p, th) -> new Shift(tau, lambda, w, n0, qg, true).apply(p, th));
                        }
                    }
                }
            }
        }
        if (which.contains("grid2")) {
            for (double lambda : new double[] {0.5, 1.0}) {
                for (int w : new int[] {2000, 8000}) {
                    for (double n0 : new double[] {300, 2000}) {
                        m.put(String.format(Locale.ROOT, "affine q90/q99 l=%.1f W=%d n0=%.0f freeze", lambda, w, n0),
                                (p, th) -> new Affine(lambda, w, n0, true).apply(p, th));
                    }
                }
            }
        }
        if (which.contains("recur")) {
            for (int kk : new int[] {1}) {
                for (int w : new int[] {4, 6, 10}) {
                    for (double margin : new double[] {0, 0.5}) {
                        m.put(String.format(Locale.ROOT, "recur K=%d w=%d margin=%.1f", kk, w, margin), (p, th) -> recur(p, th, kk, w, margin));
                    }
                }
            }
        }
        return m;
    }

    static double QG90;

    /** After an alarm, rows not 2.5 log-odds stronger stay held until p falls below f x threshold for k rows. */
    static double[] hysteresis(double[] p, double th, double f, int k) {
        io.commandcenter.models.calibration.OnsetCalibration.State st = ServiceHealthTraining.ONSET.newState(th, AXIS.get(p));
        long[] t = TIMES.get(p);
        double held = io.commandcenter.models.calibration.OnsetCalibration.heldRisk(th);
        boolean open = false;
        int below = 0;
        double alarmZ = 0;
        double[] out = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            double z = logit(p[i]);
            double pp = open && z < alarmZ + 2.5 ? Math.min(p[i], held) : p[i];
            out[i] = st.next(pp, t[i]);
            if (out[i] >= th) {
                open = true;
                alarmZ = logit(out[i]);
                below = 0;
            } else if (open) {
                below = p[i] < f * th ? below + 1 : 0;
                if (below >= k) {
                    open = false;
                }
            }
        }
        return out;
    }

    /** Each recent alarm of the entity (decayed count over ~W rows) costs kappa log-odds to the next one. */
    static double[] budget(double[] p, double th, int w, double kappa) {
        io.commandcenter.models.calibration.OnsetCalibration.State st = ServiceHealthTraining.ONSET.newState(th, AXIS.get(p));
        long[] t = TIMES.get(p);
        double decay = 1.0 - 1.0 / w;
        double c = 0;
        double[] out = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            double z = logit(p[i]) - kappa * c;
            double pp = 1 / (1 + Math.exp(-z));
            out[i] = st.next(pp, t[i]);
            c *= decay;
            if (out[i] >= th) {
                c += 1;
            }
        }
        return out;
    }
    /**
     * Session 5 research: the entity's recent alarm count c (alarms of service_health 2.2.0's rule at {@code th}, decayed with time
     * constant {@code tauDays}) changes the log-odds of rows above the threshold before the onset rule: either a bonus
     * {@code kappa * max(0, 1 - c / c0)} for entities that alarm rarely, or ({@code compress}) above logit(0.9) a division by
     * {@code 1 + kappa * c} for entities that alarm often. Rows below the threshold are untouched, so are decisions at it.
     */
    static double[] alarmRate(double[] p, double th, double tauDays, double kappa, double c0, boolean compress) {
        long[] t = TIMES.get(p);
        double day = AXIS.get(p) == io.commandcenter.models.features.TimeAxis.STEPS ? 288.0 : 86_400_000.0;
        double[] base = RULE_2_2_0.apply(p, th, t, AXIS.get(p));
        double z0 = compress ? logit(0.9) : logit(th);
        double c = 0;
        double[] q = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            if (i > 0) {
                c *= Math.exp(-(t[i] - t[i - 1]) / day / tauDays);
            }
            double z = logit(p[i]);
            if (z > z0) {
                z = compress ? z0 + (z - z0) / (1 + kappa * c) : z + kappa * Math.max(0, 1 - c / c0);
            }
            q[i] = 1 / (1 + Math.exp(-z));
            if (Backtest.writtenRisk(base[i]) >= th) {
                c += 1;
            }
        }
        return RULE_2_2_0.apply(q, th, t, AXIS.get(p));
    }

    /** service_health 2.2.0's rule (no quiet-entity bonus): what {@link #alarmRate} was measured against. */
    static final io.commandcenter.models.calibration.OnsetCalibration RULE_2_2_0 = new io.commandcenter.models.calibration.OnsetCalibration(50, 2.5, 6, 0.3);

    static final int[] NOV_DAYS = {3, 7};
    /** Each series' peak novelty as the pipeline's replay records it ({@link FeatureReplay.Result#novelty()}; the scored rows, warmed on the history). */
    static final java.util.IdentityHashMap<double[], double[]> NOVP = new java.util.IdentityHashMap<>();

    static final java.util.IdentityHashMap<double[], Integer> METRICS = new java.util.IdentityHashMap<>();
    /** Session 7 ({@code phasedisc}): each series' phase novelty ({@link FeatureStudy#phase}), scored rows. */
    static final java.util.IdentityHashMap<double[], double[]> PHASE = new java.util.IdentityHashMap<>();
    static final Map<Integer, java.util.IdentityHashMap<double[], double[]>> NOV = new java.util.HashMap<>();
    static final java.util.IdentityHashMap<double[], Integer> PERIOD = new java.util.IdentityHashMap<>();
    static final java.util.IdentityHashMap<double[], long[]> TIMES = new java.util.IdentityHashMap<>();
    static final java.util.IdentityHashMap<double[], io.commandcenter.models.features.TimeAxis> AXIS = new java.util.IdentityHashMap<>();

    /** Rows that are no stronger than what the entity did at the same phase in each of the last K periods are held below θ. */
    static double[] recur(double[] p, double th, int kk, int w, double margin) {
        Integer per = PERIOD.get(p);
        int period = per == null ? 288 : per;
        io.commandcenter.models.calibration.OnsetCalibration.State st = ServiceHealthTraining.ONSET.newState(th);
        double[] z = new double[p.length];
        double[] out = new double[p.length];
        double below = io.commandcenter.models.calibration.OnsetCalibration.heldRisk(th);
        for (int t = 0; t < p.length; t++) {
            z[t] = logit(p[t]);
            double r = Double.NEGATIVE_INFINITY;
            if (period > 2 * w && t - kk * period - w >= 0) {
                r = Double.POSITIVE_INFINITY;
                for (int k = 1; k <= kk; k++) {
                    double mx = Double.NEGATIVE_INFINITY;
                    for (int j = -w; j <= w; j++) {
                        mx = Math.max(mx, z[t - k * period + j]);
                    }
                    r = Math.min(r, mx);
                }
            }
            double pp = p[t];
            if (z[t] < r + margin) {
                pp = Math.min(pp, below);
            }
            out[t] = st.next(pp);
        }
        return out;
    }

    /** Per-entity affine map of the upper tail: the entity's q90 and q99 of the log-odds onto the pooled ones. */
    static final class Affine {
        final Shift h90;
        final Shift h99;
        final double lambda;
        final double n0;
        final boolean freeze;

        Affine(double lambda, int w, double n0, boolean freeze) {
            this.h90 = new Shift(0.90, 0, w, 0, 0, false);
            this.h99 = new Shift(0.99, 0, w, 0, 0, false);
            this.lambda = lambda;
            this.n0 = n0;
            this.freeze = freeze;
        }

        double[] apply(double[] p, double th) {
            io.commandcenter.models.calibration.OnsetCalibration.State st = ServiceHealthTraining.ONSET.newState(th);
            double[] out = new double[p.length];
            double sg = QG99 - QG90;
            for (int i = 0; i < p.length; i++) {
                double z = logit(p[i]);
                double eff = h90.eff;
                double q90 = (eff * (eff > 0 ? h90.quantile() : QG90) + n0 * QG90) / (eff + n0);
                double q99 = (eff * (eff > 0 ? h99.quantile() : QG99) + n0 * QG99) / (eff + n0);
                double se = Math.max(q99 - q90, 0.1);
                double scale = Math.max(0.25, Math.min(4.0, sg / se));
                double zn = QG90 + (z - q90) * scale;
                double zz = (1 - lambda) * z + lambda * zn;
                double pp = 1 / (1 + Math.exp(-zz));
                boolean wasRefractory = st.refractory();
                out[i] = st.next(pp);
                if (!freeze || !(wasRefractory || pp >= th)) {
                    h90.add(z);
                    h99.add(z);
                }
            }
            return out;
        }
    }

    /** Entity-relative shift of the log-odds by the entity's own high quantile, then the onset rule. */
    static final class Shift {
        static final double LO = -20;
        static final double WIDTH = 0.1;
        static final int BINS = 400;
        final double tau;
        final double lambda;
        final double decay;
        final double n0;
        final double qg;
        final boolean freeze;
        final double[] count = new double[BINS];
        double weight = 1;
        double total;
        double above;
        int k = BINS - 1;
        double eff;

        Shift(double tau, double lambda, int w, double n0, double qg, boolean freeze) {
            this.tau = tau;
            this.lambda = lambda;
            this.decay = 1.0 - 1.0 / w;
            this.n0 = n0;
            this.qg = qg;
            this.freeze = freeze;
        }

        double quantile() {
            return LO + (k + 0.5) * WIDTH;
        }

        void add(double z) {
            int b = (int) Math.floor((z - LO) / WIDTH);
            b = Math.max(0, Math.min(BINS - 1, b));
            weight /= decay;
            if (weight > 1e200) {
                for (int i = 0; i < BINS; i++) {
                    count[i] /= weight;
                }
                total /= weight;
                above /= weight;
                weight = 1;
            }
            count[b] += weight;
            total += weight;
            if (b > k) {
                above += weight;
            }
            double limit = (1 - tau) * total;
            while (above > limit && k < BINS - 1) {
                k++;
                above -= count[k];
            }
            while (k > 0 && above + count[k] <= limit) {
                above += count[k];
                k--;
            }
            eff = eff * decay + 1;
        }

        double[] apply(double[] p, double th) {
            io.commandcenter.models.calibration.OnsetCalibration.State st = ServiceHealthTraining.ONSET.newState(th);
            double[] out = new double[p.length];
            for (int i = 0; i < p.length; i++) {
                double z = logit(p[i]);
                double qe = eff > 0 ? quantile() : qg;
                double qeff = (eff * qe + n0 * qg) / (eff + n0);
                double zz = z - lambda * (qeff - qg);
                double pp = 1 / (1 + Math.exp(-zz));
                boolean wasRefractory = st.refractory();
                out[i] = st.next(pp);
                if (!freeze || !(wasRefractory || pp >= th)) {
                    add(z);
                }
            }
            return out;
        }
    }

    static double logit(double p) {
        double q = Math.min(1 - 1e-12, Math.max(1e-12, p));
        return Math.log(q / (1 - q));
    }

    static void measure(String label, Variant v, List<ServiceHealthTraining.Replayed> corpus, List<double[]> probs, List<Nab> nab) {
        // threshold on validation: early warning, standard and low-FP profiles
        double thStd = choose(v, corpus, probs, EarlyWarningProfile.STANDARD);
        double thLow = choose(v, corpus, probs, EarlyWarningProfile.LOW_FALSE_POSITIVES);
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "== %s  thStd=%.2f thLowFP=%.2f%n", label, thStd, thLow));
        for (double th : new double[] {thStd, thLow}) {
            sb.append(String.format(Locale.ROOT, "  th %.2f ASD all %s | holdout %s | val %s | test syn %s%n", th,
                    asd(v, corpus, probs, th, r -> r.entry().name().startsWith("omi")),
                    asd(v, corpus, probs, th, r -> r.entry().name().startsWith("omi") && r.entry().group().equals("holdout")),
                    asd(v, corpus, probs, th, r -> r.entry().group().equals("validation")),
                    asd(v, corpus, probs, th, r -> r.entry().group().equals("test"))));
        }
        // NAB: risk computed at each candidate threshold is threshold-dependent; use thStd for the state
        for (double th : new double[] {thStd}) {
            List<NabScorer.ScoredFile> files = new ArrayList<>();
            Map<String, List<NabScorer.ScoredFile>> byCat = new LinkedHashMap<>();
            for (Nab n : nab) {
                double[] r = v.apply(n.p(), th);
                for (int i = 0; i < r.length; i++) {
                    r[i] = Backtest.writtenRisk(r[i]);
                }
                NabScorer.ScoredFile sf = new NabScorer.ScoredFile(n.name(), r, n.windows());
                files.add(sf);
                byCat.computeIfAbsent(n.category(), k -> new ArrayList<>()).add(sf);
            }
            NabScorer.Score sw = NabScorer.sweep(files, NabScorer.Profile.STANDARD);
            NabScorer.Score at = NabScorer.scoreAt(files, NabScorer.Profile.STANDARD, th);
            NabScorer.Score lowSw = NabScorer.sweep(files, NabScorer.Profile.REWARD_LOW_FP);
            sb.append(String.format(Locale.ROOT, "  state th %.2f: NAB sweep %.1f (thr %.4f, fp %d) | at model th %.1f (fp %d) | lowFP sweep %.1f%n",
                    th, sw.normalised(), sw.threshold(), sw.falsePositiveRows(), at.normalised(), at.falsePositiveRows(), lowSw.normalised()));
            // per category at the corpus threshold, own sweep, and leave-one-category-out
            StringBuilder cats = new StringBuilder("    ");
            double locoRaw = 0;
            for (Map.Entry<String, List<NabScorer.ScoredFile>> c : byCat.entrySet()) {
                List<NabScorer.ScoredFile> rest = new ArrayList<>();
                for (NabScorer.ScoredFile f : files) {
                    if (!c.getValue().contains(f)) {
                        rest.add(f);
                    }
                }
                double restTh = NabScorer.sweep(rest, NabScorer.Profile.STANDARD).threshold();
                NabScorer.Score loco = NabScorer.scoreAt(c.getValue(), NabScorer.Profile.STANDARD, restTh);
                NabScorer.Score own = NabScorer.sweep(c.getValue(), NabScorer.Profile.STANDARD);
                NabScorer.Score atCorpus = NabScorer.scoreAt(c.getValue(), NabScorer.Profile.STANDARD, sw.threshold());
                NabScorer.Score atModel = NabScorer.scoreAt(c.getValue(), NabScorer.Profile.STANDARD, th);
                locoRaw += loco.raw();
                if (c.getKey().contains("NoAnomaly")) {
                    cats.append(String.format(Locale.ROOT, "NoAnom raw corpus %.2f loco %.2f model %.2f; ", atCorpus.raw(), loco.raw(), atModel.raw()));
                    continue;
                }
                cats.append(String.format(Locale.ROOT, "%s corpus %.1f own %.1f@%.3f loco %.1f(th %.3f) model %.1f; ", c.getKey().replace("artificial", "art").replace("real", ""),
                        atCorpus.normalised(), own.normalised(), own.threshold(), loco.normalised(), restTh, atModel.normalised()));
            }
            sb.append(cats).append('\n');
            // ceilings of calibration alone: each category / each file at the threshold best for it
            double catOracle = 0;
            for (List<NabScorer.ScoredFile> c : byCat.values()) {
                catOracle += NabScorer.sweep(c, NabScorer.Profile.STANDARD).raw();
            }
            double fileOracle = 0;
            int scored = 0;
            int all = 0;
            for (NabScorer.ScoredFile f : files) {
                NabScorer.Score own = NabScorer.sweep(List.of(f), NabScorer.Profile.STANDARD);
                fileOracle += own.raw();
                if (System.getProperty("oracle") != null) {
                    double[] q = f.scores().clone();
                    java.util.Arrays.sort(q);
                    int n = q.length;
                    sb.append(String.format(Locale.ROOT, "      oracle %-55s thr %.3f raw %.2f | q50 %.3f q90 %.3f q99 %.3f q999 %.4f max %.4f%n", f.name(), own.threshold(), own.raw(),
                            q[n / 2], q[(int) (0.9 * n)], q[(int) (0.99 * n)], q[(int) (0.999 * n)], q[n - 1]));
                }
                for (NabScorer.FileScore fs : NabScorer.perFile(List.of(f), NabScorer.Profile.STANDARD, 2.0)) {
                    scored += fs.scoredWindows();
                    all += fs.windows();
                }
            }
            sb.append(String.format(Locale.ROOT, "    ceilings: each category at its own threshold %.1f, each file at its own %.1f%n",
                    NabScorer.normalise(catOracle, scored, all, NabScorer.Profile.STANDARD),
                    NabScorer.normalise(fileOracle, scored, all, NabScorer.Profile.STANDARD)));
            if (System.getProperty("perfile") != null) {
                for (NabScorer.FileScore fs : NabScorer.perFile(files, NabScorer.Profile.STANDARD, sw.threshold())) {
                    if (fs.name().startsWith(System.getProperty("perfile"))) {
                        sb.append(String.format(Locale.ROOT, "      %-50s raw %.3f detected %d/%d fp %d%n", fs.name(), fs.raw(), fs.detectedWindows(), fs.windows(), fs.falsePositiveRows()));
                    }
                }
            }
            sb.append(String.format(Locale.ROOT, "    LOCO raw total %.2f%n", locoRaw));
        }
        System.out.print(sb);
        System.out.flush();
    }

    static String asd(Variant v, List<ServiceHealthTraining.Replayed> corpus, List<double[]> probs, double th,
                      java.util.function.Predicate<ServiceHealthTraining.Replayed> f) {
        double raw = 0;
        int windows = 0;
        long caught = 0;
        long fa = 0;
        for (int k = 0; k < corpus.size(); k++) {
            ServiceHealthTraining.Replayed r = corpus.get(k);
            if (!f.test(r)) {
                continue;
            }
            ServiceHealthTraining.SeriesReport s = ServiceHealthTraining.report(r.entry().name(), r.entry().group(),
                    v.apply(probs.get(k), th), r.labels(), th, true);
            raw += s.rawEarlyWarning();
            windows += s.incidents();
            caught += s.incident().truePositives();
            fa += s.incident().falsePositives();
        }
        return String.format(Locale.ROOT, "%.1f/%d of %d/%d", Evaluation.normalise(raw, windows, EarlyWarningProfile.STANDARD), caught, windows, fa);
    }

    static double choose(Variant v, List<ServiceHealthTraining.Replayed> corpus, List<double[]> probs, EarlyWarningProfile profile) {
        double best = 0.8;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int t = 20; t <= 95; t++) {
            double th = t / 100.0;
            double sum = 0;
            for (int k = 0; k < corpus.size(); k++) {
                ServiceHealthTraining.Replayed r = corpus.get(k);
                if (!r.entry().group().equals("validation")) {
                    continue;
                }
                boolean[] alarms = Evaluation.alarms(v.apply(probs.get(k), th), th);
                sum += Evaluation.rawEarlyWarning(alarms, Segment.fromLabels(r.labels()), ServiceHealthTraining.HORIZON, profile);
            }
            if (sum > bestScore + 1e-9) {
                bestScore = sum;
                best = th;
            }
        }
        return best;
    }
}
