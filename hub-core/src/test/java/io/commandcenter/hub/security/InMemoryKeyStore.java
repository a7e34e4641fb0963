package io.commandcenter.hub.security;

import io.commandcenter.hub.project.ProjectId;

import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** API keys in memory: the oracle of {@link KeyStoreContract}, and the store of unit tests. */
public final class InMemoryKeyStore implements KeyStore {
    private final Map<String, ApiKey> keys = new LinkedHashMap<>();
    /** How many times a key's last use was written (the authenticator writes at most once a minute). */
    public final AtomicInteger touches = new AtomicInteger();
    /** How many times a key was read (the authenticator caches what it read). */
    public final AtomicInteger reads = new AtomicInteger();

    @Override
    public synchronized void insert(ApiKey key) {
        if (keys.putIfAbsent(key.keyId(), key) != null) {
            throw new IllegalStateException("key " + key.keyId() + " exists");
        }
    }

    @Override
    public synchronized Optional<ApiKey> find(String keyId) {
        reads.incrementAndGet();
        return Optional.ofNullable(keys.get(keyId));
    }

    /** One read for them all, as the SQL store's one query. */
    @Override
    public synchronized Map<String, ApiKey> find(Collection<String> keyIds) {
        reads.incrementAndGet();
        Map<String, ApiKey> found = new HashMap<>();
        for (String keyId : keyIds) {
            ApiKey key = keys.get(keyId);
            if (key != null) {
                found.put(keyId, key);
            }
        }
        return found;
    }

    @Override
    public synchronized List<ApiKey> list(ProjectId project) {
        return keys.values().stream().filter(k -> project == null || Objects.equals(project, k.project()))
                .sorted(Comparator.comparing(ApiKey::createdAt).thenComparing(ApiKey::keyId).reversed()).toList();
    }

    @Override
    public synchronized boolean revoke(String keyId, Instant at) {
        ApiKey key = keys.get(keyId);
        if (key == null || key.revokedAt() != null) {
            return false;
        }
        keys.put(keyId, key.revoked(at));
        return true;
    }

    @Override
    public synchronized void touch(String keyId, Instant at) {
        touches.incrementAndGet();
        keys.computeIfPresent(keyId, (id, k) -> k.usedAt(at));
    }
}
