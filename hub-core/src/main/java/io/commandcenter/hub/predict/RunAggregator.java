package io.commandcenter.hub.predict;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Bounded storage of model runs: runs that raise no prediction are summed per entity, model and
 * window (one minute by default) into one {@link ModelRun} of kind AGGREGATE — how many runs, mean,
 * max and last risk, the last input — so storage grows with entities × windows, never with the
 * sample rate. Not thread-safe: the engine's thread owns it.
 */
public final class RunAggregator {
    private static final class Window {
        final Instant start;
        int runs;
        double sum;
        double max;
        double last;
        Supplier<String> input;

        Window(Instant start) {
            this.start = start;
        }
    }

    private final Duration window;
    private final Map<EntityModel, Window> open = new HashMap<>();
    private final List<ModelRun> closed = new ArrayList<>();

    public RunAggregator(Duration window) {
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be positive");
        }
        this.window = window;
    }

    /**
     * Adds a run that raised nothing.
     *
     * @param input renders the run's input; called once per window, for the last run only
     */
    public void add(EntityKey entity, String modelId, double risk, Supplier<String> input, Instant now) {
        EntityModel key = new EntityModel(entity, modelId);
        Instant start = windowStart(now);
        Window w = open.get(key);
        if (w != null && !w.start.equals(start)) {
            closed.add(toRun(key, w));
            w = null;
        }
        if (w == null) {
            w = new Window(start);
            open.put(key, w);
        }
        w.runs++;
        w.sum += risk;
        w.max = w.runs == 1 ? risk : Math.max(w.max, risk);
        w.last = risk;
        w.input = input;
    }

    /** The aggregates of every window that ended before {@code now}. */
    public List<ModelRun> drainDue(Instant now) {
        Instant current = windowStart(now);
        for (Iterator<Map.Entry<EntityModel, Window>> it = open.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<EntityModel, Window> e = it.next();
            if (e.getValue().start.isBefore(current)) {
                closed.add(toRun(e.getKey(), e.getValue()));
                it.remove();
            }
        }
        List<ModelRun> due = new ArrayList<>(closed);
        closed.clear();
        return due;
    }

    /** Every aggregate, finished or not (at shutdown). */
    public List<ModelRun> drainAll() {
        for (Map.Entry<EntityModel, Window> e : open.entrySet()) {
            closed.add(toRun(e.getKey(), e.getValue()));
        }
        open.clear();
        List<ModelRun> all = new ArrayList<>(closed);
        closed.clear();
        return all;
    }

    private Instant windowStart(Instant now) {
        long size = window.toMillis();
        return Instant.ofEpochMilli(Math.floorDiv(now.toEpochMilli(), size) * size);
    }

    private static ModelRun toRun(EntityModel key, Window w) {
        String output = String.format(java.util.Locale.ROOT,
                "{\"runs\":%d,\"riskMean\":%.6f,\"riskMax\":%.6f,\"riskLast\":%.6f}", w.runs, w.sum / w.runs, w.max,
                w.last);
        return new ModelRun(UUID.randomUUID().toString(), key.entity().project(), key.model(), key.entity().kind(),
                key.entity().id(), ModelRun.Kind.AGGREGATE, w.runs, w.input.get(), output, null, w.start);
    }
}
