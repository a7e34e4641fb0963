package io.commandcenter.hub.transport.rest;

import io.commandcenter.hub.project.Caller;
import jakarta.enterprise.context.RequestScoped;

/** The caller of the current HTTP request, set by {@link CallerFilter}. */
@RequestScoped
public class RequestCaller {
    private Caller caller;

    void set(Caller caller) {
        this.caller = caller;
    }

    /** The caller; every request under /api passed the filter. */
    public Caller get() {
        if (caller == null) {
            throw new IllegalStateException("no caller: the request did not pass CallerFilter");
        }
        return caller;
    }
}
