package io.commandcenter.hub.transport.rest;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.hub.project.CallerResolver;
import io.commandcenter.hub.security.Permission;
import io.commandcenter.hub.transport.AccessTable;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.ext.Provider;

import java.lang.reflect.Method;
import java.util.Locale;

/**
 * Resolves every REST request to a caller through the hub's {@link CallerResolver}, the one the
 * gRPC interceptor uses, with the permission of the RPC the endpoint mirrors ({@link Mirrors},
 * {@link AccessTable}). The project comes from the {@code X-CC-Project} header or, for browsers'
 * {@code EventSource} that cannot set headers, from the {@code project} query parameter.
 * Credentials come from the {@code Authorization} header only (never from the URL, which logs keep).
 */
@Provider
public class CallerFilter implements ContainerRequestFilter {
    @Inject
    jakarta.inject.Provider<CallerResolver> callers;
    @Inject
    RequestCaller requestCaller;
    @Context
    ResourceInfo resource;
    /** The client's address, for the allowance of failed authentications; null outside a servlet container. */
    @Context
    HttpServletRequest servletRequest;

    @Override
    public void filter(ContainerRequestContext request) {
        Method method = resource.getResourceMethod();
        Permission required = required(method);
        CallerResolver resolver = callers.get();
        requestCaller.set(resolver.resolve(method.getAnnotation(Mirrors.class).value(), required, name -> {
            if (name.equals(CallerResolver.REMOTE_ADDRESS)) {
                return remoteAddress(); // never from a header, which the client could vary at will
            }
            String value = request.getHeaderString(name.toLowerCase(Locale.ROOT));
            if (value == null && name.equals(CallerResolver.PROJECT_HEADER)) {
                value = request.getUriInfo().getQueryParameters().getFirst("project");
            }
            return value;
        }));
    }

    private String remoteAddress() {
        try {
            return servletRequest == null ? null : servletRequest.getRemoteAddr();
        } catch (IllegalStateException e) {
            return null; // no request in scope: such calls share one allowance
        }
    }

    /** What an endpoint needs: the permission of the RPC it mirrors; refused when it names none. */
    static Permission required(Method method) {
        Mirrors mirrors = method == null ? null : method.getAnnotation(Mirrors.class);
        if (mirrors == null) {
            throw CommandCenterException.permissionDenied("UNKNOWN_OPERATION",
                    "no permission is defined for this endpoint");
        }
        return AccessTable.of(mirrors.value()).orElseThrow(() -> CommandCenterException.permissionDenied(
                "UNKNOWN_OPERATION", "no permission is defined for this endpoint"));
    }
}
