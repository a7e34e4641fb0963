package io.commandcenter.scheduler.agents;

import io.commandcenter.scheduler.wire.WireIn;
import io.commandcenter.scheduler.wire.WireOut;

/**
 * One agent's score for one task, with its terms (each in [0, 1]) and the weights that summed them:
 * what a {@code mesh.schedule.assignment} event reports so every decision can be retraced.
 */
public record Score(double total, double capabilityMatch, double headroom, double successRate, double affinity,
                    ScoreWeights weights) {

    public static void write(WireOut out, Score s) {
        out.f64(s.total).f64(s.capabilityMatch).f64(s.headroom).f64(s.successRate).f64(s.affinity);
        ScoreWeights.write(out, s.weights);
    }

    public static Score read(WireIn in) {
        return new Score(in.f64(), in.f64(), in.f64(), in.f64(), in.f64(), ScoreWeights.read(in));
    }
}
