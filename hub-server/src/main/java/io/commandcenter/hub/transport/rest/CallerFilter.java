package io.commandcenter.hub.transport.rest;

import io.commandcenter.hub.project.CallerResolver;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.ext.Provider;

import java.util.Locale;

/**
 * Resolves every REST request to a caller through the hub's {@link CallerResolver}, the one the
 * gRPC interceptor uses. The project comes from the {@code X-CC-Project} header or, for browsers'
 * {@code EventSource} that cannot set headers, from the {@code project} query parameter.
 */
@Provider
public class CallerFilter implements ContainerRequestFilter {
    @Inject
    jakarta.inject.Provider<CallerResolver> callers;
    @Inject
    RequestCaller requestCaller;

    @Override
    public void filter(ContainerRequestContext request) {
        CallerResolver resolver = callers.get();
        requestCaller.set(resolver.resolve(name -> {
            String value = request.getHeaderString(name.toLowerCase(Locale.ROOT));
            if (value == null && name.equals(CallerResolver.PROJECT_HEADER)) {
                value = request.getUriInfo().getQueryParameters().getFirst("project");
            }
            return value;
        }));
    }
}
