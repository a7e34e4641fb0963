package io.commandcenter.hub.security;

import io.commandcenter.hub.project.ProjectId;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where API keys are kept (hashed), shared by every hub on the database. */
public interface KeyStore {

    void insert(ApiKey key);

    Optional<ApiKey> find(String keyId);

    /** Keys of a project (those covering every project too when {@code project} is null), newest first. */
    List<ApiKey> list(ProjectId project);

    /** Marks a key revoked; false when there is no such key or it was revoked already. */
    boolean revoke(String keyId, Instant at);

    /** Records that a key authenticated a call at {@code at}. */
    void touch(String keyId, Instant at);
}
