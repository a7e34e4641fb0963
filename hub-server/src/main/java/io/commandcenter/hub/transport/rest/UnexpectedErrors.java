package io.commandcenter.hub.transport.rest;

import io.commandcenter.common.error.ShownError;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import java.lang.System.Logger.Level;
import java.util.UUID;

/**
 * Anything that is not a hub error: the framework's own HTTP errors (404 for an unknown path,
 * 400 for a malformed parameter) keep their status; everything else is a 500 with an error id,
 * the stack trace going to the log only.
 */
@Provider
public class UnexpectedErrors implements ExceptionMapper<RuntimeException> {
    private static final System.Logger LOG = System.getLogger(UnexpectedErrors.class.getName());

    @Override
    public Response toResponse(RuntimeException e) {
        if (e instanceof WebApplicationException web) {
            int status = web.getResponse().getStatus();
            return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(new ErrorBody(new ErrorBody.Error(status, status == 404 ? "NOT_FOUND" : "INVALID_ARGUMENT",
                            "HTTP_" + status, ShownError.text(String.valueOf(web.getMessage()), ShownError.MAX_MESSAGE_BYTES))))
                    .build();
        }
        String errorId = UUID.randomUUID().toString();
        LOG.log(Level.ERROR, "internal error " + errorId, e);
        return Response.serverError().type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ErrorBody(new ErrorBody.Error(500, "INTERNAL", "INTERNAL",
                        "internal error " + errorId + " (details in the hub's log)")))
                .build();
    }
}
