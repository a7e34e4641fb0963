package io.commandcenter.hub.workflow;

import io.commandcenter.hub.predict.PredictionRecord;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Builds the {@link Bindings} of one run under the roots templates read: {@code workflow},
 * {@code run}, {@code trigger}, {@code prediction} and {@code entity} (from the prediction), and
 * {@code nodes.<id>.output}. A builder for one thread; {@link #build()} takes a snapshot.
 */
public final class RunBindings {
    private final Map<String, Object> roots = new HashMap<>();
    private final Map<String, Object> nodes = new HashMap<>();

    public RunBindings workflow(String name, String revision) {
        roots.put("workflow", Map.of("name", name, "revision", revision));
        return this;
    }

    public RunBindings run(String id) {
        roots.put("run", Map.of("id", id));
        return this;
    }

    /** The trigger: its id (the prediction's id, or the scheduled time), subject and time (ISO-8601). */
    public RunBindings trigger(String id, String subject, Instant time) {
        roots.put("trigger", Map.of("id", id, "subject", subject, "time", time.toString()));
        return this;
    }

    /** The prediction and its entity ({@code kind} from {@code entity}, {@code id} from {@code targetId}). */
    public RunBindings prediction(PredictionRecord prediction) {
        return prediction(PredictionFields.of(prediction));
    }

    /** The prediction as fields ({@link PredictionFields}) and its entity. */
    public RunBindings prediction(Map<String, ?> fields) {
        roots.put("prediction", new HashMap<>(fields));
        Map<String, Object> entity = new HashMap<>();
        if (fields.get("targetId") != null) {
            entity.put("id", fields.get("targetId"));
        }
        if (fields.get("entity") != null) {
            entity.put("kind", fields.get("entity"));
        }
        roots.put("entity", entity);
        return this;
    }

    /** What a finished node returned, readable as {@code $nodes.<id>.output.<key>}. */
    public RunBindings nodeOutput(String nodeId, Map<String, ?> output) {
        Objects.requireNonNull(nodeId, "nodeId");
        nodes.put(nodeId, Map.of("output", new HashMap<>(output)));
        return this;
    }

    /** The values bound so far; later changes to this builder do not show. */
    public Bindings build() {
        Map<String, Object> snapshot = new LinkedHashMap<>(roots);
        snapshot.put("nodes", new HashMap<>(nodes));
        return Bindings.of(Map.copyOf(snapshot));
    }
}
