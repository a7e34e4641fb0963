package io.commandcenter.hub.predict.rest;

import io.commandcenter.common.proto.ProtoJson;
import io.commandcenter.hub.predict.grpc.ModelRegistryGrpcService;
import io.commandcenter.hub.transport.rest.Mirrors;
import io.commandcenter.hub.transport.rest.RequestCaller;
import io.commandcenter.proto.v1.TrainModelRequest;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import static io.commandcenter.common.proto.ProtoJson.print;

/**
 * The model registry over REST, mirroring {@code ModelRegistryService}:
 * <ul>
 *   <li>{@code POST /api/models/{name}/train} — body optional, {@code {"reason":"…"}}: starts the
 *       learning loop's run on the model and answers {@code {"run":{…}}} (a {@code TrainModelResponse}).</li>
 * </ul>
 */
@Path("/")
@RequestScoped
public class ModelsResource {
    @Inject
    Provider<ModelRegistryGrpcService> api;
    @Inject
    RequestCaller caller;

    @Mirrors("commandcenter.v1.ModelRegistryService/TrainModel")
    @POST
    @Path("models/{name}/train")
    @Produces(MediaType.APPLICATION_JSON)
    public String train(@PathParam("name") String name, String body) {
        TrainModelRequest.Builder request = body == null || body.isBlank() ? TrainModelRequest.newBuilder()
                : ProtoJson.parse(body, TrainModelRequest.newBuilder(), "body");
        return print(api.get().trainModel(caller.get(), request.setName(name).build()));
    }
}
