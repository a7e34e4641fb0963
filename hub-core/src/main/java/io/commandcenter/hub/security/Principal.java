package io.commandcenter.hub.security;

import io.commandcenter.hub.project.ProjectId;

import java.util.Objects;
import java.util.Optional;

/**
 * Who a call proved to be.
 *
 * @param name    recorded as the actor of everything the call does (a key's name, a token's subject)
 * @param role    what it may do
 * @param project the one project it covers; {@code null}: every project
 * @param keyId   the key that proved it, or the token's issuer and id; for logs (never a secret)
 */
public record Principal(String name, Role role, ProjectId project, String keyId) {
    public Principal {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(keyId, "keyId");
    }

    public boolean allProjects() {
        return project == null;
    }

    public Optional<ProjectId> projectScope() {
        return Optional.ofNullable(project);
    }

    /** Whether it may act in {@code p}. */
    public boolean covers(ProjectId p) {
        return project == null || project.equals(p);
    }
}
