package io.commandcenter.hub.security;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.common.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class AuthenticatorTest {
    final ManualClock clock = new ManualClock(Instant.parse("2026-12-01T09:00:00Z"));
    final InMemoryKeyStore store = new InMemoryKeyStore();
    final Authenticator auth = new Authenticator(store, clock, Duration.ofSeconds(10), List.of());
    final Keys keys = new Keys(store, auth, new SecureRandom(), clock,
            io.commandcenter.hub.audit.MemoryAuditSpool.trail(new io.commandcenter.hub.audit.InMemoryAuditLedger(), clock, "hub-1"));
    final Principal admin = new Principal("root", Role.ADMIN, null, "boot");

    /** Opens a stream of {@code who}; its end (always UNAUTHENTICATED) is recorded as {@code name:REASON}. */
    static OpenStreams.Registration openRecording(Authenticator on, Principal who, List<String> ended) {
        return on.openStream(who, why -> {
            assertThat(why.kind()).isEqualTo(ErrorKind.UNAUTHENTICATED);
            ended.add(who.name() + ":" + why.reason());
        });
    }

    static String reason(Runnable call) {
        CommandCenterException e = catchThrowableOfType(CommandCenterException.class, call::run);
        assertThat(e).as("refused").isNotNull();
        assertThat(e.kind()).isEqualTo(ErrorKind.UNAUTHENTICATED);
        return e.reason();
    }

    @Test
    void aCreatedKey_authenticatesAsItsNameRoleAndProject() {
        Keys.Created created = keys.create(ProjectId.of("shop"), Role.OPERATOR, "ana", null, admin);

        Principal p = auth.authenticate("Bearer " + created.token());

        assertThat(p).isEqualTo(new Principal("ana", Role.OPERATOR, ProjectId.of("shop"), created.key().keyId()));
        assertThat(auth.authenticate("bearer   " + created.token() + " ")).isEqualTo(p);
    }

    @Test
    void noCredentials_areRequired_andBadOnesAreInvalid_withOneReasonForUnknownAndWrong() {
        Keys.Created created = keys.create(null, Role.VIEWER, "viewer", null, admin);
        String wrongSecret = created.token().substring(0, created.token().length() - 2) + "AA";
        String unknownId = "cck_0000000000000000_" + created.token().substring(created.token().length() - 43);

        assertThat(reason(() -> auth.authenticate(null))).isEqualTo("CREDENTIALS_REQUIRED");
        assertThat(reason(() -> auth.authenticate(" "))).isEqualTo("CREDENTIALS_REQUIRED");
        assertThat(reason(() -> auth.authenticate(created.token()))).isEqualTo("CREDENTIALS_INVALID");
        assertThat(reason(() -> auth.authenticate("Basic " + created.token()))).isEqualTo("CREDENTIALS_INVALID");
        assertThat(reason(() -> auth.authenticate("Bearer garbage"))).isEqualTo("CREDENTIALS_INVALID");
        assertThat(reason(() -> auth.authenticate("Bearer " + wrongSecret))).isEqualTo("CREDENTIALS_INVALID");
        assertThat(reason(() -> auth.authenticate("Bearer " + unknownId))).isEqualTo("CREDENTIALS_INVALID");
    }

    @Test
    void theErrorNeverEchoesTheToken() {
        Keys.Created created = keys.create(null, Role.VIEWER, "viewer", null, admin);
        String wrong = created.token().substring(0, created.token().length() - 2) + "AA";

        CommandCenterException e = catchThrowableOfType(CommandCenterException.class,
                () -> auth.authenticate("Bearer " + wrong));

        assertThat(e.getMessage()).doesNotContain(wrong).doesNotContain(created.token().substring(21));
    }

    @Test
    void anExpiredKey_stopsAtItsExpiry() {
        Keys.Created created = keys.create(null, Role.VIEWER, "temp", Duration.ofHours(1), admin);

        clock.advance(Duration.ofHours(1).minusMillis(1));
        auth.authenticate("Bearer " + created.token());
        clock.advance(Duration.ofMillis(1));

        assertThat(reason(() -> auth.authenticate("Bearer " + created.token()))).isEqualTo("KEY_EXPIRED");
    }

    @Test
    void aRevokedKey_stopsAtOnceOnTheHubThatRevokes_andWithinTheCacheElsewhere() {
        Keys.Created created = keys.create(null, Role.VIEWER, "v", null, admin);
        Authenticator otherHub = new Authenticator(store, clock, Duration.ofSeconds(10), List.of());
        otherHub.authenticate("Bearer " + created.token());

        keys.revoke(created.key().keyId(), admin);

        assertThat(reason(() -> auth.authenticate("Bearer " + created.token()))).isEqualTo("KEY_REVOKED");
        otherHub.authenticate("Bearer " + created.token()); // still cached there
        clock.advance(Duration.ofSeconds(10));
        assertThat(reason(() -> otherHub.authenticate("Bearer " + created.token()))).isEqualTo("KEY_REVOKED");
    }

    @Test
    void keysAreReadOncePerCachePeriod_andLastUseWrittenOncePerMinute() {
        Keys.Created created = keys.create(null, Role.VIEWER, "v", null, admin);
        int readsBefore = store.reads.get();

        for (int i = 0; i < 100; i++) {
            auth.authenticate("Bearer " + created.token());
        }
        clock.advance(Duration.ofSeconds(61));
        auth.authenticate("Bearer " + created.token());

        assertThat(store.reads.get() - readsBefore).isEqualTo(2);
        assertThat(store.touches.get()).isEqualTo(2);
        assertThat(store.find(created.key().keyId()).orElseThrow().lastUsedAt()).isEqualTo(clock.instant());
    }

    @Test
    void anotherKindOfToken_goesToItsVerifier() {
        Principal fromIdp = new Principal("sso:ana", Role.VIEWER, ProjectId.of("shop"), "issuer");
        Authenticator withJwt = new Authenticator(store, clock, Duration.ZERO,
                List.of(token -> token.startsWith("ey") ? Optional.of(fromIdp) : Optional.empty()));

        assertThat(withJwt.authenticate("Bearer eyJhbGciOi.x.y")).isEqualTo(fromIdp);
        assertThat(reason(() -> withJwt.authenticate("Bearer other"))).isEqualTo("CREDENTIALS_INVALID");
    }

    /** Work handed to the background, run when the test says. */
    static final class Later implements java.util.concurrent.Executor {
        final java.util.ArrayDeque<Runnable> queued = new java.util.ArrayDeque<>();

        @Override
        public void execute(Runnable task) {
            queued.add(task);
        }

        void runAll() {
            while (!queued.isEmpty()) {
                queued.poll().run();
            }
        }
    }

    final Later later = new Later();
    /** Another hub on the same store, its reads and writes of keys in the background ({@link #later}). */
    final Authenticator otherHub = new Authenticator(store, clock, Duration.ofSeconds(10), List.of(), later);

    @Test
    void aKeyInUse_isReadAgainInTheBackgroundAfterHalfItsCache_soARevocationElsewhereStopsItBeforeTheCacheEnds() {
        Keys.Created created = keys.create(null, Role.VIEWER, "v", null, admin);
        otherHub.authenticate("Bearer " + created.token());
        later.runAll();
        keys.revoke(created.key().keyId(), admin); // on this hub: the other one is not told
        int reads = store.reads.get();
        clock.advance(Duration.ofSeconds(4));
        otherHub.authenticate("Bearer " + created.token());
        assertThat(later.queued).as("not yet half its cache").isEmpty();
        clock.advance(Duration.ofSeconds(1));
        otherHub.authenticate("Bearer " + created.token()); // answered from the cache, the read queued
        otherHub.authenticate("Bearer " + created.token());
        assertThat(store.reads.get()).as("no read on the calling thread").isEqualTo(reads);
        assertThat(later.queued).as("one read a key at a time").hasSize(1);
        later.runAll();

        assertThat(store.reads.get()).isEqualTo(reads + 1);
        assertThat(reason(() -> otherHub.authenticate("Bearer " + created.token()))).isEqualTo("KEY_REVOKED");
    }

    @Test
    void aFailedBackgroundRead_keepsTheCachedKeyUntilItsCacheEnds_thenTheCallReadsItself() {
        Keys.Created created = keys.create(null, Role.VIEWER, "v", null, admin);
        boolean[] down = {false};
        KeyStore flaky = new KeyStore() {
            public void insert(ApiKey key) { store.insert(key); }
            public Optional<ApiKey> find(String keyId) {
                if (down[0]) {
                    throw new IllegalStateException("database down");
                }
                return store.find(keyId);
            }
            public List<ApiKey> list(ProjectId project) { return store.list(project); }
            public boolean revoke(String keyId, Instant at) { return store.revoke(keyId, at); }
            public void touch(String keyId, Instant at) { store.touch(keyId, at); }
        };
        Authenticator hub = new Authenticator(flaky, clock, Duration.ofSeconds(10), List.of(), later);
        hub.authenticate("Bearer " + created.token());
        down[0] = true;
        clock.advance(Duration.ofSeconds(6));
        hub.authenticate("Bearer " + created.token());
        later.runAll(); // fails, logged

        assertThat(hub.authenticate("Bearer " + created.token()).name()).isEqualTo("v");
        clock.advance(Duration.ofSeconds(4));
        assertThat(catchThrowableOfType(IllegalStateException.class, () -> hub.authenticate("Bearer " + created.token())))
                .hasMessage("database down");
    }

    @Test
    void theLastUse_isWrittenInTheBackground_atMostOnceAMinute() {
        Keys.Created created = keys.create(null, Role.VIEWER, "v", null, admin);

        otherHub.authenticate("Bearer " + created.token());
        otherHub.authenticate("Bearer " + created.token());
        assertThat(store.touches.get()).as("not on the calling thread").isZero();
        later.runAll();

        assertThat(store.touches.get()).isEqualTo(1);
        assertThat(store.find(created.key().keyId()).orElseThrow().lastUsedAt()).isEqualTo(clock.instant());
    }

    @Test
    void answersAtOnce_onlyForAnApiKeyReadLessThanItsCacheMinusTheMarginAgo() {
        Keys.Created created = keys.create(null, Role.VIEWER, "v", null, admin);
        Authenticator hub = new Authenticator(store, clock, Duration.ofSeconds(10), List.of(
                token -> token.startsWith("ey") ? Optional.of(admin) : Optional.empty()), later);
        String header = "Bearer " + created.token();

        assertThat(hub.answersAtOnce(header)).as("not read yet").isFalse();
        hub.authenticate(header);
        assertThat(hub.answersAtOnce(header)).isTrue();
        assertThat(hub.answersAtOnce("bearer  " + created.token())).isTrue();
        clock.advance(Duration.ofSeconds(10).minus(Authenticator.AT_ONCE_MARGIN).minusMillis(1));
        assertThat(hub.answersAtOnce(header)).isTrue();
        clock.advance(Duration.ofMillis(1));
        assertThat(hub.answersAtOnce(header)).as("its cache may end before the call reads it").isFalse();
        assertThat(hub.answersAtOnce(null)).isFalse();
        assertThat(hub.answersAtOnce("Bearer eyJhbGciOi.x.y")).as("a verifier may fetch its keys").isFalse();
        assertThat(hub.answersAtOnce("Basic " + created.token())).isFalse();
        assertThat(new Authenticator(store, clock, Duration.ZERO, List.of()).answersAtOnce(header))
                .as("no cache").isFalse();
    }

    /**
     * Streams end with their key ({@link Authenticator#openStream}): at its revocation here, at the first
     * sweep after its expiry, at the first sweep that reads it revoked elsewhere; and ids the store does
     * not know cost one read while they are remembered as unknown.
     */
    @org.junit.jupiter.api.Nested
    class StreamsEndWithTheirKey {
        final List<String> ended = new ArrayList<>();

        Principal signIn(Keys.Created key) {
            return auth.authenticate("Bearer " + key.token());
        }

        OpenStreams.Registration open(Principal who) {
            return openRecording(auth, who, ended);
        }

        @Test
        void revokingAKey_endsItsStreams_andNoOtherKeys() {
            Keys.Created agent = keys.create(ProjectId.of("shop"), Role.AGENT, "agent", null, admin);
            Keys.Created viewer = keys.create(ProjectId.of("shop"), Role.VIEWER, "viewer", null, admin);
            open(signIn(agent));
            open(signIn(agent));
            open(signIn(viewer));

            keys.revoke(agent.key().keyId(), admin);

            assertThat(ended).containsExactly("agent:KEY_REVOKED", "agent:KEY_REVOKED");
            assertThat(auth.openStreams().size()).isEqualTo(1);
        }

        @Test
        void aStreamThatEndedOnItsOwn_isNotEndedAgain() {
            Keys.Created agent = keys.create(ProjectId.of("shop"), Role.AGENT, "agent", null, admin);
            open(signIn(agent)).close();

            keys.revoke(agent.key().keyId(), admin);

            assertThat(ended).isEmpty();
        }

        @Test
        void aStreamOpenedAfterItsKeyWasRevoked_isRefused() {
            Keys.Created agent = keys.create(ProjectId.of("shop"), Role.AGENT, "agent", null, admin);
            Principal who = signIn(agent);
            keys.revoke(agent.key().keyId(), admin);

            CommandCenterException e = catchThrowableOfType(CommandCenterException.class, () -> open(who));

            assertThat(e.reason()).isEqualTo("KEY_REVOKED");
            assertThat(auth.openStreams().size()).isZero();
        }

        @Test
        void aSweep_endsTheStreamsOfAnExpiredKey_fromItsExpiryOn() {
            Keys.Created brief = keys.create(ProjectId.of("shop"), Role.VIEWER, "brief", Duration.ofHours(1), admin);
            Keys.Created lasting = keys.create(ProjectId.of("shop"), Role.VIEWER, "lasting", null, admin);
            open(signIn(brief));
            open(signIn(lasting));

            clock.advance(Duration.ofMinutes(59));
            auth.sweep();
            assertThat(ended).isEmpty();

            clock.advance(Duration.ofMinutes(1));
            auth.sweep();
            assertThat(ended).containsExactly("brief:KEY_EXPIRED");
        }

        @Test
        void aSweep_endsTheStreamsOfAKeyRevokedElsewhere_onceItsCacheEnds() {
            Keys.Created agent = keys.create(ProjectId.of("shop"), Role.AGENT, "agent", null, admin);
            open(signIn(agent));
            store.revoke(agent.key().keyId(), clock.instant()); // another hub's revocation: this one was not told
            int reads = store.reads.get();

            clock.advance(Duration.ofSeconds(9));
            auth.sweep();
            assertThat(ended).as("the cached key is trusted until its cache ends").isEmpty();
            assertThat(store.reads.get()).isEqualTo(reads);

            clock.advance(Duration.ofSeconds(1));
            auth.sweep();
            assertThat(ended).containsExactly("agent:KEY_REVOKED");
        }

        @Test
        void aSweep_readsEveryKeyWhoseCacheEnded_inOneRead() {
            List<Keys.Created> agents = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                agents.add(keys.create(ProjectId.of("shop"), Role.AGENT, "agent" + i, null, admin));
                open(signIn(agents.get(i)));
            }
            store.revoke(agents.get(1).key().keyId(), clock.instant()); // revoked elsewhere
            int reads = store.reads.get();

            clock.advance(Duration.ofSeconds(10));
            auth.sweep();

            assertThat(store.reads.get() - reads).isEqualTo(1);
            assertThat(ended).containsExactly("agent1:KEY_REVOKED");
            assertThat(auth.openStreams().size()).isEqualTo(2);
        }

        @Test
        void endingExpiredStreams_readsNothing() {
            Keys.Created brief = keys.create(ProjectId.of("shop"), Role.VIEWER, "brief", Duration.ofHours(1), admin);
            open(signIn(brief));
            int reads = store.reads.get();

            clock.advance(Duration.ofHours(1));
            auth.endExpired();

            assertThat(ended).containsExactly("brief:KEY_EXPIRED");
            assertThat(store.reads.get()).isEqualTo(reads);
        }

        @Test
        void revokingAKeyRevokedAlreadyElsewhere_isRefused_andEndsItsStreamsHere() {
            Keys.Created agent = keys.create(ProjectId.of("shop"), Role.AGENT, "agent", null, admin);
            open(signIn(agent));
            store.revoke(agent.key().keyId(), clock.instant());

            CommandCenterException e = catchThrowableOfType(CommandCenterException.class,
                    () -> keys.revoke(agent.key().keyId(), admin));

            assertThat(e.reason()).isEqualTo("KEY_REVOKED");
            assertThat(ended).containsExactly("agent:KEY_REVOKED");
        }

        @Test
        void anUnknownKeyId_isReadOnce_whileItIsRememberedAsUnknown() {
            String unknown = "Bearer cck_0123456789abcdef_" + "s".repeat(43);

            for (int i = 0; i < 50; i++) {
                assertThat(catchThrowableOfType(CommandCenterException.class, () -> auth.authenticate(unknown)).reason())
                        .isEqualTo("CREDENTIALS_INVALID");
            }
            assertThat(store.reads.get()).isEqualTo(1);

            clock.advance(Authenticator.UNKNOWN_FOR);
            catchThrowableOfType(CommandCenterException.class, () -> auth.authenticate(unknown));
            assertThat(store.reads.get()).as("read again once its time is over").isEqualTo(2);
        }
    }
    /**
     * Streams opened with an identity provider's token ({@link Authenticator.TokenVerifier}) end at the expiry
     * the verifier gave the principal, at the first sweep from then on, with {@code TOKEN_EXPIRED}; no key's
     * revocation ends them, even one whose id the token's holder repeats.
     */
    @org.junit.jupiter.api.Nested
    class TokenStreamsEndAtTheTokensExpiry {
        final List<String> ended = new ArrayList<>();
        final Instant expiry = clock.instant().plus(Duration.ofMinutes(5));
        final Principal ana = new Principal("ana", Role.VIEWER, ProjectId.of("shop"), "jwt:ana", expiry);
        final Authenticator withTokens = new Authenticator(store, clock, Duration.ofSeconds(10),
                List.of(token -> token.startsWith("ey") ? Optional.of(ana) : Optional.empty()));
        final Keys keysHere = new Keys(store, withTokens, new SecureRandom(), clock,
                io.commandcenter.hub.audit.MemoryAuditSpool.trail(new io.commandcenter.hub.audit.InMemoryAuditLedger(),
                        clock, "hub-1"));

        OpenStreams.Registration open(Principal who) {
            return openRecording(withTokens, who, ended);
        }

        @Test
        void aTokensStream_isEndedTokenExpired_byTheFirstSweepAtItsExpiry_notBefore() {
            Principal who = withTokens.authenticate("Bearer eyJhbGciOi.x.y");
            open(who);
            Keys.Created lasting = keysHere.create(ProjectId.of("shop"), Role.VIEWER, "lasting", null, admin);
            open(withTokens.authenticate("Bearer " + lasting.token()));

            clock.advance(Duration.ofMinutes(5).minusMillis(1));
            withTokens.sweep();
            assertThat(ended).as("a millisecond before its expiry").isEmpty();

            clock.advance(Duration.ofMillis(1));
            withTokens.endExpired();
            assertThat(ended).containsExactly("ana:TOKEN_EXPIRED");
            assertThat(withTokens.openStreams().size()).as("the key's stream runs on").isEqualTo(1);
            withTokens.sweep();
            assertThat(ended).as("ended once").containsExactly("ana:TOKEN_EXPIRED");
        }

        @Test
        void revokingAKey_neverEndsATokensStream_evenOneNamingThatKey() {
            Keys.Created agent = keysHere.create(ProjectId.of("shop"), Role.AGENT, "agent", null, admin);
            open(withTokens.authenticate("Bearer " + agent.token()));
            open(new Principal("mimic", Role.VIEWER, ProjectId.of("shop"), agent.key().keyId() + "-token", expiry));
            open(new Principal("sso", Role.VIEWER, ProjectId.of("shop"), "jwt:" + agent.key().keyId(), expiry));

            keysHere.revoke(agent.key().keyId(), admin);
            withTokens.forget("jwt:" + agent.key().keyId());
            withTokens.sweep();

            assertThat(ended).containsExactly("agent:KEY_REVOKED");
            assertThat(withTokens.openStreams().size()).isEqualTo(2);
            assertThat(withTokens.openStreams().keys()).isEmpty();
        }

        @Test
        void aTokenWithoutExpiry_keepsItsStream() {
            open(new Principal("service", Role.VIEWER, ProjectId.of("shop"), "jwt:service", null));

            clock.advance(Duration.ofDays(365));
            withTokens.sweep();

            assertThat(ended).isEmpty();
            assertThat(withTokens.openStreams().size()).isEqualTo(1);
        }

        @Test
        void aKeysStream_stillEndsKeyExpired_atTheKeysExpiry() {
            Keys.Created brief = keysHere.create(ProjectId.of("shop"), Role.VIEWER, "brief", Duration.ofHours(1), admin);
            Principal who = withTokens.authenticate("Bearer " + brief.token());
            assertThat(who.expiresAt()).isEqualTo(brief.key().expiresAt());
            open(who);

            clock.advance(Duration.ofHours(1));
            withTokens.endExpired();

            assertThat(ended).containsExactly("brief:KEY_EXPIRED");
        }
    }
}
