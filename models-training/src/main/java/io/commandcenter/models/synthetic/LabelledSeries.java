package io.commandcenter.models.synthetic;

import io.commandcenter.models.features.TimeAxis;
import java.util.List;

/**
 * A generated (or loaded) multivariate series with incident labels.
 *
 * @param values row-major {@code rows × metrics.size()}
 * @param kinds  which degradations were injected (for reports), may be empty
 */
public record LabelledSeries(String name, List<String> metrics, TimeAxis axis, long[] times, double[] values,
                             boolean[] labels, List<String> kinds) {

    public LabelledSeries {
        metrics = List.copyOf(metrics);
        kinds = List.copyOf(kinds);
        if (values.length != times.length * metrics.size() || labels.length != times.length) {
            throw new IllegalArgumentException("inconsistent dimensions");
        }
    }

    public int rows() {
        return times.length;
    }
}
