package io.commandcenter.hub.telemetry.rest;

import io.commandcenter.common.error.Violations;
import io.commandcenter.hub.telemetry.RecordRules;
import io.commandcenter.hub.telemetry.SampleListing;
import io.commandcenter.hub.telemetry.HealthSampleRecord;
import io.commandcenter.hub.telemetry.SamplePage;
import io.commandcenter.hub.telemetry.SampleQuery;
import io.commandcenter.hub.telemetry.StoredSample;
import io.commandcenter.hub.telemetry.TimeArgument;
import io.commandcenter.hub.transport.rest.Mirrors;
import io.commandcenter.hub.transport.rest.QueryArguments;
import io.commandcenter.hub.transport.rest.RequestCaller;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/samples}: the REST mirror of {@code ListHealthSamples}, same filters, same
 * paging, same JSON field names as the protobuf JSON mapping.
 */
@Path("/samples")
@RequestScoped
public class SamplesResource {
    @Inject
    Provider<RecordRules> rules;
    @Inject
    Provider<SampleListing> listing;
    @Inject
    RequestCaller caller;

    /** One sample. Measurements not taken are left out. */
    public record SampleJson(String recordId, String service, String time, Double uptime, Double latencyMs,
                             Double errorRate, Double cpu, Double memory, Map<String, Double> metrics,
                             String receivedTime) {
        static SampleJson of(StoredSample stored) {
            HealthSampleRecord s = stored.sample();
            return new SampleJson(s.recordId(), s.service(), s.time().toString(), s.uptime(), s.latencyMs(),
                    s.errorRate(), s.cpu(), s.memory(), s.metrics().isEmpty() ? null : s.metrics(),
                    stored.receivedAt().toString());
        }
    }

    /** A page of samples and the token of the next one (empty on the last page). */
    public record SamplesJson(List<SampleJson> samples, String nextPageToken) {
    }

    /**
     * Lists the caller's project's health samples, newest first.
     *
     * @param service     only this service
     * @param since       only samples at or after (ISO-8601 or a span back from now: 15m, 2h)
     * @param until       only samples before
     * @param limit       page size, default 100, at most 1000
     * @param pageToken   {@code nextPageToken} of the previous page
     * @param oldestFirst ascending time order
     */
    @Mirrors("commandcenter.v1.TelemetryService/ListHealthSamples")
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public SamplesJson list(@QueryParam("service") String service, @QueryParam("since") String since,
                            @QueryParam("until") String until, @QueryParam("limit") String limit,
                            @QueryParam("pageToken") String pageToken,
                            @QueryParam("oldestFirst") @DefaultValue("false") boolean oldestFirst) {
        Violations v = new Violations();
        if (service != null && !service.isEmpty()) {
            rules.get().service(v, "service", service);
        }
        v.throwIfAny("INVALID_ARGUMENT", "invalid request");
        Clock clock = Clock.systemUTC();
        SampleQuery query = new SampleQuery(service == null || service.isEmpty() ? null : service,
                TimeArgument.parse(since, clock, "since"), TimeArgument.parse(until, clock, "until"),
                SampleQuery.limitOf(QueryArguments.integer(limit, "limit"), "limit"), null, oldestFirst);
        SamplePage page = listing.get().list(caller.get().project(), query, pageToken == null ? "" : pageToken,
                "pageToken");
        return new SamplesJson(page.samples().stream().map(SampleJson::of).toList(), page.nextToken());
    }
}
