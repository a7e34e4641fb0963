package io.commandcenter.models.backtest;

import io.commandcenter.models.features.FeatureSchema;
import io.commandcenter.models.features.TelemetryFeatureExtractor;
import io.commandcenter.models.features.TelemetryFeatures;
import io.commandcenter.models.features.TimeAxis;
import java.util.Arrays;
import java.util.List;

/**
 * Replays rows of one entity through a {@link TelemetryFeatureExtractor} in time order, writing one
 * {@link TelemetryFeatures#SCHEMA} vector per row: row i's vector uses rows at or before it only.
 * Rows are visited in ascending time (stable for equal times); outputs stay in input order.
 */
public final class FeatureReplay {

    private FeatureReplay() {
    }

    /**
     * Result of a replay: the feature matrix (input order; {@link TelemetryFeatures#SCHEMA} columns, or the target
     * schema's when one was given), each row's top source metric per {@link TelemetryFeatures#SCHEMA} feature, the
     * pipeline's observation count and each row's peak novelty ({@link TelemetryFeatureExtractor#peakNovelty()}).
     */
    public record Result(float[] features, int rows, String[][] sources, long[] observations, double[] novelty) {
    }

    /**
     * @param extractor  the entity's pipeline, possibly already warmed on earlier history
     * @param withSources whether to record the source metric of every feature of every row (for explanations)
     */
    public static Result replay(TelemetryFeatureExtractor extractor, List<String> metrics, long[] times, double[] values,
                                boolean withSources) {
        return replay(extractor, metrics, times, values, withSources, null);
    }

    /**
     * The same, writing each row's vector in {@code target}'s column order (a model's), as
     * {@code SCHEMA.project(replay(...).features(), rows, target)} would give without the second matrix.
     *
     * @param target the columns to write, or null for {@link TelemetryFeatures#SCHEMA}'s
     * @throws io.commandcenter.common.error.CommandCenterException INVALID / FEATURES_MISSING when the pipeline
     *         does not produce a feature of {@code target}
     */
    public static Result replay(TelemetryFeatureExtractor extractor, List<String> metrics, long[] times, double[] values,
                                boolean withSources, FeatureSchema target) {
        int rows = times.length;
        int m = metrics.size();
        int f = TelemetryFeatures.SCHEMA.size();
        int[] columns = target == null ? null : TelemetryFeatures.SCHEMA.projectionTo(target);
        int width = columns == null ? f : columns.length;
        String[] names = metrics.toArray(String[]::new);
        double[] row = new double[m];
        float[] out = new float[rows * width];
        String[][] sources = withSources ? new String[rows][] : null;
        long[] obs = new long[rows];
        double[] novelty = new double[rows];
        int[] order = sortedOrder(times);
        String[] previous = null;
        int[] previousSlots = withSources ? new int[f] : null;
        for (int i : order) {
            System.arraycopy(values, i * m, row, 0, m);
            extractor.update(times[i], names, row);
            if (columns == null) {
                extractor.copyFeatures(out, i * f);
            } else {
                extractor.copyFeatures(out, i * width, columns);
            }
            obs[i] = extractor.rows();
            novelty[i] = extractor.peakNovelty();
            if (withSources) {
                // rows of one series mostly name the same metrics: share the previous row's array when equal
                // (compared as the extractor's metric slots, one int per feature)
                if (previous == null || !extractor.sameSources(previousSlots)) {
                    previous = new String[f];
                    for (int j = 0; j < f; j++) {
                        previous[j] = extractor.sourceMetric(j);
                    }
                    extractor.snapshotSources(previousSlots);
                }
                sources[i] = previous;
            }
        }
        return new Result(out, rows, sources, obs, novelty);
    }

    /** Replays a fresh pipeline (cold start) over a whole series. */
    public static Result replay(TimeAxis axis, List<String> metrics, long[] times, double[] values, boolean withSources) {
        return replay(new TelemetryFeatureExtractor(axis), metrics, times, values, withSources);
    }

    /** Row indices in time order (stable: equal times keep input order). */
    static int[] sortedOrder(long[] times) {
        int[] order = new int[times.length];
        boolean sorted = true;
        for (int i = 0; i < times.length; i++) {
            order[i] = i;
            if (i > 0 && times[i] < times[i - 1]) {
                sorted = false;
            }
        }
        if (!sorted) {
            Integer[] boxed = new Integer[times.length];
            for (int i = 0; i < boxed.length; i++) {
                boxed[i] = i;
            }
            Arrays.sort(boxed, (a, b) -> Long.compare(times[a], times[b]));
            for (int i = 0; i < boxed.length; i++) {
                order[i] = boxed[i];
            }
        }
        return order;
    }
}
