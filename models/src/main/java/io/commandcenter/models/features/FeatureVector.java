package io.commandcenter.models.features;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One feature vector with, per feature, the metric it was computed from ({@code ""} when the feature
 * describes the entity as a whole): explanations use it to name the metric responsible when the
 * model only sees aggregates such as "largest residual surprisal over all metrics".
 */
public record FeatureVector(FeatureSchema schema, float[] values, List<String> sources) {

    public FeatureVector {
        Objects.requireNonNull(schema, "schema");
        values = values.clone();
        sources = List.copyOf(sources);
        if (values.length != schema.size() || sources.size() != schema.size()) {
            throw new IllegalArgumentException("values and sources must have " + schema.size() + " entries");
        }
    }

    @Override
    public float[] values() {
        return values.clone();
    }

    /**
     * Writes the values in another order into {@code dst} at {@code offset}: {@code dst[offset + j] =
     * values[columns[j]]} ({@code columns} from {@link FeatureSchema#projectionTo}), without the copy
     * {@link #values()} makes.
     */
    public void copyValues(float[] dst, int offset, int[] columns) {
        for (int j = 0; j < columns.length; j++) {
            dst[offset + j] = values[columns[j]];
        }
    }

    public float value(String name) {
        int i = schema.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("no feature " + name);
        }
        return values[i];
    }

    public String source(String name) {
        return sources.get(schema.indexOf(name));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FeatureVector f && schema.equals(f.schema) && Arrays.equals(values, f.values) && sources.equals(f.sources);
    }

    @Override
    public int hashCode() {
        return Objects.hash(schema, Arrays.hashCode(values), sources);
    }

    @Override
    public String toString() {
        return "FeatureVector" + Arrays.toString(values);
    }
}
