package io.commandcenter.inference;

import io.commandcenter.inference.explain.Explainer;
import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.models.artifact.ModelMetadata;
import io.commandcenter.models.confidence.ConfidenceCalculator;
import io.commandcenter.models.confidence.ConfidenceInputs;
import io.commandcenter.models.explain.Explanation;
import io.commandcenter.models.explain.Factor;
import io.commandcenter.models.features.FeatureSchema;
import io.commandcenter.models.features.FeatureVector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;

/**
 * What the hub's predictive engine calls per entity: a pipeline {@link FeatureVector} in, a
 * {@link RiskPrediction} out (risk of the champion, confidence, top factors naming metrics). The vector is
 * mapped to the model's input BY NAME; scoring and explanation are one backend call. Thread-safe.
 */
public final class RiskPredictor {

    private final ChampionRouter router;
    private final InferenceBackend backend;
    private final ConfidenceCalculator confidence;
    private final int topK;
    private final ActionRecommender actions = new ActionRecommender();

    public RiskPredictor(ChampionRouter router, InferenceBackend backend, ConfidenceCalculator confidence, int topK) {
        this.router = router;
        this.backend = backend;
        this.confidence = confidence;
        this.topK = topK;
    }

    /**
     * A predictor for callers that route themselves (one champion per project, say): only
     * {@link #predict(ModelKey, FeatureVector, long, Duration, Duration)} may be used.
     */
    public RiskPredictor(InferenceBackend backend, ConfidenceCalculator confidence, int topK) {
        this(null, backend, confidence, topK);
    }

    /**
     * Scores the vector with the champion of {@code modelName}.
     *
     * @param observations     samples behind the vector ({@code TelemetryFeatureExtractor.minMetricObservations()})
     * @param age              time since the entity's latest sample
     * @param expectedInterval the entity's sampling interval, or null if unknown
     * @throws CommandCenterException NOT_FOUND / NO_CHAMPION, INVALID / FEATURES_MISSING when the vector lacks a model feature
     */
    public RiskPrediction predict(String modelName, FeatureVector vector, long observations, Duration age, Duration expectedInterval) {
        if (router == null) {
            throw new IllegalStateException("this predictor has no router: score a given ModelKey");
        }
        ModelKey key = router.champion(modelName).orElseThrow(() ->
                new CommandCenterException(ErrorKind.NOT_FOUND, "NO_CHAMPION", "no champion for model " + modelName));
        for (int attempt = 0; ; attempt++) {
            try {
                return predict(key, vector, observations, age, expectedInterval);
            } catch (CommandCenterException e) {
                ModelKey now = router.champion(modelName).orElse(key);
                if (!"MODEL_NOT_LOADED".equals(e.reason()) || now.equals(key) || attempt > 8) {
                    throw e;
                }
                key = now;
            }
        }
    }

    /**
     * Scores the vector with one given version, stateless: the risk is the model's probability for this
     * row alone (on-demand questions, which must not move an entity's calibration state).
     */
    public RiskPrediction predict(ModelKey key, FeatureVector vector, long observations, Duration age, Duration expectedInterval) {
        return predict(key, vector, observations, age, expectedInterval, DoubleUnaryOperator.identity());
    }

    /**
     * Scores the vector with one given version; {@code calibrate} turns the row's probability into the risk
     * reported (the entity's {@code OnsetCalibration.State#next}, or the risk the live engine already
     * computed for this row). Confidence is computed on that risk; factors explain the row's probability.
     */
    public RiskPrediction predict(ModelKey key, FeatureVector vector, long observations, Duration age, Duration expectedInterval,
                                  DoubleUnaryOperator calibrate) {
        ModelMetadata m = backend.metadata(key);
        FeatureSchema model = backend.schema(key);
        int[] p = vector.schema().projectionTo(model);
        float[] values = vector.values();
        float[] row = new float[p.length];
        String[][] sources = new String[1][p.length];
        for (int j = 0; j < p.length; j++) {
            row[j] = values[p[j]];
            sources[0][j] = vector.sources().get(p[j]);
        }
        Receipt receipt = new Receipt(backend);
        Explanation e = new Explainer(receipt).explain(key, row, 1, sources, p.length).get(0);
        double risk = calibrate.applyAsDouble(e.risk());
        double[] contributions = e.factors().stream().mapToDouble(Factor::contribution).toArray();
        // the reliability table is the probability's: an alarm reported above it (the onset calibration's quiet-entity
        // bonus) is judged at the probability, a held row at its risk below it, as Backtest does
        var c = confidence.compute(new ConfidenceInputs(Math.min(risk, e.risk()), m.threshold(), m.calibration(), observations, age,
                expectedInterval, contributions));
        List<Factor> top = new ArrayList<>(e.factors().subList(0, Math.min(topK, e.factors().size())));
        return new RiskPrediction(key, risk, m.threshold(), c, top, actions.recommend(key.name(), e.factors()),
                receipt.backend);
    }

    /**
     * This predictor with the backend's view for one project ({@link InferenceBackend#forProject}): a routing
     * backend keeps a sensitive project's rows in the hub.
     */
    public RiskPredictor forProject(String project) {
        InferenceBackend view = backend.forProject(project);
        return view == backend ? this : new RiskPredictor(router, view, confidence, topK);
    }

    /** Passes calls through and notes which backend scored (the explainer makes one scoring call). */
    private static final class Receipt extends ForwardingBackend {
        private String backend = "";

        Receipt(InferenceBackend delegate) {
            super(delegate);
        }

        @Override
        public double[] score(ModelKey key, float[] rows, int rowCount) {
            Scored s = delegate.scoreAttributed(key, rows, rowCount);
            backend = s.backend();
            return s.risk();
        }
    }
}
