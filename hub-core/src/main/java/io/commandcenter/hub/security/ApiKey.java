package io.commandcenter.hub.security;

import io.commandcenter.hub.project.ProjectId;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * An API key as stored: never its secret, only the secret's SHA-256 (a key is 256 random bits, so a
 * plain hash is enough: nothing to brute-force).
 *
 * @param keyId      public identifier, the first part of the token ({@code cck_<keyId>_<secret>})
 * @param name       who or what holds it (recorded as the principal of everything it does)
 * @param project    the one project it covers; {@code null}: every project
 * @param secretHash SHA-256 of the secret, lowercase hex
 * @param expiresAt  when it stops working; {@code null}: never
 * @param revokedAt  when it was revoked; {@code null}: not revoked
 * @param lastUsedAt last time it authenticated a call (kept to the minute); {@code null}: never
 */
public record ApiKey(String keyId, String name, ProjectId project, Role role, String secretHash, Instant createdAt,
                     String createdBy, Instant expiresAt, Instant revokedAt, Instant lastUsedAt) {
    public ApiKey {
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(secretHash, "secretHash");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(createdBy, "createdBy");
    }

    /** Whether it covers every project. */
    public boolean allProjects() {
        return project == null;
    }

    public Optional<ProjectId> projectScope() {
        return Optional.ofNullable(project);
    }

    /** Whether it authenticates a call at {@code now}: not revoked, not expired. */
    public boolean isActive(Instant now) {
        return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
    }

    public ApiKey revoked(Instant at) {
        return new ApiKey(keyId, name, project, role, secretHash, createdAt, createdBy, expiresAt, at, lastUsedAt);
    }

    public ApiKey usedAt(Instant at) {
        return new ApiKey(keyId, name, project, role, secretHash, createdAt, createdBy, expiresAt, revokedAt, at);
    }
}
