package io.commandcenter.inference;

import io.commandcenter.models.scoring.BatchScorer;

/** Adapts one loaded model version of a backend to the models library's {@link BatchScorer}. */
public final class BackendScorer implements BatchScorer {

    private final InferenceBackend backend;
    private final ModelKey key;
    private final int features;

    public BackendScorer(InferenceBackend backend, ModelKey key) {
        this.backend = backend;
        this.key = key;
        this.features = backend.metadata(key).features().size();
    }

    @Override
    public int featureCount() {
        return features;
    }

    @Override
    public java.util.Optional<io.commandcenter.models.scoring.AffineLogOdds> affineLogOdds() {
        return backend.affineLogOdds(key);
    }

    @Override
    public double[] score(float[] rows, int rowCount) {
        return backend.score(key, rows, rowCount);
    }
}
