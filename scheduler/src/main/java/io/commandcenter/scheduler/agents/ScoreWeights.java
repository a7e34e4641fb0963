package io.commandcenter.scheduler.agents;

import io.commandcenter.scheduler.wire.WireIn;
import io.commandcenter.scheduler.wire.WireOut;

/**
 * Weights of the agent score's four terms; each >= 0, summing to 1 (checked to 1e-9), so a score
 * is in [0, 1] like its terms.
 */
public record ScoreWeights(double capability, double headroom, double success, double affinity) {
    /** Load first, then track record, then locality, then specialisation. */
    public static final ScoreWeights DEFAULT = new ScoreWeights(0.15, 0.35, 0.30, 0.20);

    public ScoreWeights {
        for (double w : new double[]{capability, headroom, success, affinity}) {
            if (!Double.isFinite(w) || w < 0) {
                throw new IllegalArgumentException("score weights must be finite and >= 0");
            }
        }
        double sum = capability + headroom + success + affinity;
        if (Math.abs(sum - 1.0) > 1e-9) {
            throw new IllegalArgumentException("score weights must sum to 1, got " + sum);
        }
    }

    /** The weighted sum of the terms. */
    public double total(double capabilityMatch, double headroomTerm, double successRate, double affinityTerm) {
        return capability * capabilityMatch + headroom * headroomTerm + success * successRate
                + affinity * affinityTerm;
    }

    public static void write(WireOut out, ScoreWeights w) {
        out.f64(w.capability).f64(w.headroom).f64(w.success).f64(w.affinity);
    }

    public static ScoreWeights read(WireIn in) {
        return new ScoreWeights(in.f64(), in.f64(), in.f64(), in.f64());
    }
}
