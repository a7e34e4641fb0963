package io.commandcenter.hub.security.sql;

import io.commandcenter.hub.persistence.Database;
import io.commandcenter.hub.persistence.Jpa;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.security.ApiKey;
import io.commandcenter.hub.security.KeyStore;
import io.commandcenter.hub.security.Role;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** API keys in the hub's database ({@code api_key}, migration V6). */
public final class JpaKeyStore implements KeyStore {
    private final Jpa jpa;

    public JpaKeyStore(Database database) {
        this.jpa = new Jpa(database.entityManagerFactory());
    }

    @Override
    public void insert(ApiKey key) {
        jpa.write(em -> {
            em.persist(entity(key));
            return null;
        });
    }

    @Override
    public Optional<ApiKey> find(String keyId) {
        return jpa.read(em -> Optional.ofNullable(em.find(ApiKeyEntity.class, keyId)).map(JpaKeyStore::record));
    }

    /** One query for each 500 ids. */
    @Override
    public Map<String, ApiKey> find(Collection<String> keyIds) {
        List<String> ids = List.copyOf(keyIds);
        Map<String, ApiKey> found = new HashMap<>();
        for (int from = 0; from < ids.size(); from += 500) {
            List<String> chunk = new ArrayList<>(ids.subList(from, Math.min(ids.size(), from + 500)));
            jpa.read(em -> em.createQuery("SELECT k FROM ApiKeyEntity k WHERE k.keyId IN :ids", ApiKeyEntity.class)
                    .setParameter("ids", chunk).getResultList()).forEach(e -> {
                        ApiKey key = record(e);
                        found.put(key.keyId(), key);
                    });
        }
        return found;
    }

    @Override
    public List<ApiKey> list(ProjectId project) {
        return jpa.read(em -> (project == null
                ? em.createQuery("SELECT k FROM ApiKeyEntity k ORDER BY k.createdAt DESC, k.keyId DESC",
                        ApiKeyEntity.class)
                : em.createQuery("SELECT k FROM ApiKeyEntity k WHERE k.projectId = :p "
                        + "ORDER BY k.createdAt DESC, k.keyId DESC", ApiKeyEntity.class)
                .setParameter("p", project.value()))
                .getResultList().stream().map(JpaKeyStore::record).toList());
    }

    @Override
    public boolean revoke(String keyId, Instant at) {
        return jpa.write(em -> em.createQuery("UPDATE ApiKeyEntity k SET k.revokedAt = :at "
                        + "WHERE k.keyId = :id AND k.revokedAt IS NULL")
                .setParameter("at", Jpa.ts(at)).setParameter("id", keyId).executeUpdate() == 1);
    }

    @Override
    public void touch(String keyId, Instant at) {
        jpa.write(em -> em.createQuery("UPDATE ApiKeyEntity k SET k.lastUsedAt = :at WHERE k.keyId = :id")
                .setParameter("at", Jpa.ts(at)).setParameter("id", keyId).executeUpdate());
    }

    private static ApiKeyEntity entity(ApiKey k) {
        ApiKeyEntity e = new ApiKeyEntity();
        e.keyId = k.keyId();
        e.name = k.name();
        e.projectId = k.project() == null ? null : k.project().value();
        e.role = k.role().name();
        e.secretHash = k.secretHash();
        e.createdAt = Jpa.ts(k.createdAt());
        e.createdBy = k.createdBy();
        e.expiresAt = Jpa.ts(k.expiresAt());
        e.revokedAt = Jpa.ts(k.revokedAt());
        e.lastUsedAt = Jpa.ts(k.lastUsedAt());
        return e;
    }

    private static ApiKey record(ApiKeyEntity e) {
        return new ApiKey(e.keyId, e.name, e.projectId == null ? null : ProjectId.of(e.projectId),
                Role.valueOf(e.role), e.secretHash, Jpa.instant(e.createdAt), e.createdBy, Jpa.instant(e.expiresAt),
                Jpa.instant(e.revokedAt), Jpa.instant(e.lastUsedAt));
    }
}
