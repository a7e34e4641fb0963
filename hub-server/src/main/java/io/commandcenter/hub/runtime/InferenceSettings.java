package io.commandcenter.hub.runtime;

import io.commandcenter.inference.remote.InferencePolicy;
import io.commandcenter.inference.remote.RemoteBackend;
import io.commandcenter.inference.remote.RemoteEndpoint;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Where the hub's models are scored ({@code cc.inference.*}, guide section 22): remote endpoints, which
 * models go to which, the hosts approved to receive rows, the sensitive projects, local micro-batching.
 *
 * @param endpoints      the configured remote endpoints, by name
 * @param policy         routes, approved hosts, sensitive projects
 * @param batchMaxRows   most rows one local ONNX Runtime call gathers from concurrent callers (1: no batching)
 * @param batchMaxDelay  how long a gathered batch may wait for more rows (0: only rows already waiting)
 */
public record InferenceSettings(Map<String, RemoteEndpoint> endpoints, InferencePolicy policy, int batchMaxRows,
                                Duration batchMaxDelay) {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,31}");

    public InferenceSettings {
        endpoints = Map.copyOf(endpoints);
        HubSettings.requireRange("cc.inference.batch.max-rows", batchMaxRows, 1, 65_536);
        if (batchMaxDelay.isNegative() || batchMaxDelay.compareTo(Duration.ofSeconds(1)) > 0) {
            throw new IllegalArgumentException("cc.inference.batch.max-delay must be 0 to 1 s, got " + batchMaxDelay);
        }
    }

    /** Everything in the hub, micro-batching on (256 rows, no added delay). */
    public static InferenceSettings defaults() {
        return new InferenceSettings(Map.of(), InferencePolicy.local(), 256, Duration.ZERO);
    }

    public InferenceSettings withBatching(int maxRows, Duration maxDelay) {
        return new InferenceSettings(endpoints, policy, maxRows, maxDelay);
    }

    public InferenceSettings withRemote(Map<String, RemoteEndpoint> value, InferencePolicy routes) {
        return new InferenceSettings(value, routes, batchMaxRows, batchMaxDelay);
    }

    /**
     * Reads the settings; unset means the default.
     *
     * @throws IllegalArgumentException naming the property at fault
     */
    public static InferenceSettings from(Function<String, String> property) {
        Map<String, RemoteEndpoint> endpoints = new LinkedHashMap<>();
        for (String name : list(property, "cc.inference.endpoints")) {
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("cc.inference.endpoints: '" + name
                        + "' is not an endpoint name ([a-z][a-z0-9-]*, at most 32 characters)");
            }
            String p = "cc.inference.endpoint." + name + ".";
            String kind = value(property, p + "kind", "triton").toLowerCase(Locale.ROOT);
            if (!kind.equals("triton") && !kind.equals("vertex")) {
                throw new IllegalArgumentException(p + "kind must be triton or vertex, got '" + kind + "'");
            }
            String target = value(property, p + "target", "");
            if (target.isEmpty()) {
                throw new IllegalArgumentException(p + "target is required (host:port for triton, the :predict URL"
                        + " for vertex)");
            }
            if (kind.equals("vertex")) {
                requireUrl(p + "target", target);
            }
            Map<String, String> headers = new HashMap<>();
            String project = value(property, p + "project", "");
            if (!project.isEmpty()) {
                headers.put("x-cc-project", project);
            }
            String tokenFile = value(property, p + "token-file", "");
            String keyFile = value(property, p + "service-account-key", "");
            endpoints.put(name, new RemoteEndpoint(name, kind, target,
                    flag(property, p + "tls", false),
                    positive(p + "deadline", duration(property, p + "deadline", "PT2S")),
                    range(p + "attempts", integer(property, p + "attempts", 3), 1, 10),
                    atMost(p + "backoff", notNegative(p + "backoff", duration(property, p + "backoff", "PT0.05S")),
                            RemoteBackend.MAX_WAIT),
                    range(p + "breaker-failures", integer(property, p + "breaker-failures", 5), 1, 1_000_000),
                    notNegative(p + "breaker-open", duration(property, p + "breaker-open", "PT30S")),
                    headers,
                    tokenFile.isEmpty() ? Optional.empty() : Optional.of(Path.of(tokenFile)),
                    keyFile.isEmpty() ? Optional.empty() : Optional.of(Path.of(keyFile))));
        }
        boolean fallback = flag(property, "cc.inference.fallback", true);
        Map<String, InferencePolicy.Route> routes = new HashMap<>();
        for (String route : list(property, "cc.inference.routes")) {
            String[] parts = route.split("=", 2);
            if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
                throw new IllegalArgumentException("cc.inference.routes: '" + route + "' is not model=endpoint");
            }
            routes.put(parts[0].strip(), new InferencePolicy.Route(parts[1].strip(), fallback));
        }
        InferencePolicy policy = new InferencePolicy(routes, Set.copyOf(list(property, "cc.inference.approved-endpoints")),
                Set.copyOf(list(property, "cc.inference.sensitive-projects")));
        return new InferenceSettings(endpoints, policy, integer(property, "cc.inference.batch.max-rows", 256),
                duration(property, "cc.inference.batch.max-delay", "PT0S"));
    }

    private static List<String> list(Function<String, String> property, String name) {
        String v = value(property, name, "");
        return v.isEmpty() ? List.of() : new ArrayList<>(Arrays.stream(v.split(",")).map(String::strip)
                .filter(s -> !s.isEmpty()).collect(Collectors.toCollection(java.util.LinkedHashSet::new)));
    }

    private static String value(Function<String, String> property, String name, String fallback) {
        String v = property.apply(name);
        return v == null || v.isBlank() ? fallback : v.strip();
    }

    /** {@code true}/{@code on}, {@code false}/{@code off} (as every hub flag); anything else names the property. */
    private static boolean flag(Function<String, String> property, String name, boolean fallback) {
        String v = value(property, name, "").toLowerCase(Locale.ROOT);
        return switch (v) {
            case "" -> fallback;
            case "true", "on" -> true;
            case "false", "off" -> false;
            default -> throw new IllegalArgumentException(name + " must be true or false, got '" + v + "'");
        };
    }

    private static int range(String name, int value, int min, int max) {
        HubSettings.requireRange(name, value, min, max);
        return value;
    }

    private static Duration positive(String name, Duration d) {
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be above zero, got " + d);
        }
        return d;
    }

    private static Duration notNegative(String name, Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, got " + d);
        }
        return d;
    }

    private static Duration atMost(String name, Duration d, Duration max) {
        if (d.compareTo(max) > 0) {
            throw new IllegalArgumentException(name + " must be at most " + max + " (the waits run inside a scoring"
                    + " call), got " + d);
        }
        return d;
    }

    /** The {@code https://…:predict} URL of a vertex endpoint: absolute, http(s), with a host. */
    private static void requireUrl(String name, String target) {
        java.net.URI uri;
        try {
            uri = new java.net.URI(target);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException(name + " must be the endpoint's :predict URL, got '" + target + "': "
                    + e.getMessage(), e);
        }
        if (uri.getHost() == null || !("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()))) {
            throw new IllegalArgumentException(name + " must be the endpoint's http(s) :predict URL with a host, got '"
                    + target + "'");
        }
    }

    private static int integer(Function<String, String> property, String name, int fallback) {
        String v = value(property, name, Integer.toString(fallback));
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, got '" + v + "'", e);
        }
    }

    private static Duration duration(Function<String, String> property, String name, String fallback) {
        String v = value(property, name, fallback).toUpperCase(Locale.ROOT);
        try {
            return Duration.parse(v);
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException(name + " must be an ISO-8601 duration such as PT2S, got '" + v + "'", e);
        }
    }
}
