package io.commandcenter.models.features;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.HashSet;

/**
 * An ordered list of unique feature names: the column order of a feature vector. A model's ONNX input
 * may order the same names differently (Tribuo sorts them by name), so vectors are always mapped by
 * name with {@link #projectionTo(FeatureSchema)}, never by position.
 */
public record FeatureSchema(List<String> names) {

    public FeatureSchema {
        names = List.copyOf(names);
        Set<String> seen = new HashSet<>();
        for (String n : names) {
            if (n.isBlank() || !seen.add(n)) {
                throw CommandCenterException.invalid("FEATURE_NAMES_INVALID", "feature names must be non-blank and unique: " + n);
            }
        }
    }

    public static FeatureSchema of(String... names) {
        return new FeatureSchema(List.of(names));
    }

    public int size() {
        return names.size();
    }

    public String name(int index) {
        return names.get(index);
    }

    /** Index of {@code name}, or -1. */
    public int indexOf(String name) {
        return names.indexOf(name);
    }

    /**
     * For each column of {@code target}, the index of the same name in this schema: copying
     * {@code v[p[j]]} into column j re-orders a vector of this schema into the target's order.
     *
     * @throws CommandCenterException INVALID / FEATURES_MISSING when the target names a feature this schema lacks
     */
    public int[] projectionTo(FeatureSchema target) {
        if (target == this || target.names.equals(names)) {
            // the same order (a vector built in the model's own schema): the identity, no index map
            int[] p = new int[names.size()];
            for (int i = 0; i < p.length; i++) {
                p[i] = i;
            }
            return p;
        }
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            index.put(names.get(i), i);
        }
        int[] p = new int[target.size()];
        for (int j = 0; j < p.length; j++) {
            Integer i = index.get(target.name(j));
            if (i == null) {
                throw CommandCenterException.invalid("FEATURES_MISSING", "feature '" + target.name(j) + "' is not produced by this pipeline");
            }
            p[j] = i;
        }
        return p;
    }

    /** Re-orders {@code source} rows (this schema, {@code rows × size()}) into {@code target} order. */
    public float[] project(float[] source, int rows, FeatureSchema target) {
        int[] p = projectionTo(target);
        int in = size();
        int out = p.length;
        float[] dst = new float[rows * out];
        for (int r = 0; r < rows; r++) {
            int so = r * in;
            int dO = r * out;
            for (int j = 0; j < out; j++) {
                dst[dO + j] = source[so + p[j]];
            }
        }
        return dst;
    }
}
