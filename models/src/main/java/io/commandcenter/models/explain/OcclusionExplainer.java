package io.commandcenter.models.explain;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.models.features.FeatureSchema;
import io.commandcenter.models.scoring.AffineLogOdds;
import io.commandcenter.models.scoring.BatchScorer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Model-agnostic attributions by baseline substitution (occlusion): for each row {@code x} and feature
 * {@code i}, the model scores {@code x} with {@code x_i} replaced by the reference value {@code r_i}; the
 * factor's contribution is {@code logit(p(x)) - logit(p(x^{(i)}))}. It needs nothing but the model's
 * scores, so it works for any backend; every variant of a batch goes through ONE {@link BatchScorer}
 * call per chunk of {@value #CHUNK_ROWS} rows. Log-odds keep contributions meaningful when p saturates;
 * for a logistic model they are exactly {@code w_i (x_i - r_i)} — and when the scorer knows or has
 * verified that its log-odds are affine ({@link BatchScorer#affineLogOdds()}), they are computed so,
 * with one model call per row instead of {@code F + 1}.
 *
 * <p>Probabilities are clamped to {@code [1e-7, 1 - 1e-7]} before the logit. Thread-safe if the scorer is.
 */
public final class OcclusionExplainer {

    static final int CHUNK_ROWS = 2048;
    private static final double EPS = 1e-7;
    /** Largest contribution first ({@link Double#compare} order, so NaN first), ties by feature name. */
    static final Comparator<Factor> MOST_RAISING_FIRST = (a, b) -> {
        int c = Double.compare(b.contribution(), a.contribution());
        return c != 0 ? c : a.feature().compareTo(b.feature());
    };

    private final BatchScorer scorer;
    private final FeatureSchema schema;
    private final float[] reference;

    /**
     * @param schema    the MODEL's feature order (that of the scorer's input)
     * @param reference one value per feature, in {@code schema} order
     */
    public OcclusionExplainer(BatchScorer scorer, FeatureSchema schema, float[] reference) {
        if (reference.length != schema.size() || scorer.featureCount() != schema.size()) {
            throw CommandCenterException.invalid("EXPLAIN_REFERENCE_INVALID",
                    "reference (" + reference.length + ") and scorer (" + scorer.featureCount() + ") must match the " + schema.size() + " features");
        }
        this.scorer = scorer;
        this.schema = schema;
        this.reference = reference.clone();
    }

    public FeatureSchema schema() {
        return schema;
    }

    /**
     * Scores and attributes {@code rowCount} rows (model order, row-major). Returns
     * {@code risk[rowCount]} and {@code contributions[rowCount × features]}.
     */
    public Attribution attribute(float[] rows, int rowCount) {
        int f = schema.size();
        double[] risk = new double[rowCount];
        double[] contrib = new double[rowCount * f];
        attribute(rows, rowCount, (row, p, c, offset) -> {
            risk[row] = p;
            System.arraycopy(c, offset, contrib, row * f, f);
        });
        return new Attribution(risk, contrib, f);
    }

    /** Receives the attribution of one row; {@code contributions[offset .. offset + features)} is valid during the call only. */
    @FunctionalInterface
    public interface RowSink {
        void accept(int row, double risk, double[] contributions, int offset);
    }

    /**
     * The same attribution handed to {@code sink} row by row (rows in order), without the {@code rows × features}
     * matrix: for a caller that reduces each row's contributions (a backtest keeps the top factor and the
     * agreement sums) and would otherwise write and re-read the whole matrix.
     */
    public void attribute(float[] rows, int rowCount, RowSink sink) {
        java.util.Optional<AffineLogOdds> affine = scorer.affineLogOdds();
        if (affine.isPresent() && affine.get().features() == schema.size()) {
            attributeAffine(rows, rowCount, affine.get(), sink);
            return;
        }
        int f = schema.size();
        double[] contrib = new double[f];
        int variants = f + 1;
        for (int start = 0; start < rowCount; start += CHUNK_ROWS) {
            int n = Math.min(CHUNK_ROWS, rowCount - start);
            float[] batch = new float[n * variants * f];
            for (int r = 0; r < n; r++) {
                int src = (start + r) * f;
                for (int v = 0; v < variants; v++) {
                    int dst = (r * variants + v) * f;
                    System.arraycopy(rows, src, batch, dst, f);
                    if (v > 0) {
                        batch[dst + v - 1] = reference[v - 1];
                    }
                }
            }
            double[] p = scorer.score(batch, n * variants);
            if (p.length != n * variants) {
                throw new CommandCenterException(ErrorKind.UNAVAILABLE, "SCORER_OUTPUT_INVALID",
                        "scorer returned " + p.length + " scores for " + n * variants + " rows");
            }
            for (int r = 0; r < n; r++) {
                double full = p[r * variants];
                double lf = logit(full);
                for (int j = 0; j < f; j++) {
                    contrib[j] = lf - logit(p[r * variants + 1 + j]);
                }
                sink.accept(start + r, full, contrib, 0);
            }
        }
    }

    /**
     * The same attribution for a model with affine log-odds: the occlusion contribution of feature j is
     * exactly {@code w_j (x_j − r_j)}, so the model scores each row once (no variants).
     */
    private void attributeAffine(float[] rows, int rowCount, AffineLogOdds form, RowSink sink) {
        int f = schema.size();
        double[] risk = new double[rowCount];
        int chunk = CHUNK_ROWS * (f + 1);
        for (int start = 0; start < rowCount; start += chunk) {
            int n = Math.min(chunk, rowCount - start);
            float[] batch = start == 0 && n == rowCount ? rows : java.util.Arrays.copyOfRange(rows, start * f, (start + n) * f);
            double[] p = scorer.score(batch, n);
            if (p.length != n) {
                throw new CommandCenterException(ErrorKind.UNAVAILABLE, "SCORER_OUTPUT_INVALID",
                        "scorer returned " + p.length + " scores for " + n + " rows");
            }
            System.arraycopy(p, 0, risk, start, n);
        }
        double[] contrib = new double[f];
        for (int r = 0; r < rowCount; r++) {
            int o = r * f;
            for (int j = 0; j < f; j++) {
                contrib[j] = form.weight(j) * ((double) rows[o + j] - reference[j]);
            }
            sink.accept(r, risk[r], contrib, 0);
        }
    }

    /** Index of the largest of {@code contributions[offset .. offset + features)} (ties: the lowest index). */
    public static int topFeature(double[] contributions, int offset, int features) {
        int best = 0;
        double top = contributions[offset];
        for (int j = 1; j < features; j++) {
            double c = contributions[offset + j];
            if (c > top) {
                best = j;
                top = c;
            }
        }
        return best;
    }

    /** Full explanations of {@code rowCount} rows; {@code sources[row][feature]} names metrics (may be null). */
    public List<Explanation> explain(float[] rows, int rowCount, String[][] sources, int topK) {
        Attribution a = attribute(rows, rowCount);
        int f = schema.size();
        List<Explanation> out = new ArrayList<>(rowCount);
        for (int r = 0; r < rowCount; r++) {
            List<Factor> factors = new ArrayList<>(f);
            for (int j = 0; j < f; j++) {
                String metric = sources == null || sources[r] == null ? "" : sources[r][j];
                factors.add(new Factor(schema.name(j), metric, rows[r * f + j], reference[j], a.contribution(r, j)));
            }
            factors.sort(MOST_RAISING_FIRST);
            out.add(new Explanation(a.risk()[r], factors.subList(0, Math.min(topK, factors.size()))));
        }
        return out;
    }

    static double logit(double p) {
        double q = p < EPS ? EPS : (p > 1 - EPS ? 1 - EPS : p);
        return Math.log(q / (1 - q));
    }

    /** Risks and per-feature log-odds contributions of a batch. */
    public record Attribution(double[] risk, double[] contributions, int features) {

        public double contribution(int row, int feature) {
            return contributions[row * features + feature];
        }

        /** Index of the largest contribution of a row (ties: lowest index). */
        public int topFeature(int row) {
            return OcclusionExplainer.topFeature(contributions, row * features, features);
        }

        public double[] rowContributions(int row) {
            double[] c = new double[features];
            System.arraycopy(contributions, row * features, c, 0, features);
            return c;
        }
    }
}
