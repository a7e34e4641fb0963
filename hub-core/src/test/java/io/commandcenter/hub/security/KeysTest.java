package io.commandcenter.hub.security;

import io.commandcenter.hub.audit.InMemoryAuditLedger;
import io.commandcenter.hub.audit.MemoryAuditSpool;
import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.common.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class KeysTest {
    final ManualClock clock = new ManualClock(Instant.parse("2026-12-01T09:00:00Z"));
    final InMemoryKeyStore store = new InMemoryKeyStore();
    final InMemoryAuditLedger ledger = new InMemoryAuditLedger();
    final Keys keys = new Keys(store, new Authenticator(store, clock, Duration.ZERO, List.of()), new SecureRandom(),
            clock, MemoryAuditSpool.trail(ledger, clock, "hub-1"));
    final Principal root = new Principal("root", Role.ADMIN, null, "boot");
    final Principal shopAdmin = new Principal("shop-admin", Role.ADMIN, ProjectId.of("shop"), "k1");

    static CommandCenterException refused(Runnable call) {
        return catchThrowableOfType(CommandCenterException.class, call::run);
    }

    @Test
    void aKey_isStoredHashed_andItsTokenShownOnce() {
        Keys.Created created = keys.create(ProjectId.of("shop"), Role.AGENT, "collector-1", Duration.ofDays(90), root);

        ApiKey stored = store.find(created.key().keyId()).orElseThrow();
        assertThat(created.token()).startsWith("cck_" + stored.keyId() + "_");
        assertThat(stored.secretHash()).hasSize(64).doesNotContain(created.token().substring(21));
        assertThat(stored.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofDays(90)));
        assertThat(stored.createdBy()).isEqualTo("root");
        assertThat(keys.list(root, null)).singleElement().satisfies(k -> assertThat(k.keyId()).isEqualTo(stored.keyId()));
    }

    @Test
    void twoKeys_neverShareAnIdOrASecret() {
        Keys.Created a = keys.create(null, Role.VIEWER, "a", null, root);
        Keys.Created b = keys.create(null, Role.VIEWER, "b", null, root);

        assertThat(a.key().keyId()).isNotEqualTo(b.key().keyId());
        assertThat(a.token()).isNotEqualTo(b.token());
    }

    @Test
    void badNamesAndLifetimes_areRefusedByField() {
        CommandCenterException e = refused(() -> keys.create(null, Role.VIEWER, "bad name!", Duration.ofMinutes(5), root));

        assertThat(e.kind()).isEqualTo(ErrorKind.INVALID);
        assertThat(e.violations()).extracting(v -> v.field()).containsExactly("name", "expires_in");
        assertThat(refused(() -> keys.create(null, Role.VIEWER, "ok", Duration.ofDays(4000), root)).violations())
                .extracting(v -> v.field()).containsExactly("expires_in");
        assertThat(store.list(null)).isEmpty();
    }

    @Test
    void theNamesTheHubActsUnder_areNotKeyNames() {
        for (String name : List.of("engine", "Engine", "anonymous", "bootstrap", "demo", "learning-loop", "hub:hub-1",
                "HUB:x")) {
            CommandCenterException e = refused(() -> keys.create(ProjectId.of("shop"), Role.OPERATOR, name, null, root));
            assertThat(e.violations()).as(name).extracting(v -> v.field() + " " + v.reason())
                    .containsExactly("name INVALID_NAME");
        }
        assertThat(store.list(null)).isEmpty();
        assertThat(keys.create(ProjectId.of("shop"), Role.OPERATOR, "engineer", null, root).key().name())
                .as("only the exact names").isEqualTo("engineer");
    }

    @Test
    void anAdministratorOfOneProject_managesThatProjectsKeysOnly() {
        Keys.Created own = keys.create(ProjectId.of("shop"), Role.VIEWER, "v", null, shopAdmin);
        Keys.Created other = keys.create(ProjectId.of("bank"), Role.VIEWER, "v", null, root);

        assertThat(refused(() -> keys.create(null, Role.ADMIN, "x", null, shopAdmin)).reason()).isEqualTo("SCOPE_EXCEEDED");
        assertThat(refused(() -> keys.create(ProjectId.of("bank"), Role.VIEWER, "x", null, shopAdmin)).kind())
                .isEqualTo(ErrorKind.PERMISSION_DENIED);
        assertThat(keys.list(shopAdmin, null)).extracting(ApiKey::keyId).containsExactly(own.key().keyId());
        assertThat(keys.list(shopAdmin, ProjectId.of("bank"))).extracting(ApiKey::keyId)
                .containsExactly(own.key().keyId());
        assertThat(refused(() -> keys.revoke(other.key().keyId(), shopAdmin)).reason()).isEqualTo("KEY_NOT_FOUND");
        assertThat(store.find(other.key().keyId()).orElseThrow().revokedAt()).isNull();
    }

    @Test
    void aKeyIsRevokedOnce() {
        Keys.Created created = keys.create(null, Role.VIEWER, "v", null, root);

        ApiKey revoked = keys.revoke(created.key().keyId(), root);

        assertThat(revoked.revokedAt()).isEqualTo(clock.instant());
        assertThat(refused(() -> keys.revoke(created.key().keyId(), root)).reason()).isEqualTo("KEY_REVOKED");
        assertThat(refused(() -> keys.revoke("ffffffffffffffff", root)).reason()).isEqualTo("KEY_NOT_FOUND");
    }

    @Test
    void creatingAndRevokingAKey_isRecordedInTheAuditLedger_neverItsSecret() {
        Keys.Created shop = keys.create(ProjectId.of("shop"), Role.OPERATOR, "ana", Duration.ofDays(90), shopAdmin);
        Keys.Created every = keys.create(null, Role.VIEWER, "dash", null, root);
        keys.revoke(shop.key().keyId(), root);

        var entries = ledger.list(io.commandcenter.hub.audit.AuditQuery.oldestFirst(10));

        assertThat(entries).extracting(e -> e.action() + " " + e.project() + " " + e.actor() + " " + e.subject())
                .containsExactly("KEY_CREATED shop " + shopAdmin.name() + " key:" + shop.key().keyId(),
                        "KEY_CREATED global root key:" + every.key().keyId(),
                        "KEY_REVOKED shop root key:" + shop.key().keyId());
        assertThat(entries.get(0).detail()).contains("\"role\":\"operator\"").contains("\"name\":\"ana\"")
                .doesNotContain(shop.token().substring(22));
    }
}
