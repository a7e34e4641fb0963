package io.commandcenter.hub.transport.grpc;

import io.commandcenter.common.error.grpc.GrpcErrors;
import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.hub.events.TraceContext;
import io.commandcenter.hub.project.Caller;
import io.commandcenter.hub.project.CallerResolver;
import io.commandcenter.hub.security.Authenticator;
import io.commandcenter.hub.security.Permission;
import io.commandcenter.hub.transport.AccessTable;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

import java.util.random.RandomGenerator;

/**
 * Resolves every gRPC call to a {@link Caller} through the hub's {@link CallerResolver} (the
 * same one the HTTP filter uses), with the permission its method needs ({@link AccessTable}), and
 * picks up the W3C trace context (made when a service first asks for it). A call without the right
 * credentials, for a project its credentials do not cover, with a malformed project header, or to a
 * method the table does not know ends before it reaches a service (UNAUTHENTICATED, PERMISSION_DENIED, INVALID_ARGUMENT).
 */
public final class CallerInterceptor implements ServerInterceptor {
    private static final Metadata.Key<String> TRACEPARENT =
            Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> TRACESTATE =
            Metadata.Key.of("tracestate", Metadata.ASCII_STRING_MARSHALLER);

    /** The headers every call is resolved by, made once: a key checks and lowercases its name when it is made. */
    private static final java.util.Map<String, Metadata.Key<String>> KNOWN = java.util.Map.of(
            Authenticator.HEADER, Metadata.Key.of(Authenticator.HEADER, Metadata.ASCII_STRING_MARSHALLER),
            CallerResolver.PROJECT_HEADER, Metadata.Key.of(CallerResolver.PROJECT_HEADER, Metadata.ASCII_STRING_MARSHALLER),
            CallerResolver.USER_HEADER, Metadata.Key.of(CallerResolver.USER_HEADER, Metadata.ASCII_STRING_MARSHALLER));

    private final CallerResolver resolver;
    private final RandomGenerator random;

    public CallerInterceptor(CallerResolver resolver, RandomGenerator random) {
        this.resolver = resolver;
        this.random = random;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                      ServerCallHandler<Q, R> next) {
        Caller caller;
        try {
            String operation = call.getMethodDescriptor().getFullMethodName();
            Permission required = AccessTable.of(operation)
                    .orElseThrow(() -> CommandCenterException.permissionDenied("UNKNOWN_OPERATION",
                            "no permission is defined for this operation"));
            caller = resolver.resolve(operation, required, name -> headers.get(key(name)));
        } catch (CommandCenterException e) {
            var status = GrpcErrors.toStatus(e);
            call.close(status.getStatus(), status.getTrailers() == null ? new Metadata() : status.getTrailers());
            return new ServerCall.Listener<>() {
            };
        } catch (RuntimeException e) {
            call.close(Status.INTERNAL.withDescription("could not resolve the caller"), new Metadata());
            return new ServerCall.Listener<>() {
            };
        }
        // read by the few services that continue a trace (IngestStream): a new root's random ids are drawn then
        CallTrace trace = new CallTrace(headers.get(TRACEPARENT), headers.get(TRACESTATE), random);
        Context context = Context.current().withValue(CallContext.CALLER, caller).withValue(CallContext.TRACE, trace);
        return Contexts.interceptCall(context, call, headers, next);
    }

    static Metadata.Key<String> key(String name) {
        Metadata.Key<String> known = KNOWN.get(name);
        return known != null ? known : Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
    }

    /** A call's trace context, made on first use: the client's {@code traceparent}, or a new root. */
    static final class CallTrace {
        private final String traceparent;
        private final String tracestate;
        private final RandomGenerator random;
        private TraceContext trace;

        CallTrace(String traceparent, String tracestate, RandomGenerator random) {
            this.traceparent = traceparent;
            this.tracestate = tracestate;
            this.random = random;
        }

        synchronized TraceContext get() {
            if (trace == null) {
                trace = TraceContext.isValid(traceparent)
                        ? new TraceContext(traceparent, tracestate == null ? "" : tracestate)
                        : TraceContext.newRoot(random);
            }
            return trace;
        }
    }
}
