package io.commandcenter.hub.predict.rest;

import io.commandcenter.common.proto.ProtoJson;
import io.commandcenter.hub.predict.grpc.PredictGrpcService;
import io.commandcenter.hub.transport.rest.Mirrors;
import io.commandcenter.hub.transport.rest.QueryArguments;
import io.commandcenter.hub.transport.rest.RequestCaller;
import io.commandcenter.proto.v1.DeclareIncidentRequest;
import io.commandcenter.proto.v1.ExportFeedbackRequest;
import io.commandcenter.proto.v1.FeedbackRow;
import io.commandcenter.proto.v1.GetModelRunRequest;
import io.commandcenter.proto.v1.GetPredictionRequest;
import io.commandcenter.proto.v1.LabelPredictionRequest;
import io.commandcenter.proto.v1.ListModelRunsRequest;
import io.commandcenter.proto.v1.ModelRunKind;
import io.commandcenter.proto.v1.ListPredictionsRequest;
import io.commandcenter.proto.v1.PredictRequest;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.StreamingOutput;



import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;

import static io.commandcenter.common.proto.ProtoJson.print;

/**
 * The REST mirror of {@code PredictService}: bodies and answers are the gRPC messages in the
 * protobuf JSON mapping ({@link io.commandcenter.common.proto.ProtoJson}).
 * <ul>
 *   <li>{@code POST /api/predict} — a {@code PredictRequest}, e.g.
 *       {@code {"entity":{"kind":"service","id":"checkout"}}}; answers a {@code PredictResponse};</li>
 *   <li>{@code GET /api/predictions?targetId=&model=&since=&until=&limit=&pageToken=} — newest first;</li>
 *   <li>{@code GET /api/predictions/{id}};</li>
 *   <li>{@code GET /api/model-runs?targetId=&kind=&since=&until=&limit=&pageToken=&step=} — newest first
 *       ({@code kind}: {@code PREDICTION} or {@code AGGREGATE}; {@code step}, e.g. {@code 10m}: each entity's
 *       riskiest run per step only);</li>
 *   <li>{@code GET /api/model-runs/{id}}.</li>
 *   <li>{@code POST /api/predictions/{id}/label} — {@code {"label":"false_alarm","reason":"…"}};</li>
 *   <li>{@code POST /api/incidents} — a {@code DeclareIncidentRequest};</li>
 *   <li>{@code GET /api/feedback?model=&limit=} — the feedback dataset, a JSON array of rows.</li>
 * </ul>
 */
@Path("/")
@RequestScoped
public class PredictResource {
    @Inject
    Provider<PredictGrpcService> api;
    @Inject
    RequestCaller caller;

    @Mirrors("commandcenter.v1.PredictService/Predict")
    @POST
    @Path("predict")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public String predict(String body) {
        PredictRequest request = ProtoJson.parse(body, PredictRequest.newBuilder(), "body").build();
        return print(api.get().predict(caller.get().project(), request));
    }

    @Mirrors("commandcenter.v1.PredictService/ListPredictions")
    @GET
    @Path("predictions")
    @Produces(MediaType.APPLICATION_JSON)
    public String list(@QueryParam("targetId") String targetId, @QueryParam("model") String model,
                       @QueryParam("since") String since, @QueryParam("until") String until,
                       @QueryParam("limit") String limit, @QueryParam("pageToken") String pageToken) {
        ListPredictionsRequest.Builder request = ListPredictionsRequest.newBuilder()
                .setPageSize(QueryArguments.integer(limit, "limit"));
        if (targetId != null) {
            request.setTargetId(targetId);
        }
        if (model != null) {
            request.setModel(model);
        }
        if (pageToken != null) {
            request.setPageToken(pageToken);
        }
        QueryArguments.span(since, until, request::setStartTime, request::setEndTime);
        return print(api.get().listPredictions(caller.get().project(), request.build()));
    }

    @Mirrors("commandcenter.v1.PredictService/GetPrediction")
    @GET
    @Path("predictions/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public String get(@PathParam("id") String id) {
        return print(api.get().getPrediction(caller.get().project(),
                GetPredictionRequest.newBuilder().setPredictionId(id).build()).getPrediction());
    }

    @Mirrors("commandcenter.v1.PredictService/ListModelRuns")
    @GET
    @Path("model-runs")
    @Produces(MediaType.APPLICATION_JSON)
    public String listRuns(@QueryParam("targetId") String targetId, @QueryParam("kind") String kind,
                           @QueryParam("since") String since, @QueryParam("until") String until,
                           @QueryParam("limit") String limit, @QueryParam("pageToken") String pageToken,
                           @QueryParam("step") String step) {
        ListModelRunsRequest.Builder request = ListModelRunsRequest.newBuilder().setPageSize(QueryArguments.integer(limit, "limit"));
        if (targetId != null) {
            request.setTargetId(targetId);
        }
        if (kind != null) {
            request.setKindValue(io.commandcenter.hub.transport.rest.EnumParams.value(
                    ModelRunKind.getDescriptor(), "MODEL_RUN_KIND_", kind, "kind"));
        }
        if (pageToken != null) {
            request.setPageToken(pageToken);
        }
        QueryArguments.span(since, until, request::setStartTime, request::setEndTime);
        com.google.protobuf.Duration every = QueryArguments.duration(step, "step");
        if (every != null) {
            request.setStep(every);
        }
        return print(api.get().listModelRuns(caller.get().project(), request.build()));
    }

    @Mirrors("commandcenter.v1.PredictService/GetModelRun")
    @GET
    @Path("model-runs/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public String getRun(@PathParam("id") String id) {
        return print(api.get().getModelRun(caller.get().project(),
                GetModelRunRequest.newBuilder().setRunId(id).build()).getRun());
    }

    @Mirrors("commandcenter.v1.PredictService/LabelPrediction")
    @POST
    @Path("predictions/{id}/label")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public String label(@PathParam("id") String id, String body) {
        LabelPredictionRequest request = ProtoJson.parse(body, LabelPredictionRequest.newBuilder(), "body")
                .setPredictionId(id).build();
        return print(api.get().labelPrediction(caller.get().project(), caller.get().principal(), request));
    }

    @Mirrors("commandcenter.v1.PredictService/DeclareIncident")
    @POST
    @Path("incidents")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public String declareIncident(String body) {
        DeclareIncidentRequest request = ProtoJson.parse(body, DeclareIncidentRequest.newBuilder(), "body").build();
        return print(api.get().declareIncident(caller.get().project(), caller.get().principal(), request));
    }

    /**
     * The feedback dataset as a JSON array of {@code FeedbackRow}s, oldest first, written as the rows are read from
     * the store (a page at a time; the request is checked, and the labels, decisions and first page read, before the
     * first byte: a database failing then is a 503, one failing later cuts the array short).
     */
    @Mirrors("commandcenter.v1.PredictService/ExportFeedback")
    @GET
    @Path("feedback")
    @Produces(MediaType.APPLICATION_JSON)
    public StreamingOutput feedback(@QueryParam("model") String model, @QueryParam("limit") String limit) {
        ExportFeedbackRequest.Builder request = ExportFeedbackRequest.newBuilder().setLimit(QueryArguments.integer(limit, "limit"));
        if (model != null) {
            request.setModel(model);
        }
        Iterator<FeedbackRow> rows = api.get().exportFeedback(caller.get().project(), request.build());
        return output -> {
            Writer out = new BufferedWriter(new OutputStreamWriter(output, StandardCharsets.UTF_8));
            out.write('[');
            for (boolean first = true; rows.hasNext(); first = false) {
                if (!first) {
                    out.write(',');
                }
                out.write(print(rows.next()));
            }
            out.write(']');
            out.flush();
        };
    }
}
