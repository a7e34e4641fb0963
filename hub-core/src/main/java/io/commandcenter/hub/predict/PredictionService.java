package io.commandcenter.hub.predict;

import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.common.error.FieldViolation;
import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.telemetry.HealthSampleRecord;
import io.commandcenter.hub.telemetry.PageToken;
import io.commandcenter.inference.BackendScorer;
import io.commandcenter.inference.InferenceBackend;
import io.commandcenter.inference.ModelKey;
import io.commandcenter.inference.RiskPrediction;
import io.commandcenter.inference.RiskPredictor;
import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.models.artifact.ModelMetadata;
import io.commandcenter.models.backtest.Backtest;
import io.commandcenter.models.backtest.BacktestResult;
import io.commandcenter.models.backtest.SeriesCsv;
import io.commandcenter.models.features.FeatureSchema;
import io.commandcenter.models.features.FeatureVector;

import java.io.IOException;
import java.io.Reader;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The predictive engine's answers on demand: score given features, a recent window of samples or
 * an entity's live state; list and get raised predictions; replay a series (backtest). Scoring here
 * stores nothing and raises nothing.
 */
public final class PredictionService {
    /** Most samples in a window. */
    public static final int MAX_WINDOW = 10_000;
    /** Largest page of predictions. */
    public static final int MAX_PAGE = 500;
    /** Most field violations one wrong features map is answered with (the first ones found). */
    public static final int MAX_VIOLATIONS = 20;

    private final ModelRegistry registry;
    private final RiskPredictor predictor;
    private final PredictiveEngine engine;
    private final PredictionRepository repository;
    private final InferenceBackend backend;

    /** A scored answer and the version that scored it. */
    public record Answer(ModelKey key, RiskPrediction prediction) {
    }

    /** A page of predictions. */
    public record Page(List<PredictionRecord> predictions, String nextToken) {
    }

    public PredictionService(ModelRegistry registry, RiskPredictor predictor, PredictiveEngine engine,
                             PredictionRepository repository, InferenceBackend backend) {
        this.registry = registry;
        this.predictor = predictor;
        this.engine = engine;
        this.repository = repository;
        this.backend = backend;
    }

    /**
     * Scores given feature values: exactly the model's features, finite.
     *
     * @throws CommandCenterException INVALID ({@code FEATURES_INVALID}, each missing or unknown feature named);
     *         NOT_FOUND ({@code MODEL_NOT_FOUND})
     */
    public Answer predictFeatures(ProjectId project, String model, String version, Map<String, Double> values,
                                  long observations) {
        ModelKey key = registry.resolve(project, model, version);
        ModelMetadata meta = registry.metadata(key);
        List<FieldViolation> violations = new ArrayList<>();
        float[] row = new float[meta.features().size()];
        for (int i = 0; i < row.length; i++) {
            String name = meta.features().get(i);
            Double value = values.get(name);
            if (value == null) {
                violations.add(new FieldViolation("features.values[" + name + "]", "FEATURES_INVALID",
                        "feature " + name + " of " + key + " is missing"));
            } else if (!Double.isFinite(value)) {
                violations.add(new FieldViolation("features.values[" + name + "]", "FEATURES_INVALID",
                        "feature " + name + " must be finite, got " + value));
            } else {
                row[i] = value.floatValue();
            }
        }
        // every feature found and no more keys than features: no key can be unknown (keys are distinct), so the
        // names are only searched when something is off
        boolean exact = violations.isEmpty() && values.size() == row.length;
        for (String name : exact ? java.util.Set.<String>of() : values.keySet()) {
            if (violations.size() >= MAX_VIOLATIONS) {
                break; // a huge map of wrong names costs a bounded answer, not one message per name
            }
            if (!meta.features().contains(name)) {
                violations.add(new FieldViolation("features.values[" + name + "]", "FEATURES_INVALID",
                        name + " is not a feature of " + key + "; its features are " + meta.features()));
            }
        }
        if (!violations.isEmpty()) {
            throw new CommandCenterException(ErrorKind.INVALID, "FEATURES_INVALID", violations.size()
                    + " feature(s) wrong: " + violations.get(0).message(), Map.of(), violations, null);
        }
        FeatureVector vector = new FeatureVector(schema(key, meta), row,
                Collections.nCopies(row.length, ""));
        return answer(project, key, vector, observations, Duration.ZERO, null);
    }

    /**
     * Whether {@link #predictFeatures} of this model and version scores without waiting (no database
     * read, no version loaded from disk): the project's loaded champion. Never waits.
     */
    public boolean scoresAtOnce(ProjectId project, String model, String version) {
        return registry.resolvesAtOnce(project, model, version);
    }

    /** The loaded version's schema, built once per load by the backend; a stored version not loaded builds its own. */
    private FeatureSchema schema(ModelKey key, ModelMetadata meta) {
        return backend.isLoaded(key) ? backend.schema(key) : new FeatureSchema(meta.features());
    }

    /**
     * Replays a window of one service's samples (oldest first) through a fresh feature pipeline
     * and scores the last one.
     *
     * @throws CommandCenterException INVALID when the window is empty, too long or out of time order
     */
    public Answer predictWindow(ProjectId project, String model, String version, List<HealthSampleRecord> samples) {
        if (samples.isEmpty()) {
            throw CommandCenterException.invalid("REQUIRED", "window.samples", "the window has no sample");
        }
        if (samples.size() > MAX_WINDOW) {
            throw CommandCenterException.invalid("TOO_MANY", "window.samples", "at most " + MAX_WINDOW + " samples per window");
        }
        FeatureBook book = new FeatureBook(1);
        EntityFeatures entity = null;
        for (int i = 0; i < samples.size(); i++) {
            HealthSampleRecord s = samples.get(i);
            if (i > 0 && s.time().isBefore(samples.get(i - 1).time())) {
                throw CommandCenterException.invalid("OUT_OF_ORDER", "window.samples[" + i + "].time",
                        "samples must be in time order: sample " + i + " is older than sample " + (i - 1));
            }
            entity = book.apply(ProjectId.of("window"), s, "").orElseThrow();
        }
        String name = model == null || model.isEmpty() ? FeatureBook.SERVICE_HEALTH : model;
        ModelKey key = registry.resolve(project, name, version);
        Objects.requireNonNull(entity);
        return answer(project, key, entity.vector(entity.lastTime()), entity.observations(), Duration.ZERO,
                entity.interval());
    }

    /** Scores an entity's live features as the engine holds them now. */
    public Answer predictEntity(ProjectId project, EntityKey entity, String version) {
        RiskPrediction p = engine.predictLive(entity, version);
        return new Answer(p.model(), p);
    }

    private Answer answer(ProjectId project, ModelKey key, FeatureVector vector, long observations, Duration age,
                          Duration interval) {
        // the project's view: a sensitive project's rows stay in the hub whatever the model's route says
        return new Answer(key, predictor.forProject(project.value()).predict(key, vector, observations, age, interval));
    }

    /** Newest first; {@code limit} 0 means 50. */
    public Page list(ProjectId project, String targetId, String model, Instant start, Instant end, int limit,
                     String pageToken) {
        if (limit < 0) {
            throw CommandCenterException.invalid("OUT_OF_RANGE", "page_size", "page_size must not be negative");
        }
        if (start != null && end != null && !end.isAfter(start)) {
            throw CommandCenterException.invalid("INVALID_RANGE", "end_time", "end time must be after start time");
        }
        int size = limit == 0 ? 50 : Math.min(limit, MAX_PAGE);
        int fingerprint = Objects.hash("predictions", targetId, model);
        Optional<PageToken.Position> after = PageToken.decode(pageToken, fingerprint, "page_token");
        List<PredictionRecord> rows = repository.list(project, new PredictionRepository.Query(targetId, model, start,
                end, size, after.map(PageToken.Position::time).orElse(null),
                after.map(PageToken.Position::id).orElse(null)));
        if (rows.size() <= size) {
            return new Page(rows, "");
        }
        List<PredictionRecord> page = rows.subList(0, size);
        PredictionRecord last = page.get(size - 1);
        return new Page(page, PageToken.encode(fingerprint, last.createdAt(), last.id()));
    }

    /** A page of model runs and the token of the next one (empty on the last). */
    public record RunPage(List<ModelRun> runs, String nextToken) {
    }

    /**
     * Stored model runs, newest first; {@code limit} 0 means 100, at most 1000.
     *
     * @throws CommandCenterException INVALID (negative limit, end not after start, a bad or foreign token)
     */
    public RunPage runs(ProjectId project, String targetId, ModelRun.Kind kind, Instant start, Instant end, int limit,
                        String pageToken) {
        return runs(project, targetId, kind, start, end, limit, pageToken, null);
    }

    /**
     * The listing of model runs, downsampled when {@code step} is given ({@link RunSteps}: each entity's and
     * model's riskiest run per step).
     *
     * @throws CommandCenterException INVALID ({@code OUT_OF_RANGE}, field {@code step}) for a step outside [1 s, 7 d]
     */
    public RunPage runs(ProjectId project, String targetId, ModelRun.Kind kind, Instant start, Instant end, int limit,
                        String pageToken, java.time.Duration step) {
        if (limit < 0) {
            throw CommandCenterException.invalid("OUT_OF_RANGE", "page_size", "page_size must not be negative");
        }
        if (start != null && end != null && !end.isAfter(start)) {
            throw CommandCenterException.invalid("INVALID_RANGE", "end_time", "end time must be after start time");
        }
        int size = limit == 0 ? 100 : Math.min(limit, 1000);
        if (step != null) {
            RunSteps.validate(step, "step");
            int fingerprint = Objects.hash("model-runs", targetId, kind, step.toMillis());
            return RunSteps.page((afterTime, afterId) -> repository.listRuns(project, new PredictionRepository.RunQuery(
                    targetId, kind, start, end, RunSteps.CHUNK, afterTime, afterId)), step, size, fingerprint,
                    PageToken.decode(pageToken, fingerprint, "page_token"));
        }
        int fingerprint = Objects.hash("model-runs", targetId, kind);
        Optional<PageToken.Position> after = PageToken.decode(pageToken, fingerprint, "page_token");
        List<ModelRun> rows = repository.listRuns(project, new PredictionRepository.RunQuery(targetId, kind, start, end,
                size, after.map(PageToken.Position::time).orElse(null), after.map(PageToken.Position::id).orElse(null)));
        if (rows.size() <= size) {
            return new RunPage(rows, "");
        }
        List<ModelRun> page = rows.subList(0, size);
        ModelRun last = page.get(size - 1);
        return new RunPage(page, PageToken.encode(fingerprint, last.executedAt(), last.runId()));
    }

    /** @throws CommandCenterException NOT_FOUND ({@code MODEL_RUN_NOT_FOUND}) outside the project */
    public ModelRun run(ProjectId project, String runId) {
        if (runId == null || runId.isBlank()) {
            throw CommandCenterException.invalid("REQUIRED", "run_id", "run_id is required");
        }
        return repository.getRun(project, runId).orElseThrow(() -> CommandCenterException.notFound(
                "MODEL_RUN_NOT_FOUND", "no model run " + runId + " in this project"));
    }

    /** @throws CommandCenterException NOT_FOUND ({@code PREDICTION_NOT_FOUND}) outside the project */
    public PredictionRecord get(ProjectId project, String predictionId) {
        if (predictionId == null || predictionId.isBlank()) {
            throw CommandCenterException.invalid("REQUIRED", "prediction_id", "prediction_id is required");
        }
        return repository.get(project, predictionId).orElseThrow(() -> CommandCenterException.notFound("PREDICTION_NOT_FOUND",
                "no prediction " + predictionId + " in project " + project));
    }

    /**
     * Replays a CSV series through the same pipeline and model as live telemetry.
     *
     * @throws CommandCenterException INVALID ({@code CSV_*}, with the line) for a malformed CSV
     */
    public BacktestResult backtest(ProjectId project, String model, String version, String labelColumn, Reader csv) {
        return backtest(project, model, version, labelColumn, csv, Long.MAX_VALUE, Long.MAX_VALUE, () -> false);
    }

    /**
     * The same, reading at most {@code maxRows} rows and {@code maxValues} values (rows × metric columns): fails
     * with INVALID {@code CSV_TOO_MANY_ROWS} / {@code CSV_TOO_MANY_VALUES} as soon as the CSV passes one, before
     * the rest is held; and stopping with a {@link java.util.concurrent.CancellationException} soon after
     * {@code cancelled} says so while it scores ({@link Backtest#run(io.commandcenter.models.backtest.Series,
     * java.util.function.BooleanSupplier)}: a client that went away frees the hub at once).
     */
    public BacktestResult backtest(ProjectId project, String model, String version, String labelColumn, Reader csv,
                                   long maxRows, long maxValues, java.util.function.BooleanSupplier cancelled) {
        String name = model == null || model.isEmpty() ? FeatureBook.SERVICE_HEALTH : model;
        ModelKey key = registry.resolve(project, name, version);
        try {
            var series = (labelColumn == null || labelColumn.isEmpty() ? new SeriesCsv() : new SeriesCsv(labelColumn))
                    .read(csv, maxRows, maxValues);
            return new Backtest(new BackendScorer(backend.forProject(project.value()), key), registry.metadata(key)).run(series, cancelled);
        } catch (IOException e) {
            throw CommandCenterException.invalid("CSV_UNREADABLE", "csv_chunk", "the CSV could not be read: " + e.getMessage());
        }
    }
}
