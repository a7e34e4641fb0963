package io.commandcenter.hub.security.rest;

import io.commandcenter.hub.security.grpc.KeyGrpcService;
import io.commandcenter.hub.transport.rest.Mirrors;
import io.commandcenter.hub.transport.rest.RequestCaller;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import static io.commandcenter.common.proto.ProtoJson.print;

/**
 * {@code GET /api/whoami}: the REST mirror of {@code KeyService.WhoAmI} — who the request's
 * credentials prove the caller to be, its role and permissions, and the project the request is
 * scoped to ({@code X-CC-Project}). The console reads it at sign-in to know what to offer.
 */
@Path("/whoami")
@RequestScoped
public class WhoAmIResource {
    @Inject
    RequestCaller caller;

    @Mirrors("commandcenter.v1.KeyService/WhoAmI")
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public String whoAmI() {
        return print(KeyGrpcService.whoAmI(caller.get()));
    }
}
