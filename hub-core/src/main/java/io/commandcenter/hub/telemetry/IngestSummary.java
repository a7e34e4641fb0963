package io.commandcenter.hub.telemetry;

import java.util.List;

/**
 * Where an ingest stream stands, or how it ended.
 *
 * @param settledThrough every record at or before this position is settled; -1 when none is
 * @param received       records received
 * @param accepted       records stored by this stream
 * @param duplicates     records already stored before (same id)
 * @param rejected       records refused by validation
 * @param rejections     for a progress report: rejections since the previous report; for the
 *                       final summary: the first {@value IngestSession#MAX_REPORTED_REJECTIONS}
 */
public record IngestSummary(long settledThrough, long received, long accepted, long duplicates, long rejected,
                            List<Rejection> rejections) {
    public IngestSummary {
        rejections = List.copyOf(rejections);
    }
}
