package io.commandcenter.hub.audit.rest;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.hub.audit.grpc.AuditGrpcService;
import io.commandcenter.hub.transport.rest.RequestCaller;
import io.commandcenter.proto.v1.AuditAnchor;
import io.commandcenter.proto.v1.ListAuditEntriesRequest;
import io.commandcenter.proto.v1.VerifyAuditLedgerRequest;
import jakarta.enterprise.context.RequestScoped;
import io.commandcenter.hub.transport.rest.Mirrors;
import io.commandcenter.hub.transport.rest.QueryArguments;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.util.List;
import java.util.Objects;

import static io.commandcenter.common.proto.ProtoJson.print;

/**
 * The REST mirror of {@code AuditService}; answers are the gRPC messages in the protobuf JSON mapping.
 * <ul>
 *   <li>{@code GET /api/audit?action=&since=&until=&subject=&actor=&allProjects=&oldestFirst=&limit=&pageToken=}
 *       — {@code action} may repeat; {@code since}/{@code until} take ISO-8601 or a span back from now
 *       ({@code 15m}, {@code 2h}, {@code 7d});</li>
 *   <li>{@code GET /api/audit/verify?anchor=SEQUENCE:HASH} — {@code anchor} may repeat.</li>
 * </ul>
 */
@Path("/audit")
@RequestScoped
public class AuditResource {
    @Inject
    Provider<AuditGrpcService> api;
    @Inject
    RequestCaller caller;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Mirrors("commandcenter.v1.AuditService/ListAuditEntries")
    public String list(@QueryParam("action") List<String> actions, @QueryParam("since") String since,
                       @QueryParam("until") String until, @QueryParam("subject") String subject,
                       @QueryParam("actor") String actor,
                       @QueryParam("allProjects") @DefaultValue("false") boolean allProjects,
                       @QueryParam("oldestFirst") @DefaultValue("false") boolean oldestFirst,
                       @QueryParam("limit") String limit, @QueryParam("pageToken") String pageToken) {
        ListAuditEntriesRequest.Builder request = ListAuditEntriesRequest.newBuilder().addAllActions(actions)
                .setSubject(Objects.requireNonNullElse(subject, "")).setActor(Objects.requireNonNullElse(actor, ""))
                .setAllProjects(allProjects).setOldestFirst(oldestFirst).setPageSize(QueryArguments.integer(limit, "limit"))
                .setPageToken(Objects.requireNonNullElse(pageToken, ""));
        QueryArguments.span(since, until, request::setStartTime, request::setEndTime);
        return print(api.get().listAuditEntries(caller.get(), request.build()));
    }

    @GET
    @Path("verify")
    @Produces(MediaType.APPLICATION_JSON)
    @Mirrors("commandcenter.v1.AuditService/VerifyAuditLedger")
    public String verify(@QueryParam("anchor") List<String> anchors) {
        VerifyAuditLedgerRequest.Builder request = VerifyAuditLedgerRequest.newBuilder();
        for (String anchor : anchors) {
            request.addAnchors(anchor(anchor));
        }
        return print(api.get().verifyAuditLedger(caller.get(), request.build()));
    }

    /** {@code SEQUENCE:HASH}; the hash's form is checked by the service, which names the anchor. */
    private static AuditAnchor anchor(String text) {
        int colon = text.indexOf(':');
        try {
            return AuditAnchor.newBuilder().setSequence(Long.parseLong(text.substring(0, Math.max(colon, 0))))
                    .setHash(text.substring(colon + 1)).build();
        } catch (NumberFormatException e) {
            throw CommandCenterException.invalid("BAD_FORMAT", "anchor", "anchor must be SEQUENCE:HASH, got '"
                    + (text.length() > 80 ? text.substring(0, 77) + "..." : text) + "'");
        }
    }
}
