package io.commandcenter.hub.remediate.rest;

import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.proto.ProtoJson;
import io.commandcenter.hub.project.Caller;
import io.commandcenter.hub.remediate.grpc.RemediateGrpcService;
import io.commandcenter.hub.transport.rest.Mirrors;
import io.commandcenter.hub.transport.rest.QueryArguments;
import io.commandcenter.hub.transport.rest.RequestCaller;
import io.commandcenter.proto.v1.ApprovalState;
import io.commandcenter.proto.v1.ApproveRequest;
import io.commandcenter.proto.v1.CancelWorkflowRunRequest;
import io.commandcenter.proto.v1.DryRunWorkflowRequest;
import io.commandcenter.proto.v1.GetApprovalRequest;
import io.commandcenter.proto.v1.GetAutonomyRequest;
import io.commandcenter.proto.v1.GetWorkflowRequest;
import io.commandcenter.proto.v1.GetWorkflowRunRequest;
import io.commandcenter.proto.v1.ListApprovalsRequest;
import io.commandcenter.proto.v1.ListPredictionActionsRequest;
import io.commandcenter.proto.v1.ListWorkflowRunsRequest;
import io.commandcenter.proto.v1.ListWorkflowsRequest;
import io.commandcenter.proto.v1.PutWorkflowRequest;
import io.commandcenter.proto.v1.RejectRequest;
import io.commandcenter.proto.v1.RunState;
import io.commandcenter.proto.v1.SetAutonomyRequest;
import io.commandcenter.proto.v1.TriggerWorkflowRequest;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import java.util.Locale;

import static io.commandcenter.common.proto.ProtoJson.print;

/**
 * The REST mirror of {@code RemediateService}: the same validation and errors as gRPC (each call
 * goes to the adapter's twin method), bodies and answers in the protobuf JSON mapping. A body may
 * be omitted where every field is optional; path parameters fill the id fields.
 * <ul>
 *   <li>{@code GET /api/workflows}, {@code GET /api/workflows/{name}?revision=};</li>
 *   <li>{@code PUT /api/workflows} — the YAML itself ({@code application/yaml} or {@code text/plain}) or
 *       a {@code PutWorkflowRequest} in JSON;</li>
 *   <li>{@code POST /api/workflows/{name}/dry-run} — {@code {"predictionId": "…"}} (or {@code yaml} for an unsaved one);</li>
 *   <li>{@code POST /api/workflows/{name}/trigger} — {@code {"predictionId": …, "target": …, "reason": …}};</li>
 *   <li>{@code GET /api/runs?workflow=&state=&targetId=&limit=&pageToken=}, {@code GET /api/runs/{id}},
 *       {@code POST /api/runs/{id}/cancel} — {@code {"reason": …}};</li>
 *   <li>{@code GET /api/approvals?state=&limit=}, {@code GET /api/approvals/{id}},
 *       {@code POST /api/approvals/{id}/approve|reject} — {@code {"reason": …}};</li>
 *   <li>{@code GET /api/autonomy}, {@code PUT /api/autonomy} — {@code {"paused": true, "global": false, "reason": …}};</li>
 *   <li>{@code GET /api/prediction-actions?predictionId=&runId=&limit=&pageToken=}.</li>
 * </ul>
 * Enum query parameters take the short name ({@code state=SUCCEEDED}) or the full one
 * ({@code RUN_STATE_SUCCEEDED}).
 */
@Path("/")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class RemediateResource {

    @Inject
    Provider<RemediateGrpcService> api;
    @Inject
    RequestCaller caller;

    private RemediateGrpcService api() {
        return api.get();
    }

    private Caller who() {
        return caller.get();
    }

    @Mirrors("commandcenter.v1.RemediateService/ListWorkflows")
    @GET
    @Path("workflows")
    public String listWorkflows() {
        return print(api().listWorkflows(who(), ListWorkflowsRequest.getDefaultInstance()));
    }

    @Mirrors("commandcenter.v1.RemediateService/GetWorkflow")
    @GET
    @Path("workflows/{name}")
    public String getWorkflow(@PathParam("name") String name, @QueryParam("revision") String revision) {
        return print(api().getWorkflow(who(), GetWorkflowRequest.newBuilder().setName(name)
                .setRevision(QueryArguments.integer(revision, "revision")).build()));
    }

    @Mirrors("commandcenter.v1.RemediateService/PutWorkflow")
    @PUT
    @Path("workflows")
    public String putWorkflow(@HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, String body) {
        PutWorkflowRequest request = contentType != null && contentType.toLowerCase(Locale.ROOT).contains("json")
                ? ProtoJson.parse(body, PutWorkflowRequest.newBuilder(), "body").build()
                : PutWorkflowRequest.newBuilder().setYaml(body == null ? "" : body).build();
        return print(api().putWorkflow(who(), request));
    }

    @Mirrors("commandcenter.v1.RemediateService/DryRunWorkflow")
    @POST
    @Path("workflows/{name}/dry-run")
    public String dryRun(@PathParam("name") String name, String body) {
        DryRunWorkflowRequest.Builder request = ProtoJson.parse(body, DryRunWorkflowRequest.newBuilder(), "body");
        if (request.getYaml().isEmpty()) {
            request.setName(name);
        }
        return print(api().dryRunWorkflow(who(), request.build()));
    }

    @Mirrors("commandcenter.v1.RemediateService/TriggerWorkflow")
    @POST
    @Path("workflows/{name}/trigger")
    public String trigger(@PathParam("name") String name, String body) {
        return print(api().triggerWorkflow(who(), ProtoJson.parse(body, TriggerWorkflowRequest.newBuilder(), "body").setName(name).build()));
    }

    @Mirrors("commandcenter.v1.RemediateService/ListWorkflowRuns")
    @GET
    @Path("runs")
    public String listRuns(@QueryParam("workflow") String workflow, @QueryParam("state") String state,
                           @QueryParam("targetId") String targetId, @QueryParam("limit") String limit,
                           @QueryParam("pageToken") String pageToken) {
        ListWorkflowRunsRequest.Builder request = ListWorkflowRunsRequest.newBuilder()
                .setPageSize(QueryArguments.integer(limit, "limit"));
        if (workflow != null) {
            request.setWorkflow(workflow);
        }
        if (state != null) {
            request.setStateValue(enumValue(RunState.getDescriptor(), "RUN_STATE_", state, "state"));
        }
        if (targetId != null) {
            request.setTargetId(targetId);
        }
        if (pageToken != null) {
            request.setPageToken(pageToken);
        }
        return print(api().listWorkflowRuns(who(), request.build()));
    }

    @Mirrors("commandcenter.v1.RemediateService/GetWorkflowRun")
    @GET
    @Path("runs/{id}")
    public String getRun(@PathParam("id") String id) {
        return print(api().getWorkflowRun(who(), GetWorkflowRunRequest.newBuilder().setRunId(id).build()));
    }

    @Mirrors("commandcenter.v1.RemediateService/CancelWorkflowRun")
    @POST
    @Path("runs/{id}/cancel")
    public String cancelRun(@PathParam("id") String id, String body) {
        return print(api().cancelWorkflowRun(who(), ProtoJson.parse(body, CancelWorkflowRunRequest.newBuilder(), "body").setRunId(id).build()));
    }

    @Mirrors("commandcenter.v1.RemediateService/ListApprovals")
    @GET
    @Path("approvals")
    public String listApprovals(@QueryParam("state") String state, @QueryParam("limit") String limit) {
        ListApprovalsRequest.Builder request = ListApprovalsRequest.newBuilder()
                .setPageSize(QueryArguments.integer(limit, "limit"));
        if (state != null) {
            request.setStateValue(enumValue(ApprovalState.getDescriptor(), "APPROVAL_STATE_", state, "state"));
        }
        return print(api().listApprovals(who(), request.build()));
    }

    @Mirrors("commandcenter.v1.RemediateService/GetApproval")
    @GET
    @Path("approvals/{id}")
    public String getApproval(@PathParam("id") String id) {
        return print(api().getApproval(who(), GetApprovalRequest.newBuilder().setApprovalId(id).build()).getApproval());
    }

    @Mirrors("commandcenter.v1.RemediateService/Approve")
    @POST
    @Path("approvals/{id}/approve")
    public String approve(@PathParam("id") String id, String body) {
        return print(api().approve(who(), ProtoJson.parse(body, ApproveRequest.newBuilder(), "body").setApprovalId(id).build()));
    }

    @Mirrors("commandcenter.v1.RemediateService/Reject")
    @POST
    @Path("approvals/{id}/reject")
    public String reject(@PathParam("id") String id, String body) {
        return print(api().reject(who(), ProtoJson.parse(body, RejectRequest.newBuilder(), "body").setApprovalId(id).build()));
    }

    @Mirrors("commandcenter.v1.RemediateService/GetAutonomy")
    @GET
    @Path("autonomy")
    public String getAutonomy() {
        return print(api().getAutonomy(who(), GetAutonomyRequest.getDefaultInstance()));
    }

    @Mirrors("commandcenter.v1.RemediateService/SetAutonomy")
    @PUT
    @Path("autonomy")
    public String setAutonomy(String body) {
        return print(api().setAutonomy(who(), ProtoJson.parse(body, SetAutonomyRequest.newBuilder(), "body").build()));
    }

    @Mirrors("commandcenter.v1.RemediateService/ListPredictionActions")
    @GET
    @Path("prediction-actions")
    public String listActions(@QueryParam("predictionId") String predictionId, @QueryParam("runId") String runId,
                              @QueryParam("limit") String limit, @QueryParam("pageToken") String pageToken) {
        ListPredictionActionsRequest.Builder request = ListPredictionActionsRequest.newBuilder()
                .setPageSize(QueryArguments.integer(limit, "limit"));
        if (predictionId != null) {
            request.setPredictionId(predictionId);
        }
        if (runId != null) {
            request.setRunId(runId);
        }
        if (pageToken != null) {
            request.setPageToken(pageToken);
        }
        return print(api().listPredictionActions(who(), request.build()));
    }

    /** An enum query parameter by short or full name; anything else is INVALID_ARGUMENT on {@code field}. */
    static int enumValue(EnumDescriptor type, String prefix, String value, String field) {
        String name = value.trim().toUpperCase(Locale.ROOT);
        EnumValueDescriptor found = type.findValueByName(name.startsWith(prefix) ? name : prefix + name);
        if (found == null || found.getNumber() == 0) {
            throw CommandCenterException.invalid("INVALID_ENUM", field, field + " '" + value + "' is not one of "
                    + type.getValues().stream().filter(v -> v.getNumber() != 0)
                    .map(v -> v.getName().substring(prefix.length())).toList());
        }
        return found.getNumber();
    }
}
