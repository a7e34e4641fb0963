package io.commandcenter.hub.transport.grpc;

import io.commandcenter.common.error.grpc.GrpcErrors;
import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.hub.events.TraceContext;
import io.commandcenter.hub.project.Caller;
import io.commandcenter.hub.project.CallerResolver;
import io.commandcenter.hub.security.Authenticator;
import io.commandcenter.hub.security.OpenStreams;
import io.commandcenter.hub.security.Permission;
import io.commandcenter.hub.transport.AccessTable;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
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
 *
 * <p>Given the hub's {@link Authenticator}, every streaming call (client, server or both) is
 * registered as a stream of its key or token ({@link Authenticator#openStream}) and ends when they stop
 * working: closed with UNAUTHENTICATED {@code KEY_REVOKED}, {@code KEY_EXPIRED} or (an identity provider's
 * token) {@code TOKEN_EXPIRED}, the service told the call
 * was cancelled (it releases the session or subscription), and whatever the client or the service
 * still sends dropped. The caller's address (without port) is offered to the resolver as the header
 * {@link CallerResolver#REMOTE_ADDRESS}, so failed authentications can be limited by where they come from.
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
    /** Where streams are registered by key; null: streams are not ended with their key. */
    private final Authenticator keys;

    /** Streams are not ended with their key (tests of a single component, authentication off). */
    public CallerInterceptor(CallerResolver resolver, RandomGenerator random) {
        this(resolver, random, null);
    }

    /**
     * @param keys where streaming calls are registered, to end when their key is revoked or expires
     */
    public CallerInterceptor(CallerResolver resolver, RandomGenerator random, Authenticator keys) {
        this.resolver = resolver;
        this.random = random;
        this.keys = keys;
    }

    /**
     * Whether streams end with their key, and so {@link #endExpired} and {@link #readKeysAgain} should each
     * run every second or so.
     */
    public boolean endsStreams() {
        return keys != null;
    }

    /** Ends the streams of expired keys ({@link Authenticator#endExpired}); reads nothing. */
    public void endExpired() {
        if (keys != null) {
            keys.endExpired();
        }
    }

    /** Ends the streams of keys revoked on other hubs ({@link Authenticator#readAgain}): one read of the store. */
    public void readKeysAgain() {
        if (keys != null) {
            keys.readAgain();
        }
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
            caller = resolver.resolve(operation, required, name -> name.equals(CallerResolver.REMOTE_ADDRESS)
                    ? remoteAddress(call) : headers.get(key(name)));
        } catch (CommandCenterException e) {
            var status = GrpcErrors.toStatus(e);
            call.close(status.getStatus(), GrpcErrors.trailers(status));
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
        if (keys == null || call.getMethodDescriptor().getType() == MethodDescriptor.MethodType.UNARY) {
            return Contexts.interceptCall(context, call, headers, next);
        }
        KeyedCall<Q, R> keyed = new KeyedCall<>(call);
        try {
            keyed.registration = keys.openStream(caller.who(), keyed::end);
        } catch (CommandCenterException e) {
            // through the guard: a revocation between registering and checking may have closed it already
            var status = GrpcErrors.toStatus(e);
            keyed.close(status.getStatus(), GrpcErrors.trailers(status));
            return new ServerCall.Listener<>() {
            };
        }
        try {
            return keyed.listener(Contexts.interceptCall(context, keyed, headers, next));
        } catch (RuntimeException | Error e) {
            keyed.forget(); // the call never started: nothing else would forget it
            throw e;
        }
    }

    /** The caller's IP address without its port; null when the transport does not say. */
    private static String remoteAddress(ServerCall<?, ?> call) {
        java.net.SocketAddress address = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        return address instanceof java.net.InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress() : null;
    }

    /**
     * A streaming call that its key's end can close: the service's sends and its close, and the key's
     * end, are serialized here, and once the key ended it the call's later messages are dropped and
     * its completion reaches the service as a cancellation (so it releases what the call held).
     */
    private static final class KeyedCall<Q, R> extends ForwardingServerCall.SimpleForwardingServerCall<Q, R> {
        private volatile OpenStreams.Registration registration;
        private boolean closed;
        private volatile boolean endedByKey;

        KeyedCall(ServerCall<Q, R> call) {
            super(call);
        }

        /**
         * Closes the call with its credentials' end ({@code KEY_REVOKED}, {@code KEY_EXPIRED}, {@code TOKEN_EXPIRED}),
         * unless it is closed.
         */
        synchronized void end(CommandCenterException why) {
            if (closed) {
                return;
            }
            closed = true;
            endedByKey = true;
            var status = GrpcErrors.toStatus(why);
            super.close(status.getStatus(), GrpcErrors.trailers(status));
        }

        @Override
        public synchronized void sendHeaders(Metadata headers) {
            if (!closed) {
                super.sendHeaders(headers);
            }
        }

        @Override
        public synchronized void sendMessage(R message) {
            if (!closed) {
                super.sendMessage(message);
            }
        }

        @Override
        public synchronized void close(Status status, Metadata trailers) {
            if (!closed) {
                closed = true;
                super.close(status, trailers);
            }
        }

        @Override
        public boolean isReady() {
            return !endedByKey && super.isReady();
        }

        /**
         * True once its credentials' end closed the call, before the cancellation reaches the service: a service
         * that asks before it sends (an agent's stream before an assignment) then sees the stream gone and gives
         * the work back, instead of sending it into this call, which drops it.
         */
        @Override
        public boolean isCancelled() {
            return endedByKey || super.isCancelled();
        }

        private void forget() {
            OpenStreams.Registration r = registration;
            if (r != null) {
                r.close();
            }
        }

        ServerCall.Listener<Q> listener(ServerCall.Listener<Q> service) {
            return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(service) {
                @Override
                public void onMessage(Q message) {
                    if (!endedByKey) {
                        super.onMessage(message);
                    }
                }

                @Override
                public void onHalfClose() {
                    if (!endedByKey) {
                        super.onHalfClose();
                    }
                }

                @Override
                public void onReady() {
                    if (!endedByKey) {
                        super.onReady();
                    }
                }

                @Override
                public void onCancel() {
                    forget();
                    super.onCancel();
                }

                @Override
                public void onComplete() {
                    forget();
                    if (endedByKey) {
                        super.onCancel(); // the service did not close it: it releases what the call held
                    } else {
                        super.onComplete();
                    }
                }
            };
        }
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
