package io.commandcenter.hub.testing;

import io.commandcenter.hub.predict.PredictionRecord;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.models.confidence.Confidence;

import java.time.Instant;
import java.util.List;

/** Predictions as the predictive engine raises them, for tests of what consumes them. */
public final class Predictions {
    private Predictions() {
    }

    /** A {@code service_health} risk prediction on service {@code checkout} recommending {@code action}. */
    public static PredictionRecord prediction(String id, String project, String action, double risk, double confidence) {
        Instant at = Instant.parse("2026-03-01T10:00:00Z");
        return new PredictionRecord(id, ProjectId.of(project), "service", "checkout", "risk", risk,
                new Confidence(confidence, 1, 1, 1, confidence), action, List.of(), "service_health", "1.0.0", 0.8,
                "0af7651916cd43dd8448eb211c80319c", "run-" + id, at, at);
    }
}
