package io.commandcenter.hub.security.sql;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

/** Row of {@code api_key}. */
@Entity
@Table(name = "api_key")
public class ApiKeyEntity {
    @Id
    @Column(name = "key_id")
    String keyId;
    @Column(name = "name")
    String name;
    @Column(name = "project_id")
    String projectId;
    @Column(name = "role")
    String role;
    @Column(name = "secret_hash")
    String secretHash;
    @Column(name = "created_at")
    OffsetDateTime createdAt;
    @Column(name = "created_by")
    String createdBy;
    @Column(name = "expires_at")
    OffsetDateTime expiresAt;
    @Column(name = "revoked_at")
    OffsetDateTime revokedAt;
    @Column(name = "last_used_at")
    OffsetDateTime lastUsedAt;
}
