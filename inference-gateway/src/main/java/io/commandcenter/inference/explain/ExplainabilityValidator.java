package io.commandcenter.inference.explain;

import io.commandcenter.inference.InferenceBackend;
import io.commandcenter.inference.ModelKey;
import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.models.artifact.ModelArtifact;
import io.commandcenter.models.artifact.ModelMetadata;
import io.commandcenter.models.explain.OcclusionExplainer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Decides whether a model may be registered: it must load (inputs and outputs matching its declared
 * features, by name), score finite probabilities, and yield usable attributions.
 *
 * <p>Probes: the reference vector, and {@value #PROBES} seeded vectors around it (each feature moved by
 * ±(1 + |r_i|)·U(0, 3)). Refused when: the artifact does not load (reason of the load failure); a
 * feature name is duplicated or the reference is missing (NO_REFERENCE); any probe scores outside
 * [0, 1] or non-finite (SCORES_INVALID); no probe gets a contribution of at least {@value #MIN_EFFECT}
 * log-odds from any feature (NO_ATTRIBUTION: a constant model explains nothing). Declared features that
 * never move the score are reported as warnings (INERT_FEATURES), not refusals.
 */
public final class ExplainabilityValidator {

    static final int PROBES = 32;
    static final double MIN_EFFECT = 1e-3;

    private final InferenceBackend backend;

    public ExplainabilityValidator(InferenceBackend backend) {
        this.backend = backend;
    }

    /** Outcome: accepted or not, with stable problem codes and human-readable details. */
    public record Report(ModelKey key, boolean explainable, List<String> problems, List<String> warnings) {

        public Report {
            problems = List.copyOf(problems);
            warnings = List.copyOf(warnings);
        }
    }

    /**
     * Loads the artifact into the backend and validates it. A refused model is unloaded again (unless it
     * had been loaded before); an accepted one stays loaded.
     */
    public Report validate(ModelArtifact artifact) {
        return validate(ModelKey.of(artifact.metadata()), artifact);
    }

    /** {@link #validate(ModelArtifact)} of the artifact loaded under {@code key}. */
    public Report validate(ModelKey key, ModelArtifact artifact) {
        ModelMetadata m = artifact.metadata();
        List<String> problems = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        if (m.reference().isEmpty()) {
            problems.add("NO_REFERENCE: the sidecar declares no reference vector to explain against");
            return new Report(key, false, problems, warnings);
        }
        boolean wasLoaded = backend.isLoaded(key);
        try {
            backend.load(key, artifact);
        } catch (CommandCenterException e) {
            problems.add(e.reason() + ": " + e.getMessage());
            return new Report(key, false, problems, warnings);
        }
        try {
            int f = m.features().size();
            float[] ref = m.referenceVector();
            SplittableRandom rnd = new SplittableRandom(42);
            float[] probes = new float[(PROBES + 1) * f];
            System.arraycopy(ref, 0, probes, 0, f);
            for (int p = 1; p <= PROBES; p++) {
                for (int j = 0; j < f; j++) {
                    double step = (1 + Math.abs(ref[j])) * 3 * rnd.nextDouble() * (rnd.nextBoolean() ? 1 : -1);
                    probes[p * f + j] = (float) (ref[j] + step);
                }
            }
            OcclusionExplainer.Attribution a;
            try {
                a = new Explainer(backend).attribute(key, probes, PROBES + 1);
            } catch (CommandCenterException e) {
                problems.add("SCORES_INVALID: " + e.getMessage());
                return finish(key, wasLoaded, problems, warnings);
            }
            for (double r : a.risk()) {
                if (!(r >= 0 && r <= 1)) {
                    problems.add("SCORES_INVALID: probability " + r + " outside [0, 1]");
                    return finish(key, wasLoaded, problems, warnings);
                }
            }
            double[] maxEffect = new double[f];
            for (int p = 0; p <= PROBES; p++) {
                for (int j = 0; j < f; j++) {
                    double c = a.contribution(p, j);
                    if (!Double.isFinite(c)) {
                        problems.add("SCORES_INVALID: non-finite contribution of " + m.features().get(j));
                        return finish(key, wasLoaded, problems, warnings);
                    }
                    maxEffect[j] = Math.max(maxEffect[j], Math.abs(c));
                }
            }
            List<String> inert = new ArrayList<>();
            double best = 0;
            for (int j = 0; j < f; j++) {
                best = Math.max(best, maxEffect[j]);
                if (maxEffect[j] < MIN_EFFECT) {
                    inert.add(m.features().get(j));
                }
            }
            if (best < MIN_EFFECT) {
                problems.add("NO_ATTRIBUTION: no feature moves the score by " + MIN_EFFECT + " log-odds on any probe");
            } else if (!inert.isEmpty()) {
                warnings.add("INERT_FEATURES: " + String.join(",", inert));
            }
            return finish(key, wasLoaded, problems, warnings);
        } catch (RuntimeException e) {
            if (!wasLoaded) {
                backend.unload(key);
            }
            throw e;
        }
    }

    /** Like {@link #validate} but throws PRECONDITION / MODEL_NOT_EXPLAINABLE with the problems as metadata. */
    public Report requireExplainable(ModelArtifact artifact) {
        Report r = validate(artifact);
        if (!r.explainable()) {
            throw new CommandCenterException(ErrorKind.PRECONDITION, "MODEL_NOT_EXPLAINABLE",
                    r.key() + " cannot be explained: " + String.join("; ", r.problems()), Map.of("model", r.key().toString()), java.util.List.of(), null);
        }
        return r;
    }

    private Report finish(ModelKey key, boolean wasLoaded, List<String> problems, List<String> warnings) {
        boolean ok = problems.isEmpty();
        if (!ok && !wasLoaded) {
            backend.unload(key);
        }
        return new Report(key, ok, problems, warnings);
    }
}
