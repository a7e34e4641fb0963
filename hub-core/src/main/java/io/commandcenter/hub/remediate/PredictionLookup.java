package io.commandcenter.hub.remediate;

import io.commandcenter.hub.predict.PredictionRecord;
import io.commandcenter.hub.project.ProjectId;

import java.util.Optional;

/** Finds a stored prediction of a project by id. */
@FunctionalInterface
public interface PredictionLookup {
    Optional<PredictionRecord> find(ProjectId project, String predictionId);
}
