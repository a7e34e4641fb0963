package io.commandcenter.hub.predict;

import io.commandcenter.hub.project.ProjectId;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where predictions and model runs are kept. Implementation: {@code JpaPredictionRepository}. */
public interface PredictionRepository {

    /** Filters and keyset position of a listing, newest first; {@code targetKind} null: any kind. */
    record Query(String targetId, String model, Instant start, Instant end, int limit, Instant afterTime,
                 String afterId, String targetKind) {
        /** Predictions on entities of any kind. */
        public Query(String targetId, String model, Instant start, Instant end, int limit, Instant afterTime,
                     String afterId) {
            this(targetId, model, start, end, limit, afterTime, afterId, null);
        }
    }

    /** Stores a prediction and the run that raised it, in one transaction. */
    void save(PredictionRecord prediction, ModelRun run);

    /** Stores aggregated runs. */
    void saveRuns(List<ModelRun> runs);

    /** Up to {@code query.limit() + 1} predictions, newest first. */
    List<PredictionRecord> list(ProjectId project, Query query);

    Optional<PredictionRecord> get(ProjectId project, String predictionId);

    /** Filters and keyset position of a listing of model runs, newest first; {@code kind} null: both. */
    record RunQuery(String targetId, ModelRun.Kind kind, Instant start, Instant end, int limit, Instant afterTime,
                    String afterId) {
    }

    /** Up to {@code query.limit() + 1} model runs, newest first. */
    List<ModelRun> listRuns(ProjectId project, RunQuery query);

    Optional<ModelRun> getRun(ProjectId project, String runId);
}
