package io.commandcenter.hub.agents;

import java.util.Objects;

/**
 * How an action ended.
 *
 * @param ok         it did what was asked
 * @param output     what it reports (JSON object text), {@code {}} when nothing
 * @param reason     for a failure: a stable UPPER_SNAKE reason ({@code NO_EXECUTOR}, {@code HTTP_503}, ...)
 * @param message    for a failure: a sentence for humans
 * @param retryable  for a failure: whether trying again may help
 */
public record ActionResult(boolean ok, String output, String reason, String message, boolean retryable) {
    public ActionResult {
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(message, "message");
    }

    public static ActionResult done(String output) {
        return new ActionResult(true, output, "", "", false);
    }

    public static ActionResult failed(String reason, String message, boolean retryable) {
        return new ActionResult(false, "{}", reason, message, retryable);
    }
}
