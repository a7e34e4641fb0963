package io.commandcenter.hub.agents;

import io.commandcenter.common.json.Json;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.util.Map;
import java.util.TreeMap;
import java.util.Optional;
import java.util.Set;

/**
 * What the {@code notifier} agent does:
 * <ul>
 *   <li>{@code sendSlack}: posts Slack's incoming-webhook JSON ({@code {"text": message}}) to the
 *       configured webhook URL; with no URL configured the message goes to the hub's log (a hub
 *       without Slack still runs its workflows);</li>
 *   <li>{@code webhook}: posts {@code {"message", "inputs"}} to a configured webhook named by the
 *       input {@code target}.</li>
 * </ul>
 * URLs come from configuration, never from workflow inputs. Failures of the far end are retryable;
 * the workflow engine never lets a notification failure block a remediation.
 */
public final class NotifierActions {
    public static final Set<String> ACTIONS = Set.of("sendSlack", "webhook");
    private static final System.Logger LOG = System.getLogger(NotifierActions.class.getName());
    private static final int MAX_MESSAGE = 4000;

    private final Optional<URI> slackWebhook;
    private final Map<String, URI> webhooks;
    private final HttpExecutor http;

    public NotifierActions(Optional<URI> slackWebhook, Map<String, URI> webhooks, HttpExecutor http) {
        this.slackWebhook = slackWebhook;
        this.webhooks = Map.copyOf(webhooks);
        this.http = http;
    }

    public ActionResult execute(String action, Map<String, String> inputs) {
        String message = inputs.getOrDefault("message", "");
        if (message.length() > MAX_MESSAGE) {
            return ActionResult.failed("TOO_LONG", "message is longer than " + MAX_MESSAGE + " characters", false);
        }
        return switch (action) {
            case "sendSlack" -> {
                if (message.isBlank()) {
                    yield ActionResult.failed("MISSING_INPUT", "notifier.sendSlack needs the input 'message'", false);
                }
                if (slackWebhook.isEmpty()) {
                    LOG.log(Level.INFO, "notification (no Slack webhook configured): {0}", message);
                    yield ActionResult.done("{\"channel\":\"log\"}");
                }
                yield http.post(slackWebhook.get(), "{\"text\":" + Json.quote(message) + "}", Map.of());
            }
            case "webhook" -> {
                String target = inputs.get("target");
                URI uri = target == null ? null : webhooks.get(target);
                if (uri == null) {
                    yield ActionResult.failed("UNKNOWN_TARGET", "notifier.webhook needs the input 'target' naming a "
                            + "configured webhook " + webhooks.keySet(), false);
                }
                yield http.post(uri, "{\"message\":" + Json.quote(message) + ",\"inputs\":" + Json.write(new TreeMap<>(inputs)) + "}",
                        Map.of());
            }
            default -> ActionResult.failed("UNKNOWN_ACTION", "notifier does not " + action + "; it can " + ACTIONS,
                    false);
        };
    }
}
