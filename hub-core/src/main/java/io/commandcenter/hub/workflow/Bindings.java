package io.commandcenter.hub.workflow;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The values a {@link Template} may read, by dotted path ({@code entity.id},
 * {@code nodes.restart.output.pid}).
 */
@FunctionalInterface
public interface Bindings {
    /** The value's text at a path, or empty when nothing (or a map or list) is there. */
    Optional<String> lookup(String path);

    /**
     * Bindings over nested maps: each path segment selects a key of the map reached so far.
     * Leaves become text canonically: strings as they are, {@code 0.92}, {@code 3},
     * {@code true}; other objects by {@code toString} (an {@link java.time.Instant} as ISO-8601).
     * The maps are read at each lookup, not copied.
     */
    static Bindings of(Map<String, ?> values) {
        Objects.requireNonNull(values, "values");
        return path -> {
            Object current = values;
            for (String segment : path.split("\\.", -1)) {
                if (!(current instanceof Map<?, ?> map)) {
                    return Optional.empty();
                }
                current = map.get(segment);
            }
            return Values.text(current);
        };
    }
}
