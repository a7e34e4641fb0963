package io.commandcenter.inference.explain;

import io.commandcenter.inference.BackendScorer;
import io.commandcenter.inference.InferenceBackend;
import io.commandcenter.inference.ModelKey;
import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.models.artifact.ModelMetadata;
import io.commandcenter.models.explain.Explanation;
import io.commandcenter.models.explain.OcclusionExplainer;
import java.util.List;

/**
 * Model-agnostic explanations through any {@link InferenceBackend}: baseline substitution against the
 * sidecar's reference vector ({@link OcclusionExplainer}), every variant of a batch in one backend call.
 * Contributions are in log-odds; factors come most risk-raising first.
 */
public final class Explainer {

    private final InferenceBackend backend;

    public Explainer(InferenceBackend backend) {
        this.backend = backend;
    }

    /**
     * Explains {@code rowCount} rows given in the model's feature order.
     *
     * @param sources per row and model feature, the metric behind it (may be null)
     * @throws CommandCenterException PRECONDITION / MODEL_NOT_EXPLAINABLE when the sidecar has no reference vector
     */
    public List<Explanation> explain(ModelKey key, float[] rows, int rowCount, String[][] sources, int topK) {
        return explainer(key).explain(rows, rowCount, sources, topK);
    }

    /** Risks and raw contributions (for callers that only need the top factor or the agreement term). */
    public OcclusionExplainer.Attribution attribute(ModelKey key, float[] rows, int rowCount) {
        return explainer(key).attribute(rows, rowCount);
    }

    OcclusionExplainer explainer(ModelKey key) {
        ModelMetadata m = backend.metadata(key);
        if (m.reference().isEmpty()) {
            throw new CommandCenterException(ErrorKind.PRECONDITION, "MODEL_NOT_EXPLAINABLE", key + " declares no reference vector");
        }
        return new OcclusionExplainer(new BackendScorer(backend, key), backend.schema(key), m.referenceVector());
    }
}
