package io.commandcenter.hub.transport.grpc;

import io.commandcenter.hub.events.TraceContext;
import io.commandcenter.hub.project.Caller;
import io.grpc.Context;

/** What {@link CallerInterceptor} learned about the current call, for the services to read. */
public final class CallContext {
    static final Context.Key<Caller> CALLER = Context.key("cc-caller");
    static final Context.Key<CallerInterceptor.CallTrace> TRACE = Context.key("cc-trace");

    private CallContext() {
    }

    /** The caller of the current call; set for every call that reached a service. */
    public static Caller caller() {
        Caller caller = CALLER.get();
        if (caller == null) {
            throw new IllegalStateException("no caller: the call did not pass CallerInterceptor");
        }
        return caller;
    }

    /** The trace of the current call: the client's {@code traceparent}, or a new root (the same one every time). */
    public static TraceContext trace() {
        CallerInterceptor.CallTrace trace = TRACE.get();
        if (trace == null) {
            throw new IllegalStateException("no trace: the call did not pass CallerInterceptor");
        }
        return trace.get();
    }
}
