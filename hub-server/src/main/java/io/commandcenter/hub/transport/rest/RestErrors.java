package io.commandcenter.hub.transport.rest;

import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ShownError;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** The one mapping from the hub's errors to HTTP: status by kind, {@link ErrorBody} as JSON. */
@Provider
public class RestErrors implements ExceptionMapper<CommandCenterException> {

    /** The HTTP status of an error kind. */
    public static int status(ErrorKind kind) {
        return switch (kind) {
            case INVALID -> 400;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case PRECONDITION -> 412;
            case CONTENTION -> 409;
            case EXHAUSTED -> 429;
            case TOO_LARGE -> 413;
            case UNAVAILABLE -> 503;
            case UNAUTHENTICATED -> 401;
            case PERMISSION_DENIED -> 403;
        };
    }

    /** The gRPC status name of an error kind, so REST and gRPC clients read the same words. */
    static String statusName(ErrorKind kind) {
        return switch (kind) {
            case INVALID -> "INVALID_ARGUMENT";
            case NOT_FOUND -> "NOT_FOUND";
            case CONFLICT -> "ALREADY_EXISTS";
            case PRECONDITION -> "FAILED_PRECONDITION";
            case CONTENTION -> "ABORTED";
            case EXHAUSTED, TOO_LARGE -> "RESOURCE_EXHAUSTED";
            case UNAVAILABLE -> "UNAVAILABLE";
            case UNAUTHENTICATED -> "UNAUTHENTICATED";
            case PERMISSION_DENIED -> "PERMISSION_DENIED";
        };
    }

    /** The body of an error, bounded ({@link ShownError}): never the input it echoes whole. */
    public static ErrorBody body(CommandCenterException e) {
        ShownError shown = ShownError.of(e);
        return new ErrorBody(new ErrorBody.Error(status(e.kind()), statusName(e.kind()), e.reason(), shown.message(),
                shown.violations().stream().map(v -> new ErrorBody.Violation(v.field(), v.reason(), v.message()))
                        .toList(), shown.omitted()));
    }

    @Override
    public Response toResponse(CommandCenterException e) {
        Response.ResponseBuilder response = Response.status(status(e.kind())).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(body(e));
        String retryAfter = e.metadata().get(CommandCenterException.RETRY_AFTER_MS);
        if (retryAfter != null) {
            response.header("Retry-After", Long.toString(Math.max(1, (Long.parseLong(retryAfter) + 999) / 1000)));
        }
        return response.build();
    }
}
