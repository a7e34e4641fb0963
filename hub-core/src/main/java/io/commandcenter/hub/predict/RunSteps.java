package io.commandcenter.hub.predict;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.json.Json;
import io.commandcenter.common.json.JsonException;
import io.commandcenter.hub.telemetry.PageToken;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * A downsampled listing of model runs ({@code ListModelRuns} with a {@code step}): time is cut into steps
 * aligned on the epoch, and of each entity's and model's runs in one step only the riskiest is kept (an
 * aggregate's {@code riskMax}, a prediction run's {@code risk}; the newest when a run names no risk). So a
 * day of per-minute aggregates is read as, say, 144 ten-minute rows per entity with each step's peak kept —
 * what a heatmap of the day draws anyway. Newest first, as the plain listing; a page ends at a step's
 * boundary, so it may hold a few more rows than the page size (at most one step's entities more) and the
 * next page starts with the next older step.
 */
public final class RunSteps {
    /** The shortest step: a second (runs are stored per minute or per prediction). */
    public static final Duration MIN = Duration.ofSeconds(1);
    /** The longest step: a week. */
    public static final Duration MAX = Duration.ofDays(7);
    /** Rows read from the store at a time. */
    static final int CHUNK = 1000;
    /** Rows read for one page at most: past that the page ends where it is (inside a step if it must). */
    static final int SCAN = 100_000;


    private RunSteps() {
    }

    /**
     * @throws CommandCenterException INVALID ({@code OUT_OF_RANGE}, field {@code field}) outside [1 s, 7 d] or
     *         not a whole number of milliseconds
     */
    public static Duration validate(Duration step, String field) {
        if (step.compareTo(MIN) < 0 || step.compareTo(MAX) > 0 || step.getNano() % 1_000_000 != 0) {
            throw CommandCenterException.invalid("OUT_OF_RANGE", field, field
                    + " must be a whole number of milliseconds from 1s to 7d, got " + step);
        }
        return step;
    }

    /**
     * The risk a run reports at the top level of its output ({@code riskMax} over {@code risk}), or NaN when its
     * output names none or is not a JSON object. Keys nested deeper (a factor called "risk") are not the run's risk.
     */
    static double risk(ModelRun run) {
        String out = run.outputJson();
        if (out == null || out.isEmpty()) {
            return Double.NaN;
        }
        Map<String, Object> fields;
        try {
            fields = Json.parseObject(out);
        } catch (JsonException notAnObject) {
            return Double.NaN;
        }
        Object risk = fields.containsKey("riskMax") ? fields.get("riskMax") : fields.get("risk");
        return risk instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /**
     * One page of the downsampled listing.
     *
     * @param read        the store's listing after a keyset position (time, id; null: from the newest), newest
     *                    first, up to {@code CHUNK + 1} rows
     * @param step        the step
     * @param size        the page size (rows, whole steps)
     * @param fingerprint the page token's fingerprint (filters and step)
     * @param after       where the previous page ended
     */
    static PredictionService.RunPage page(BiFunction<Instant, String, List<ModelRun>> read, Duration step, int size,
                                         int fingerprint, Optional<PageToken.Position> after) {
        long stepMs = step.toMillis();
        List<ModelRun> out = new ArrayList<>();
        Map<String, Peak> group = new LinkedHashMap<>();
        long bucket = Long.MIN_VALUE;
        Instant afterTime = after.map(PageToken.Position::time).orElse(null);
        String afterId = after.map(PageToken.Position::id).orElse(null);
        int scanned = 0;
        while (true) {
            List<ModelRun> rows = read.apply(afterTime, afterId);
            boolean more = rows.size() > CHUNK;
            List<ModelRun> chunk = more ? rows.subList(0, CHUNK) : rows;
            for (ModelRun run : chunk) {
                long b = Math.floorDiv(run.executedAt().toEpochMilli(), stepMs);
                if (b != bucket) {
                    if (!group.isEmpty()) {
                        flush(group, out);
                        if (out.size() >= size) {
                            // the next page starts with the step just begun: every row before its start
                            return new PredictionService.RunPage(out, PageToken.encode(fingerprint,
                                    Instant.ofEpochMilli((bucket) * stepMs), ""));
                        }
                    }
                    bucket = b;
                }
                group.merge(run.targetKind() + "/" + run.targetId() + "/" + run.modelId(), new Peak(run, risk(run)),
                        Peak::riskier);
                afterTime = run.executedAt();
                afterId = run.runId();
            }
            scanned += chunk.size();
            if (!more) {
                flush(group, out);
                return new PredictionService.RunPage(out, "");
            }
            if (scanned >= SCAN) {
                // a step of more rows than a page may read: it ends here and goes on on the next page
                flush(group, out);
                return new PredictionService.RunPage(out, PageToken.encode(fingerprint, afterTime, afterId));
            }
        }
    }

    /** The run kept so far for one entity and model in a step, with its risk read once. */
    private record Peak(ModelRun run, double risk) {
        /** Of two runs of one entity and model in one step: the riskier; on a tie or without risks, the newer. */
        Peak riskier(Peak older) {
            return !Double.isNaN(older.risk) && (Double.isNaN(risk) || older.risk > risk) ? older : this;
        }
    }

    private static void flush(Map<String, Peak> group, List<ModelRun> out) {
        group.values().stream().map(Peak::run).sorted(Comparator.comparing(ModelRun::executedAt)
                .thenComparing(ModelRun::runId).reversed()).forEach(out::add);
        group.clear();
    }
}
