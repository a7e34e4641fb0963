package io.commandcenter.hub.security;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.hub.audit.AuditEntry;
import io.commandcenter.hub.audit.AuditQuery;
import io.commandcenter.hub.audit.InMemoryAuditLedger;
import io.commandcenter.hub.audit.MemoryAuditSpool;
import io.commandcenter.hub.project.CallerResolver;
import io.commandcenter.hub.project.ProjectId;
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

/** Refused requests reach the audit ledger through the resolver, and a flood stays a few entries. */
class DeniedRequestsTest {
    final ManualClock clock = new ManualClock(Instant.parse("2026-12-01T09:00:00Z"));
    final InMemoryAuditLedger ledger = new InMemoryAuditLedger();
    final InMemoryKeyStore store = new InMemoryKeyStore();
    final Authenticator auth = new Authenticator(store, clock, Duration.ZERO, List.of());
    final Keys keys = new Keys(store, auth, new SecureRandom(), clock, MemoryAuditSpool.trail(ledger, clock, "hub-1"));
    final CallerResolver resolver = CallerResolver.authenticating(auth, ProjectId.of("default"))
            .recordingDenials(new DeniedRequests(MemoryAuditSpool.trail(ledger, clock, "hub-1"), auth, clock));
    final String shopViewer = keys.create(ProjectId.of("shop"), Role.VIEWER, "ana", null,
            new Principal("root", Role.ADMIN, null, "boot")).token();

    void call(String token, String project) {
        call(token, project, Permission.DECIDE);
    }

    void call(String token, String project, Permission permission) {
        Map<String, String> h = new HashMap<>();
        if (token != null) {
            h.put("authorization", "Bearer " + token);
        }
        if (project != null) {
            h.put("x-cc-project", project);
        }
        catchThrowableOfType(CommandCenterException.class,
                () -> resolver.resolve("commandcenter.v1.RemediateService/Approve", permission, h::get));
    }

    List<AuditEntry> denials() {
        return ledger.list(AuditQuery.oldestFirst(1000)).stream().filter(e -> e.action().equals("REQUEST_DENIED"))
                .toList();
    }

    @Test
    void aCallWithoutCredentials_isRecordedAsAnonymous_oneWithoutPermission_underItsCallersName() {
        call(null, "bank");
        call(shopViewer, "shop");
        call(shopViewer, "bank", Permission.READ);

        assertThat(denials()).extracting(e -> e.project() + " " + e.actor() + " " + e.subject())
                .containsExactly("global anonymous rpc:commandcenter.v1.RemediateService/Approve",
                        "shop ana rpc:commandcenter.v1.RemediateService/Approve",
                        "bank ana rpc:commandcenter.v1.RemediateService/Approve");
        assertThat(denials().get(0).detail()).contains("UNAUTHENTICATED").contains("CREDENTIALS_REQUIRED");
        assertThat(denials().get(1).detail()).contains("ROLE_FORBIDS");
        assertThat(denials().get(2).detail()).contains("PROJECT_FORBIDDEN");
        assertThat(denials()).allSatisfy(e -> assertThat(e.detail()).doesNotContain(shopViewer.substring(22)));
    }

    @Test
    void aProjectKeysRefusal_withoutAProjectHeader_isRecordedInItsOwnProject_notTheHubWideScope() {
        call(shopViewer, null);

        assertThat(denials()).extracting(e -> e.project() + " " + e.actor()).containsExactly("shop ana");
    }

    @Test
    void aFloodOfTheSameRefusal_isOneEntryAMinute_countingTheRest() {
        for (int i = 0; i < 1000; i++) {
            call("cck_0123456789abcdef_" + "x".repeat(43), null);
        }
        assertThat(denials()).hasSize(1);

        clock.advance(DeniedRequests.WINDOW);
        call("cck_0123456789abcdef_" + "x".repeat(43), null);

        assertThat(denials()).hasSize(2);
        assertThat(denials().get(1).detail()).contains("\"repeated\":999");
    }

    @Test
    void manyDifferentRefusals_areCappedPerMinute_andTheUnrecordedCounted() {
        for (int i = 0; i < DeniedRequests.MAX_PER_WINDOW + 30; i++) {
            call(shopViewer, "p" + i);
        }
        assertThat(denials()).hasSize(DeniedRequests.MAX_PER_WINDOW);

        clock.advance(DeniedRequests.WINDOW);
        call(shopViewer, "another");

        assertThat(denials().get(denials().size() - 1).detail()).contains("\"unrecorded\":30");
    }

    @Test
    void theAppend_runsWhereTheHubSaysAWriteMayWait_andIsTheSameEntry() {
        java.util.ArrayDeque<Runnable> handed = new java.util.ArrayDeque<>();
        CallerResolver handingOff = CallerResolver.authenticating(auth, ProjectId.of("default"))
                .recordingDenials(new DeniedRequests(MemoryAuditSpool.trail(ledger, clock, "hub-1"), auth, clock,
                        handed::add));
        Map<String, String> h = Map.of("authorization", "Bearer " + shopViewer, "x-cc-project", "shop");

        catchThrowableOfType(CommandCenterException.class,
                () -> handingOff.resolve("commandcenter.v1.RemediateService/Approve", Permission.DECIDE, h::get));
        assertThat(denials()).as("not appended on the refusing thread").isEmpty();
        assertThat(handed).hasSize(1);
        handed.poll().run();

        assertThat(denials()).singleElement().satisfies(e -> {
            assertThat(e.actor()).isEqualTo("ana");
            assertThat(e.project()).isEqualTo("shop");
            assertThat(e.detail()).contains("ROLE_FORBIDS");
        });
    }
}
