package io.commandcenter.hub.memory.rest;

import io.commandcenter.common.proto.ProtoJson;
import io.commandcenter.hub.memory.grpc.MemoryGrpcService;
import io.commandcenter.hub.transport.rest.Mirrors;
import io.commandcenter.hub.transport.rest.QueryArguments;
import io.commandcenter.hub.transport.rest.RequestCaller;
import io.commandcenter.proto.v1.AddMemoryRequest;
import io.commandcenter.proto.v1.DeleteMemoryRequest;
import io.commandcenter.proto.v1.GetMemoryRequest;
import io.commandcenter.proto.v1.ListMemoriesRequest;
import io.commandcenter.proto.v1.MemoryFilter;
import io.commandcenter.proto.v1.SearchMemoryRequest;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.util.Objects;

import static io.commandcenter.common.proto.ProtoJson.print;

/**
 * The REST mirror of {@code MemoryService}: bodies and answers are the gRPC messages in the protobuf
 * JSON mapping.
 * <ul>
 *   <li>{@code POST /api/memories} — an {@code AddMemoryRequest};</li>
 *   <li>{@code POST /api/memories/search} — a {@code SearchMemoryRequest};</li>
 *   <li>{@code GET /api/memories/{id}};</li>
 *   <li>{@code GET /api/memories?entity=&kind=&action=&outcome=&since=&until=&labelledOnly=&limit=&pageToken=}
 *       — newest first;</li>
 *   <li>{@code DELETE /api/memories/{id}}.</li>
 * </ul>
 */
@Path("/memories")
@RequestScoped
public class MemoryResource {
    @Inject
    Provider<MemoryGrpcService> api;
    @Inject
    RequestCaller caller;

    @Mirrors("commandcenter.v1.MemoryService/AddMemory")
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public String add(String body) {
        return print(api.get().addMemory(caller.get(), ProtoJson.parse(body, AddMemoryRequest.newBuilder(), "body").build()));
    }

    @Mirrors("commandcenter.v1.MemoryService/SearchMemory")
    @POST
    @Path("search")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public String search(String body) {
        return print(api.get().searchMemory(caller.get(),
                ProtoJson.parse(body, SearchMemoryRequest.newBuilder(), "body").build()));
    }

    @Mirrors("commandcenter.v1.MemoryService/GetMemory")
    @GET
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public String get(@PathParam("id") String id) {
        return print(api.get().getMemory(caller.get(), GetMemoryRequest.newBuilder().setMemoryId(id).build()));
    }

    @Mirrors("commandcenter.v1.MemoryService/DeleteMemory")
    @DELETE
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public String delete(@PathParam("id") String id, String body) {
        // the body is read (and so held to cc.http.max-body-bytes like every other) and ignored
        return print(api.get().deleteMemory(caller.get(), DeleteMemoryRequest.newBuilder().setMemoryId(id).build()));
    }

    @Mirrors("commandcenter.v1.MemoryService/ListMemories")
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public String list(@QueryParam("entity") String entity, @QueryParam("kind") String kind,
                       @QueryParam("action") String action, @QueryParam("outcome") String outcome,
                       @QueryParam("since") String since, @QueryParam("until") String until,
                       @QueryParam("labelledOnly") @DefaultValue("false") boolean labelledOnly,
                       @QueryParam("limit") String limit, @QueryParam("pageToken") String pageToken) {
        MemoryFilter.Builder filter = MemoryFilter.newBuilder().setEntity(Objects.requireNonNullElse(entity, ""))
                .setKind(Objects.requireNonNullElse(kind, "")).setAction(Objects.requireNonNullElse(action, ""))
                .setOutcome(Objects.requireNonNullElse(outcome, "")).setLabelledOnly(labelledOnly);
        QueryArguments.span(since, until, filter::setSince, filter::setUntil);
        return print(api.get().listMemories(caller.get(), ListMemoriesRequest.newBuilder().setFilter(filter)
                .setPageSize(QueryArguments.integer(limit, "limit"))
                .setPageToken(Objects.requireNonNullElse(pageToken, "")).build()));
    }
}
