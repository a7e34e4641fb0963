package io.commandcenter.models.train;

import io.commandcenter.models.features.FeatureSchema;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A trained tree ensemble of {@link GradientBoostingTrainer} (research; guide 12.13): log-odds
 * {@code z = base + Σ trees}, probability {@code σ(z)}. A row goes left at a node when {@code x <= threshold} (floats, as
 * ONNX's {@code BRANCH_LEQ} compares) and right otherwise, NaN included. Vectors are in {@link #schema()} order (the
 * training data's). Immutable; {@link #withPlatt} gives the calibrated ensemble (every leaf × a, base × a + b).
 */
public final class BoostedTrees {

    /** One tree as parallel arrays; {@code feature[k] < 0} marks a leaf with {@code value[k]}. */
    public record Tree(int[] feature, int[] bin, float[] threshold, int[] left, int[] right, double[] value) {

        /** The leaf value a vector lands on; {@code x} row-major with {@code nf} floats per row. */
        public double value(float[] x, int offset) {
            int k = 0;
            while (feature[k] >= 0) {
                k = x[offset + feature[k]] <= threshold[k] ? left[k] : right[k];
            }
            return value[k];
        }

        /** The leaf value of training row {@code i} from its bins (equal to {@link #value} on the row's floats). */
        double valueOfBins(short[][] bins, int i) {
            int k = 0;
            while (feature[k] >= 0) {
                k = (bins[feature[k]][i] & 0xFFFF) <= bin[k] ? left[k] : right[k];
            }
            return value[k];
        }

        Tree scaled(double a) {
            double[] v = value.clone();
            for (int k = 0; k < v.length; k++) {
                v[k] *= a;
            }
            return new Tree(feature, bin, threshold, left, right, v);
        }

        /** The one feature this tree splits on, or −1 for a single leaf. */
        public int onlyFeature() {
            int f = -1;
            for (int x : feature) {
                if (x >= 0) {
                    if (f >= 0 && f != x) {
                        throw new IllegalStateException("tree splits on more than one feature");
                    }
                    f = x;
                }
            }
            return f;
        }

        public int nodes() {
            return feature.length;
        }
    }

    private final FeatureSchema schema;
    private final double base;
    private final List<Tree> trees;
    private final boolean additive;

    public BoostedTrees(FeatureSchema schema, double base, List<Tree> trees, boolean additive) {
        this.schema = Objects.requireNonNull(schema, "schema");
        this.base = base;
        this.trees = List.copyOf(trees);
        this.additive = additive;
        if (additive) {
            for (Tree t : this.trees) {
                t.onlyFeature();
            }
        }
    }

    public FeatureSchema schema() {
        return schema;
    }

    public double base() {
        return base;
    }

    public List<Tree> trees() {
        return trees;
    }

    /** Whether every tree splits on one feature only (then {@link #contributions} is exact). */
    public boolean additive() {
        return additive;
    }

    /** Log-odds of row {@code row} of a row-major matrix in {@link #schema()} order. */
    public double logit(float[] x, int row) {
        int off = row * schema.size();
        double z = base;
        for (Tree t : trees) {
            z += t.value(x, off);
        }
        return z;
    }

    /** Probability per row of a row-major matrix in {@link #schema()} order. */
    public double[] score(float[] x, int rows) {
        double[] out = new double[rows];
        for (int i = 0; i < rows; i++) {
            out[i] = 1 / (1 + Math.exp(-logit(x, i)));
        }
        return out;
    }

    /** The ensemble whose log-odds is {@code a · z + b}: the Platt scaling folded in, as {@link TrainedLogistic#applyPlatt}. */
    public BoostedTrees withPlatt(PlattScaling platt) {
        List<Tree> out = new ArrayList<>(trees.size());
        for (Tree t : trees) {
            out.add(t.scaled(platt.a()));
        }
        return new BoostedTrees(schema, platt.a() * base + platt.b(), out, additive);
    }

    /**
     * The additive model's shape function of feature {@code f} at value {@code v}: the sum of the leaf values its trees give
     * {@code v}. Fails with {@link IllegalStateException} for a model with interactions.
     */
    public double shape(int f, float v) {
        requireAdditive();
        float[] one = new float[schema.size()];
        one[f] = v;
        double s = 0;
        for (Tree t : trees) {
            if (t.onlyFeature() == f) {
                s += t.value(one, 0);
            }
        }
        return s;
    }

    /**
     * Exact explanation of an additive model: {@code contribution_i = f_i(x_i) − f_i(r_i)}, so that
     * {@code logit(x) = logit(r) + Σ contribution_i} (up to rounding). Fails with {@link IllegalStateException} for a model
     * with interactions, which has no such decomposition.
     */
    public double[] contributions(float[] x, float[] reference) {
        requireAdditive();
        int nf = schema.size();
        double[] c = new double[nf];
        for (Tree t : trees) {
            int f = t.onlyFeature();
            if (f < 0) {
                continue;
            }
            float[] a = new float[nf];
            float[] r = new float[nf];
            a[f] = x[f];
            r[f] = reference[f];
            c[f] += t.value(a, 0) - t.value(r, 0);
        }
        return c;
    }

    private void requireAdditive() {
        if (!additive) {
            throw new IllegalStateException("the model has interactions: no per-feature shape functions");
        }
    }

    public int nodes() {
        int s = 0;
        for (Tree t : trees) {
            s += t.nodes();
        }
        return s;
    }

    /** Grows one tree node by node (ids in creation order; the root is 0). */
    static final class Builder {
        private int[] feature = new int[8];
        private int[] bin = new int[8];
        private float[] threshold = new float[8];
        private int[] left = new int[8];
        private int[] right = new int[8];
        private double[] value = new double[8];
        private int size;

        int add() {
            if (size == feature.length) {
                int c = size * 2;
                feature = Arrays.copyOf(feature, c);
                bin = Arrays.copyOf(bin, c);
                threshold = Arrays.copyOf(threshold, c);
                left = Arrays.copyOf(left, c);
                right = Arrays.copyOf(right, c);
                value = Arrays.copyOf(value, c);
            }
            feature[size] = -1;
            return size++;
        }

        int size() {
            return size;
        }

        void leaf(int id, double v) {
            feature[id] = -1;
            value[id] = v;
        }

        void split(int id, int f, int b, float thr, int l, int r) {
            feature[id] = f;
            bin[id] = b;
            threshold[id] = thr;
            left[id] = l;
            right[id] = r;
        }

        int left(int id) {
            return left[id];
        }

        int right(int id) {
            return right[id];
        }

        Tree build() {
            return new Tree(Arrays.copyOf(feature, size), Arrays.copyOf(bin, size), Arrays.copyOf(threshold, size),
                    Arrays.copyOf(left, size), Arrays.copyOf(right, size), Arrays.copyOf(value, size));
        }
    }
}
