package io.commandcenter.hub.transport.rest;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** REST under {@code /api}: the parts of the gRPC API a browser or a shell script needs. */
@ApplicationPath("/api")
public class HubApplication extends Application {
}
