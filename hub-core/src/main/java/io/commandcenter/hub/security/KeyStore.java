package io.commandcenter.hub.security;

import io.commandcenter.hub.project.ProjectId;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Where API keys are kept (hashed), shared by every hub on the database. */
public interface KeyStore {

    void insert(ApiKey key);

    Optional<ApiKey> find(String keyId);

    /**
     * The keys of these ids that exist, by id, in one read where the store can (this default reads
     * them one at a time, and fails at the first read that fails).
     */
    default Map<String, ApiKey> find(Collection<String> keyIds) {
        Map<String, ApiKey> found = new HashMap<>();
        for (String keyId : keyIds) {
            find(keyId).ifPresent(key -> found.put(keyId, key));
        }
        return found;
    }

    /** Keys of a project (those covering every project too when {@code project} is null), newest first. */
    List<ApiKey> list(ProjectId project);

    /** Marks a key revoked; false when there is no such key or it was revoked already. */
    boolean revoke(String keyId, Instant at);

    /** Records that a key authenticated a call at {@code at}. */
    void touch(String keyId, Instant at);
}
