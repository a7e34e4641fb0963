package io.commandcenter.scheduler.capacity;

import io.commandcenter.scheduler.wire.WireIn;
import io.commandcenter.scheduler.wire.WireOut;

import java.util.Objects;

/**
 * A prediction announcing remediation work: within its horizon, with probability
 * {@code risk × confidence}, a task of {@code action} (in the signal's pool) will arrive. The hub
 * sends one for each {@code prediction.created.*} event whose recommended action an agent type runs.
 *
 * @param expiresAtMillis when the horizon ends; the signal is forgotten then, or as soon as a task
 *                        caused by the prediction arrives
 */
public record LoadSignal(String predictionId, String action, double risk, double confidence, long expiresAtMillis) {
    public LoadSignal {
        Objects.requireNonNull(predictionId, "predictionId");
        Objects.requireNonNull(action, "action");
        if (!(risk >= 0 && risk <= 1) || !(confidence >= 0 && confidence <= 1)) {
            throw new IllegalArgumentException("risk and confidence must be in [0, 1]");
        }
    }

    /** The expected number of remediation tasks this signal announces. */
    public double expectedTasks() {
        return risk * confidence;
    }

    public static void write(WireOut out, LoadSignal s) {
        out.str(s.predictionId).str(s.action).f64(s.risk).f64(s.confidence).i64(s.expiresAtMillis);
    }

    public static LoadSignal read(WireIn in) {
        return new LoadSignal(in.str(), in.str(), in.f64(), in.f64(), in.i64());
    }
}
