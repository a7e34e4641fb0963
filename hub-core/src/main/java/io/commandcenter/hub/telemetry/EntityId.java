package io.commandcenter.hub.telemetry;

import java.util.Objects;

/** A reference to an entity of a project: its kind ({@code service}, {@code host}, ...) and id. */
public record EntityId(String kind, String id) {
    public EntityId {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
    }
}
