package io.commandcenter.hub.telemetry;

import io.commandcenter.hub.project.ProjectId;

import java.util.List;

/** Pages through a project's health samples; shared by the gRPC and REST reads. */
public final class SampleListing {
    private final TelemetryStore store;

    public SampleListing(TelemetryStore store) {
        this.store = store;
    }

    /**
     * One page of samples.
     *
     * @param pageToken  the previous page's token, or empty for the first page
     * @param tokenField how the token is called at the edge, for error messages
     * @throws io.commandcenter.common.error.CommandCenterException INVALID ({@code INVALID_PAGE_TOKEN}) for a
     *         bad token; UNAVAILABLE when the store fails
     */
    public SamplePage list(ProjectId project, SampleQuery query, String pageToken, String tokenField) {
        SampleQuery effective = PageToken.apply(query, pageToken, tokenField);
        List<StoredSample> rows = store.listHealthSamples(project, effective);
        if (rows.size() <= query.limit()) {
            return new SamplePage(rows, "");
        }
        List<StoredSample> page = rows.subList(0, query.limit());
        HealthSampleRecord last = page.get(page.size() - 1).sample();
        return new SamplePage(page, PageToken.encode(query, new SampleQuery.Position(last.time(), last.recordId())));
    }
}
