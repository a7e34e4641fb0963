package io.commandcenter.hub.events;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The subjects a hub publishes, by their first two tokens, so that a pattern naming none of them (a
 * workflow trigger's {@code on: predictions.created}) can be refused instead of never matching:
 * <ul>
 *   <li>{@code hub.health.<service>}: a stored health sample (agents' own: {@code hub.health.agent.<type>…});</li>
 *   <li>{@code audit.result.<status>}: an audit or compliance result;</li>
 *   <li>{@code task.<status>}: a task history record;</li>
 *   <li>{@code workflow.run.<state>}: a workflow-run record ingested, or a run of this hub changing state;</li>
 *   <li>{@code prediction.created.<type>}: a prediction;</li>
 *   <li>{@code entity.risk.<kind>}: an entity's risk reading;</li>
 *   <li>{@code approval.<requested|approved|rejected|expired|…>}: an approval asked for or decided;</li>
 *   <li>{@code remediation.outcome.<outcome>}: a run's observed outcome;</li>
 *   <li>{@code mesh.schedule.<assignment|delegation|task.…>}: the scheduler's events;</li>
 *   <li>{@code model.train.requested}: published by nobody; the learning loop's workflow waits on it when
 *       its schedule is off, so that it runs only when started by hand.</li>
 * </ul>
 * {@code EventSubjectsTest} holds this list against the publishers hub-core and the scheduler define.
 */
public final class EventSubjects {
    /** First token → the only second token under it, or {@code ""} when the second is a state (any token). */
    private static final Map<String, String> ROOTS = new TreeMap<>(Map.of(
            "hub", "health",
            "audit", "result",
            "task", "",
            "workflow", "run",
            "prediction", "created",
            "entity", "risk",
            "approval", "",
            "remediation", "outcome",
            "mesh", "schedule",
            "model", "train"));

    private EventSubjects() {
    }

    /** The first tokens of every subject, sorted. */
    public static java.util.Set<String> roots() {
        return ROOTS.keySet();
    }

    /**
     * The one second token every subject under {@code root} has ({@code prediction} → {@code created}),
     * empty when the root is unknown or its second token varies ({@code task.<status>}).
     */
    public static Optional<String> secondToken(String root) {
        String second = ROOTS.get(root);
        return second == null || second.isEmpty() ? Optional.empty() : Optional.of(second);
    }

    /** Whether a subject starts with a root the hub publishes and, where fixed, its second token. */
    public static boolean isPublished(String subject) {
        String[] tokens = subject.split("\\.", 3);
        if (!ROOTS.containsKey(tokens[0]) || tokens.length < 2) {
            return false;
        }
        return secondToken(tokens[0]).map(tokens[1]::equals).orElse(true);
    }
}
