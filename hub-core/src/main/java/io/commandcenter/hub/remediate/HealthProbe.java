package io.commandcenter.hub.remediate;

import io.commandcenter.hub.project.ProjectId;

import java.util.Optional;

/**
 * The target's health now, as the champion model sees its live features: how the engine judges
 * what came of an action.
 */
@FunctionalInterface
public interface HealthProbe {

    /**
     * @return the risk now and the model's explanation (its output as JSON: risk, confidence, top factors), empty when the hub has no live
     *         telemetry of the target
     */
    Optional<Reading> read(ProjectId project, String targetKind, String targetId);

    /** A risk in [0, 1] and the model output behind it. */
    record Reading(double risk, String detailJson) {
    }
}
