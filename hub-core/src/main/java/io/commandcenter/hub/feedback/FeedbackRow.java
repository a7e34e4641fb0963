package io.commandcenter.hub.feedback;

import java.time.Instant;
import java.util.Map;

/**
 * One labelled row of a project's feedback dataset: the input vector a model scored (from the
 * stored model run, so the features are exactly what the live pipeline computed), and what really
 * happened.
 *
 * @param label  1: an incident; 0: no incident (a false alarm)
 * @param source where the label came from: {@code person}, {@code approval}, {@code outcome},
 *               {@code rejection} or {@code declared}
 */
public record FeedbackRow(Instant time, String targetKind, String targetId, String model, String modelVersion,
                          String runId, String predictionId, int label, String source, String reason, double risk,
                          Map<String, Double> features) {

    public FeedbackRow {
        features = Map.copyOf(features);
    }
}
