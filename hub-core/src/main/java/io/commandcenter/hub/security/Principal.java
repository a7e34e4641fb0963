package io.commandcenter.hub.security;

import io.commandcenter.hub.project.ProjectId;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Who a call proved to be.
 *
 * @param name    recorded as the actor of everything the call does (a key's name, a token's subject)
 * @param role    what it may do
 * @param project the one project it covers; {@code null}: every project
 * @param keyId     the key that proved it, or the token's issuer and id; for logs (never a secret)
 * @param expiresAt when the credentials that proved it stop being accepted (a key's expiry; a token's
 *                  {@code exp} plus the clock skew its verifier allows), which ends the streams it opened
 *                  ({@link Authenticator#openStream}); {@code null}: never
 */
public record Principal(String name, Role role, ProjectId project, String keyId, Instant expiresAt) {
    public Principal {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(keyId, "keyId");
    }

    /** Credentials that never expire (the hub's own, authentication off, tests). */
    public Principal(String name, Role role, ProjectId project, String keyId) {
        this(name, role, project, keyId, null);
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
