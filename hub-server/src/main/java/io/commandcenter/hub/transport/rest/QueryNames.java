package io.commandcenter.hub.transport.rest;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ShownError;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.ext.Provider;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Refuses a query parameter the endpoint does not read: {@code GET api/predictions?target=…} is INVALID_ARGUMENT
 * naming {@code target} and the parameters the endpoint does take, where JAX-RS would ignore it and answer every
 * prediction as if no filter had been asked for. The names an endpoint takes are its method's {@link QueryParam}s,
 * plus {@code project}, which {@link CallerFilter} reads for every endpoint. Runs after the caller is resolved, so
 * a request without credentials learns nothing of an endpoint's parameters.
 */
@Provider
@Priority(Priorities.USER + 50)
public class QueryNames implements ContainerRequestFilter {
    /** The reason of a query parameter the endpoint does not read. */
    public static final String UNKNOWN = "UNKNOWN_PARAMETER";
    private static final Map<Method, Set<String>> TAKEN = new ConcurrentHashMap<>();

    @Context
    ResourceInfo resource;

    @Override
    public void filter(ContainerRequestContext request) {
        Method method = resource.getResourceMethod();
        if (method == null) {
            return;
        }
        Set<String> taken = TAKEN.computeIfAbsent(method, QueryNames::taken);
        for (String name : request.getUriInfo().getQueryParameters().keySet()) {
            if (!taken.contains(name) && !name.equals("project")) {
                throw CommandCenterException.invalid(UNKNOWN, name, "this endpoint has no query parameter '"
                        + ShownError.text(name, 64) + "'; it takes " + (taken.isEmpty() ? "none" : String.join(", ", taken))
                        + " (and project)");
            }
        }
    }

    /** The {@link QueryParam} names of a resource method's parameters, in order. */
    static Set<String> taken(Method method) {
        Set<String> names = new LinkedHashSet<>();
        for (Annotation[] annotations : method.getParameterAnnotations()) {
            for (Annotation a : annotations) {
                if (a instanceof QueryParam q) {
                    names.add(q.value());
                }
            }
        }
        return Collections.unmodifiableSet(names);
    }
}
