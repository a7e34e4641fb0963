package io.commandcenter.hub.agents;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How the built-in agents reach the world.
 *
 * @param capacity       actions each built-in agent runs at once ({@code cc.agents.capacity})
 * @param timeout        longest HTTP call or command ({@code cc.agents.timeout})
 * @param slackWebhook   Slack incoming webhook for {@code notifier.sendSlack} ({@code cc.notifier.slack-webhook});
 *                       without one, notifications go to the hub's log
 * @param webhooks       named webhooks for {@code notifier.webhook} ({@code cc.notifier.webhooks}: {@code name=url,...})
 * @param adminEndpoints service → base URL of its admin API for {@code devops.*}
 *                       ({@code cc.devops.endpoints}: {@code service=url,...})
 * @param commands       action → allow-listed argv template ({@code cc.devops.commands}:
 *                       {@code restart=systemctl restart {service};scale=...}); never run through a shell
 */
public record AgentSettings(int capacity, Duration timeout, Optional<URI> slackWebhook, Map<String, URI> webhooks,
                            Map<String, URI> adminEndpoints, Map<String, List<String>> commands) {
    public AgentSettings {
        if (capacity < 1 || capacity > 1024) {
            throw new IllegalArgumentException("cc.agents.capacity must be 1 to 1024, got " + capacity);
        }
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(slackWebhook, "slackWebhook");
        webhooks = Map.copyOf(webhooks);
        adminEndpoints = Map.copyOf(adminEndpoints);
        commands = Map.copyOf(commands);
    }

    public static AgentSettings defaults() {
        return new AgentSettings(4, Duration.ofSeconds(30), Optional.empty(), Map.of(), Map.of(), Map.of());
    }

    /**
     * Parses {@code name=url,name=url}.
     *
     * @throws IllegalArgumentException naming the property and the entry at fault
     */
    public static Map<String, URI> urls(String property, String text) {
        Map<String, URI> out = new LinkedHashMap<>();
        for (String pair : text.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(property + ": expected name=url, got '" + pair.strip() + "'");
            }
            out.put(pair.substring(0, eq).strip(), url(property, pair.substring(eq + 1).strip()));
        }
        return out;
    }

    /** An http(s) URL, or an IllegalArgumentException naming the property. */
    public static URI url(String property, String text) {
        try {
            URI uri = URI.create(text);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException(property + ": not an http(s) URL: '" + text + "'");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(property + ": not an http(s) URL: '" + text + "'", e);
        }
    }

    /** Parses {@code action=argv words;action=argv words} (words split on spaces, no quoting, no shell). */
    public static Map<String, List<String>> commands(String property, String text) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String entry : text.split(";")) {
            if (entry.isBlank()) {
                continue;
            }
            int eq = entry.indexOf('=');
            List<String> argv = eq <= 0 ? List.of() : new ArrayList<>(Arrays.stream(entry.substring(eq + 1).strip()
                    .split("\\s+")).filter(w -> !w.isEmpty()).toList());
            if (argv.isEmpty()) {
                throw new IllegalArgumentException(property + ": expected action=program args..., got '"
                        + entry.strip() + "'");
            }
            out.put(entry.substring(0, eq).strip(), List.copyOf(argv));
        }
        return out;
    }
}
