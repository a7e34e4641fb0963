package io.commandcenter.hub.events;

import io.commandcenter.hub.project.ProjectId;

import java.time.Instant;
import java.util.Objects;

/**
 * One event of the bus: an id, a dot-separated subject, the project it belongs to, the hub that
 * published it, when, the trace it belongs to, and its payload.
 */
public record Event(String id, String subject, ProjectId project, String hubId, Instant time,
                    TraceContext trace, Payload payload) {
    public Event {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(hubId, "hubId");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(trace, "trace");
        Objects.requireNonNull(payload, "payload");
    }
}
