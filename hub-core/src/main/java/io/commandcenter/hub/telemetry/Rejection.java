package io.commandcenter.hub.telemetry;

import java.util.Objects;

/**
 * Why a record of an ingest stream was refused.
 *
 * @param index    zero-based position of the record in its stream
 * @param recordId the record's id, empty when it had none
 * @param field    the field at fault, a path inside the record ({@code health_sample.latency_ms})
 * @param reason   stable reason ({@code NOT_FINITE}, ...)
 * @param message  a sentence for humans
 */
public record Rejection(long index, String recordId, String field, String reason, String message) {
    public Rejection {
        Objects.requireNonNull(recordId, "recordId");
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(message, "message");
    }
}
