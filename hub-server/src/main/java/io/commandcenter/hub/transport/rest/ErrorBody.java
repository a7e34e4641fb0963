package io.commandcenter.hub.transport.rest;

import java.util.List;

/**
 * The JSON body of every REST error: the HTTP status, the gRPC-style status name, the stable
 * reason clients branch on, a message, and the fields at fault.
 */
public record ErrorBody(Error error) {

    /** The error. */
    public record Error(int code, String status, String reason, String message, List<Violation> violations) {
    }

    /** One field at fault. */
    public record Violation(String field, String reason, String message) {
    }
}
