package io.commandcenter.hub.feedback;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.json.Json;
import io.commandcenter.hub.audit.AuditAction;
import io.commandcenter.hub.audit.AuditRecord;
import io.commandcenter.hub.audit.AuditTrail;
import io.commandcenter.hub.predict.PredictionRecord;
import io.commandcenter.hub.predict.PredictionRepository;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.telemetry.RecordRules;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A project's feedback dataset: what really happened, as labelled rows a model can be trained and
 * judged on. Labels come from people and from the remediation record:
 * <ul>
 *   <li>{@code person}: a prediction labelled {@code incident} or {@code false_alarm} (the latest wins);</li>
 *   <li>{@code declared}: an incident window of an entity ({@link #declare}): every stored run of the
 *       entity in it is an incident — what the model missed as well as what it caught;</li>
 *   <li>{@code rejection}: a person rejected the prediction's remediation (its reason kept) — no incident;</li>
 *   <li>{@code approval}: a person approved it — an incident;</li>
 *   <li>{@code outcome}: the remediation recovered the entity — an incident.</li>
 * </ul>
 * In that order of precedence. Each row carries the input vector of the stored model run: exactly
 * what the live feature pipeline computed and the model scored (one implementation of the features).
 */
public final class Feedback {
    /** The longest reason kept. */
    public static final int MAX_REASON = 1024;
    /** Predictions or runs read from the store per page when the dataset is read. */
    public static final int PAGE = 500;
    /** The longest incident window. */
    public static final Duration MAX_WINDOW = Duration.ofDays(31);

    private final FeedbackStore store;
    private final PredictionRepository predictions;
    private final AuditTrail audit;
    private final Clock clock;

    private volatile Listener listener = Listener.NONE;

    /** Hears every label stored (metrics count them). */
    public interface Listener {
        Listener NONE = new Listener() {
        };

        /** A person labelled {@code prediction}. */
        default void labelled(FeedbackLabel label, PredictionRecord prediction) {
        }

        /** A person declared an incident window. */
        default void declared(FeedbackLabel label) {
        }
    }

    /** Sets the listener (one; replaces the previous). */
    public void listen(Listener value) {
        this.listener = value == null ? Listener.NONE : value;
    }

    public Feedback(FeedbackStore store, PredictionRepository predictions, AuditTrail audit, Clock clock) {
        this.store = store;
        this.predictions = predictions;
        this.audit = audit;
        this.clock = clock;
    }

    /** What a declaration did. */
    public record Declared(FeedbackLabel label, int rowsLabelled) {
    }

    /**
     * Labels a prediction of the project.
     *
     * @throws CommandCenterException INVALID (REQUIRED prediction_id, INVALID label, TOO_LONG reason),
     *         NOT_FOUND (PREDICTION_NOT_FOUND)
     */
    public FeedbackLabel label(ProjectId project, String predictionId, String label, String reason, String by) {
        if (predictionId == null || predictionId.isEmpty()) {
            throw CommandCenterException.invalid("REQUIRED", "prediction_id", "prediction_id is required");
        }
        FeedbackLabel.Label l = label(label);
        String why = reason(reason);
        PredictionRecord p = predictions.get(project, predictionId).orElseThrow(() -> CommandCenterException.notFound(
                "PREDICTION_NOT_FOUND", "no prediction " + predictionId + " in project " + project));
        FeedbackLabel stored = new FeedbackLabel("fl-" + UUID.randomUUID(), project, p.id(), p.targetKind(),
                p.targetId(), l, p.observedAt(), p.observedAt(), why, by, clock.instant());
        store.saveLabel(stored);
        audit.record(AuditAction.FEEDBACK_LABELLED, project.value(), by, "prediction:" + p.id(),
                AuditRecord.detail("label", l.wireName(), "reason", why));
        listener.labelled(stored, p);
        return stored;
    }

    /**
     * Declares an incident of an entity from {@code from} to {@code to}.
     *
     * @throws CommandCenterException INVALID (REQUIRED/OUT_OF_RANGE of start_time/end_time, TOO_LONG reason)
     */
    public Declared declare(ProjectId project, String kind, String id, Instant from, Instant to, String reason,
                            String by) {
        if (from == null) {
            throw CommandCenterException.invalid("REQUIRED", "start_time", "start_time is required");
        }
        if (to == null) {
            throw CommandCenterException.invalid("REQUIRED", "end_time", "end_time is required");
        }
        if (!to.isAfter(from)) {
            throw CommandCenterException.invalid("OUT_OF_RANGE", "end_time", "end_time must be after start_time");
        }
        if (Duration.between(from, to).compareTo(MAX_WINDOW) > 0) {
            throw CommandCenterException.invalid("OUT_OF_RANGE", "end_time", "an incident window is at most 31 days");
        }
        String why = reason(reason);
        FeedbackLabel stored = new FeedbackLabel("fl-" + UUID.randomUUID(), project, null, kind, id,
                FeedbackLabel.Label.INCIDENT, from, to, why, by, clock.instant());
        store.saveLabel(stored);
        // the label is stored: it is audited and announced even when counting the rows it labels fails
        int rows;
        try {
            rows = store.runs(project, kind, id, from, to, null).size();
        } catch (RuntimeException e) {
            audit.record(AuditAction.FEEDBACK_LABELLED, project.value(), by, kind + ":" + id,
                    AuditRecord.detail("label", "incident", "from", from.toString(), "to", to.toString(),
                            "reason", why));
            listener.declared(stored);
            throw e;
        }
        audit.record(AuditAction.FEEDBACK_LABELLED, project.value(), by, kind + ":" + id,
                AuditRecord.detail("label", "incident", "from", from.toString(), "to", to.toString(),
                        "rows", rows, "reason", why));
        listener.declared(stored);
        return new Declared(stored, rows);
    }

    /** The project's labelled rows (optionally of one model), oldest first. */
    public List<FeedbackRow> dataset(ProjectId project, String model) {
        return dataset(project, model, null, null);
    }

    /**
     * The project's labelled rows (optionally of one model) observed from {@code from} to {@code to} (both
     * included; null: unbounded), oldest first: predictions observed in the range, and the runs of declared windows
     * inside it (a window reaching outside is read for the part inside). Precedence as for the whole dataset.
     */
    public List<FeedbackRow> dataset(ProjectId project, String model, Instant from, Instant to) {
        List<FeedbackRow> rows = new ArrayList<>();
        rows(project, model, from, to, PAGE).forEachRemaining(rows::add);
        return rows;
    }

    /**
     * The rows of {@link #dataset(ProjectId, String, Instant, Instant)}, in its order, read from the store as they
     * are taken: pages of at most {@code pageSize} predictions or runs (each with its input vector), nothing past the
     * row last taken; only the project's labels and decisions are read whole, at once. One reader.
     */
    public Iterator<FeedbackRow> rows(ProjectId project, String model, Instant from, Instant to, int pageSize) {
        return new DatasetRows(store, project, model == null || model.isEmpty() ? null : model, from, to, pageSize);
    }

    /** Every label of the project (on predictions and declared windows), oldest first. */
    public List<FeedbackLabel> labels(ProjectId project) {
        return store.labels(project);
    }

    /** Every entity's stored runs of {@code model} from {@code from} to {@code to}, by entity and time. */
    public List<FeedbackStore.StoredRun> runs(ProjectId project, Instant from, Instant to, String model) {
        return store.runs(project, from, to, model);
    }

    /** The feature vector of a stored run's input ({@code RunJson.input}); non-finite features are absent. */
    public static Map<String, Double> features(String inputJson) {
        Map<String, Double> out = new LinkedHashMap<>();
        Object features = Json.parseObject(inputJson).get("features");
        if (features instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                if (v instanceof Number n && Double.isFinite(n.doubleValue())) {
                    out.put(k.toString(), n.doubleValue());
                }
            });
        }
        return out;
    }

    static double risk(String outputJson) {
        Map<String, Object> out = Json.parseObject(outputJson);
        Object risk = out.containsKey("risk") ? out.get("risk") : out.get("riskLast");
        return risk instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private static FeedbackLabel.Label label(String label) {
        return FeedbackLabel.Label.of(label == null ? "" : label).orElseThrow(() -> CommandCenterException.invalid(
                label == null || label.isEmpty() ? "REQUIRED" : "INVALID_ARGUMENT", "label",
                "label must be incident or false_alarm"));
    }

    private static String reason(String reason) {
        String why = reason == null ? "" : reason;
        if (why.length() > MAX_REASON) {
            throw CommandCenterException.invalid("TOO_LONG", "reason", "reason is longer than " + MAX_REASON
                    + " characters");
        }
        if (RecordRules.hasNul(why)) {
            throw CommandCenterException.invalid(RecordRules.NUL, "reason", RecordRules.nulMessage("reason"));
        }
        return why;
    }
}
