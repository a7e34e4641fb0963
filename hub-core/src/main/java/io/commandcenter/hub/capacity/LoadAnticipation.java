package io.commandcenter.hub.capacity;

import io.commandcenter.hub.predict.PredictionRecord;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.workflow.CapabilityCatalog;
import io.commandcenter.scheduler.task.Capability;
import io.commandcenter.scheduler.task.Forms;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Which remediation work a prediction announces to the mesh scheduler, and for how long: the hub's
 * half of load-spike anticipation (guide section 14.7; the scheduler's {@code SpikeAnticipator}
 * decides how many slots to hold back).
 *
 * <p>A prediction announces work when an agent type runs its recommended action ({@code restart},
 * {@code scale}, {@code notify} …), declared under exactly that name:
 * <ol>
 *   <li>an agent type of the built-in catalog that declares it ({@code devops} for restart, scale
 *       and rollback);</li>
 *   <li>otherwise an agent type registered with the scheduler for the prediction's project that
 *       declares it, the first by name when several do. An agent declaring only {@code *} does not
 *       count: it would match every action.</li>
 * </ol>
 * The announcement is that capability with the prediction's id, risk and confidence, for the
 * horizon. No agent type runs the action (as for {@code notify}: the notifier's actions are
 * {@code sendSlack} and {@code webhook}), or the action is not a valid action name: nothing is
 * announced.
 *
 * <p>Stateless; thread-safe when its catalogs are. Fails as the registered catalog does
 * (UNAVAILABLE when the scheduler cannot be read).
 */
public final class LoadAnticipation {
    private final CapabilityCatalog builtIn;
    private final Function<ProjectId, CapabilityCatalog> registered;
    private final Duration horizon;

    /** What to tell the scheduler ({@code Scheduler.anticipate}) about one prediction. */
    public record Announcement(String predictionId, Capability capability, double risk, double confidence,
                               Duration horizon) {
        public Announcement {
            Objects.requireNonNull(predictionId, "predictionId");
            Objects.requireNonNull(capability, "capability");
            Objects.requireNonNull(horizon, "horizon");
        }
    }

    /**
     * @param builtIn    the agent types every hub has, preferred
     * @param registered the agent types registered with the scheduler for a project
     * @param horizon    how long an announcement holds capacity (positive)
     */
    public LoadAnticipation(CapabilityCatalog builtIn, Function<ProjectId, CapabilityCatalog> registered,
                            Duration horizon) {
        this.builtIn = Objects.requireNonNull(builtIn, "builtIn");
        this.registered = Objects.requireNonNull(registered, "registered");
        if (horizon.isNegative() || horizon.isZero()) {
            throw new IllegalArgumentException("the anticipation horizon must be positive, got " + horizon);
        }
        this.horizon = horizon;
    }

    /** The announcement a prediction makes; empty when no agent type runs its recommended action. */
    public Optional<Announcement> of(PredictionRecord prediction) {
        String action = prediction.recommendedAction();
        if (!Forms.ACTION.matcher(action).matches()) {
            return Optional.empty();
        }
        return runnerOf(builtIn, action)
                .or(() -> runnerOf(registered.apply(prediction.project()), action))
                .map(type -> new Announcement(prediction.id(), new Capability(type, action), prediction.risk(),
                        prediction.confidence().value(), horizon));
    }

    /** The first agent type of the catalog, by name, that declares the action itself. */
    private static Optional<String> runnerOf(CapabilityCatalog catalog, String action) {
        for (String type : new TreeSet<>(catalog.agents())) {
            if (Forms.AGENT_TYPE.matcher(type).matches() && catalog.actionsOf(type).contains(action)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
