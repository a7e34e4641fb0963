package io.commandcenter.hub.transport.rest;

import java.util.List;

/**
 * The JSON body of every REST error: the HTTP status, the gRPC-style status name, the stable
 * reason clients branch on, a message, the fields at fault (the first ones: the body is bounded as
 * {@link io.commandcenter.common.error.ShownError} says) and how many more there are.
 */
public record ErrorBody(Error error) {

    /** The error. */
    public record Error(int code, String status, String reason, String message, List<Violation> violations,
                        int violationsOmitted) {
        /** An error without fields at fault. */
        public Error(int code, String status, String reason, String message) {
            this(code, status, reason, message, List.of(), 0);
        }
    }

    /** One field at fault. */
    public record Violation(String field, String reason, String message) {
    }
}
