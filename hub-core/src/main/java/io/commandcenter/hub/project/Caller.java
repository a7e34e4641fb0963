package io.commandcenter.hub.project;

import io.commandcenter.hub.security.Permission;
import io.commandcenter.hub.security.Principal;
import io.commandcenter.hub.security.Role;

import io.commandcenter.common.error.CommandCenterException;

import java.util.Objects;

/**
 * Who is calling and in which project. Every request is resolved to one caller at the edge, by
 * the same {@link CallerResolver} for gRPC and HTTP, after the call's permission was checked.
 *
 * @param project the project the call is scoped to (one its credentials cover); data of other
 *                projects is never visible
 * @param who     who proved to be calling (its role, the projects it covers)
 * @param actor   what is recorded as having acted: the principal's name, or the user the client
 *                declared ({@code x-cc-user}) followed by the key that vouched for it
 */
public record Caller(ProjectId project, Principal who, String actor) {
    public Caller {
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(who, "who");
        Objects.requireNonNull(actor, "actor");
    }

    /** A caller acting as its principal. */
    public Caller(ProjectId project, Principal who) {
        this(project, who, who.name());
    }

    /** Recorded as the actor of approvals, rejections, cancels, workflow revisions, promotions. */
    public String principal() {
        return actor;
    }

    public Role role() {
        return who.role();
    }

    /**
     * Checks a permission beyond the one of the call (e.g. the kill switch of every project needs an
     * administrator of every project, where a project's needs an operator).
     *
     * @throws CommandCenterException PERMISSION_DENIED ({@code ROLE_FORBIDS}, {@code SCOPE_EXCEEDED})
     */
    public void require(Permission permission, boolean everyProject) {
        if (!who.role().allows(permission)) {
            throw CommandCenterException.permissionDenied("ROLE_FORBIDS", "the role " + who.role().wireName()
                    + " may not " + permission.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
        }
        if (everyProject && !who.allProjects()) {
            throw CommandCenterException.permissionDenied("SCOPE_EXCEEDED", "this needs a key for every project");
        }
    }
}
