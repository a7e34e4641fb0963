package io.commandcenter.models.train.loop;

import io.commandcenter.models.features.FeatureSchema;
import io.commandcenter.models.features.TelemetryFeatures;
import io.commandcenter.models.scoring.LinearScorer;
import io.commandcenter.models.train.PlattScaling;
import io.commandcenter.models.train.bootstrap.ServiceHealthTraining;
import io.commandcenter.models.train.bootstrap.ServiceHealthTraining.Replayed;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A warm start for the learning loop (guide 18.12): the champion's own logistic weights, moved by a few Newton steps
 * on the weighted logistic loss over the project's labelled rows plus a replayed sample of the shipped training rows,
 * with an L2 penalty pulling toward the <em>champion's</em> weights (not zero), then Platt scaling and the threshold
 * as the retrainer fits them. Everything is in the model's own feature space (the ONNX input's column order), so the
 * result is the same kind of model: a logit {@code w·x + b}.
 *
 * <p>The loss minimised is
 * {@code Σ_i v_i ℓ(y_i, w·x_i + b) / Σ_i v_i + anchor/2 · Σ_j s_j² (w_j − w0_j)²}, where the rows and their weights
 * {@code v} follow {@link ServiceHealthTraining}'s rules (an incident's first 6 rows weigh 1, later ones 6/k, none
 * after 36; normal rows right after an incident are left out; a seeded quarter of the normal rows is kept at weight
 * 4), the replayed shipped rows are rescaled to weigh {@code replay} times the project rows in total, and
 * {@code s_j} is feature j's standard deviation over the fitted rows (so the anchor is the same in every feature's
 * own units; the bias is not anchored). Each Newton step is halved until the loss falls (a full step from a far start
 * can overshoot on nearly separable rows). Zero steps return the champion's weights exactly.
 */
public final class FineTune {

    /**
     * @param anchor strength of the pull toward the champion's weights (per unit of mean row loss)
     * @param steps  Newton steps from the champion's weights (0: the champion unchanged)
     * @param replay total weight of the replayed shipped rows relative to the project rows' (0: none)
     * @param seed   the row sampling's seed
     */
    public record Settings(double anchor, int steps, double replay, long seed) {
        public Settings {
            if (!(anchor >= 0) || steps < 0 || !(replay >= 0)) {
                throw new IllegalArgumentException("need anchor >= 0, steps >= 0, replay >= 0");
            }
        }

        public String describe() {
            return String.format(java.util.Locale.ROOT, "anchor %s, %d Newton steps, shipped replay x%s, seed %d",
                    anchor, steps, replay, seed);
        }
    }

    /** Weighted feature rows in some schema's order. */
    record Rows(float[] x, boolean[] y, double[] w, int f) {
        int rows() {
            return y.length;
        }
    }

    private FineTune() {
    }

    /**
     * The fine-tuned logit. {@code project}: the project's training entries (their rows and normal history);
     * {@code shipped}: the shipped corpus, whose {@code train} entries are replayed. Seeded: the same inputs give
     * the same weights.
     */
    public static LinearScorer fit(LinearScorer start, FeatureSchema onnxSchema, List<Replayed> project,
                                   List<Replayed> shipped, Settings s) {
        if (start.featureCount() != onnxSchema.size()) {
            throw new IllegalArgumentException("the champion has " + start.featureCount() + " weights, the schema "
                    + onnxSchema.size() + " features");
        }
        if (s.steps() == 0) {
            return new LinearScorer(start.weights(), start.bias());
        }
        SplittableRandom rnd = new SplittableRandom(s.seed());
        Rows p = rows(project, onnxSchema, rnd, r -> true);
        if (p.rows() == 0 || !hasBoth(p.y())) {
            throw new IllegalArgumentException("the project's rows need incidents and normal rows to fine-tune on");
        }
        Rows all = p;
        if (s.replay() > 0) {
            Rows q = rows(shipped, onnxSchema, rnd, r -> r.entry().group().equals("train"));
            double pw = Arrays.stream(p.w()).sum();
            double qw = Arrays.stream(q.w()).sum();
            if (qw > 0) {
                double k = s.replay() * pw / qw;
                double[] w2 = q.w().clone();
                for (int i = 0; i < w2.length; i++) {
                    w2[i] *= k;
                }
                all = concat(p, new Rows(q.x(), q.y(), w2, q.f()));
            }
        }
        return newton(start, all, s.anchor(), s.steps());
    }

    static boolean hasBoth(boolean[] y) {
        boolean pos = false;
        boolean neg = false;
        for (boolean b : y) {
            pos |= b;
            neg |= !b;
        }
        return pos && neg;
    }

    /** Newton steps on the anchored, weighted mean logistic loss, from {@code start}. */
    static LinearScorer newton(LinearScorer start, Rows data, double anchor, int steps) {
        int f = data.f();
        int dim = f + 1;
        double[] theta0 = new double[dim];
        System.arraycopy(start.weights(), 0, theta0, 0, f);
        theta0[f] = start.bias();
        double[] theta = theta0.clone();
        double total = Arrays.stream(data.w()).sum();
        // s_j²: each feature's weighted variance over the fitted rows
        double[] mean = new double[f];
        double[] var = new double[f];
        for (int i = 0; i < data.rows(); i++) {
            for (int j = 0; j < f; j++) {
                mean[j] += data.w()[i] * data.x()[i * f + j];
            }
        }
        for (int j = 0; j < f; j++) {
            mean[j] /= total;
        }
        for (int i = 0; i < data.rows(); i++) {
            for (int j = 0; j < f; j++) {
                double dx = data.x()[i * f + j] - mean[j];
                var[j] += data.w()[i] * dx * dx;
            }
        }
        double[] pen = new double[dim];
        for (int j = 0; j < f; j++) {
            pen[j] = anchor * Math.max(var[j] / total, 1e-12);
        }
        double[] xi = new double[dim];
        for (int step = 0; step < steps; step++) {
            double[] g = new double[dim];
            double[][] h = new double[dim][dim];
            for (int i = 0; i < data.rows(); i++) {
                for (int j = 0; j < f; j++) {
                    xi[j] = data.x()[i * f + j];
                }
                xi[f] = 1;
                double z = 0;
                for (int j = 0; j < dim; j++) {
                    z += theta[j] * xi[j];
                }
                double pr = 1 / (1 + Math.exp(-z));
                double v = data.w()[i] / total;
                double r = v * (pr - (data.y()[i] ? 1 : 0));
                double c = v * pr * (1 - pr);
                for (int j = 0; j < dim; j++) {
                    g[j] += r * xi[j];
                    double cj = c * xi[j];
                    for (int k = 0; k <= j; k++) {
                        h[j][k] += cj * xi[k];
                    }
                }
            }
            for (int j = 0; j < dim; j++) {
                for (int k = 0; k < j; k++) {
                    h[k][j] = h[j][k];
                }
                g[j] += pen[j] * (theta[j] - theta0[j]);
                h[j][j] += pen[j] + 1e-9;
            }
            double[] delta = solve(h, g);
            // Newton from a far start can overshoot on nearly separable rows: halve the step until the loss falls
            double before = objective(theta, theta0, pen, data, total);
            double slope = 0;
            for (int j = 0; j < dim; j++) {
                slope -= g[j] * delta[j];
            }
            double t = 1;
            double[] next = new double[dim];
            for (int halvings = 0; ; halvings++) {
                for (int j = 0; j < dim; j++) {
                    next[j] = theta[j] - t * delta[j];
                }
                if (objective(next, theta0, pen, data, total) <= before + 1e-4 * t * slope || halvings == 30) {
                    break;
                }
                t /= 2;
            }
            System.arraycopy(next, 0, theta, 0, dim);
        }
        return new LinearScorer(Arrays.copyOf(theta, f), theta[f]);
    }

    /** The anchored, weighted mean logistic loss at {@code theta}. */
    private static double objective(double[] theta, double[] theta0, double[] pen, Rows data, double total) {
        int f = data.f();
        double loss = 0;
        for (int i = 0; i < data.rows(); i++) {
            double z = theta[f];
            for (int j = 0; j < f; j++) {
                z += theta[j] * data.x()[i * f + j];
            }
            // log(1 + e^{-z}) for a positive row, log(1 + e^{z}) for a negative one, without overflow
            double m = data.y()[i] ? -z : z;
            loss += data.w()[i] * (m > 0 ? m + Math.log1p(Math.exp(-m)) : Math.log1p(Math.exp(m)));
        }
        loss /= total;
        for (int j = 0; j < theta.length; j++) {
            double d = theta[j] - theta0[j];
            loss += pen[j] / 2 * d * d;
        }
        return loss;
    }

    /** Solves {@code a x = b} for a symmetric positive-definite {@code a} (Cholesky). */
    static double[] solve(double[][] a, double[] b) {
        int n = b.length;
        double[][] l = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double sum = a[i][j];
                for (int k = 0; k < j; k++) {
                    sum -= l[i][k] * l[j][k];
                }
                if (i == j) {
                    if (!(sum > 0)) {
                        throw new IllegalStateException("the loss's Hessian is not positive definite");
                    }
                    l[i][i] = Math.sqrt(sum);
                } else {
                    l[i][j] = sum / l[j][j];
                }
            }
        }
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            double sum = b[i];
            for (int k = 0; k < i; k++) {
                sum -= l[i][k] * y[k];
            }
            y[i] = sum / l[i][i];
        }
        double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double sum = y[i];
            for (int k = i + 1; k < n; k++) {
                sum -= l[k][i] * x[k];
            }
            x[i] = sum / l[i][i];
        }
        return x;
    }

    /** The training rows of entries, by {@link ServiceHealthTraining}'s rules, in {@code target}'s column order. */
    static Rows rows(List<Replayed> entries, FeatureSchema target, SplittableRandom rnd,
                     java.util.function.Predicate<Replayed> use) {
        FeatureSchema source = TelemetryFeatures.SCHEMA;
        int nf = source.size();
        int[] proj = source.projectionTo(target);
        int f = target.size();
        List<float[]> xs = new ArrayList<>();
        List<Boolean> ys = new ArrayList<>();
        List<Double> ws = new ArrayList<>();
        for (Replayed r : entries) {
            if (use.test(r)) {
                ServiceHealthTraining.trainingRows(r, nf, rnd, (features, offset, y, w) -> {
                    xs.add(pick(features, offset, proj));
                    ys.add(y);
                    ws.add(w);
                });
            }
        }
        float[] x = new float[xs.size() * f];
        boolean[] y = new boolean[xs.size()];
        double[] w = new double[xs.size()];
        for (int i = 0; i < y.length; i++) {
            System.arraycopy(xs.get(i), 0, x, i * f, f);
            y[i] = ys.get(i);
            w[i] = ws.get(i);
        }
        return new Rows(x, y, w, f);
    }

    private static float[] pick(float[] src, int offset, int[] proj) {
        float[] out = new float[proj.length];
        for (int j = 0; j < proj.length; j++) {
            out[j] = src[offset + proj[j]];
        }
        return out;
    }

    private static Rows concat(Rows a, Rows b) {
        float[] x = Arrays.copyOf(a.x(), a.x().length + b.x().length);
        System.arraycopy(b.x(), 0, x, a.x().length, b.x().length);
        boolean[] y = Arrays.copyOf(a.y(), a.rows() + b.rows());
        System.arraycopy(b.y(), 0, y, a.rows(), b.rows());
        double[] w = Arrays.copyOf(a.w(), a.rows() + b.rows());
        System.arraycopy(b.w(), 0, w, a.rows(), b.rows());
        return new Rows(x, y, w, a.f());
    }

    /** The model's probability per scored row of an entry. */
    public static double[] probability(LinearScorer model, FeatureSchema onnxSchema, Replayed r) {
        float[] proj = TelemetryFeatures.SCHEMA.project(r.features(), r.labels().length, onnxSchema);
        return model.score(proj, r.labels().length);
    }

    /**
     * Platt scaling fitted on the logits of the {@code validation} entries' rows (as {@link ServiceHealthTraining}
     * fits it) and folded into the weights: {@code a·(w·x + b) + c}.
     */
    public static Calibrated calibrate(LinearScorer model, FeatureSchema onnxSchema, List<Replayed> validation) {
        List<Double> zs = new ArrayList<>();
        List<Boolean> zy = new ArrayList<>();
        for (Replayed r : validation) {
            float[] proj = TelemetryFeatures.SCHEMA.project(r.features(), r.labels().length, onnxSchema);
            for (int i = 0; i < r.labels().length; i++) {
                zs.add(model.logit(proj, i));
                zy.add(r.labels()[i]);
            }
        }
        double[] z = zs.stream().mapToDouble(Double::doubleValue).toArray();
        boolean[] y = new boolean[zy.size()];
        float[] w = new float[y.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = zy.get(i);
            w[i] = 1f;
        }
        PlattScaling platt = PlattScaling.fit(z, y, w);
        double[] d = model.weights();
        for (int j = 0; j < d.length; j++) {
            d[j] *= platt.a();
        }
        LinearScorer scaled = new LinearScorer(d, model.bias() * platt.a() + platt.b());
        return new Calibrated(scaled, platt, threshold(scaled, onnxSchema, validation));
    }

    /** A calibrated fine-tuned model with its Platt scaling and decision threshold. */
    public record Calibrated(LinearScorer model, PlattScaling platt, double threshold) {
    }

    /**
     * The threshold of 0.30–0.95 with the highest summed raw early-warning score over the validation entries, through
     * the onset calibration (the rule {@link ServiceHealthTraining} chooses its threshold by; the first best wins).
     */
    static double threshold(LinearScorer model, FeatureSchema onnxSchema, List<Replayed> validation) {
        List<double[]> probabilities = new ArrayList<>();
        for (Replayed r : validation) {
            probabilities.add(probability(model, onnxSchema, r));
        }
        return ServiceHealthTraining.chooseThreshold(validation, probabilities);
    }
}
