package io.commandcenter.hub.project;

import java.util.Objects;

/**
 * Who is calling and in which project. Every request is resolved to one caller at the edge, by
 * the same {@link CallerResolver} for gRPC and HTTP.
 *
 * @param project   the project the call is scoped to; data of other projects is never visible
 * @param principal who the caller is; {@code anonymous} until authentication plugs in
 */
public record Caller(ProjectId project, String principal) {
    public Caller {
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(principal, "principal");
    }
}
