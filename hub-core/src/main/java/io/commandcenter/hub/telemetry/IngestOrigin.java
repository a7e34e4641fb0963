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

    /** The key id of the credentials that sent the records ({@code Event.origin}); empty for the hub's own. */
    default String keyId() {
        return "";
    }

    /** Whether the origin failed: its remaining records are not written. */
    boolean isFailed();

    /**
     * One committed batch settled {@code count} records of this origin: the oldest {@code count} it
     * has unsettled, in submission order, the last of them at {@code lastIndex}; {@code stored} of
     * them were stored, the others were duplicates. Called once per origin and batch.
     */
    void settled(int count, int stored, long lastIndex);

    /** A batch holding records of this origin failed. */
    void fail(CommandCenterException error);
}
