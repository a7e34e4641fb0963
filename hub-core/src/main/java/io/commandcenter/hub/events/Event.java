package io.commandcenter.hub.events;

import io.commandcenter.hub.project.ProjectId;

import java.time.Instant;
import java.util.Objects;

/**
 * One event of the bus: an id, a dot-separated subject, the project it belongs to, the hub that
 * published it, when, the trace it belongs to, and its payload.
 *
 * @param origin the key id of the credentials whose call brought it (the key that ingested a health
 *               sample); empty when the hub made it itself, or when it is not known (an event from
 *               another hub)
 */
public record Event(String id, String subject, ProjectId project, String hubId, Instant time,
                    TraceContext trace, Payload payload, String origin) {
    /** An event of no known origin. */
    public Event(String id, String subject, ProjectId project, String hubId, Instant time, TraceContext trace,
                 Payload payload) {
        this(id, subject, project, hubId, time, trace, payload, "");
    }

    public Event {
        origin = origin == null ? "" : origin;
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(hubId, "hubId");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(trace, "trace");
        Objects.requireNonNull(payload, "payload");
    }
}
