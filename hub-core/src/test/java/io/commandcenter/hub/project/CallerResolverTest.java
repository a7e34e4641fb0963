package io.commandcenter.hub.project;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.hub.security.Authenticator;
import io.commandcenter.hub.security.InMemoryKeyStore;
import io.commandcenter.hub.security.Keys;
import io.commandcenter.hub.security.Permission;
import io.commandcenter.hub.security.Principal;
import io.commandcenter.hub.security.Role;
import io.commandcenter.common.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class CallerResolverTest {
    static final ProjectId DEFAULT = ProjectId.of("default");
    final ManualClock clock = new ManualClock(Instant.parse("2026-12-01T09:00:00Z"));
    final InMemoryKeyStore store = new InMemoryKeyStore();
    final Authenticator auth = new Authenticator(store, clock, Duration.ZERO, List.of());
    final Keys keys = new Keys(store, auth, new SecureRandom(), clock,
            io.commandcenter.hub.audit.MemoryAuditSpool.trail(new io.commandcenter.hub.audit.InMemoryAuditLedger(), clock, "hub-1"));
    final Principal root = new Principal("root", Role.ADMIN, null, "boot");
    final CallerResolver resolver = CallerResolver.authenticating(auth, DEFAULT);

    String token(ProjectId project, Role role, String name) {
        return keys.create(project, role, name, null, root).token();
    }

    Caller resolve(Permission required, String token, String... headers) {
        Map<String, String> h = new HashMap<>();
        if (token != null) {
            h.put("authorization", "Bearer " + token);
        }
        for (int i = 0; i < headers.length; i += 2) {
            h.put(headers[i], headers[i + 1]);
        }
        return resolver.resolve("test/Op", required, h::get);
    }

    CommandCenterException refused(Runnable call) {
        CommandCenterException e = catchThrowableOfType(CommandCenterException.class, call::run);
        assertThat(e).as("refused").isNotNull();
        return e;
    }

    @Test
    void aProjectKey_isScopedToItsProject_evenWithoutAHeader() {
        String shopViewer = token(ProjectId.of("shop"), Role.VIEWER, "shop-viewer");

        Caller c = resolve(Permission.READ, shopViewer);

        assertThat(c.project()).isEqualTo(ProjectId.of("shop"));
        assertThat(c.principal()).isEqualTo("shop-viewer");
        assertThat(c.role()).isEqualTo(Role.VIEWER);
    }

    @Test
    void aProjectKey_isRefusedAnotherProject_withoutSayingAnythingOfIt() {
        String shopViewer = token(ProjectId.of("shop"), Role.VIEWER, "shop-viewer");

        CommandCenterException e = refused(() -> resolve(Permission.READ, shopViewer, "x-cc-project", "bank"));

        assertThat(e.kind()).isEqualTo(ErrorKind.PERMISSION_DENIED);
        assertThat(e.reason()).isEqualTo("PROJECT_FORBIDDEN");
        assertThat(e.getMessage()).doesNotContain("bank");
    }

    @Test
    void aKeyForEveryProject_goesWhereTheHeaderSays_orToTheDefault() {
        String admin = token(null, Role.ADMIN, "ops");

        assertThat(resolve(Permission.ADMINISTER, admin).project()).isEqualTo(DEFAULT);
        assertThat(resolve(Permission.ADMINISTER, admin, "x-cc-project", "bank").project()).isEqualTo(ProjectId.of("bank"));
    }

    @Test
    void eachRole_getsExactlyItsPermissions() {
        for (Role role : Role.values()) {
            String t = token(null, role, "as-" + role.wireName());
            for (Permission p : Permission.values()) {
                if (p == Permission.PUBLIC) {
                    continue; // public calls do not look at credentials (withoutCredentials_onlyPublicCallsPass)
                }
                if (role.allows(p)) {
                    assertThat(resolve(p, t).role()).isEqualTo(role);
                } else {
                    CommandCenterException e = refused(() -> resolve(p, t));
                    assertThat(e.kind()).as(role + " " + p).isEqualTo(ErrorKind.PERMISSION_DENIED);
                    assertThat(e.reason()).isEqualTo("ROLE_FORBIDS");
                }
            }
        }
    }

    @Test
    void theRolesTable_isTheIssues() {
        assertThat(Role.VIEWER.permissions()).containsExactly(Permission.PUBLIC, Permission.READ);
        assertThat(Role.OPERATOR.permissions()).containsExactly(Permission.PUBLIC, Permission.READ, Permission.INGEST,
                Permission.DECIDE);
        assertThat(Role.ADMIN.permissions()).containsExactly(Permission.values());
        assertThat(Role.AGENT.permissions()).containsExactly(Permission.PUBLIC, Permission.INGEST,
                Permission.RUN_AGENT);
    }

    @Test
    void withoutCredentials_onlyPublicCallsPass() {
        assertThat(resolve(Permission.PUBLIC, null).principal()).isEqualTo("anonymous");
        assertThat(refused(() -> resolve(Permission.READ, null)).kind()).isEqualTo(ErrorKind.UNAUTHENTICATED);
    }

    @Test
    void aDeclaredUser_isRecordedWithTheKeyThatVouchedForIt() {
        String ops = token(null, Role.OPERATOR, "ops-team");

        assertThat(resolve(Permission.DECIDE, ops, "x-cc-user", " ana.lima@example.com ").principal())
                .isEqualTo("ana.lima@example.com (key ops-team)");
        assertThat(resolve(Permission.DECIDE, ops, "x-cc-user", "ops-team").principal()).isEqualTo("ops-team");
    }

    @Test
    void theLongestUserAndKeyName_makeAnActorThatFitsEveryByColumn() {
        String name = "k".repeat(64);
        String ops = token(null, Role.OPERATOR, name);
        String user = "u".repeat(64);

        String actor = resolve(Permission.DECIDE, ops, "x-cc-user", user).principal();

        assertThat(actor).hasSize(CallerResolver.MAX_ACTOR).startsWith(user + " (key kkk").endsWith("k…)");
        assertThat(CallerResolver.actor("j".repeat(200), h -> null)).hasSize(CallerResolver.MAX_ACTOR).endsWith("j…");
        assertThat(resolve(Permission.DECIDE, ops).principal()).as("a name alone fits whole").isEqualTo(name);
    }

    @Test
    void malformedHeaders_areInvalid_namingTheHeader() {
        String ops = token(null, Role.OPERATOR, "ops");

        for (String bad : new String[] {"ana lima", "x".repeat(65), "-ana", "ana;rm"}) {
            CommandCenterException e = refused(() -> resolve(Permission.READ, ops, "x-cc-user", bad));
            assertThat(e.kind()).isEqualTo(ErrorKind.INVALID);
            assertThat(e.violations()).extracting(v -> v.field()).containsExactly("x-cc-user");
        }
        CommandCenterException project = refused(() -> resolve(Permission.READ, ops, "x-cc-project", "Not Valid"));
        assertThat(project.violations()).extracting(v -> v.field()).containsExactly("x-cc-project");
    }

    @Test
    void unauthenticated_makesEveryCallerAnAdministratorOfEveryProject() {
        CallerResolver open = CallerResolver.unauthenticated(DEFAULT);

        Caller c = open.resolve("test/Op", Permission.ADMINISTER, Map.of("x-cc-project", "shop", "x-cc-user", "ana")::get);

        assertThat(c.project()).isEqualTo(ProjectId.of("shop"));
        assertThat(c.principal()).isEqualTo("ana");
        assertThat(c.role()).isEqualTo(Role.ADMIN);
        assertThat(c.who().allProjects()).isTrue();
    }

    @Test
    void anAddressPastItsFailedAuthentications_isAnsweredRateLimited_whileValidKeysFromItAreServed_cachedOrNot() {
        Authenticator caching = new Authenticator(store, clock, Duration.ofMinutes(1), List.of());
        Keys cachingKeys = new Keys(store, caching, new SecureRandom(), clock,
                io.commandcenter.hub.audit.MemoryAuditSpool.trail(new io.commandcenter.hub.audit.InMemoryAuditLedger(), clock, "hub-1"));
        String valid = cachingKeys.create(ProjectId.of("shop"), Role.OPERATOR, "ops", null, root).token();
        String notYetUsed = cachingKeys.create(ProjectId.of("shop"), Role.VIEWER, "dash", null, root).token();
        java.util.concurrent.atomic.AtomicLong nanos = new java.util.concurrent.atomic.AtomicLong(1_000_000_000L);
        CallerResolver limited = CallerResolver.authenticating(caching, DEFAULT)
                .limitedBy(new io.commandcenter.hub.security.CallRate(1, 3, nanos::get));
        limited.resolve("test/Op", Permission.READ, from("10.0.0.1", valid)); // the valid key is cached

        List<ErrorKind> guesses = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String madeUp = String.format("cck_%016x_%s", 0xab00L + i, "A".repeat(43));
            guesses.add(refused(() -> limited.resolve("test/Op", Permission.READ, from("10.0.0.1", madeUp))).kind());
        }

        assertThat(guesses).containsExactly(ErrorKind.UNAUTHENTICATED, ErrorKind.UNAUTHENTICATED,
                ErrorKind.UNAUTHENTICATED, ErrorKind.EXHAUSTED, ErrorKind.EXHAUSTED, ErrorKind.EXHAUSTED,
                ErrorKind.EXHAUSTED, ErrorKind.EXHAUSTED, ErrorKind.EXHAUSTED, ErrorKind.EXHAUSTED);
        assertThat(limited.resolve("test/Op", Permission.READ, from("10.0.0.1", valid)).principal()).isEqualTo("ops");
        assertThat(limited.resolve("test/Op", Permission.READ, from("10.0.0.1", notYetUsed)).principal())
                .as("a valid key the hub has not read yet, from the same address (a NAT, a proxy)").isEqualTo("dash");
        String other = String.format("cck_%016x_%s", 0xcd00L, "A".repeat(43));
        assertThat(refused(() -> limited.resolve("test/Op", Permission.READ, from("10.0.0.2", other))).kind())
                .as("another address has its own allowance").isEqualTo(ErrorKind.UNAUTHENTICATED);
        int readsBefore = store.reads.get();
        String again = String.format("cck_%016x_%s", 0xab00L, "A".repeat(43));
        refused(() -> limited.resolve("test/Op", Permission.READ, from("10.0.0.3", again)));
        assertThat(store.reads.get() - readsBefore).as("a made-up id seen before is not read again").isZero();
    }

    static java.util.function.Function<String, String> from(String address, String token) {
        Map<String, String> h = Map.of("authorization", "Bearer " + token, CallerResolver.REMOTE_ADDRESS, address);
        return h::get;
    }
}
