package io.commandcenter.models.train.bootstrap;

import io.commandcenter.models.backtest.FeatureReplay;
import io.commandcenter.models.backtest.LabelledCorpus;
import io.commandcenter.models.calibration.PeakNovelty;
import io.commandcenter.models.features.FeatureSchema;
import io.commandcenter.models.features.TelemetryFeatures;
import io.commandcenter.models.features.TimeAxis;
import io.commandcenter.models.synthetic.LabelledSeries;
import io.commandcenter.models.synthetic.SyntheticBusiness;
import io.commandcenter.models.train.BoostedTrees;
import io.commandcenter.models.train.GradientBoostingTrainer;
import io.commandcenter.models.train.PlattScaling;
import io.commandcenter.models.train.TrainingData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Research harness (not part of the product; guide 12.12): does a novelty measure help as a <em>model feature</em>, retrained,
 * rather than as a calibration step? Per candidate, the pipeline's feature rows get extra columns computed from the same
 * values in the same order (history first, causal: a row sees only its past), the service_health model is retrained exactly
 * as {@link BootstrapModelsMain} trains it (same corpus, seed, Platt scaling on validation, threshold chosen on validation
 * early warning), and {@link CalibrationStudy#measure} reports it with service_health 2.4.0's onset calibration (rule,
 * quiet-entity bonus, novelty discount): threshold chosen on validation, ASD omi-1…9 / holdout / validation / synthetic
 * test early warning, incidents caught and false-alarm events, the open NAB part's one-threshold sweep, per category
 * and leave-one-category-out. {@code base} (no extra column) reproduces the shipped 2.4.0 figures: the harness's
 * check.
 *
 * <p>Candidate columns: {@code novelty} — the peak novelty of {@link PeakNovelty} (share of the last 7 days whose
 * extreme the value passes); {@code phase} — the <em>phase</em> novelty: per metric, the share of the last 7 days whose
 * range within ± 6 sampling intervals of the same time of day the value lies outside (a value ordinary for the day but
 * not for this hour of it), largest over the row's metrics, 1 until two days are known; {@code x} suffixes (e.g.
 * {@code phasex}) add the column's product with {@code evidence} ("unusual and new"), which a linear model cannot form.
 * Health-sample entries (no per-metric values here) get their peak novelty in every candidate column.
 *
 * <p>Usage: {@code FeatureStudy <asd dir> <nab-open dir> <candidates>}, candidates a comma list of {@code base},
 * {@code novelty}, {@code noveltyx}, {@code phase}, {@code phasex}, {@code both}, {@code evz} ({@code evidence_z}: the
 * evidence against its own EWMA mean and spread), {@code evx} ({@code evidence_excess}: the evidence above its own last 7 days'
 * largest), {@code evboth}, {@code rank} ({@code shift_rank}, {@link #shiftRank}; 0 for health-sample entries), {@code rankb} (the same minus
 * {@code log10 M}, {@link #bonferroni}); session 8: {@code rankt} / {@code ranktk} / {@code ranktb} ({@code shift_rank_tail},
 * {@code shift_rank_tail_top}, both: the rank test as a per-metric stream through the pipeline's tail calibration, max or top-k,
 * {@link #shiftRankTail}) and {@code biz<N>} (N NAB-like business series added to the training corpus, no column,
 * {@link #business}); {@code -Drule220=1} also measures each candidate with service_health 2.2.0's rule alone (the
 * quiet-entity bonus and the novelty discount were chosen on the shipped weights). Session 7 (guide 12.13): a candidate
 * {@code <columns>@<family>} (e.g. {@code base@gbt/r100/d3/lr0.1/b256}) trains another model family on the same rows
 * instead of the logistic regression ({@link #family}, {@link #boosted}).
 */
public final class FeatureStudy {

    private FeatureStudy() {
    }

    /** Rows within ± this many sampling intervals of the same time of day are the phase's range. */
    static final int PHASE_WINDOW = 6;
    static final int DAYS = 7;

    public static void main(String[] args) throws Exception {
        Path asd = Path.of(args[0]);
        Path nabDir = Path.of(args[1]);
        String[] candidates = (args.length > 2 ? args[2] : "base").split(",");
        long seed = BootstrapModelsMain.SEED;
        List<ServiceHealthTraining.Replayed> corpus = CalibrationStudy.studyCorpus(asd);
        // per entry: [peak novelty, phase novelty] of history rows then scored rows
        List<double[][]> extras = new ArrayList<>();
        for (ServiceHealthTraining.Replayed r : corpus) {
            extras.add(entryColumns(r));
        }
        LabelledCorpus lc = new LabelledCorpus(nabDir, "label");
        List<String> names = lc.names(List.of());
        List<LabelledCorpus.File> files = new ArrayList<>();
        List<FeatureReplay.Result> reps = new ArrayList<>();
        List<double[][]> nabExtras = new ArrayList<>();
        for (String name : names) {
            LabelledCorpus.File f = lc.read(name);
            io.commandcenter.models.backtest.Series s = f.series();
            files.add(f);
            reps.add(FeatureReplay.replay(s.axis(), s.metrics(), s.times(), s.values(), false));
            int m = s.metrics().size();
            // [0] peak novelty as a column, [1] phase novelty, [2] peak novelty as the product's discount reads it
            FeatureReplay.Result rep = reps.get(reps.size() - 1);
            double[] raw = rep.novelty();
            double[] ev = evidence(rep.features(), rep.rows());
            double[][] tail = shiftRankTail(s.values(), m);
            nabExtras.add(new double[][] {clean(raw), phase(s.times(), s.values(), m, s.axis()), raw,
                evidenceZ(ev), evidenceExcess(ev, s.times(), s.axis()), shiftRank(s.values(), m), bonferroni(shiftRank(s.values(), m), m),
                tail[0], tail[1]});
        }
        // session 8: NAB-like business series added to the training corpus (candidates biz<N>, train group only, so the
        // validation, holdout and test figures stay comparable), replayed once for the largest N
        int maxBiz = 0;
        for (String cand : candidates) {
            maxBiz = Math.max(maxBiz, businessSeries(cand.split("@", 2)[0]));
        }
        List<ServiceHealthTraining.Replayed> biz = new ArrayList<>();
        List<double[][]> bizExtras = new ArrayList<>();
        for (CorpusEntry e : business(seed, maxBiz)) {
            ServiceHealthTraining.Replayed r = ServiceHealthTraining.replay(e);
            biz.add(r);
            bizExtras.add(entryColumns(r));
        }
        for (String spec : candidates) {
            // session 7 (12.13): "<columns>@<family>" trains another model family on the same rows, e.g. base@gbt/r200/d3
            String cand = spec.contains("@") ? spec.substring(0, spec.indexOf('@')) : spec;
            Family family = spec.contains("@") ? family(spec.substring(spec.indexOf('@') + 1)) : null;
            List<String> cols = columns(cand);
            List<ServiceHealthTraining.Replayed> base = new ArrayList<>(corpus);
            List<double[][]> baseExtras = new ArrayList<>(extras);
            int nb = businessSeries(cand);
            base.addAll(biz.subList(0, nb));
            baseExtras.addAll(bizExtras.subList(0, nb));
            List<String> schemaNames = new ArrayList<>(TelemetryFeatures.SCHEMA.names());
            schemaNames.addAll(cols);
            FeatureSchema schema = new FeatureSchema(schemaNames);
            List<ServiceHealthTraining.Replayed> aug = new ArrayList<>();
            for (int k = 0; k < base.size(); k++) {
                ServiceHealthTraining.Replayed r = base.get(k);
                double[][] ex = baseExtras.get(k);
                int h = r.historyRows();
                aug.add(new ServiceHealthTraining.Replayed(r.entry(), widen(r.historyFeatures(), h, ex, 0, cols),
                        h, widen(r.features(), r.labels().length, ex, h, cols), r.labels(), r.historyNovelty(), r.novelty()));
            }
            java.util.function.ToDoubleFunction<ServiceHealthTraining.Replayed> entryWeight =
                    r -> r.entry().name().startsWith("biz-") ? businessWeight(cand) : 1.0;
            if (family != null) {
                List<double[]> probs = boosted(spec, family, schema, seed, aug, entryWeight);
                List<CalibrationStudy.Nab> nab = new ArrayList<>();
                for (int k = 0; k < files.size(); k++) {
                    LabelledCorpus.File f = files.get(k);
                    FeatureReplay.Result rep = reps.get(k);
                    double[] pr = SCORER.apply(widen(rep.features(), rep.rows(), nabExtras.get(k), 0, cols), rep.rows());
                    register(pr, f.series().times(), f.series().axis(), nabExtras.get(k)[2]);
                    nab.add(new CalibrationStudy.Nab(names.get(k), f.category(), pr, f.incidents()));
                }
                CalibrationStudy.measure("feature candidate " + spec + " " + cols + " (" + family.describe() + ") with 2.4.0's onset calibration",
                        (p, th) -> ServiceHealthTraining.ONSET.apply(p, th, CalibrationStudy.TIMES.get(p), CalibrationStudy.AXIS.get(p),
                                CalibrationStudy.NOVP.get(p)), aug, probs, nab);
                if (System.getProperty("rule220") != null) {
                    CalibrationStudy.measure("feature candidate " + spec + " " + cols + " with 2.2.0's rule (no bonus, no discount)",
                            (p, th) -> CalibrationStudy.RULE_2_2_0.apply(p, th, CalibrationStudy.TIMES.get(p), CalibrationStudy.AXIS.get(p)),
                            aug, probs, nab);
                }
                continue;
            }
            ServiceHealthTraining.Outcome o = new ServiceHealthTraining(BootstrapModelsMain.serviceHealthTrainer(seed), schema)
                    .train(aug, entryWeight);
            double auc = 0;
            int servers = 0;
            for (ServiceHealthTraining.SeriesReport rep : o.reports().values()) {
                if (rep.name().startsWith("omi") && Double.isFinite(rep.auc())) {
                    auc += rep.auc();
                    servers++;
                }
            }
            System.out.printf(Locale.ROOT, "#### candidate %s: columns %s, validation threshold %.2f, ASD omi-1…9 mean ROC AUC %.3f (%d servers)%n",
                    cand, cols, o.threshold(), auc / Math.max(1, servers), servers);
            double[] w = o.model().scorer().weights();
            for (int j = 0; j < w.length; j++) {
                System.out.printf(Locale.ROOT, "  w %-22s %7.3f%n", o.model().onnxSchema().name(j), w[j]);
            }
            List<double[]> probs = new ArrayList<>();
            for (ServiceHealthTraining.Replayed r : aug) {
                double[] pr = ServiceHealthTraining.probability(schema, o.model(), r);
                register(pr, r.entry().scored().times(), r.entry().scored().axis(), r.novelty());
                probs.add(pr);
            }
            List<CalibrationStudy.Nab> nab = new ArrayList<>();
            for (int k = 0; k < files.size(); k++) {
                LabelledCorpus.File f = files.get(k);
                FeatureReplay.Result rep = reps.get(k);
                float[] wide = widen(rep.features(), rep.rows(), nabExtras.get(k), 0, cols);
                float[] proj = schema.project(wide, rep.rows(), o.model().onnxSchema());
                double[] pr = o.model().scorer().score(proj, rep.rows());
                register(pr, f.series().times(), f.series().axis(), nabExtras.get(k)[2]);
                nab.add(new CalibrationStudy.Nab(names.get(k), f.category(), pr, f.incidents()));
            }
            CalibrationStudy.measure("feature candidate " + cand + " " + cols + " with 2.4.0's onset calibration",
                    (p, th) -> ServiceHealthTraining.ONSET.apply(p, th, CalibrationStudy.TIMES.get(p), CalibrationStudy.AXIS.get(p),
                            CalibrationStudy.NOVP.get(p)), aug, probs, nab);
            if (System.getProperty("rule220") != null) {
                // the bonus and discount were chosen on 2.4.0's weights: judged also with the rule alone (2.2.0), no ordering above θ
                CalibrationStudy.measure("feature candidate " + cand + " " + cols + " with 2.2.0's rule (no bonus, no discount)",
                        (p, th) -> CalibrationStudy.RULE_2_2_0.apply(p, th, CalibrationStudy.TIMES.get(p), CalibrationStudy.AXIS.get(p)),
                        aug, probs, nab);
            }
        }
    }

    /** The probabilities of the last model {@link #boosted} trained, for rows laid out as its schema (one candidate at a time). */
    private static java.util.function.BiFunction<float[], Integer, double[]> SCORER;

    /** A model family: boosted trees, from the prior or ({@code linearMargin}) from the logistic model's log-odds. */
    record Family(boolean linearMargin, GradientBoostingTrainer.Settings settings) {
        String describe() {
            return (linearMargin ? "logistic + " : "") + settings.describe();
        }
    }

    /**
     * Session 7 (12.13): a model family other than the logistic regression over the same training rows
     * ({@link ServiceHealthTraining#trainingData}: same sample, same weights), then exactly what {@link ServiceHealthTraining}
     * does after training: Platt scaling fitted on every validation row (unweighted) and folded into the ensemble, the
     * threshold chosen on validation early warning with the onset calibration. Prints the settings, Platt, threshold, ASD
     * omi-1…9 mean ROC AUC of the risk and the splits per feature; returns each entry's probabilities (registered for
     * {@link CalibrationStudy#measure}).
     */
    static List<double[]> boosted(String spec, Family family, FeatureSchema schema, long seed,
                                  List<ServiceHealthTraining.Replayed> aug, java.util.function.ToDoubleFunction<ServiceHealthTraining.Replayed> weight) {
        long t0 = System.nanoTime();
        TrainingData data = ServiceHealthTraining.trainingData(schema, seed, aug, weight);
        double[] margin = null;
        io.commandcenter.models.train.TrainedLogistic lin = null;
        if (family.linearMargin()) {
            // the logistic regression exactly as BootstrapModelsMain trains it (no Platt yet), its log-odds the trees' start
            lin = BootstrapModelsMain.serviceHealthTrainer(seed).train(data);
            float[] proj = schema.project(data.x(), data.rows(), lin.onnxSchema());
            margin = new double[data.rows()];
            for (int i = 0; i < margin.length; i++) {
                margin[i] = lin.scorer().logit(proj, i);
            }
        }
        BoostedTrees trees = new GradientBoostingTrainer(family.settings(), seed).train(data, margin);
        long t1 = System.nanoTime();
        io.commandcenter.models.train.TrainedLogistic linear = lin;
        // raw log-odds of every row of a matrix in the schema's layout
        java.util.function.BiFunction<float[], Integer, double[]> rawLogits = (x, rows) -> {
            double[] z = new double[rows];
            float[] proj = linear == null ? null : schema.project(x, rows, linear.onnxSchema());
            for (int i = 0; i < rows; i++) {
                z[i] = trees.logit(x, i) + (linear == null ? 0 : linear.scorer().logit(proj, i));
            }
            return z;
        };
        List<Double> zs = new ArrayList<>();
        List<Boolean> zy = new ArrayList<>();
        for (ServiceHealthTraining.Replayed r : aug) {
            if (r.entry().group().equals("validation")) {
                double[] z = rawLogits.apply(r.features(), r.labels().length);
                for (int i = 0; i < z.length; i++) {
                    zs.add(z[i]);
                    zy.add(r.labels()[i]);
                }
            }
        }
        boolean[] zl = new boolean[zy.size()];
        float[] zw = new float[zy.size()];
        for (int i = 0; i < zl.length; i++) {
            zl[i] = zy.get(i);
            zw[i] = 1f;
        }
        PlattScaling platt = PlattScaling.fit(zs.stream().mapToDouble(Double::doubleValue).toArray(), zl, zw);
        BoostedTrees m = trees.withPlatt(platt);
        SCORER = (x, rows) -> {
            double[] z = rawLogits.apply(x, rows);
            for (int i = 0; i < z.length; i++) {
                z[i] = platt.apply(z[i]);
            }
            return z;
        };
        List<double[]> probs = new ArrayList<>();
        List<ServiceHealthTraining.Replayed> val = new ArrayList<>();
        List<double[]> valProbs = new ArrayList<>();
        for (ServiceHealthTraining.Replayed r : aug) {
            double[] pr = SCORER.apply(r.features(), r.labels().length);
            probs.add(pr);
            if (r.entry().group().equals("validation")) {
                val.add(r);
                valProbs.add(pr);
            }
        }
        double th = ServiceHealthTraining.chooseThreshold(val, valProbs);
        double auc = 0;
        int servers = 0;
        for (int k = 0; k < aug.size(); k++) {
            ServiceHealthTraining.Replayed r = aug.get(k);
            if (r.entry().name().startsWith("omi")) {
                double a = ServiceHealthTraining.report(r.entry().name(), r.entry().group(), ServiceHealthTraining.calibrate(probs.get(k), r, th),
                        r.labels(), th, false).auc();
                if (Double.isFinite(a)) {
                    auc += a;
                    servers++;
                }
            }
        }
        System.out.printf(Locale.ROOT, "#### candidate %s: %s, %d training rows, %d trees, %d nodes, trained in %.1f s; Platt a %.3f b %.3f; "
                        + "validation threshold %.2f, ASD omi-1…9 mean ROC AUC %.3f (%d servers)%n",
                spec, family.describe(), data.rows(), m.trees().size(), m.nodes(), (t1 - t0) / 1e9, platt.a(), platt.b(), th,
                auc / Math.max(1, servers), servers);
        int[] splits = new int[schema.size()];
        for (BoostedTrees.Tree t : m.trees()) {
            for (int f : t.feature()) {
                if (f >= 0) {
                    splits[f]++;
                }
            }
        }
        for (int j = 0; j < splits.length; j++) {
            System.out.printf(Locale.ROOT, "  splits %-22s %6d%n", schema.name(j), splits[j]);
        }
        for (int k = 0; k < aug.size(); k++) {
            ServiceHealthTraining.Replayed r = aug.get(k);
            register(probs.get(k), r.entry().scored().times(), r.entry().scored().axis(), r.novelty());
        }
        return probs;
    }

    /**
     * A model family: {@code ebm} (additive, one feature per tree) or {@code gbt} (trees with interactions), prefixed {@code lin+}
     * to boost from the logistic model's log-odds (the trees then fit only what the linear model leaves), then settings as
     * slash-separated tokens {@code r<rounds>}, {@code lr<learning rate>}, {@code d<depth>}, {@code l<min leaf weight>},
     * {@code lam<λ>}, {@code b<bins>}, {@code s<subsample>}, {@code mono} (additive only: non-decreasing shapes); defaults ebm r3000 lr0.05 d2 l50 lam1 b64 s1, gbt r200 lr0.1 d3
     * l50 lam1 b64 s1.
     */
    static Family family(String spec) {
        boolean linearMargin = spec.startsWith("lin+");
        String[] t = (linearMargin ? spec.substring(4) : spec).split("/");
        boolean additive = switch (t[0]) {
            case "ebm" -> true;
            case "gbt" -> false;
            default -> throw new IllegalArgumentException("unknown model family " + t[0] + " (ebm or gbt)");
        };
        int rounds = additive ? 3000 : 200;
        double lr = additive ? 0.05 : 0.1;
        int depth = additive ? 2 : 3;
        double leaf = 50;
        double lambda = 1;
        int bins = 64;
        double sub = 1;
        boolean monotone = false;
        for (int i = 1; i < t.length; i++) {
            if (t[i].equals("mono")) {
                monotone = true;
                continue;
            }
            java.util.regex.Matcher mt = java.util.regex.Pattern.compile("(lr|lam|r|d|l|b|s)([0-9.]+)").matcher(t[i]);
            if (!mt.matches()) {
                throw new IllegalArgumentException("bad model setting " + t[i]);
            }
            double v = Double.parseDouble(mt.group(2));
            switch (mt.group(1)) {
                case "lr" -> lr = v;
                case "lam" -> lambda = v;
                case "r" -> rounds = (int) v;
                case "d" -> depth = (int) v;
                case "l" -> leaf = v;
                case "b" -> bins = (int) v;
                default -> sub = v;
            }
        }
        return new Family(linearMargin, new GradientBoostingTrainer.Settings(additive ? GradientBoostingTrainer.Form.ADDITIVE
                : GradientBoostingTrainer.Form.TREES, rounds, depth, lr, leaf, lambda, bins, sub, monotone));
    }

    /** How many business series a candidate adds to the training corpus: {@code biz<N>} or {@code biz<N>w<P>} → N (columns none), else 0. */
    static int businessSeries(String cand) {
        if (!cand.startsWith("biz")) {
            return 0;
        }
        int w = cand.indexOf('w');
        return Integer.parseInt(cand.substring(3, w < 0 ? cand.length() : w));
    }

    /** The weight of a business series' rows: {@code biz<N>w<P>} → P / 100, else 1. */
    static double businessWeight(String cand) {
        int w = cand.indexOf('w');
        return cand.startsWith("biz") && w > 0 ? Integer.parseInt(cand.substring(w + 1)) / 100.0 : 1.0;
    }

    /**
     * {@code n} seeded {@link SyntheticBusiness} series, the kinds in turn (ratio hourly 800–4,000 rows, speed and count
     * 5-minute 1,500–8,000 rows), all in group {@code train}.
     */
    static List<CorpusEntry> business(long seed, int n) {
        SyntheticBusiness gen = new SyntheticBusiness(seed + 11);
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed + 13);
        List<CorpusEntry> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String kind = SyntheticBusiness.KINDS.get(i % SyntheticBusiness.KINDS.size());
            int rows = kind.equals("ratio") ? 800 + rnd.nextInt(3200) : 1500 + rnd.nextInt(6500);
            out.add(new CorpusEntry("biz-" + kind + "-" + i, "train", null, gen.series("biz-" + i, kind, rows)));
        }
        return out;
    }

    static List<String> columns(String cand) {
        if (cand.startsWith("biz")) {
            return List.of();
        }
        return switch (cand) {
            case "base" -> List.of();
            case "novelty" -> List.of("novelty");
            case "noveltyx" -> List.of("novelty", "novelty_x_evidence");
            case "phase" -> List.of("phase_novelty");
            case "phasex" -> List.of("phase_novelty", "phase_x_evidence");
            case "both" -> List.of("novelty", "phase_novelty");
            case "evz" -> List.of("evidence_z");
            case "evx" -> List.of("evidence_excess");
            case "evboth" -> List.of("evidence_z", "evidence_excess");
            case "rank" -> List.of("shift_rank");
            case "rankb" -> List.of("shift_rank_bonferroni");
            case "rankt" -> List.of("shift_rank_tail");
            case "ranktk" -> List.of("shift_rank_tail_top");
            case "ranktb" -> List.of("shift_rank_tail", "shift_rank_tail_top");
            default -> throw new IllegalArgumentException("unknown candidate " + cand);
        };
    }

    static void register(double[] pr, long[] times, TimeAxis axis, double[] novelty) {
        CalibrationStudy.TIMES.put(pr, times);
        CalibrationStudy.AXIS.put(pr, axis);
        CalibrationStudy.NOVP.put(pr, novelty);
    }

    /** The rows' features followed by the candidate columns (rows {@code from…} of the entry's extra columns). */
    static float[] widen(float[] features, int rows, double[][] extra, int from, List<String> cols) {
        int nf = TelemetryFeatures.SCHEMA.size();
        int w = nf + cols.size();
        int ev = TelemetryFeatures.SCHEMA.indexOf("evidence");
        float[] out = new float[rows * w];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(features, i * nf, out, i * w, nf);
            for (int c = 0; c < cols.size(); c++) {
                double v = switch (cols.get(c)) {
                    case "novelty" -> extra[0][from + i];
                    case "phase_novelty" -> extra[1][from + i];
                    case "novelty_x_evidence" -> extra[0][from + i] * Math.max(0, features[i * nf + ev]);
                    case "phase_x_evidence" -> extra[1][from + i] * Math.max(0, features[i * nf + ev]);
                    case "evidence_z" -> extra[3][from + i];
                    case "evidence_excess" -> extra[4][from + i];
                    case "shift_rank" -> extra[5][from + i];
                    case "shift_rank_bonferroni" -> extra[6][from + i];
                    case "shift_rank_tail" -> extra[7][from + i];
                    case "shift_rank_tail_top" -> extra[8][from + i];
                    default -> throw new IllegalArgumentException(cols.get(c));
                };
                out[i * w + nf + c] = (float) v;
            }
        }
        return out;
    }

    /** Peak and phase novelty of an entry's history rows then scored rows (step-indexed scored rows continue the history). */
    static double[][] entryColumns(ServiceHealthTraining.Replayed r) {
        CorpusEntry e = r.entry();
        if (e.health() != null) {
            double[] n = clean(r.novelty());
            double[] ev = evidence(r.features(), r.labels().length);
            return new double[][] {n, n, n, evidenceZ(ev), evidenceExcess(ev, e.scored().times(), e.scored().axis()), new double[n.length],
                new double[n.length], new double[n.length], new double[n.length]};
        }
        LabelledSeries s = e.scored();
        LabelledSeries h = e.history();
        int m = s.metrics().size();
        int hn = h == null ? 0 : h.rows();
        long[] t = new long[hn + s.rows()];
        double[] v = new double[t.length * m];
        long offset = 0;
        if (h != null) {
            System.arraycopy(h.times(), 0, t, 0, hn);
            System.arraycopy(h.values(), 0, v, 0, hn * m);
            if (s.axis() == TimeAxis.STEPS) {
                offset = h.times()[hn - 1] + 1 - s.times()[0];
            }
        }
        for (int i = 0; i < s.rows(); i++) {
            t[hn + i] = s.times()[i] + offset;
        }
        System.arraycopy(s.values(), 0, v, hn * m, s.rows() * m);
        double[] ev = new double[t.length];
        System.arraycopy(evidence(r.historyFeatures(), hn), 0, ev, 0, hn);
        System.arraycopy(evidence(r.features(), s.rows()), 0, ev, hn, s.rows());
        double[] peak = new double[t.length];
        System.arraycopy(r.historyNovelty(), 0, peak, 0, hn);
        System.arraycopy(r.novelty(), 0, peak, hn, s.rows());
        peak = clean(peak);
        double[][] tail = shiftRankTail(v, m);
        return new double[][] {peak, phase(t, v, m, s.axis()), peak, evidenceZ(ev), evidenceExcess(ev, t, s.axis()), shiftRank(v, m), bonferroni(shiftRank(v, m), m),
            tail[0], tail[1]};
    }

    static double[] evidence(float[] features, int rows) {
        int nf = TelemetryFeatures.SCHEMA.size();
        int ev = TelemetryFeatures.SCHEMA.indexOf("evidence");
        double[] out = new double[rows];
        for (int i = 0; i < rows; i++) {
            out[i] = features[i * nf + ev];
        }
        return out;
    }

    /**
     * The entity's evidence against its own history (Ahmad et al.'s anomaly likelihood applied to the combined score):
     * {@code (e − μ) / σ} with μ the EWMA 0.002 of the evidence and σ 1.2533 × the EWMA 0.002 of its absolute deviation (both
     * before the row; rates 1/n at first), clipped to [0, 10]; 0 for the first 64 rows.
     */
    static double[] evidenceZ(double[] ev) {
        double[] out = new double[ev.length];
        double mu = 0;
        double mad = 0;
        for (int i = 0; i < ev.length; i++) {
            double x = Double.isFinite(ev[i]) ? ev[i] : mu;
            if (i >= 64) {
                double sd = Math.max(0.05, 1.2533 * mad);
                out[i] = Math.max(0, Math.min(10, (x - mu) / sd));
            }
            double a = Math.max(0.002, 1.0 / (i + 1));
            mad += a * (Math.abs(x - mu) - mad);
            mu += a * (x - mu);
        }
        return out;
    }

    /**
     * The evidence's own peak novelty: this row's evidence minus the largest evidence of the entity's last
     * {@value #DAYS} days (today's earlier rows included), clipped to [−5, 5]; 0 before a whole day is known.
     */
    static double[] evidenceExcess(double[] ev, long[] t, TimeAxis axis) {
        long day = axis == TimeAxis.STEPS ? 288 : 86_400_000L;
        double[] out = new double[ev.length];
        double[] dayMax = new double[DAYS + 1];
        Arrays.fill(dayMax, Double.NEGATIVE_INFINITY);
        long first = t.length == 0 ? 0 : Math.floorDiv(t[0], day);
        long cur = first;
        for (int i = 0; i < ev.length; i++) {
            long d = Math.floorDiv(t[i], day);
            while (cur < d) {
                cur++;
                dayMax[(int) Math.floorMod(cur, (long) dayMax.length)] = Double.NEGATIVE_INFINITY;
            }
            double mx = Double.NEGATIVE_INFINITY;
            for (double x : dayMax) {
                mx = Math.max(mx, x);
            }
            out[i] = d - first >= 1 && mx > Double.NEGATIVE_INFINITY ? Math.max(-5, Math.min(5, ev[i] - mx)) : 0;
            int slot = (int) Math.floorMod(d, (long) dayMax.length);
            if (Double.isFinite(ev[i])) {
                dayMax[slot] = Math.max(dayMax[slot], ev[i]);
            }
        }
        return out;
    }

    /** Rows in a block of {@link #shiftRank}. */
    static final int BLOCK = 6;
    /** Blocks {@link #shiftRank} compares with (576 rows: two days of 5-minute rows). */
    static final int BLOCKS = 96;

    /**
     * A rank test that needs no week of history (a conformal score, KNN-CAD's idea on block means): per metric, the mean of
     * the last {@value #BLOCK} values ranked among the means of the previous {@value #BLOCKS} whole blocks of {@value #BLOCK}
     * rows before them; {@code −log10((min(above, below) + 1) / (blocks + 1))}, the two-sided rank tail in decades (0 … 2);
     * the largest over the row's metrics; 0 until 16 blocks are known.
     */
    static double[] shiftRank(double[] v, int m) {
        int n = v.length / m;
        double[] out = new double[n];
        for (int k = 0; k < m; k++) {
            double[] r = shiftRankOf(v, m, k);
            for (int i = 0; i < n; i++) {
                if (r[i] > out[i]) {
                    out[i] = r[i];
                }
            }
        }
        return out;
    }

    /**
     * {@link #shiftRank} as a per-metric <em>stream</em> through the pipeline's own per-metric calibration (12.12's next step 1):
     * each metric's signed rank scores of the last {@value #SUSTAIN} disjoint windows are summed (a shift that lasts; one window alone
     * saturates at 2 decades, which ordinary noise reaches on ~2 % of rows), and the absolute sum goes through its own {@code TailModel} (the tail the pipeline fits to every detector of every
     * metric: the score's surprisal against that metric's own q90 / q99 of it; 0 before 16 blocks are known, and not
     * learnt from), then the row's surprisals are combined as the pipeline combines its detectors': {@code [0]} the largest minus
     * {@code log10 M}, {@code [1]} the mean of the top {@code k = min(3, M)} minus {@code log10(M / k)}, both floored at 0.
     */
    /** Disjoint windows {@link #shiftRankTail} sums (4 × {@value #BLOCK} rows: two hours of 5-minute rows). */
    static final int SUSTAIN = 4;

    static double[][] shiftRankTail(double[] v, int m) {
        int n = v.length / m;
        int k = Math.min(3, m);
        double[][] s = new double[m][];
        for (int j = 0; j < m; j++) {
            double[] r = shiftRankOf(v, m, j, true);
            io.commandcenter.models.features.ResearchTail tail = new io.commandcenter.models.features.ResearchTail();
            s[j] = new double[n];
            for (int i = 0; i < n; i++) {
                if (Double.isNaN(r[i])) {
                    continue;
                }
                // one window's rank saturates at log10(blocks + 1) decades, as often as 2 % of ordinary rows: a sustained
                // shift is told by the same direction over the last SUSTAIN disjoint windows (Fisher's combination, signed)
                double sum = 0;
                for (int q = 0; q < SUSTAIN && i - q * BLOCK >= 0; q++) {
                    double x = r[i - q * BLOCK];
                    sum += Double.isNaN(x) ? 0 : x;
                }
                s[j][i] = tail.surpriseThenLearn(Math.abs(sum));
            }
        }
        double[][] out = new double[2][n];
        double[] top = new double[k];
        for (int i = 0; i < n; i++) {
            java.util.Arrays.fill(top, 0);
            double max = 0;
            for (int j = 0; j < m; j++) {
                double x = s[j][i];
                max = Math.max(max, x);
                for (int q = 0; q < k; q++) {
                    if (x > top[q]) {
                        System.arraycopy(top, q, top, q + 1, k - q - 1);
                        top[q] = x;
                        break;
                    }
                }
            }
            double mean = 0;
            for (double x : top) {
                mean += x;
            }
            out[0][i] = Math.max(0, max - Math.log10(m));
            out[1][i] = Math.max(0, mean / k - Math.log10((double) m / k));
        }
        return out;
    }

    /** The rank score of {@link #shiftRank} of metric {@code k} alone, per row; NaN while fewer than 16 blocks are known. */
    static double[] shiftRankOf(double[] v, int m, int k) {
        return shiftRankOf(v, m, k, false);
    }

    /** {@link #shiftRankOf(double[], int, int)}, {@code signed}: negative when the window's mean is low among the blocks. */
    static double[] shiftRankOf(double[] v, int m, int k, boolean signed) {
        int n = v.length / m;
        double[] out = new double[n];
        java.util.Arrays.fill(out, Double.NaN);
        int nb = n / BLOCK;
        double[] bm = new double[nb];
        for (int j = 0; j < nb; j++) {
            double sum = 0;
            int c = 0;
            for (int r = j * BLOCK; r < (j + 1) * BLOCK; r++) {
                double x = v[r * m + k];
                if (Double.isFinite(x)) {
                    sum += x;
                    c++;
                }
            }
            bm[j] = c == 0 ? Double.NaN : sum / c;
        }
        for (int i = BLOCK - 1; i < n; i++) {
            double sum = 0;
            int c = 0;
            for (int r = i - BLOCK + 1; r <= i; r++) {
                double x = v[r * m + k];
                if (Double.isFinite(x)) {
                    sum += x;
                    c++;
                }
            }
            if (c == 0) {
                continue;
            }
            double cur = sum / c;
            int last = (i - BLOCK + 1) / BLOCK - 1; // the last whole block ending before the current window
            int first = Math.max(0, last - BLOCKS + 1);
            int above = 0;
            int below = 0;
            int blocks = 0;
            for (int j = first; j <= last; j++) {
                if (Double.isNaN(bm[j])) {
                    continue;
                }
                blocks++;
                if (bm[j] >= cur) {
                    above++;
                }
                if (bm[j] <= cur) {
                    below++;
                }
            }
            if (blocks >= 16) {
                double r = -Math.log10((Math.min(above, below) + 1.0) / (blocks + 1.0));
                out[i] = signed && above < below ? r : signed ? -r : r;
            }
        }
        return out;
    }

    /** {@code max(0, x − log10 M)}: the pipeline's Bonferroni correction (12.1), so 40 ordinary metrics do not look like one unusual one. */
    static double[] bonferroni(double[] x, int metrics) {
        double[] out = new double[x.length];
        double c = Math.log10(Math.max(1, metrics));
        for (int i = 0; i < x.length; i++) {
            out[i] = Math.max(0, x[i] - c);
        }
        return out;
    }

    static double[] clean(double[] x) {
        double[] out = x.clone();
        for (int i = 0; i < out.length; i++) {
            if (!Double.isFinite(out[i])) {
                out[i] = 1;
            }
        }
        return out;
    }

    /**
     * Phase novelty per row: per metric, over the last {@value #DAYS} days, the share of days whose values within ±
     * {@value #PHASE_WINDOW} sampling intervals of this time of day (a day earlier, two days earlier, …) do not contain this
     * value; the largest over the row's metrics; 1 until two such days are known. Causal (only earlier rows).
     */
    static double[] phase(long[] t, double[] v, int m, TimeAxis axis) {
        int n = t.length;
        long day = axis == TimeAxis.STEPS ? 288 : 86_400_000L;
        long[] d = new long[Math.max(1, n - 1)];
        for (int i = 1; i < n; i++) {
            d[i - 1] = t[i] - t[i - 1];
        }
        Arrays.sort(d);
        long step = Math.max(1, d[d.length / 2]);
        long half = PHASE_WINDOW * step;
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double best = 0;
            boolean known = false;
            for (int k = 0; k < m; k++) {
                double x = v[i * m + k];
                if (!Double.isFinite(x)) {
                    continue;
                }
                int days = 0;
                int outside = 0;
                for (int dd = 1; dd <= DAYS; dd++) {
                    long lo = t[i] - dd * day - half;
                    long hi = t[i] - dd * day + half;
                    int a = lowerBound(t, lo, i);
                    double mn = Double.POSITIVE_INFINITY;
                    double mx = Double.NEGATIVE_INFINITY;
                    for (int j = a; j < i && t[j] <= hi; j++) {
                        double y = v[j * m + k];
                        if (Double.isFinite(y)) {
                            mn = Math.min(mn, y);
                            mx = Math.max(mx, y);
                        }
                    }
                    if (mn <= mx) {
                        days++;
                        if (x > mx || x < mn) {
                            outside++;
                        }
                    }
                }
                if (days >= 2) {
                    known = true;
                    best = Math.max(best, outside / (double) days);
                }
            }
            out[i] = known ? best : 1;
        }
        return out;
    }

    private static int lowerBound(long[] t, long key, int end) {
        int lo = 0;
        int hi = end;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (t[mid] < key) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
