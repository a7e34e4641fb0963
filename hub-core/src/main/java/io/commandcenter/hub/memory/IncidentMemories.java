package io.commandcenter.hub.memory;

import io.commandcenter.hub.predict.PredictionRecord;
import io.commandcenter.hub.remediate.ActionDecision;
import io.commandcenter.hub.remediate.ActionRecord;
import io.commandcenter.hub.remediate.NodeRecord;
import io.commandcenter.hub.remediate.RunRecord;
import io.commandcenter.memory.Memory;
import io.commandcenter.models.explain.Factor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The memory of a finished remediation run, built from what the hub stored and nothing else (no
 * model, no clock, no randomness: the same records give the same memory, under the id
 * {@code run-<run id>}, so remembering twice replaces).
 */
public final class IncidentMemories {
    /** The kind of these memories. */
    public static final String KIND = "remediation";
    /** The action of a run a person rejected (or let expire): nothing was done. */
    public static final String NO_ACTION = "none";

    private IncidentMemories() {
    }

    /**
     * @param features the prediction's scored feature vector by name (empty without a prediction)
     */
    public static Memory of(ActionRecord action, RunRecord run, Optional<PredictionRecord> prediction,
                            Map<String, Double> features) {
        List<Factor> factors = prediction.map(PredictionRecord::factors).orElse(List.of());
        String taken = action(action, run);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("runId", run.runId());
        meta.put("workflow", run.workflow() + "@" + run.revision());
        meta.put("runState", run.state().name().toLowerCase(Locale.ROOT));
        meta.put("decision", action.decision().wireName());
        meta.put("decidedBy", action.decidedBy());
        if (!action.reason().isEmpty()) {
            meta.put("reason", clip(action.reason()));
        }
        meta.put("actions", clip(run.nodes().stream()
                .map(n -> n.agent() + "." + n.action() + ":" + n.state().name().toLowerCase(Locale.ROOT)
                        + (n.compensation() ? "(compensation)" : ""))
                .collect(Collectors.joining(","))));
        if (action.riskBefore() != null) {
            meta.put("riskBefore", fmt(action.riskBefore()));
        }
        if (action.riskAfter() != null) {
            meta.put("riskAfter", fmt(action.riskAfter()));
        }
        prediction.ifPresent(p -> {
            meta.put("predictionId", p.id());
            meta.put("predictionType", p.type());
            meta.put("risk", fmt(p.risk()));
            meta.put("confidence", fmt(p.confidence().value()));
            meta.put("model", p.modelName() + "@" + p.modelVersion());
            meta.put("recommendedAction", p.recommendedAction());
            meta.put("topFactors", clip(p.factors().stream().limit(3)
                    .map(f -> f.label() + "=" + fmt(f.contribution())).collect(Collectors.joining(","))));
        });
        String outcome = action.outcome() == null ? "" : action.outcome().wireName();
        String text = String.format(Locale.ROOT, "%s %s: %s%s -> %s%s", run.targetKind(), run.targetId(),
                prediction.map(p -> p.type() + " " + fmt(p.risk()) + ", ").orElse(""), taken
                        + (action.decision() == ActionDecision.AUTOMATIC ? " (automatic)"
                        : " (" + action.decision().wireName() + " by " + action.decidedBy() + ")"),
                outcome.isEmpty() ? "not judged" : outcome,
                action.riskAfter() == null ? "" : ", risk after " + fmt(action.riskAfter()));
        return Memory.builder().id("run-" + run.runId()).project(run.project().value())
                .entity(run.targetKind() + "/" + run.targetId()).kind(KIND)
                .at(prediction.map(PredictionRecord::createdAt).orElse(run.createdAt()))
                .vector(IncidentVectors.vector(features, factors)).action(taken).outcome(outcome)
                .text(clip(text)).metadata(meta).build();
    }

    /**
     * The action a run took, in the recommender's words: {@code none} when a person said no, else its
     * first non-compensating step that is not a notification ({@code restart}, {@code scale},
     * {@code rollback}), else {@code notify}.
     */
    static String action(ActionRecord action, RunRecord run) {
        if (action.decision() == ActionDecision.REJECTED || action.decision() == ActionDecision.EXPIRED) {
            return NO_ACTION;
        }
        List<NodeRecord> steps = run.nodes().stream().filter(n -> !n.compensation()).toList();
        return steps.stream().map(NodeRecord::action).filter(a -> !isNotification(a)).findFirst()
                .orElse(steps.isEmpty() ? NO_ACTION : "notify");
    }

    private static boolean isNotification(String action) {
        String a = action.toLowerCase(Locale.ROOT);
        return a.equals("notify") || a.startsWith("send") || a.equals("webhook") || a.contains("page");
    }

    private static String fmt(double x) {
        return String.format(Locale.ROOT, "%.2f", x);
    }

    private static String clip(String s) {
        return s.length() <= 1_000 ? s : s.substring(0, 999) + "…";
    }
}
