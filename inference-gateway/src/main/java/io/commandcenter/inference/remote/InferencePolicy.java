package io.commandcenter.inference.remote;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Where inference may go: which models are scored remotely and through which endpoint, which hosts are
 * approved to receive a project's rows at all, and which projects are sensitive (scored in the hub only,
 * whatever a model's route says).
 *
 * @param routes            model name → route
 * @param approvedHosts     hosts remote endpoints may have (lower case); an endpoint on any other host is refused
 * @param sensitiveProjects projects whose rows never leave the hub
 */
public record InferencePolicy(Map<String, Route> routes, Set<String> approvedHosts, Set<String> sensitiveProjects) {

    /** A model's route: the endpoint that scores it, and whether a failing endpoint falls back to local scoring. */
    public record Route(String endpoint, boolean fallback) {
        public Route {
            Objects.requireNonNull(endpoint, "endpoint");
        }
    }

    public InferencePolicy {
        routes = Map.copyOf(routes);
        approvedHosts = approvedHosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        sensitiveProjects = Set.copyOf(sensitiveProjects);
    }

    /** Everything local. */
    public static InferencePolicy local() {
        return new InferencePolicy(Map.of(), Set.of(), Set.of());
    }

    public boolean approved(RemoteEndpoint endpoint) {
        String host = endpoint.host();
        return host != null && approvedHosts.contains(host.toLowerCase(Locale.ROOT));
    }

    public boolean sensitive(String project) {
        return project != null && sensitiveProjects.contains(project);
    }
}
