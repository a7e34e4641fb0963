package io.commandcenter.hub.telemetry;

import io.commandcenter.hub.project.ProjectId;

import java.time.Instant;
import java.util.List;

/**
 * Where telemetry is kept. Implementations: {@code JdbcTelemetryStore} (embedded H2 or
 * PostgreSQL).
 */
public interface TelemetryStore {

    /** A record and the project it belongs to. */
    record Scoped(ProjectId project, TelemetryRecord record) {
    }

    /** What happened to one record of a write. */
    enum Outcome {
        /** Stored by this write. */
        STORED,
        /** A record with the same id was already stored in the project; nothing was written. */
        DUPLICATE
    }

    /**
     * Writes the records in one transaction, creating their projects if needed. On return every
     * STORED record is durable. Records with the same project and id as a stored one, or as an
     * earlier record of the same batch, are duplicates.
     *
     * @param receivedAt stamped on every stored record
     * @return one outcome per record, in order
     * @throws io.commandcenter.common.error.CommandCenterException UNAVAILABLE ({@code STORE_UNAVAILABLE}) when
     *         the database fails; then nothing of the batch was written
     */
    List<Outcome> write(List<Scoped> records, Instant receivedAt);

    /**
     * Reads a project's health samples in the query's order: up to {@code query.limit() + 1} of
     * them, so the caller can tell whether another page follows.
     *
     * @throws io.commandcenter.common.error.CommandCenterException UNAVAILABLE when the database fails
     */
    List<StoredSample> listHealthSamples(ProjectId project, SampleQuery query);
}
