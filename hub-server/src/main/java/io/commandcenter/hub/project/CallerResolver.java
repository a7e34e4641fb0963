package io.commandcenter.hub.project;

import java.util.function.Function;

/**
 * The one seam where a request becomes a {@link Caller}: the gRPC interceptor and the HTTP filter
 * both call it with the request's headers. Authentication plugs in here by wrapping or replacing
 * the resolver, so both transports change together.
 */
@FunctionalInterface
public interface CallerResolver {

    /** The header that names the project, for gRPC metadata and HTTP alike. */
    String PROJECT_HEADER = "x-cc-project";

    /**
     * Resolves the caller of a request.
     *
     * @param header reads a request header by lowercase name; {@code null} when absent
     * @throws io.commandcenter.hub.error.HubException INVALID ({@code INVALID_PROJECT}) when the
     *         project header is malformed
     */
    Caller resolve(Function<String, String> header);

    /** Scopes calls to the project in {@link #PROJECT_HEADER}, or to {@code defaultProject}. */
    static CallerResolver projectHeader(ProjectId defaultProject) {
        return header -> {
            String value = header.apply(PROJECT_HEADER);
            ProjectId project = value == null || value.isEmpty() ? defaultProject : ProjectId.of(value.trim());
            return new Caller(project, "anonymous");
        };
    }
}
