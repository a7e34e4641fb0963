package io.commandcenter.scheduler.task;

import java.util.Objects;

/** The entity a task acts on, inside its project ({@code EntityRef}: kind and id). */
public record TargetRef(String kind, String id) {
    public TargetRef {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
    }

    @Override
    public String toString() {
        return kind + "/" + id;
    }
}
