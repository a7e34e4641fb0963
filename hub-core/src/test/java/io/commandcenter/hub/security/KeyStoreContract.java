package io.commandcenter.hub.security;

import io.commandcenter.hub.project.ProjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** What every key store does, run once per implementation: in memory here, H2 and PostgreSQL in hub-server. */
public abstract class KeyStoreContract {
    static final Instant T0 = Instant.parse("2026-12-01T09:00:00Z");

    @TempDir
    Path dir;
    KeyStore store;

    protected abstract KeyStore open(Path dir);

    protected void close(KeyStore store) {
    }

    @BeforeEach
    void openStore() {
        store = open(dir);
    }

    @AfterEach
    void closeStore() {
        close(store);
    }

    static ApiKey key(String id, ProjectId project, Role role, Instant at) {
        return new ApiKey(id, "k-" + id, project, role, KeyTokens.hash("secret-" + id), at, "admin",
                at.plusSeconds(3600), null, null);
    }

    @Test
    void aKey_roundTripsEveryField() {
        ApiKey key = key("0123456789abcdef", ProjectId.of("shop"), Role.OPERATOR, T0);

        store.insert(key);

        assertThat(store.find("0123456789abcdef")).contains(key);
        assertThat(store.find("fedcba9876543210")).isEmpty();
    }

    @Test
    void manyIds_areFoundTogether_andUnknownOnesAreLeftOut() {
        ApiKey a = key("00000000000000a1", ProjectId.of("shop"), Role.OPERATOR, T0);
        ApiKey b = key("00000000000000b2", null, Role.ADMIN, T0);
        store.insert(a);
        store.insert(b);

        assertThat(store.find(java.util.List.of("00000000000000a1", "00000000000000c3", "00000000000000b2")))
                .containsOnly(java.util.Map.entry("00000000000000a1", a), java.util.Map.entry("00000000000000b2", b));
        assertThat(store.find(java.util.List.of())).isEmpty();
    }

    @Test
    void aKeyForEveryProject_keepsItsEmptyScope() {
        store.insert(key("00000000000000aa", null, Role.ADMIN, T0));

        assertThat(store.find("00000000000000aa").orElseThrow().allProjects()).isTrue();
    }

    @Test
    void revoking_isOnce_andRecordsTheTime() {
        store.insert(key("00000000000000aa", null, Role.ADMIN, T0));

        assertThat(store.revoke("00000000000000aa", T0.plusSeconds(5))).isTrue();
        assertThat(store.revoke("00000000000000aa", T0.plusSeconds(9))).isFalse();
        assertThat(store.revoke("00000000000000bb", T0)).isFalse();
        assertThat(store.find("00000000000000aa").orElseThrow().revokedAt()).isEqualTo(T0.plusSeconds(5));
    }

    @Test
    void lastUse_isRecorded() {
        store.insert(key("00000000000000aa", null, Role.ADMIN, T0));

        store.touch("00000000000000aa", T0.plusSeconds(60));

        assertThat(store.find("00000000000000aa").orElseThrow().lastUsedAt()).isEqualTo(T0.plusSeconds(60));
    }

    @Test
    void listing_isNewestFirst_byProjectOrAll() {
        store.insert(key("00000000000000a1", ProjectId.of("shop"), Role.VIEWER, T0));
        store.insert(key("00000000000000a2", ProjectId.of("shop"), Role.AGENT, T0.plusSeconds(1)));
        store.insert(key("00000000000000a3", ProjectId.of("bank"), Role.VIEWER, T0.plusSeconds(2)));
        store.insert(key("00000000000000a4", null, Role.ADMIN, T0.plusSeconds(3)));

        assertThat(store.list(ProjectId.of("shop"))).extracting(ApiKey::keyId)
                .containsExactly("00000000000000a2", "00000000000000a1");
        assertThat(store.list(null)).extracting(ApiKey::keyId)
                .containsExactly("00000000000000a4", "00000000000000a3", "00000000000000a2", "00000000000000a1");
    }
}
