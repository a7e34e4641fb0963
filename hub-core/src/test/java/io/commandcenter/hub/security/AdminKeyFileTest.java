package io.commandcenter.hub.security;

import io.commandcenter.common.testing.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class AdminKeyFileTest {
    @TempDir
    Path dir;
    final ManualClock clock = new ManualClock(Instant.parse("2026-12-01T09:00:00Z"));
    final InMemoryKeyStore store = new InMemoryKeyStore();
    final Authenticator auth = new Authenticator(store, clock, Duration.ZERO, List.of());
    final Keys keys = new Keys(store, auth, new SecureRandom(), clock,
            io.commandcenter.hub.audit.MemoryAuditSpool.trail(new io.commandcenter.hub.audit.InMemoryAuditLedger(), clock, "hub-1"));

    @Test
    void theFirstStart_writesAnAdminKeyForEveryProject_readableByItsOwnerOnly() throws Exception {
        Path file = dir.resolve("data").resolve(AdminKeyFile.FILE);

        AdminKeyFile.Ensured ensured = AdminKeyFile.ensure(file, store, keys, clock, "hub-1");

        assertThat(ensured.created()).isTrue();
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(Set.of(PosixFilePermission.OWNER_READ,
                PosixFilePermission.OWNER_WRITE));
        Principal p = auth.authenticate("Bearer " + Files.readString(file).strip());
        assertThat(p.role()).isEqualTo(Role.ADMIN);
        assertThat(p.allProjects()).isTrue();
        assertThat(store.find(ensured.keyId()).orElseThrow().createdBy()).isEqualTo("hub:hub-1");
    }

    @Test
    void laterStarts_keepAWorkingKey_andReplaceARevokedOne() throws Exception {
        Path file = dir.resolve(AdminKeyFile.FILE);
        AdminKeyFile.Ensured first = AdminKeyFile.ensure(file, store, keys, clock, "hub-1");

        AdminKeyFile.Ensured again = AdminKeyFile.ensure(file, store, keys, clock, "hub-1");
        keys.revoke(first.keyId(), new Principal("root", Role.ADMIN, null, "x"));
        AdminKeyFile.Ensured replaced = AdminKeyFile.ensure(file, store, keys, clock, "hub-1");

        assertThat(again).isEqualTo(new AdminKeyFile.Ensured(file, first.keyId(), false));
        assertThat(replaced.created()).isTrue();
        assertThat(replaced.keyId()).isNotEqualTo(first.keyId());
        assertThat(auth.authenticate("Bearer " + Files.readString(file).strip()).keyId()).isEqualTo(replaced.keyId());
    }

    @Test
    void aFileThatIsNotAKey_isReplaced() throws Exception {
        Path file = dir.resolve(AdminKeyFile.FILE);
        Files.writeString(file, "not a key\n");

        assertThat(AdminKeyFile.ensure(file, store, keys, clock, "hub-1").created()).isTrue();
        assertThat(Files.readString(file)).startsWith("cck_");
    }
}
