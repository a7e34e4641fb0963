package io.commandcenter.hub.transport.grpc;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ShownError;
import io.commandcenter.common.error.grpc.GrpcErrors;
import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.SecurityLevel;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What every call of the hub's gRPC server passes through, around its service:
 * <ul>
 *   <li>request bytes that do not parse as the method's message (noise, a truncated message,
 *       invalid UTF-8 in a string, a message nested past protobuf's limit) are INVALID_ARGUMENT,
 *       reason {@value #REASON}, before the service sees them. grpc-java on its own answers those
 *       UNKNOWN ("Application error processing RPC") and logs a stack trace per request; here the
 *       service's request marshaller is wrapped so a parse failure becomes a value, the call is
 *       closed with the hub's error, and the service's listener is cancelled (a stream it opened
 *       is released). The log gets one line per kind of failure, then at most one a minute per
 *       kind with how many were not logged;</li>
 *   <li>a status description longer than {@link ShownError#MAX_MESSAGE_BYTES} is cut (the hub's
 *       own errors already are, grpc's health and reflection services echo what they were sent).</li>
 * </ul>
 */
public final class CallGuard {
    /** The reason of every unparseable request. */
    public static final String REASON = "MALFORMED_REQUEST";
    private static final System.Logger LOG = System.getLogger(CallGuard.class.getName());
    private static final Duration LOG_EVERY = Duration.ofMinutes(1);
    /** Kinds remembered for rate limiting; protobuf has a handful, this bounds the map if that changes. */
    private static final int MAX_KINDS = 64;

    private final Clock clock;
    private final Map<String, Kind> kinds = new ConcurrentHashMap<>();

    public CallGuard(Clock clock) {
        this.clock = clock;
    }

    /** How often one kind of failure was seen since it was last logged, and when that was. */
    private static final class Kind {
        volatile Instant logged;
        final AtomicLong unlogged = new AtomicLong();
    }

    /** A request as the wrapped marshaller parsed it: the message, or why it could not be parsed. */
    private record Parsed<Q>(Q message, RuntimeException failure) {
    }

    /** The same service, with every method's request parsing guarded. */
    public ServerServiceDefinition guard(ServerServiceDefinition service) {
        ServiceDescriptor original = service.getServiceDescriptor();
        ServiceDescriptor.Builder descriptor = ServiceDescriptor.newBuilder(original.getName())
                .setSchemaDescriptor(original.getSchemaDescriptor());
        java.util.List<ServerMethodDefinition<?, ?>> methods = new java.util.ArrayList<>();
        for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
            ServerMethodDefinition<?, ?> guarded = guard(method);
            descriptor.addMethod(guarded.getMethodDescriptor());
            methods.add(guarded);
        }
        ServerServiceDefinition.Builder out = ServerServiceDefinition.builder(descriptor.build());
        methods.forEach(out::addMethod);
        return out.build();
    }

    private <Q, R> ServerMethodDefinition<Parsed<Q>, R> guard(ServerMethodDefinition<Q, R> method) {
        MethodDescriptor<Q, R> original = method.getMethodDescriptor();
        MethodDescriptor.Marshaller<Parsed<Q>> requests = new MethodDescriptor.Marshaller<>() {
            @Override
            public InputStream stream(Parsed<Q> value) {
                return original.streamRequest(value.message());
            }

            @Override
            public Parsed<Q> parse(InputStream stream) {
                try {
                    return new Parsed<>(original.parseRequest(stream), null);
                } catch (RuntimeException e) {
                    return new Parsed<>(null, e);
                }
            }
        };
        MethodDescriptor<Parsed<Q>, R> wrapped = original.toBuilder(requests, original.getResponseMarshaller()).build();
        ServerCallHandler<Q, R> handler = method.getServerCallHandler();
        return ServerMethodDefinition.create(wrapped, (call, headers) -> start(original, handler, call, headers));
    }

    private <Q, R> ServerCall.Listener<Parsed<Q>> start(MethodDescriptor<Q, R> original, ServerCallHandler<Q, R> handler,
                                                       ServerCall<Parsed<Q>, R> call, Metadata headers) {
        View<Q, R> view = new View<>(call, original);
        ServerCall.Listener<Q> listener = handler.startCall(view, headers);
        return new ServerCall.Listener<>() {
            private boolean refused;

            @Override
            public void onMessage(Parsed<Q> parsed) {
                if (refused) {
                    return;
                }
                if (parsed.failure() == null) {
                    listener.onMessage(parsed.message());
                    return;
                }
                refused = true;
                String why = describe(parsed.failure());
                log(original.getFullMethodName(), why);
                StatusRuntimeException status = GrpcErrors.toStatus(CommandCenterException.invalid(REASON,
                        "the request is not a valid " + messageName(original) + " message: " + why));
                view.closeForGood(status.getStatus(), GrpcErrors.trailers(status));
                listener.onCancel(); // the service releases what the call held (a stream, a session)
            }

            @Override
            public void onHalfClose() {
                if (!refused) {
                    listener.onHalfClose();
                }
            }

            @Override
            public void onCancel() {
                if (!refused) {
                    listener.onCancel();
                }
            }

            @Override
            public void onComplete() {
                if (!refused) {
                    listener.onComplete();
                }
            }

            @Override
            public void onReady() {
                if (!refused) {
                    listener.onReady();
                }
            }
        };
    }

    private static String messageName(MethodDescriptor<?, ?> method) {
        Object schema = method.getSchemaDescriptor();
        if (schema instanceof io.grpc.protobuf.ProtoMethodDescriptorSupplier supplier) {
            return supplier.getMethodDescriptor().getInputType().getFullName();
        }
        return "request";
    }

    /** Protobuf's reason, without the status wrapper grpc puts around it; never the bytes themselves. */
    private static String describe(RuntimeException failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause != cause.getCause()) {
            cause = cause.getCause();
        }
        String message = cause.getMessage();
        return message == null ? cause.getClass().getSimpleName() : message;
    }

    private void log(String method, String why) {
        Instant now = clock.instant();
        Kind kind = kinds.size() < MAX_KINDS ? kinds.computeIfAbsent(why, k -> new Kind()) : kinds.get(why);
        if (kind == null) {
            return;
        }
        synchronized (kind) {
            if (kind.logged != null && now.isBefore(kind.logged.plus(LOG_EVERY))) {
                kind.unlogged.incrementAndGet();
                return;
            }
            kind.logged = now;
        }
        long unlogged = kind.unlogged.getAndSet(0);
        LOG.log(Level.WARNING, "unparseable request refused (INVALID_ARGUMENT {0}), first seen on {1}: {2}{3}", REASON,
                method, why, unlogged == 0 ? "" : " (" + unlogged + " more since the last report, not logged)");
    }

    /**
     * The call as the service sees it: the original message types; once the guard has refused the
     * call, whatever the service still sends is dropped.
     */
    private static final class View<Q, R> extends ServerCall<Q, R> {
        private final ServerCall<Parsed<Q>, R> call;
        private final MethodDescriptor<Q, R> method;
        private volatile boolean closed;

        View(ServerCall<Parsed<Q>, R> call, MethodDescriptor<Q, R> method) {
            this.call = call;
            this.method = method;
        }

        synchronized void closeForGood(Status status, Metadata trailers) {
            if (!closed) {
                closed = true;
                call.close(status, trailers);
            }
        }

        @Override
        public void request(int numMessages) {
            call.request(numMessages);
        }

        @Override
        public void sendHeaders(Metadata headers) {
            if (!closed) {
                call.sendHeaders(headers);
            }
        }

        @Override
        public void sendMessage(R message) {
            if (!closed) {
                call.sendMessage(message);
            }
        }

        @Override
        public synchronized void close(Status status, Metadata trailers) {
            if (!closed) {
                closed = true;
                String description = status.getDescription();
                call.close(description == null ? status : status.withDescription(
                        ShownError.text(description, ShownError.MAX_MESSAGE_BYTES)), trailers);
            }
        }

        @Override
        public boolean isCancelled() {
            return call.isCancelled();
        }

        @Override
        public boolean isReady() {
            return !closed && call.isReady();
        }

        @Override
        public void setMessageCompression(boolean enabled) {
            call.setMessageCompression(enabled);
        }

        @Override
        public void setCompression(String compressor) {
            call.setCompression(compressor);
        }

        @Override
        public void setOnReadyThreshold(int numBytes) {
            call.setOnReadyThreshold(numBytes);
        }

        @Override
        public SecurityLevel getSecurityLevel() {
            return call.getSecurityLevel();
        }

        @Override
        public Attributes getAttributes() {
            return call.getAttributes();
        }

        @Override
        public String getAuthority() {
            return call.getAuthority();
        }

        @Override
        public MethodDescriptor<Q, R> getMethodDescriptor() {
            return method;
        }
    }
}
