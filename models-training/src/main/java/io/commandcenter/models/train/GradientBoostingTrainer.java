package io.commandcenter.models.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The project's own gradient-boosting trainer for binary labels (research; guide 12.13): logistic loss, Newton steps
 * (leaf value {@code −G / (H + λ)} times the learning rate, G and H the summed weighted gradients and hessians), split
 * finding on per-feature histograms of at most {@code bins} quantile bins (weighted quantiles of the training values),
 * a minimum summed row weight per leaf, optional seeded row subsampling per round. Deterministic: the same data, settings
 * and seed give the same trees (sums run in row order, ties keep the first feature and bin).
 *
 * <p>Two forms ({@link Form}): {@link Form#ADDITIVE} (EBM-style: tree {@code t} splits on feature {@code t mod F} only,
 * cycling through the features, so the log-odds is a sum of one shape function per feature and a row's explanation is
 * exact: {@link BoostedTrees#contributions}); {@link Form#TREES} (depth-limited trees over all features: interactions).
 *
 * <p>Rows carry weights exactly as {@link LogisticTrainer} gets them ({@link TrainingData#weights()}): a row of weight
 * k counts as k rows in the gradients, the hessians, the leaf-weight minimum and the bin quantiles. Fails with
 * {@link IllegalArgumentException} on settings out of range or data without both labels.
 */
public final class GradientBoostingTrainer {

    /** Tree shape: one feature per tree (additive, exact explanations) or any features (interactions). */
    public enum Form {
        ADDITIVE, TREES
    }

    /**
     * @param rounds        trees grown (additive: every feature gets {@code rounds / F} of them)
     * @param depth         levels of splits per tree (1 = a stump)
     * @param learningRate  shrinkage of every leaf value
     * @param minLeafWeight least summed row weight on each side of a split
     * @param l2            λ, added to the hessian sum of every leaf
     * @param bins          quantile bins per feature, 2…4096
     * @param subsample     share of rows used to grow each tree (1 = all, no randomness)
     * @param monotone      additive form only: every shape function non-decreasing (each split's left leaf at most its right
     *                      one, children bounded by their parent's midpoint, as XGBoost's monotone constraints), so a more
     *                      unusual value never lowers the risk
     */
    public record Settings(Form form, int rounds, int depth, double learningRate, double minLeafWeight, double l2, int bins,
                           double subsample, boolean monotone) {

        public Settings(Form form, int rounds, int depth, double learningRate, double minLeafWeight, double l2, int bins, double subsample) {
            this(form, rounds, depth, learningRate, minLeafWeight, l2, bins, subsample, false);
        }

        public Settings {
            if (form == null) {
                throw new IllegalArgumentException("form is required");
            }
            if (rounds < 1 || depth < 1 || depth > 8) {
                throw new IllegalArgumentException("need rounds >= 1 and depth in 1..8");
            }
            if (!(learningRate > 0 && learningRate <= 1) || !(minLeafWeight >= 0) || !(l2 >= 0)) {
                throw new IllegalArgumentException("need learningRate in (0, 1], minLeafWeight >= 0, l2 >= 0");
            }
            if (bins < 2 || bins > 4096 || !(subsample > 0 && subsample <= 1)) {
                throw new IllegalArgumentException("need bins in 2..4096 and subsample in (0, 1]");
            }
            if (monotone && form != Form.ADDITIVE) {
                throw new IllegalArgumentException("monotone shapes are for the additive form");
            }
        }

        public String describe() {
            return String.format(java.util.Locale.ROOT, "%s rounds=%d depth=%d lr=%s minLeafWeight=%s l2=%s bins=%d subsample=%s%s",
                    form.name().toLowerCase(java.util.Locale.ROOT), rounds, depth, learningRate, minLeafWeight, l2, bins, subsample,
                    monotone ? " monotone" : "");
        }
    }

    private final Settings settings;
    private final long seed;

    public GradientBoostingTrainer(Settings settings, long seed) {
        this.settings = java.util.Objects.requireNonNull(settings, "settings");
        this.seed = seed;
    }

    public Settings settings() {
        return settings;
    }

    public long seed() {
        return seed;
    }

    public String describe() {
        return "commandcenter GradientBoostingTrainer(" + settings.describe() + ", seed=" + seed + ")";
    }

    public BoostedTrees train(TrainingData data) {
        return train(data, null);
    }

    /**
     * Boosting from a given starting log-odds per row ({@code margin}, e.g. a linear model's; {@code null} = the weighted
     * prior): the trees fit what the margin leaves, and the returned ensemble has base 0, so the model's log-odds is
     * {@code margin(x) + ensemble.logit(x)}. Fails when {@code margin} is not one finite value per row.
     */
    public BoostedTrees train(TrainingData data, double[] margin) {
        int n = data.rows();
        int nf = data.schema().size();
        float[] x = data.x();
        boolean[] y = data.y();
        float[] w = data.weights();
        double pos = 0;
        double neg = 0;
        for (int i = 0; i < n; i++) {
            if (y[i]) {
                pos += w[i];
            } else {
                neg += w[i];
            }
        }
        if (!(pos > 0) || !(neg > 0)) {
            throw new IllegalArgumentException("training data must contain both labels with positive weight");
        }
        float[][] edges = new float[nf][];
        short[][] bin = new short[nf][];
        for (int f = 0; f < nf; f++) {
            edges[f] = edges(x, w, n, nf, f, settings.bins());
            bin[f] = new short[n];
            for (int i = 0; i < n; i++) {
                bin[f][i] = (short) binOf(edges[f], x[i * nf + f]);
            }
        }
        double base = Math.log(pos / neg);
        double[] score = new double[n];
        if (margin == null) {
            Arrays.fill(score, base);
        } else {
            if (margin.length != n) {
                throw new IllegalArgumentException("margin must hold one log-odds per row");
            }
            for (int i = 0; i < n; i++) {
                if (!Double.isFinite(margin[i])) {
                    throw new IllegalArgumentException("margin must be finite (row " + i + ")");
                }
                score[i] = margin[i];
            }
            base = 0;
        }
        double[] g = new double[n];
        double[] h = new double[n];
        int[] node = new int[n];
        SplittableRandom rnd = new SplittableRandom(seed);
        List<BoostedTrees.Tree> trees = new ArrayList<>();
        int[] usable = usableFeatures(edges);
        if (usable.length == 0) {
            return new BoostedTrees(data.schema(), base, List.of(), settings.form() == Form.ADDITIVE);
        }
        for (int t = 0; t < settings.rounds(); t++) {
            boolean[] in = null;
            if (settings.subsample() < 1) {
                in = new boolean[n];
                for (int i = 0; i < n; i++) {
                    in[i] = rnd.nextDouble() < settings.subsample();
                }
            }
            for (int i = 0; i < n; i++) {
                double p = 1 / (1 + Math.exp(-score[i]));
                g[i] = w[i] * (p - (y[i] ? 1 : 0));
                h[i] = w[i] * p * (1 - p);
            }
            if (settings.form() == Form.ADDITIVE) {
                int f = usable[t % usable.length];
                double[] perBin = new double[edges[f].length + 1];
                trees.add(growOnOneFeature(bin[f], edges[f], f, g, h, w, in, n, perBin));
                short[] col = bin[f];
                for (int i = 0; i < n; i++) {
                    score[i] += perBin[col[i] & 0xFFFF];
                }
            } else {
                BoostedTrees.Tree tree = grow(bin, edges, usable, g, h, w, in, node, n);
                trees.add(tree);
                for (int i = 0; i < n; i++) {
                    score[i] += tree.valueOfBins(bin, i);
                }
            }
        }
        return new BoostedTrees(data.schema(), base, trees, settings.form() == Form.ADDITIVE);
    }

    private static int[] usableFeatures(float[][] edges) {
        return java.util.stream.IntStream.range(0, edges.length).filter(f -> edges[f].length > 0).toArray();
    }

    /**
     * An additive round's tree: one feature, so it is grown on that feature's histogram alone (one pass over the rows);
     * {@code perBin} receives each bin's leaf value. The same splits and leaves as {@link #grow} on that feature.
     */
    private BoostedTrees.Tree growOnOneFeature(short[] col, float[] edges, int f, double[] g, double[] h, float[] w, boolean[] in, int n,
                                               double[] perBin) {
        int nb = edges.length + 1;
        // prefix sums: [c + 1] holds bins 0..c
        double[] pg = new double[nb + 1];
        double[] ph = new double[nb + 1];
        double[] pw = new double[nb + 1];
        for (int i = 0; i < n; i++) {
            if (in != null && !in[i]) {
                continue;
            }
            int c = (col[i] & 0xFFFF) + 1;
            pg[c] += g[i];
            ph[c] += h[i];
            pw[c] += w[i];
        }
        for (int c = 1; c <= nb; c++) {
            pg[c] += pg[c - 1];
            ph[c] += ph[c - 1];
            pw[c] += pw[c - 1];
        }
        BoostedTrees.Builder b = new BoostedTrees.Builder();
        splitRange(b, b.add(), 0, nb - 1, 0, f, edges, pg, ph, pw, perBin, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
        return b.build();
    }

    /** Grows node {@code id} over bins {@code lo..hi} (inclusive) of one feature, depth-first, its leaf values within [low, high]. */
    private void splitRange(BoostedTrees.Builder b, int id, int lo, int hi, int level, int f, float[] edges, double[] pg, double[] ph,
                            double[] pw, double[] perBin, double low, double high) {
        double lr = settings.learningRate();
        double lambda = settings.l2();
        double tg = pg[hi + 1] - pg[lo];
        double th = ph[hi + 1] - ph[lo];
        double tw = pw[hi + 1] - pw[lo];
        int best = -1;
        if (level < settings.depth()) {
            double parent = tg * tg / (th + lambda);
            double bestGain = 1e-12;
            for (int c = lo; c < hi; c++) {
                double gl = pg[c + 1] - pg[lo];
                double hl = ph[c + 1] - ph[lo];
                double wl = pw[c + 1] - pw[lo];
                double wr = tw - wl;
                if (wl < settings.minLeafWeight() || wr < settings.minLeafWeight() || !(wl > 0) || !(wr > 0)) {
                    continue;
                }
                double gr = tg - gl;
                if (settings.monotone() && -gl / (hl + lambda) > -gr / (th - hl + lambda)) {
                    continue;
                }
                double gain = gl * gl / (hl + lambda) + gr * gr / (th - hl + lambda) - parent;
                if (gain > bestGain) {
                    bestGain = gain;
                    best = c;
                }
            }
        }
        if (best < 0) {
            double v = Math.max(low, Math.min(high, -tg / (th + lambda) * lr));
            b.leaf(id, v);
            java.util.Arrays.fill(perBin, lo, hi + 1, v);
            return;
        }
        int l = b.add();
        int r = b.add();
        b.split(id, f, best, edges[best], l, r);
        double mid = high;
        double midLow = low;
        if (settings.monotone()) {
            double gl = pg[best + 1] - pg[lo];
            double hl = ph[best + 1] - ph[lo];
            double vl = Math.max(low, Math.min(high, -gl / (hl + lambda) * lr));
            double vr = Math.max(low, Math.min(high, -(tg - gl) / (th - hl + lambda) * lr));
            mid = (vl + vr) / 2;
            midLow = mid;
        }
        splitRange(b, l, lo, best, level + 1, f, edges, pg, ph, pw, perBin, low, mid);
        splitRange(b, r, best + 1, hi, level + 1, f, edges, pg, ph, pw, perBin, midLow, high);
    }

    /** One tree, level by level: every row's current node in {@code node} (−1 once its node is a leaf). */
    private BoostedTrees.Tree grow(short[][] bin, float[][] edges, int[] feats, double[] g, double[] h, float[] w, boolean[] in,
                                   int[] node, int n) {
        BoostedTrees.Builder b = new BoostedTrees.Builder();
        int root = b.add();
        for (int i = 0; i < n; i++) {
            node[i] = root;
        }
        // open nodes of the current level, in creation order
        List<Integer> open = new ArrayList<>(List.of(root));
        double lambda = settings.l2();
        for (int level = 0; level <= settings.depth() && !open.isEmpty(); level++) {
            int k = open.size();
            int[] slot = new int[b.size()];
            Arrays.fill(slot, -1);
            for (int s = 0; s < k; s++) {
                slot[open.get(s)] = s;
            }
            int nb = settings.bins();
            double[][] gh = new double[k][feats.length * nb * 3];
            double[] totG = new double[k];
            double[] totH = new double[k];
            double[] totW = new double[k];
            for (int i = 0; i < n; i++) {
                if (node[i] < 0 || in != null && !in[i]) {
                    continue;
                }
                int s = slot[node[i]];
                totG[s] += g[i];
                totH[s] += h[i];
                totW[s] += w[i];
            }
            boolean last = level == settings.depth();
            if (!last) {
                for (int q = 0; q < feats.length; q++) {
                    short[] col = bin[feats[q]];
                    int off = q * nb * 3;
                    for (int i = 0; i < n; i++) {
                        if (node[i] < 0 || in != null && !in[i]) {
                            continue;
                        }
                        double[] hist = gh[slot[node[i]]];
                        int c = off + (col[i] & 0xFFFF) * 3;
                        hist[c] += g[i];
                        hist[c + 1] += h[i];
                        hist[c + 2] += w[i];
                    }
                }
            }
            List<Integer> next = new ArrayList<>();
            int[] splitFeature = new int[k];
            int[] splitBin = new int[k];
            Arrays.fill(splitFeature, -1);
            for (int s = 0; s < k; s++) {
                int id = open.get(s);
                double parent = totG[s] * totG[s] / (totH[s] + lambda);
                double bestGain = 1e-12;
                if (!last) {
                    for (int q = 0; q < feats.length; q++) {
                        int f = feats[q];
                        double gl = 0;
                        double hl = 0;
                        double wl = 0;
                        int off = q * nb * 3;
                        for (int c = 0; c < edges[f].length; c++) {
                            gl += gh[s][off + c * 3];
                            hl += gh[s][off + c * 3 + 1];
                            wl += gh[s][off + c * 3 + 2];
                            double wr = totW[s] - wl;
                            if (wl < settings.minLeafWeight() || wr < settings.minLeafWeight() || !(wl > 0) || !(wr > 0)) {
                                continue;
                            }
                            double gr = totG[s] - gl;
                            double hr = totH[s] - hl;
                            double gain = gl * gl / (hl + lambda) + gr * gr / (hr + lambda) - parent;
                            if (gain > bestGain) {
                                bestGain = gain;
                                splitFeature[s] = f;
                                splitBin[s] = c;
                            }
                        }
                    }
                }
                if (splitFeature[s] < 0) {
                    b.leaf(id, -totG[s] / (totH[s] + lambda) * settings.learningRate());
                } else {
                    int l = b.add();
                    int r = b.add();
                    b.split(id, splitFeature[s], splitBin[s], edges[splitFeature[s]][splitBin[s]], l, r);
                    next.add(l);
                    next.add(r);
                }
            }
            // move every row (also those left out by subsampling) one level down
            for (int i = 0; i < n; i++) {
                int cur = node[i];
                if (cur < 0) {
                    continue;
                }
                int s = slot[cur];
                if (splitFeature[s] < 0) {
                    node[i] = -1;
                } else {
                    node[i] = (bin[splitFeature[s]][i] & 0xFFFF) <= splitBin[s] ? b.left(cur) : b.right(cur);
                }
            }
            open = next;
        }
        return b.build();
    }

    /**
     * Cut points of one feature: values at the weighted quantiles {@code k / bins} of the finite training values (a row goes
     * left of a cut when {@code x <= cut}), distinct and increasing, the largest value excluded (nothing would lie right of it).
     */
    static float[] edges(float[] x, float[] w, int n, int nf, int f, int bins) {
        int m = 0;
        long[] packed = new long[n];
        double total = 0;
        for (int i = 0; i < n; i++) {
            float v = x[i * nf + f];
            if (Float.isFinite(v) && w[i] > 0) {
                packed[m++] = ((long) sortable(v) << 32) | i;
                total += w[i];
            }
        }
        long[] s = Arrays.copyOf(packed, m);
        Arrays.sort(s);
        List<Float> cuts = new ArrayList<>();
        double cum = 0;
        int next = 1;
        for (int j = 0; j < m && next < bins; j++) {
            int i = (int) s[j];
            cum += w[i];
            float v = x[i * nf + f];
            // a cut is placed only between distinct values
            boolean lastOfValue = j + 1 == m || x[(int) s[j + 1] * nf + f] != v;
            if (lastOfValue && cum >= total * next / bins) {
                if (j + 1 < m && (cuts.isEmpty() || cuts.get(cuts.size() - 1) < v)) {
                    cuts.add(v);
                }
                while (next < bins && cum >= total * next / bins) {
                    next++;
                }
            }
        }
        float[] out = new float[cuts.size()];
        for (int j = 0; j < out.length; j++) {
            out[j] = cuts.get(j);
        }
        return out;
    }

    /** An int whose signed order is the float's numeric order (−0 and 0 equal). */
    private static int sortable(float v) {
        int b = Float.floatToIntBits(v == 0f ? 0f : v);
        return b >= 0 ? b : b ^ 0x7FFFFFFF;
    }

    /** The bin of a value: the first cut it does not exceed; beyond the last cut, and NaN, the last bin. */
    static int binOf(float[] edges, float v) {
        if (Float.isNaN(v)) {
            return edges.length;
        }
        int lo = 0;
        int hi = edges.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (v <= edges[mid]) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }
}
