package io.commandcenter.hub.metrics.rest;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ShownError;
import io.commandcenter.hub.metrics.HubStats;
import io.commandcenter.hub.metrics.grpc.StatsGrpcService;
import io.commandcenter.hub.telemetry.TimeArgument;
import io.commandcenter.hub.transport.rest.Mirrors;
import io.commandcenter.hub.transport.rest.RequestCaller;
import io.commandcenter.proto.v1.GetStatsRequest;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.time.Duration;

import static io.commandcenter.common.proto.ProtoJson.print;

/**
 * {@code GET /api/stats?since=1h}: the REST mirror of {@code StatsService.GetStats} — the project's
 * headline figures ({@code cc stats}, guide section 21.4) in the protobuf JSON mapping.
 * {@code since} is a span back from now ({@code 90s}, {@code 30m}, {@code 1h}, {@code 1d}; at most
 * 24h); absent, the figures run from the hub's start.
 */
@Path("/stats")
@RequestScoped
public class StatsResource {
    @Inject
    Provider<StatsGrpcService> api;
    @Inject
    RequestCaller caller;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Mirrors("commandcenter.v1.StatsService/GetStats")
    public String stats(@QueryParam("since") String since) {
        GetStatsRequest.Builder request = GetStatsRequest.newBuilder();
        Duration window = window(since);
        if (window != null) {
            request.setWindow(com.google.protobuf.Duration.newBuilder().setSeconds(window.getSeconds()));
        }
        return print(api.get().answer(caller.get().project(), request.build()));
    }

    /**
     * The window {@code since} names; {@code null} when absent.
     *
     * @throws CommandCenterException INVALID ({@code BAD_FORMAT}, {@code OUT_OF_RANGE}) naming {@code since}
     */
    static Duration window(String since) {
        if (since == null || since.isBlank()) {
            return null;
        }
        Duration span = TimeArgument.span(since).orElseThrow(() -> CommandCenterException.invalid("BAD_FORMAT",
                "since", "since must be a span back from now like 90s, 30m, 1h or 1d; got '"
                        + ShownError.text(since, 64) + "'"));
        if (span.compareTo(HubStats.MAX_WINDOW) > 0) {
            throw CommandCenterException.invalid("OUT_OF_RANGE", "since", "since must be at most "
                    + HubStats.MAX_WINDOW.toHours() + "h back, got '" + since.strip() + "'");
        }
        return span;
    }
}
