package io.commandcenter.hub.telemetry;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.hub.events.TraceContext;
import io.commandcenter.hub.project.ProjectId;

/**
 * Where records handed to the {@link IngestPipeline} come from, and whom to tell when they are
 * settled: an API stream ({@link IngestSession}) or the hub itself ({@link IngestPipeline#record}).
 */
interface IngestOrigin {

    ProjectId project();

    TraceContext trace();

    /** Whether the origin failed: its remaining records are not written. */
    boolean isFailed();

    /** The record at {@code index} is settled (called in submission order). */
    void settle(long index, TelemetryStore.Outcome outcome);

    /** {@code count} records of this origin were settled by one batch. */
    void batchSettled(int count);

    /** A batch holding records of this origin failed. */
    void fail(CommandCenterException error);
}
